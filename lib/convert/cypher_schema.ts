/**
 * A backup's indexes and constraints as script statements: for Neo4j through the same planning
 * the import uses (lib/neo4j/schema.ts), for FalkorDB with its own index syntax. What a target
 * cannot hold goes into the loss report.
 *
 * @module
 */

import type { SchemaRecord } from "../format/records.ts";
import { quote, schemaNameKept } from "../neo4j/cypher.ts";
import { describeSchema, oversizedSchema, planSchema } from "../neo4j/schema.ts";
import type { ServerInfo } from "../neo4j/server.ts";
import { UsageError } from "../errors.ts";
import type { CypherDialect } from "./cypher_literals.ts";
import { cypherName } from "./cypher_names.ts";
import type { LossReport } from "./loss_report.ts";

/** The target a script's schema is planned for. */
export interface SchemaTarget {
  /** The target database. */
  dialect: CypherDialect;
  /** The target's version (`"4.4"`, `"5.26"`, `"2025"`, ...); read for Neo4j only. */
  targetVersion: string;
  /** The Neo4j edition: Community refuses key, existence and type constraints. */
  edition: "community" | "enterprise";
}

/**
 * The server facts {@link planSchema} plans for, from a version as a user writes it: `"5"`
 * means the 5.26 LTS, a year alone (`"2025"`) that year's first release.
 *
 * @param version E.g. `"4.4"`, `"5"`, `"5.26"`, `"2025"`, `"2026.01"`.
 * @param edition `"community"` or `"enterprise"`.
 * @returns The target as a server description.
 * @throws {UsageError} When the version is not one Neo4j has.
 *
 * @example Read target versions
 * ```ts
 * import assert from "node:assert/strict";
 * import { neo4jTarget } from "./cypher_schema.ts";
 * assert.equal(neo4jTarget("5", "community").minor, 26);
 * assert.equal(neo4jTarget("2025.08", "community").major, 2025);
 * assert.throws(() => neo4jTarget("3.5", "community"));
 * ```
 */
export function neo4jTarget(version: string, edition: string): ServerInfo {
  const m = /^(\d+)(?:\.(\d+))?(?:\.\d+)?$/.exec(version.trim());
  const major = m ? Number(m[1]) : NaN;
  if (!m || !(major === 4 || major === 5 || major >= 2025)) {
    throw new UsageError(
      `Cannot write Cypher for Neo4j '${version}': give 4.4, 5.x or 2025 and later`,
    );
  }
  const minor = m[2] !== undefined ? Number(m[2]) : major === 5 ? 26 : major === 4 ? 4 : 1;
  if (major === 4 && minor !== 4) {
    throw new UsageError(`Cannot write Cypher for Neo4j '${version}': of 4.x only 4.4 is known`);
  }
  return { version, edition, database: "neo4j", major, minor };
}

/**
 * The statements that recreate one schema item on the target, each to run on its own line.
 * Losses (items skipped, parts left out, FalkorDB's differences) are added to `loss`.
 *
 * @param record The index or constraint.
 * @param target The target.
 * @param sourceVersion The source's Neo4j version, from the backup's header.
 * @param loss Receives what is not carried.
 * @returns The statements, none when the item is not carried.
 *
 * @example Plan a range index for Neo4j 5.26 and for FalkorDB
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaStatements } from "./cypher_schema.ts";
 * import { LossReport } from "./loss_report.ts";
 * const index = {
 *   kind: "index" as const, name: "by_name", type: "RANGE", entity: "NODE" as const,
 *   labelsOrTypes: ["Person"], properties: ["name"], config: {},
 * };
 * const loss = new LossReport();
 * const neo = { dialect: "neo4j" as const, targetVersion: "5.26", edition: "community" as const };
 * assert.deepEqual(schemaStatements(index, neo, "5.26.0", loss), [
 *   "CREATE RANGE INDEX `by_name` FOR (n:`Person`) ON (n.`name`)",
 * ]);
 * const falkor = { ...neo, dialect: "falkordb" as const };
 * assert.deepEqual(schemaStatements(index, falkor, "5.26.0", loss), [
 *   "CREATE INDEX FOR (n:`Person`) ON (n.`name`)",
 * ]);
 * ```
 */
export function schemaStatements(
  record: SchemaRecord,
  target: SchemaTarget,
  sourceVersion: string | undefined,
  loss: LossReport,
): string[] {
  return target.dialect === "neo4j"
    ? neo4jStatements(record, target, sourceVersion, loss)
    : falkorStatements(record, loss);
}

function neo4jStatements(
  record: SchemaRecord,
  target: SchemaTarget,
  sourceVersion: string | undefined,
  loss: LossReport,
): string[] {
  record = forNeo4j(record, loss);
  const plan = planSchema(record, neo4jTarget(target.targetVersion, target.edition), sourceVersion);
  const what = describeSchema(record);
  if ("skip" in plan) {
    loss.add(record.name, what, `not created: ${plan.skip}`);
    return [];
  }
  for (const part of plan.dropped ?? []) loss.add(record.name, part, "left out");
  if (record.kind === "index" && record.type === "LOOKUP") {
    // A new database has both lookup indexes already, under names of its own: the script keeps
    // them rather than fail on an equivalent index.
    loss.add(record.name, what, "created only if the target has none (it keeps its own name)");
    const name = quote(record.name);
    return [plan.statement.replace(name, () => `${name} IF NOT EXISTS`)];
  }
  return [plan.statement];
}

