/**
 * The property keys of a label set or a relationship type, tallied with the value types seen,
 * and the names of those types as Neo4j gives them.
 *
 * @module
 */

import neo4j from "neo4j-driver";
import type { Properties, PropertyValue } from "../format/records.ts";
import type { PropertyKeyContents } from "./contents.ts";

/** Value types and counts of one property key. */
export type KeyTally = { count: number; types: Map<string, number> };

/** Property keys of a label set or a type. */
export type PropertyTally = Map<string, KeyTally>;

/**
 * Names the type of a property value as Neo4j does.
 *
 * @param value A decoded property value.
 * @returns E.g. `Integer`, `DateTime`, `List of String`.
 *
 * @example Name value types
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { valueTypeName } from "./property_tally.ts";
 * assert.equal(valueTypeName(1999n), "Integer");
 * assert.equal(valueTypeName(0.5), "Float");
 * assert.equal(valueTypeName([new neo4j.types.Date(2020n, 1n, 1n)]), "List of Date");
 * assert.equal(valueTypeName([]), "List of Nothing");
 * ```
 */
export function valueTypeName(value: PropertyValue): string {
  if (!Array.isArray(value)) return scalarTypeName(value);
  if (value.length === 0) return "List of Nothing";
  const first = scalarTypeName(value[0]);
  for (let i = 1; i < value.length; i++) {
    if (scalarTypeName(value[i]) !== first) return "List of mixed types";
  }
  return `List of ${first}`;
}

function scalarTypeName(value: unknown): string {
  switch (typeof value) {
    case "bigint":
      return "Integer";
    case "number":
      return "Float";
    case "string":
      return "String";
    case "boolean":
      return "Boolean";
  }
  if (value instanceof Int8Array || value instanceof Uint8Array) return "ByteArray";
  if (neo4j.isInt(value)) return "Integer";
  if (neo4j.isDateTime(value)) return "DateTime";
  if (neo4j.isLocalDateTime(value)) return "LocalDateTime";
  if (neo4j.isDate(value)) return "Date";
  if (neo4j.isTime(value)) return "Time";
  if (neo4j.isLocalTime(value)) return "LocalTime";
  if (neo4j.isDuration(value)) return "Duration";
  if (neo4j.isPoint(value)) return "Point";
  return "Unknown";
}

/**
 * Counts the keys of a property map and the type of each value.
 *
 * @param tally The keys seen so far, added to.
 * @param props One node's or relationship's properties.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addProperties, type PropertyTally, propertyContents } from "./property_tally.ts";
 * const tally: PropertyTally = new Map();
 * addProperties(tally, { name: "a", born: 1999n });
 * addProperties(tally, { name: "b" });
 * assert.deepEqual(propertyContents(tally), [
 *   { key: "born", count: 1, types: { Integer: 1 } },
 *   { key: "name", count: 2, types: { String: 2 } },
 * ]);
 * ```
 */
export function addProperties(tally: PropertyTally, props: Properties): void {
  for (const key in props) {
    let entry = tally.get(key);
    if (entry === undefined) {
      entry = { count: 0, types: new Map() };
      tally.set(key, entry);
    }
    entry.count++;
    const type = valueTypeName(props[key]);
    entry.types.set(type, (entry.types.get(type) ?? 0) + 1);
  }
}

/**
 * The property keys of a tally, sorted by key, each with its value types, the most frequent
 * first.
 *
 * @param tally The keys seen.
 * @returns The keys as `list` shows them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { propertyContents } from "./property_tally.ts";
 * assert.deepEqual(propertyContents(new Map()), []);
 * ```
 */
export function propertyContents(tally: PropertyTally): PropertyKeyContents[] {
  return [...tally]
    .sort(([a], [b]) => compare(a, b))
    .map(([key, { count, types }]) => ({
      key,
      count,
      types: Object.fromEntries(
        [...types].sort(([a, m], [b, n]) => n - m || compare(a, b)),
      ),
    }));
}

/**
 * Code-unit order, the same in every locale.
 *
 * @param a A string.
 * @param b Another.
 * @returns Negative, zero or positive, as for `Array.prototype.sort`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compare } from "./property_tally.ts";
 * assert.deepEqual(["b", "B", "a"].sort(compare), ["B", "a", "b"]);
 * ```
 */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
