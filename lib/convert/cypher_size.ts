/**
 * How long the Cypher text of a node or relationship will be, known before it is built: a
 * script refuses a record whose statement would be too long, instead of building a string that
 * outgrows what JavaScript holds (about 512 Mi code units) and gigabytes of memory on the way.
 *
 * @module
 */

import type { NodeRecord, PropertyValue, RelationshipRecord } from "../format/records.ts";
import { type CypherDialect, cypherValue } from "./cypher_literals.ts";

/** The parts of a record's Cypher text, with their sizes in UTF-16 code units. */
export interface RecordSize {
  /** The whole: labels or type, every key and value, and room for the statement around them. */
  total: number;
  /** The largest part: `"labels"`, `"type"`, or the property key whose value it is. */
  largest: { part: string; size: number; property: boolean };
}

/** The characters of a statement beyond its names and values (temporary names, keywords, ids). */
const STATEMENT_CHARS = 512;

/**
 * The size of a record's Cypher text. With `exact` false, an upper bound made without reading
 * the strings (every character counted as its longest escape); with `exact` true, the length
 * the script writer produces, strings scanned character by character.
 *
 * @param record The node or relationship.
 * @param dialect The target database.
 * @param exact Whether to scan the strings.
 * @returns The total and its largest part.
 *
 * @example Bound and measure a node with a string of control characters
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordSize } from "./cypher_size.ts";
 * const node = { kind: "node" as const, id: 0, labels: ["A"], props: { s: "\u007f".repeat(10) } };
 * assert.deepEqual(recordSize(node, "neo4j", true).largest, { part: "s", size: 69, property: true });
 * const size = (exact: boolean) => recordSize(node, "neo4j", exact);
 * assert.ok(size(false).total >= size(true).total);
 * ```
 */
export function recordSize(
  record: NodeRecord | RelationshipRecord,
  dialect: CypherDialect,
  exact: boolean,
): RecordSize {
  const names = record.kind === "node" ? record.labels : [record.type];
  let namesSize = 0;
  for (const name of names) namesSize += nameChars(name, dialect, exact) + 1;
  const part = record.kind === "node" ? "labels" : "type";
  let largest = { part, size: namesSize, property: false };
  let total = STATEMENT_CHARS + namesSize;
  for (const [key, value] of Object.entries(record.props)) {
    const size = nameChars(key, dialect, exact) + 2 + valueChars(value, dialect, exact) + 2;
    total += size;
    if (size > largest.size) largest = { part: key, size, property: true };
  }
  return { total, largest };
}

/** A quoted name's length: Neo4j escapes a backtick in two, a backslash or control in six. */
function nameChars(name: string, dialect: CypherDialect, exact: boolean): number {
  if (dialect === "falkordb") return name.length + 2;
  if (!exact) return 6 * name.length + 2;
  let n = name.length + 2;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x60) n += 1;
    else if (c === 0x5c || isControl(c)) n += 5;
  }
  return n;
}

/** The characters of a value's literal (a byte array has none: it is left out). */
function valueChars(value: PropertyValue, dialect: CypherDialect, exact: boolean): number {
  if (value instanceof Int8Array || value instanceof Uint8Array) return 0;
  if (Array.isArray(value)) {
    let n = 2;
    for (const v of value) n += valueChars(v, dialect, exact) + 2;
    return n;
  }
  if (typeof value !== "string") {
    // Numbers, temporal values and points take a few dozen characters at most.
    return exact ? (cypherValue(value, dialect, () => {}) ?? "").length : 256;
  }
  if (!exact) return 6 * value.length + 2;
  let n = value.length + 2;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (dialect === "falkordb") {
      if (c === 0x5c || c === 0x27 || c === 0x0a || c === 0x0d) n += 1;
      else if (c === 0) n -= 1;
    } else if (c === 0x5c || c === 0x27) n += 1;
    else if (isControl(c)) n += 5;
  }
  return n;
}

/** The characters Neo4j's writer escapes as `\u` and four hex digits. */
function isControl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
}
