/**
 * Schema records to the statements that recreate them on a given target (or the reason the
 * target cannot). Reading them from a database is `schema_read.ts`.
 *
 * @module
 */

import { labelPattern, literal, type LiteralValue, propertyType, quote } from "./cypher.ts";
import type {
  ConstraintRecord,
  EntityType,
  IndexRecord,
  Properties,
  PropertyValue,
  SchemaRecord,
} from "../format/records.ts";
import { atLeast, type ServerInfo } from "./server.ts";

/**
 * What to do with one schema record on a target: run a statement, or skip it and say why.
 * A statement may leave out parts of the item the target cannot hold (an index provider it
 * does not have, vector settings it does not know); `dropped` then says which.
 */
export type SchemaPlan = { statement: string; dropped?: string[] } | { skip: string };

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
 * The statement is rebuilt from the record's structured fields for the target's version, never
 * replayed from the source's `createStatement`: it runs under Cypher 5 and Cypher 25 alike.
 *
 * @param record The schema record from the backup.
 * @param target The target server.
 * @param sourceVersion The Neo4j version that wrote the backup (its header's `source.version`).
 * @returns A statement to run (with what it leaves out), or a reason to skip the item.
 *
 * @example Plan a range index for a 5.26 target
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSchema } from "./schema.ts";
 * const target = { version: "5.26.0", edition: "community", database: "neo4j", major: 5, minor: 26 };
 * const plan = planSchema({
 *   kind: "index", name: "by_name", type: "RANGE", entity: "NODE",
 *   labelsOrTypes: ["Person"], properties: ["name"], config: {},
 * }, target);
 * assert.ok("statement" in plan);
 * assert.equal(plan.statement, "CREATE RANGE INDEX `by_name` FOR (n:`Person`) ON (n.`name`)");
 * ```
 */
export function planSchema(
  record: SchemaRecord,
  target: ServerInfo,
  sourceVersion?: string,
): SchemaPlan {
  const oversized = oversizedSchema(record);
  if (oversized !== undefined) return { skip: oversized };
  return record.kind === "index"
    ? planIndex(record, target, sourceVersion)
    : planConstraint(record, target);
}

/**
 * The most characters the names and settings of one schema item may hold (1 Mi): no index or
 * constraint Neo4j makes comes near, and a statement (or a comment) built from a larger one
 * could outgrow the longest string JavaScript holds.
 */
const MAX_SCHEMA_CHARS = 1024 * 1024;

/**
 * Why a schema item is too large to write into a statement, if it is: its names and settings
 * hold more than 1 Mi characters.
 *
 * @param record The index or constraint.
 * @returns The reason, or `undefined` when its size is fine.
 *
 * @example An index with a name of two million characters
 * ```ts
 * import assert from "node:assert/strict";
 * import { oversizedSchema } from "./schema.ts";
 * const index = { kind: "index" as const, name: "i", type: "RANGE", entity: "NODE" as const,
 *   labelsOrTypes: ["A"], properties: ["p"], config: {} };
 * assert.equal(oversizedSchema(index), undefined);
 * assert.match(oversizedSchema({ ...index, name: "x".repeat(2e6) })!, /2000007 characters/);
 * ```
 */
export function oversizedSchema(record: SchemaRecord): string | undefined {
  const size = schemaChars(record);
  if (size <= MAX_SCHEMA_CHARS) return undefined;
  return `its names and settings hold ${size} characters, more than the ${MAX_SCHEMA_CHARS} a schema item may have`;
}

/** The characters of a schema item's strings (settings' other values count 32 each). */
function schemaChars(record: SchemaRecord): number {
  const strings = [record.name, record.type, ...record.labelsOrTypes, ...record.properties];
  if (record.provider !== undefined) strings.push(record.provider);
  if (record.kind === "constraint" && record.propertyType !== undefined) {
    strings.push(record.propertyType);
  }
  let n = strings.reduce((sum, s) => sum + String(s).length, 0);
  const walk = (v: unknown): void => {
    if (typeof v === "string") n += v.length;
    else if (Array.isArray(v)) v.forEach(walk);
    else n += 32;
  };
  for (const [key, value] of Object.entries(record.config ?? {})) {
    n += key.length;
    walk(value);
  }
  return n;
}

/**
 * The index providers whose choice matters, with the version that introduced each. Other
 * types have one provider per version, which the target picks itself.
 */
const PROVIDERS: Record<string, [number, number]> = {
  "text-1.0": [4, 4],
  "text-2.0": [5, 1],
  "vector-1.0": [5, 11],
  "vector-2.0": [5, 18],
};

/** The provider to ask the target for, or what is dropped because it cannot be. */
function providerFor(r: IndexRecord, target: ServerInfo): { provider?: string; dropped?: string } {
  // 2025.x and later ignore the option (Cypher 25 refuses it) and pick their newest provider.
  if (!r.provider || target.major >= 2025) return {};
  const since = PROVIDERS[r.provider];
  if (since && atLeast(target, since[0], since[1])) return { provider: r.provider };
  return { dropped: `index provider '${r.provider}' (the target's default is used)` };
}

/** The vector settings Neo4j 5.x knows (5.26; earlier 5.x know fewer). */
const VECTOR_KEYS_5 = new Set([
  "vector.dimensions",
  "vector.similarity_function",
  "vector.hnsw.m",
  "vector.hnsw.ef_construction",
  "vector.quantization.enabled",
]);

