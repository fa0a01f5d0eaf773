/**
 * Property values as GraphML `<data>`: the `attr.type` of each value (`long`, `double`,
 * `boolean`, `string`) and its text before XML escaping, with how a value GraphML has no type for
 * was written (ISO 8601 text, base64, JSON text, EWKT).
 *
 * @module
 */

import type { PropertyValue, ScalarValue } from "../format/records.ts";
import { encodeValue } from "../format/values.ts";

/** A value as GraphML data. */
export interface GraphmlValue {
  /** The GraphML `attr.type`: `"long"`, `"double"`, `"boolean"` or `"string"`. */
  type: "long" | "double" | "boolean" | "string";
  /** The text, not yet XML-escaped. */
  text: string;
  /** For values written as text of another type: the Neo4j type and how it was written. */
  written?: { what: string; action: string };
}

const TYPE_NAMES: Record<string, string> = {
  date: "Date",
  localtime: "LocalTime",
  time: "Time",
  localdatetime: "LocalDateTime",
  datetime: "DateTime",
  duration: "Duration",
};

/**
 * Maps a property value to GraphML data.
 *
 * @param value A property value from a backup record.
 * @returns Its attribute type and text, and how it was written when GraphML has no such type.
 *
 * @example Integers stay exact longs; a date is ISO text; a list is JSON text
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { graphmlValue } from "./graphml_values.ts";
 * assert.deepEqual(graphmlValue(9223372036854775807n), { type: "long", text: "9223372036854775807" });
 * assert.equal(graphmlValue(new neo4j.types.Date(2020n, 1n, 2n)).text, "2020-01-02");
 * assert.equal(graphmlValue([1n, 2n]).text, "[1,2]");
 * ```
 */
export function graphmlValue(value: PropertyValue): GraphmlValue {
  if (Array.isArray(value)) {
    const text = `[${value.map(jsonElement).join(",")}]`;
    return { type: "string", text, written: { what: "list", action: "written as JSON text" } };
  }
  if (typeof value === "bigint") return { type: "long", text: String(value) };
  if (typeof value === "number") return { type: "double", text: doubleText(value) };
  if (typeof value === "string") return { type: "string", text: value };
  if (typeof value === "boolean") return { type: "boolean", text: String(value) };
  if (!(value instanceof Int8Array || value instanceof Uint8Array) && "toBigInt" in value) {
    return { type: "long", text: String(value.toBigInt()) };
  }
  const { text, what, action } = taggedText(value);
  return { type: "string", text, written: { what, action } };
}

function taggedText(value: ScalarValue): { text: string; what: string; action: string } {
  const [tag, body] = Object.entries(encodeValue(value) as Record<string, unknown>)[0];
  const type = tag.slice(1);
  if (type === "bytes") {
    return { text: String(body), what: "ByteArray", action: "written as base64 text" };
  }
  if (type === "point") {
    return {
      text: ewkt(body as Record<string, unknown>),
      what: "Point",
      action: "written as EWKT text",
    };
  }
  return { text: String(body), what: TYPE_NAMES[type] ?? type, action: "written as ISO 8601 text" };
}

/** A point as Extended Well-Known Text: `SRID=4326;POINT (12.9 55.6)`, `POINT Z` in 3D. */
function ewkt(point: Record<string, unknown>): string {
  const axes = "z" in point ? ["x", "y", "z"] : ["x", "y"];
  const coords = axes.map((a) => String(point[a])).join(" ");
  return `SRID=${point.srid};POINT ${axes.length === 3 ? "Z " : ""}(${coords})`;
}

function jsonElement(value: ScalarValue): string {
  const data = graphmlValue(value);
  if (data.type === "long" || data.type === "boolean") return data.text;
  if (data.type === "double") return Number.isFinite(value) ? data.text : JSON.stringify(data.text);
  return JSON.stringify(data.text);
}

/** A double as Java's `Double.parseDouble` and Python's `float` read it back exactly. */
function doubleText(n: number): string {
  if (Object.is(n, -0)) return "-0.0";
  return String(n);
}
