/**
 * A database's schema as records: `SHOW CONSTRAINTS` and `SHOW INDEXES` output to constraint
 * and index records, across the versions' column names.
 *
 * @module
 */

import type { ManagedTransaction, Record as Neo4jRecord, Transaction } from "neo4j-driver";
import type {
  ConstraintRecord,
  EntityType,
  IndexRecord,
  Properties,
  SchemaRecord,
} from "../format/records.ts";

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
 * @example Read the schema of a database
 * ```ts ignore
 * import { readSchema } from "./schema_read.ts";
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