/**
 * A vector index configuration for the target: 5.x targets get the settings they know, and
 * 2025's `vector.quantization.type` NONE/BINARY becomes `vector.quantization.enabled` false/true
 * (the mapping 2025+ itself applies to 5.x indexes).
 */
function vectorConfig(config: Properties, target: ServerInfo): {
  config: Properties;
  dropped: string[];
} {
  if (target.major !== 5) return { config, dropped: [] };
  const out: Properties = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const quantization = key === "vector.quantization.type" &&
      (value === "NONE" || value === "BINARY") && !("vector.quantization.enabled" in config);
    if (VECTOR_KEYS_5.has(key)) out[key] = value;
    else if (quantization) out["vector.quantization.enabled"] = value === "BINARY";
    else dropped.push(`setting '${key}' = ${literal(toLiteral(value))}`);
  }
  return { config: out, dropped };
}

function planIndex(r: IndexRecord, target: ServerInfo, sourceVersion?: string): SchemaPlan {
  if (r.type !== "LOOKUP" && r.properties.length === 0) return { skip: "it names no property" };
  const v = r.entity === "NODE" ? "n" : "r";
  const name = quote(r.name);
  const on = pattern(r.entity, r.labelsOrTypes, v);
  const five = atLeast(target, 5, 0);
  const fromFour = sourceVersion !== undefined && parseInt(sourceVersion, 10) < 5;
  const { provider, dropped } = providerFor(r, target);
  const plan = (statement: string, more: string[] = []): SchemaPlan => {
    const all = [...(dropped ? [dropped] : []), ...more];
    return all.length ? { statement, dropped: all } : { statement };
  };
  switch (r.type) {
    case "LOOKUP":
      return {
        statement: r.entity === "NODE"
          ? `CREATE LOOKUP INDEX ${name} FOR (n) ON EACH labels(n)`
          : `CREATE LOOKUP INDEX ${name} FOR ()-[r]-() ON EACH type(r)`,
      };
    case "RANGE":
    case "BTREE": {
      // 4.4's planner uses BTREE indexes only; its RANGE indexes exist to prepare for 5.x. So a
      // 5.x range index becomes a BTREE on 4.4, and a 4.4 index keeps its type there.
      const kind = five ? "RANGE" : fromFour ? r.type : "BTREE";
      const config = kind === "BTREE" && r.type === "BTREE" ? optionsClause(r.config) : "";
      return {
        statement: `CREATE ${kind} INDEX ${name} FOR ${on} ON (${props(v, r.properties)})` + config,
      };
    }
    case "TEXT":
      return plan(
        `CREATE TEXT INDEX ${name} FOR ${on} ON (${props(v, r.properties)})` +
          optionsClause({}, provider),
      );
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
    case "VECTOR": {
      if (!atLeast(target, 5, 15)) {
        return { skip: `vector indexes need Neo4j 5.15 or later (target is ${target.version})` };
      }
      if (r.entity === "RELATIONSHIP" && !atLeast(target, 5, 18)) {
        return {
          skip:
            `relationship vector indexes need Neo4j 5.18 or later (target is ${target.version})`,
        };
      }
      const vector = vectorConfig(r.config, target);
      return plan(
        `CREATE VECTOR INDEX ${name} FOR ${on} ON (${props(v, r.properties)})` +
          optionsClause(vector.config, provider),
        vector.dropped,
      );
    }
    default:
      return { skip: `index type '${r.type}' is unknown to this version of neo4j-backup` };
  }
}

function planConstraint(r: ConstraintRecord, target: ServerInfo): SchemaPlan {
  if (ENTERPRISE_CONSTRAINTS.has(r.type) && target.edition !== "enterprise") {
    return { skip: `${r.type} constraints need Neo4j Enterprise (target is ${target.edition})` };
  }
  if (r.properties.length === 0) return { skip: "it names no property" };
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
    case "RELATIONSHIP_PROPERTY_TYPE": {
      if (!atLeast(target, 5, 9)) {
        return {
          skip: `property type constraints need Neo4j 5.9 or later (target is ${target.version})`,
        };
      }
      // The type is the one part of a statement that cannot be quoted: it must parse as a type.
      const type = propertyType(r.propertyType ?? "");
      if (type === undefined) {
        return {
          skip: `its property type ${
            JSON.stringify(r.propertyType ?? null)
          } is not a Cypher property type`,
        };
      }
      return { statement: `${head} REQUIRE ${list[0]} IS :: ${type}` };
    }
    default:
      return { skip: `constraint type '${r.type}' is unknown to this version of neo4j-backup` };
  }
}

/**
 * A readable one-line description of a schema item, for warnings and summaries.
 *
 * @param record The schema item.
 * @returns E.g. `RANGE index 'by_name' on :\`Person\``.
 *
 * @example Describe an index
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeSchema } from "./schema.ts";
 * const text = describeSchema({
 *   kind: "index", name: "by_name", type: "RANGE", entity: "NODE",
 *   labelsOrTypes: ["Person"], properties: ["name"], config: {},
 * });
 * assert.equal(text, "RANGE index 'by_name' on :`Person`");
 * ```
 */
export function describeSchema(record: SchemaRecord): string {
  const on = record.labelsOrTypes.length ? ` on ${labelPattern(record.labelsOrTypes)}` : "";
  const what = record.kind === "index" ? `${record.type} index` : `${record.type} constraint`;
  return `${what} '${record.name}'${on}`;
}
