/**
 * Schema: `SHOW INDEXES` / `SHOW CONSTRAINTS` output to schema records, and schema records to the
 * statements that recreate them on a given target (or the reason the target cannot).
 *
 * @module
 */

import type { ManagedTransaction, Record as Neo4jRecord, Transaction } from "neo4j-driver";
import { labelPattern, literal, type LiteralValue, quote } from "./cypher.ts";
import type {
  ConstraintRecord,
  EntityType,
  IndexRecord,
  Properties,
  PropertyValue,
  SchemaRecord,
} from "./records.ts";
import { atLeast, type ServerInfo } from "./server.ts";

type Row = Record<string, unknown>;

function rows(records: Neo4jRecord[]): Row[] {
  return records.map((r) => r.toObject() as Row);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function optionsOf(row: Row): { provider?: string; config: Properties } {
  const options = (row.options ?? {}) as { indexProvider?: string; indexConfig?: Properties };
  const provider = options.indexProvider ?? (row.indexProvider as string | undefined);
  return { provider: provider ?? undefined, config: { ...(options.indexConfig ?? {}) } };
}

/** Constraint type names across versions (Cypher 25 renamed some) to the names we write. */
const CONSTRAINT_TYPES: Record<string, string> = {
  NODE_PROPERTY_UNIQUENESS: "UNIQUENESS",
  RELATIONSHIP_PROPERTY_UNIQUENESS: "RELATIONSHIP_UNIQUENESS",
};

/**
 * Reads a database's indexes and constraints as schema records, constraints first. Indexes
 * owned by a constraint are left out: the constraint recreates them.
 *
 * @param tx A transaction on the source database.
 * @returns The schema records.
 *
 * @example
 * ```ts ignore
 * const schema = await session.executeRead((tx) => readSchema(tx));
 * console.log(schema.map((s) => `${s.kind} ${s.name}`));
 * ```
 */
export async function readSchema(tx: ManagedTransaction | Transaction): Promise<SchemaRecord[]> {
  const constraints = rows((await tx.run("SHOW CONSTRAINTS YIELD *")).records);
  const indexes = rows((await tx.run("SHOW INDEXES YIELD *")).records);
  const owned = new Set(constraints.map((c) => c.ownedIndex ?? c.name).map(String));
  const out: SchemaRecord[] = [];
  for (const c of constraints) {
    const type = String(c.type);
    const record: ConstraintRecord = {
      kind: "constraint",
      name: String(c.name),
      type: CONSTRAINT_TYPES[type] ?? type,
      entity: String(c.entityType) as EntityType,
      labelsOrTypes: strings(c.labelsOrTypes),
      properties: strings(c.properties),
      ...optionsOf(c),
    };
    if (c.propertyType != null) record.propertyType = String(c.propertyType);
    if (c.createStatement != null) record.statement = String(c.createStatement);
    if (record.provider === undefined) delete record.provider;
    out.push(record);
  }
  for (const i of indexes) {
    const isOwned = i.owningConstraint != null || i.uniqueness === "UNIQUE" ||
      (owned.has(String(i.name)) && i.type !== "LOOKUP");
    if (isOwned) continue;
    const record: IndexRecord = {
      kind: "index",
      name: String(i.name),
      type: String(i.type),
      entity: String(i.entityType) as EntityType,
      labelsOrTypes: strings(i.labelsOrTypes),
      properties: strings(i.properties),
      ...optionsOf(i),
    };
    if (i.createStatement != null) record.statement = String(i.createStatement);
    if (record.provider === undefined) delete record.provider;
    out.push(record);
  }
  return out;
}

/** What to do with one schema record on a target: run a statement, or skip it and say why. */
export type SchemaPlan = { statement: string } | { skip: string };

function pattern(entity: EntityType, labelsOrTypes: string[], variable: string): string {
  if (entity === "NODE") {
    return `(${variable}${labelsOrTypes.length ? ":" + labelsOrTypes.map(quote).join("|") : ""})`;
  }
  return `()-[${variable}${
    labelsOrTypes.length ? ":" + labelsOrTypes.map(quote).join("|") : ""
  }]-()`;
}

function props(variable: string, properties: string[]): string[] {
  return properties.map((p) => `${variable}.${quote(p)}`);
}

function toLiteral(v: PropertyValue): LiteralValue {
  if (Array.isArray(v)) return v.map((x) => toLiteral(x));
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v;
  if (v && typeof v === "object" && "toBigInt" in v) {
    return (v as { toBigInt(): bigint }).toBigInt();
  }
  return String(v);
}

function optionsClause(config: Properties, provider?: string): string {
  const keys = Object.keys(config);
  const parts: string[] = [];
  if (provider) parts.push(`indexProvider: ${literal(provider)}`);
  if (keys.length) {
    const map: Record<string, LiteralValue> = {};
    for (const k of keys) map[k] = toLiteral(config[k]);
    parts.push(`indexConfig: ${literal(map)}`);
  }
  return parts.length ? ` OPTIONS {${parts.join(", ")}}` : "";
}

const ENTERPRISE_CONSTRAINTS = new Set([
  "NODE_KEY",
  "RELATIONSHIP_KEY",
  "NODE_PROPERTY_EXISTENCE",
  "RELATIONSHIP_PROPERTY_EXISTENCE",
  "NODE_PROPERTY_TYPE",
  "RELATIONSHIP_PROPERTY_TYPE",
]);

/**
 * Plans the statement that recreates a schema record on a target, or the reason it cannot be.
 *
 * @param record The schema record from the backup.
 * @param target The target server.
 * @returns A statement to run, or a reason to skip the item.
 *
 * @example
 * ```ts
 * import { planSchema } from "./schema.ts";
 * const target = { version: "5.26.0", edition: "community", database: "neo4j", major: 5, minor: 26 };
 * const plan = planSchema({
 *   kind: "index", name: "by_name", type: "RANGE", entity: "NODE",
 *   labelsOrTypes: ["Person"], properties: ["name"], config: {},
 * }, target);
 * console.assert("statement" in plan && plan.statement === "CREATE RANGE INDEX `by_name` FOR (n:`Person`) ON (n.`name`)");
 * ```
 */
export function planSchema(record: SchemaRecord, target: ServerInfo): SchemaPlan {
  return record.kind === "index" ? planIndex(record, target) : planConstraint(record, target);
}

function planIndex(r: IndexRecord, target: ServerInfo): SchemaPlan {
  const v = r.entity === "NODE" ? "n" : "r";
  const name = quote(r.name);
  const on = pattern(r.entity, r.labelsOrTypes, v);
  const five = atLeast(target, 5, 0);
  switch (r.type) {
    case "LOOKUP":
      return {
        statement: r.entity === "NODE"
          ? `CREATE LOOKUP INDEX ${name} FOR (n) ON EACH labels(n)`
          : `CREATE LOOKUP INDEX ${name} FOR ()-[r]-() ON EACH type(r)`,
      };
    case "RANGE":
    case "BTREE": {
      const kind = five ? "RANGE" : "BTREE";
      return { statement: `CREATE ${kind} INDEX ${name} FOR ${on} ON (${props(v, r.properties)})` };
    }
    case "TEXT": {
      const provider = r.provider === "text-2.0" && !atLeast(target, 5, 1) ? undefined : r.provider;
      return {
        statement: `CREATE TEXT INDEX ${name} FOR ${on} ON (${props(v, r.properties)})` +
          optionsClause({}, provider),
      };
    }
    case "POINT":
      return {
        statement: `CREATE POINT INDEX ${name} FOR ${on} ON (${props(v, r.properties)})` +
          optionsClause(r.config),
      };
    case "FULLTEXT":
      return {
        statement:
          `CREATE FULLTEXT INDEX ${name} FOR ${on} ON EACH [${props(v, r.properties).join(", ")}]` +
          optionsClause(r.config),
      };
    case "VECTOR":
      if (!atLeast(target, 5, 15)) {
        return { skip: `vector indexes need Neo4j 5.15 or later (target is ${target.version})` };
      }
      return {
        statement: `CREATE VECTOR INDEX ${name} FOR ${on} ON (${props(v, r.properties)})` +
          optionsClause(r.config),
      };
    default:
      return { skip: `index type '${r.type}' is unknown to this version of neo4j-backup` };
  }
}

function planConstraint(r: ConstraintRecord, target: ServerInfo): SchemaPlan {
  if (ENTERPRISE_CONSTRAINTS.has(r.type) && target.edition !== "enterprise") {
    return { skip: `${r.type} constraints need Neo4j Enterprise (target is ${target.edition})` };
  }
  const v = r.entity === "NODE" ? "n" : "r";
  const head = `CREATE CONSTRAINT ${quote(r.name)} FOR ${pattern(r.entity, r.labelsOrTypes, v)}`;
  const list = props(v, r.properties);
  const tuple = `(${list.join(", ")})`;
  switch (r.type) {
    case "UNIQUENESS":
      return { statement: `${head} REQUIRE ${tuple} IS UNIQUE` };
    case "RELATIONSHIP_UNIQUENESS":
      if (!atLeast(target, 5, 7)) {
        return {
          skip: `relationship uniqueness needs Neo4j 5.7 or later (target is ${target.version})`,
        };
      }
      return { statement: `${head} REQUIRE ${tuple} IS UNIQUE` };
    case "NODE_KEY":
      return { statement: `${head} REQUIRE ${tuple} IS NODE KEY` };
    case "RELATIONSHIP_KEY":
      if (!atLeast(target, 5, 7)) {
        return { skip: `relationship keys need Neo4j 5.7 or later (target is ${target.version})` };
      }
      return { statement: `${head} REQUIRE ${tuple} IS RELATIONSHIP KEY` };
    case "NODE_PROPERTY_EXISTENCE":
    case "RELATIONSHIP_PROPERTY_EXISTENCE":
      return { statement: `${head} REQUIRE ${list[0]} IS NOT NULL` };
    case "NODE_PROPERTY_TYPE":
    case "RELATIONSHIP_PROPERTY_TYPE":
      if (!atLeast(target, 5, 9)) {
        return {
          skip: `property type constraints need Neo4j 5.9 or later (target is ${target.version})`,
        };
      }
      return { statement: `${head} REQUIRE ${list[0]} IS :: ${r.propertyType}` };
    default:
      return { skip: `constraint type '${r.type}' is unknown to this version of neo4j-backup` };
  }
}

/** A readable one-line description of a schema item, for warnings and summaries. */
export function describeSchema(record: SchemaRecord): string {
  const on = record.labelsOrTypes.length ? ` on ${labelPattern(record.labelsOrTypes)}` : "";
  const what = record.kind === "index" ? `${record.type} index` : `${record.type} constraint`;
  return `${what} '${record.name}'${on}`;
}