/**
 * The schema item with each NUL in its names replaced by `_` (reported to `loss`): Neo4j refuses
 * a name that holds one, which would fail the statement and the script with it.
 *
 * @param record The index or constraint.
 * @param loss Receives the change.
 * @returns The record, or a copy with its names changed.
 *
 * @example Replace a NUL in a property name
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutNul } from "./cypher_schema.ts";
 * import { LossReport } from "./loss_report.ts";
 * const loss = new LossReport();
 * const record = withoutNul({ kind: "index", name: "i", type: "RANGE", entity: "NODE",
 *   labelsOrTypes: ["A"], properties: ["a\0b"], config: {} }, loss);
 * assert.deepEqual(record.properties, ["a_b"]);
 * assert.equal(loss.entries()[0].what, "NUL character in a name");
 * ```
 */
export function withoutNul(record: SchemaRecord, loss: LossReport): SchemaRecord {
  const names = [record.name, ...record.labelsOrTypes, ...record.properties];
  if (!names.some((n) => n.includes("\0"))) return record;
  loss.add(
    record.name,
    "NUL character in a name",
    "replaced by '_' (Neo4j names cannot hold one)",
  );
  const fix = (n: string) => n.replaceAll("\0", "_");
  return {
    ...record,
    name: fix(record.name),
    labelsOrTypes: record.labelsOrTypes.map(fix),
    properties: record.properties.map(fix),
  };
}

/**
 * The schema item as Neo4j will hold it: each NUL in its names replaced ({@link withoutNul}), and
 * a name with spaces or control characters at either end reported, since Neo4j trims them off
 * an index or constraint name as Java's `String.trim()` does, even between backticks.
 *
 * @param record The index or constraint.
 * @param loss Receives the changes.
 * @returns The record, or a copy with its names changed.
 *
 * @example Report a name Neo4j trims
 * ```ts
 * import assert from "node:assert/strict";
 * import { forNeo4j } from "./cypher_schema.ts";
 * import { LossReport } from "./loss_report.ts";
 * const loss = new LossReport();
 * forNeo4j({ kind: "index", name: " by_name\t", type: "RANGE", entity: "NODE",
 *   labelsOrTypes: ["A"], properties: ["a"], config: {} }, loss);
 * assert.equal(loss.entries()[0].action, "created as 'by_name' (Neo4j trims a schema name)");
 * ```
 */
export function forNeo4j(record: SchemaRecord, loss: LossReport): SchemaRecord {
  record = withoutNul(record, loss);
  const trimmed = schemaNameKept(record.name);
  if (trimmed !== record.name) {
    loss.add(
      record.name,
      "space or control character at the start or end of a schema name",
      `created as '${trimmed}' (Neo4j trims a schema name)`,
    );
  }
  return record;
}

function falkorStatements(record: SchemaRecord, loss: LossReport): string[] {
  const what = describeSchema(record);
  const oversized = oversizedSchema(record);
  if (oversized !== undefined) {
    loss.add(record.name, what, `not created: ${oversized}`);
    return [];
  }
  if (record.kind === "constraint") {
    loss.add(
      record.name,
      what,
      "not created: FalkorDB constraints are Redis commands (GRAPH.CONSTRAINT CREATE), not Cypher",
    );
    return [];
  }
  if (record.type === "LOOKUP") {
    loss.add(record.name, what, "not created: FalkorDB finds nodes by label without one");
    return [];
  }
  const keyword = FALKOR_INDEX[record.type];
  if (keyword === undefined || record.properties.length === 0) {
    loss.add(record.name, what, "not created: FalkorDB has no such index");
    return [];
  }
  const note = (w: string, action: string) => loss.add(record.name, w, action);
  const v = record.entity === "NODE" ? "n" : "r";
  const on = record.properties.map((p) => `${v}.${cypherName(p, "falkordb", note)}`).join(", ");
  const options = record.type === "VECTOR" ? vectorOptions(record.config, note) : "";
  if (options === undefined) return [];
  if (record.type === "TEXT" || record.type === "POINT") {
    loss.add(record.name, what, "created as a FalkorDB range index");
  }
  if (record.properties.length > 1 && keyword === "") {
    loss.add(record.name, "composite index", "created as one index per property");
  }
  if (Object.keys(record.config).length && record.type !== "VECTOR") {
    loss.add(record.name, "index settings", "left out (FalkorDB's defaults are used)");
  }
  loss.add(record.name, "index name", "not kept (FalkorDB indexes have no names)");
  return record.labelsOrTypes.map((label) => {
    const name = cypherName(label, "falkordb", note);
    const pattern = record.entity === "NODE" ? `(n:${name})` : `()-[r:${name}]-()`;
    return `CREATE ${keyword}INDEX FOR ${pattern} ON (${on})${options}`;
  });
}

/** Neo4j index types to FalkorDB's index keyword (`""` is FalkorDB's range index). */
const FALKOR_INDEX: Record<string, string> = {
  RANGE: "",
  BTREE: "",
  TEXT: "",
  POINT: "",
  FULLTEXT: "FULLTEXT ",
  VECTOR: "VECTOR ",
};

/** FalkorDB's vector options from Neo4j's index config, or `undefined` without dimensions. */
function vectorOptions(
  config: Record<string, unknown>,
  note: (what: string, action: string) => void,
): string | undefined {
  const dimension = Number(config["vector.dimensions"]);
  if (!Number.isInteger(dimension) || dimension <= 0) {
    note("vector index", "not created: it has no vector.dimensions");
    return undefined;
  }
  const similarity = String(config["vector.similarity_function"] ?? "cosine").toLowerCase();
  for (const key of Object.keys(config)) {
    if (key !== "vector.dimensions" && key !== "vector.similarity_function") {
      note(`setting '${key}'`, "left out (FalkorDB has no such vector setting)");
    }
  }
  note("vector index", "created; FalkorDB indexes vecf32() values only, lists stay lists");
  return ` OPTIONS {dimension: ${dimension}, similarityFunction: '${
    similarity === "euclidean" ? "euclidean" : "cosine"
  }'}`;
}
