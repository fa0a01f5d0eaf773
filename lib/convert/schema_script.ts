/**
 * The backup's indexes and constraints as a Cypher script for a target Neo4j line, one statement
 * per line, planned by the same code as `import` (`planSchema` in lib/neo4j/schema.ts).
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { SchemaRecord } from "../format/records.ts";
import { planSchema } from "../neo4j/schema.ts";
import type { ServerInfo } from "../neo4j/server.ts";
import { clipText, commentText } from "./comment_text.ts";
import { forNeo4j } from "./cypher_schema.ts";
import type { LossReport } from "./loss_report.ts";

/**
 * Describes a target Neo4j by its version, as `planSchema` needs it.
 *
 * @param version `"4.4"`, `"5.26"`, `"2025.01"`, `"2026"`, ... (major, or major.minor).
 * @param edition `"community"` (the default) or `"enterprise"`.
 * @returns The target's description.
 * @throws {UsageError} When the version is not a Neo4j version.
 *
 * @example Describe a 4.4 target
 * ```ts
 * import assert from "node:assert/strict";
 * import { targetServer } from "./schema_script.ts";
 * assert.equal(targetServer("4.4").minor, 4);
 * assert.equal(targetServer("2025").major, 2025);
 * ```
 */
export function targetServer(version: string, edition = "community"): ServerInfo {
  const m = version.match(/^(\d+)(?:\.(\d+))?(?:\.\d+)?$/);
  const major = m ? Number(m[1]) : NaN;
  const minor = m?.[2] === undefined ? (major >= 2025 ? 1 : 0) : Number(m[2]);
  if (!m || !(major === 4 || major === 5 || major >= 2025)) {
    throw new UsageError(
      `Invalid value '${version}' for '--target-version': expected a Neo4j version such as 4.4, 5.26 or 2025.01`,
    );
  }
  return { version, edition, database: "neo4j", major, minor };
}

/**
 * Builds the script: one statement per line ended by `;` (cypher-shell `-f` runs it), then a
 * wait for the indexes. Items Community cannot hold are written commented out with a note;
 * items the target line cannot hold at all are comments and entries in the loss report.
 *
 * Every line is a whole statement or a `//` comment, whatever the backup's names hold: names in
 * statements are quoted (`quote` in lib/neo4j/cypher.ts writes line breaks as `\u` escapes),
 * and comments go through {@link commentText}, so that no name can end a comment and start a
 * statement (not even with a `\u000A`, which Neo4j reads inside a comment that cypher-shell sends
 * along). A NUL in a name, which Neo4j refuses, becomes `_` (reported).
 *
 * @param schema The backup's schema records.
 * @param targetVersion The target line, e.g. `"5.26"`.
 * @param sourceVersion The Neo4j version that wrote the backup.
 * @param loss Receives what cannot be recreated.
 * @returns The script's lines, without newlines.
 *
 * @example A range index for 5.26, and a lookup index with a name that tries to add a statement
 * ```ts
 * import assert from "node:assert/strict";
 * import { LossReport } from "./loss_report.ts";
 * import { schemaScript } from "./schema_script.ts";
 * const lines = schemaScript([
 *   { kind: "index", name: "by_name", type: "RANGE", entity: "NODE", labelsOrTypes: ["Person"],
 *     properties: ["name"], config: {} },
 *   { kind: "index", name: "x\nMATCH (n) DETACH DELETE n;", type: "LOOKUP", entity: "NODE",
 *     labelsOrTypes: [], properties: [], config: {} },
 * ], "5.26", "5.26.0", new LossReport());
 * assert.ok(lines.includes("CREATE RANGE INDEX `by_name` FOR (n:`Person`) ON (n.`name`);"));
 * assert.ok(lines.every((l) => l.startsWith("//") || /^(CREATE|CALL) .*;$/.test(l)));
 * ```
 */
export function schemaScript(
  schema: SchemaRecord[],
  targetVersion: string,
  sourceVersion: string,
  loss: LossReport,
): string[] {
  const community = targetServer(targetVersion);
  const enterprise = targetServer(targetVersion, "enterprise");
  const comment = (text: string) => `// ${commentText(text)}`;
  const lines = [
    `// Indexes and constraints of the backup for Neo4j ${targetVersion}: run after neo4j-admin import,`,
    "// e.g. cypher-shell -d neo4j -f schema.cypher",
  ];
  for (const item of schema) {
    const record = forNeo4j(item, loss);
    const name = clipText(record.name);
    if (record.kind === "index" && record.type === "LOOKUP") {
      lines.push(comment(`${name}: lookup index; neo4j-admin import creates the lookup indexes`));
      loss.add(record.name, "LOOKUP index", "not in schema.cypher: the import creates its own");
      continue;
    }
    const plan = planSchema(record, community, sourceVersion);
    if ("statement" in plan) {
      lines.push(`${plan.statement};`);
      for (const part of plan.dropped ?? []) loss.add(record.name, part, "left out");
      continue;
    }
    const other = planSchema(record, enterprise, sourceVersion);
    if ("statement" in other) {
      lines.push(comment(`Neo4j Enterprise only: ${other.statement};`));
      loss.add(record.name, `${record.type} constraint`, "commented out (Enterprise only)");
    } else {
      lines.push(comment(`${name}: not created: ${plan.skip}`));
      loss.add(record.name, `${record.kind} ${record.type}`, `left out: ${plan.skip}`);
    }
  }
  lines.push("CALL db.awaitIndexes(3600);");
  return lines;
}
