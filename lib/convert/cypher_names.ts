/**
 * Names (labels, relationship types, property keys) as quoted Cypher identifiers, per dialect.
 *
 * @module
 */

import { quote } from "../neo4j/cypher.ts";
import type { CypherDialect, LossNote } from "./cypher_literals.ts";

/**
 * Quotes a name for a dialect, so that the statement holding it stays on one line and the name
 * comes back exactly, or as close as the target allows (every change reported to `note`).
 *
 * - Neo4j: {@link quote} (backticks doubled; backslashes, control characters and line breaks
 *   as `\u` escapes, which Neo4j reads back exactly).
 * - FalkorDB reads everything between backticks as it is, with no escape at all: a backtick
 *   and each character a line-by-line reader could split a line at (line feed, carriage return,
 *   vertical tab, form feed, U+001C to U+001E, NEL, the line and paragraph separators) become `_`.
 * - Neither database holds a NUL in a name (Neo4j refuses the statement, FalkorDB ends the query
 *   there and loses the entity without a word): it becomes `_`.
 *
 * @param name The raw name.
 * @param dialect The target database.
 * @param note Receives a loss when the name had to change.
 * @returns The quoted identifier.
 *
 * @example Quote a name with a backtick and one with a line break for both dialects
 * ```ts
 * import assert from "node:assert/strict";
 * import { cypherName } from "./cypher_names.ts";
 * const notes: string[] = [];
 * assert.equal(cypherName("back`tick", "neo4j", (w) => notes.push(w)), "`back``tick`");
 * assert.equal(cypherName("back`tick", "falkordb", (w) => notes.push(w)), "`back_tick`");
 * assert.equal(cypherName("a\\b", "falkordb", (w) => notes.push(w)), "`a\\b`");
 * assert.equal(cypherName("two\nlines", "neo4j", (w) => notes.push(w)), "`two\\u000Alines`");
 * assert.equal(cypherName("two\nlines", "falkordb", (w) => notes.push(w)), "`two_lines`");
 * assert.equal(cypherName("nul\0", "neo4j", (w) => notes.push(w)), "`nul_`");
 * assert.deepEqual(notes, ["backtick in a name", "line break in a name", "NUL character in a name"]);
 * ```
 */
export function cypherName(name: string, dialect: CypherDialect, note: LossNote): string {
  if (name.includes("\0")) {
    note("NUL character in a name", "replaced by '_' (Neo4j and FalkorDB names cannot hold one)");
    name = name.replaceAll("\0", "_");
  }
  if (dialect === "neo4j") return quote(name);
  if (name.includes("`")) {
    note("backtick in a name", "replaced by '_' (FalkorDB names cannot hold one)");
    name = name.replaceAll("`", "_");
  }
  if (LINE_BREAK.test(name)) {
    note("line break in a name", "replaced by '_' (a script line cannot hold one)");
    name = name.replace(LINE_BREAKS, "_");
  }
  return "`" + name + "`";
}

/** Every character that some line-by-line reader ends a line at (Python's `splitlines` too). */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const LINE_BREAK = /[\n\v\f\r\u001c-\u001e\u0085\u2028\u2029]/;
const LINE_BREAKS = new RegExp(LINE_BREAK.source, "g");
