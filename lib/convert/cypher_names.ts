/**
 * Names (labels, relationship types, property keys) as quoted Cypher identifiers, per dialect.
 *
 * @module
 */

import { quote } from "../neo4j/cypher.ts";
import type { CypherDialect, LossNote } from "./cypher_literals.ts";

/**
 * Quotes a name for a dialect. Neo4j: {@link quote} (backticks doubled, backslashes escaped).
 * FalkorDB reads everything between backticks as it is, and no escape lets a backtick into a
 * name, so each backtick becomes `_` (reported to `note`).
 *
 * @param name The raw name.
 * @param dialect The target database.
 * @param note Receives a loss when the name had to change.
 * @returns The quoted identifier.
 *
 * @example Quote a name with a backtick for both dialects
 * ```ts
 * import assert from "node:assert/strict";
 * import { cypherName } from "./cypher_names.ts";
 * const notes: string[] = [];
 * assert.equal(cypherName("back`tick", "neo4j", (w) => notes.push(w)), "`back``tick`");
 * assert.equal(cypherName("back`tick", "falkordb", (w) => notes.push(w)), "`back_tick`");
 * assert.equal(cypherName("a\\b", "falkordb", (w) => notes.push(w)), "`a\\b`");
 * assert.equal(cypherName("two\nlines", "neo4j", (w) => notes.push(w)), "`two\\u000alines`");
 * assert.equal(notes.length, 1);
 * ```
 */
export function cypherName(name: string, dialect: CypherDialect, note: LossNote): string {
  if (dialect === "neo4j") {
    // Neo4j reads \u escapes inside backticks: a line break in a name stays off the line.
    return quote(name).replace(
      LINE_BREAKS,
      (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
    );
  }
  if (name.includes("`")) {
    note("backtick in a name", "replaced by '_' (FalkorDB names cannot hold one)");
    name = name.replaceAll("`", "_");
  }
  if (name.search(LINE_BREAKS) >= 0) {
    note("line break in a name", "replaced by '_' (a script line cannot hold one)");
    name = name.replace(LINE_BREAKS, "_");
  }
  return "`" + name + "`";
}

const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/g;
