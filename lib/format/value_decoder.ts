/**
 * JSON -> property values: decodes what `JSON.parse` returns for a stored value into the driver
 * type it stands for, refusing malformed values and unknown type tags (see docs/FORMAT.md).
 *
 * @module
 */

import neo4j from "neo4j-driver";
import type { Point } from "neo4j-driver";
import { Buffer } from "node:buffer";
import { FormatError } from "../errors.ts";
import type { Properties, PropertyValue, ScalarValue } from "./records.ts";
import {
  abbreviate,
  checkOneType,
  defineOwn,
  fail,
  type JsonValue,
  parseInt64,
  ValueProblem,
} from "./value_common.ts";
import {
  parseDate,
  parseDateTime,
  parseDuration,
  parseLocalDateTime,
  parseLocalTime,
  parseTime,
} from "./temporal_text.ts";

/**
 * Decodes one stored JSON value into the driver type it stands for.
 *
 * A plain integral JSON number is an Integer (`bigint`), any other number a Float (`number`).
 *
 * @param json The value as `JSON.parse` returned it.
 * @param where Where the value was found, for the error message, e.g. `"on line 12"`.
 * @returns The property value, integers as `bigint`, temporal and spatial values as driver
 *   classes with `bigint` fields, byte arrays as `Int8Array`.
 * @throws {FormatError} When the value is malformed or carries an unknown type tag.
 *
 * @example Decode a date and an integer
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { decodeValue } from "./values.ts";
 * assert.equal(decodeValue(1999), 1999n);
 * const date = decodeValue({ $date: "2020-01-01" });
 * assert.ok(neo4j.isDate(date));
 * ```
 */
export function decodeValue(json: unknown, where?: string): PropertyValue {
  try {
    return decodeAny(json);
  } catch (e) {
    if (e instanceof ValueProblem) {
      throw new FormatError(`Cannot decode value${where ? " " + where : ""}: ${e.message}`);
    }
    throw e;
  }
}

/**
 * Decodes the stored properties of a node, relationship or schema configuration.
 *
 * @param obj The `props` or `config` object as `JSON.parse` returned it.
 * @param where Where the object was found, for the error message, e.g. `"on line 12"`.
 * @returns A new object with the same keys in the same order and decoded values.
 * @throws {FormatError} Naming the key, when a value is malformed, or when `obj` is not an object.
 *
 * @example Decode a node's properties
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeProperties } from "./values.ts";
 * const props = decodeProperties({ title: "The Matrix", released: 1999 }, "on line 2");
 * assert.equal(props.released, 1999n);
 * ```
 */
export function decodeProperties(obj: unknown, where?: string): Properties {
  const at = where ? " " + where : "";
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new FormatError(`Cannot decode properties${at}: expected a JSON object`);
  }
  const source = obj as Record<string, unknown>;
  const out: Properties = {};
  let key = "";
  try {
    for (key in source) {
      const json = source[key];
      const value = typeof json === "string" ? json : decodeAny(json);
      if (key === "__proto__") defineOwn(out, key, value);
      else out[key] = value;
    }
  } catch (e) {
    if (e instanceof ValueProblem) {
      throw new FormatError(`Cannot decode property '${key}'${at}: ${e.message}`);
    }
    throw e;
  }
  return out;
}

function decodeAny(json: unknown): PropertyValue {
  switch (typeof json) {
    case "string":
    case "boolean":
      return json;
    case "number":
      return decodeNumber(json);
    case "object":
      if (json === null) return fail("null is not a property value");
      if (Array.isArray(json)) return decodeList(json);
      return decodeTag(json as Record<string, unknown>);
  }
  return fail(`unexpected JSON ${typeof json}`);
}

function decodeNumber(n: number): ScalarValue {
  if (!Number.isInteger(n)) return n;
  if (!Number.isSafeInteger(n)) {
    fail(`integer ${n} is too large for a plain JSON number: write it as {"$int":"..."}`);
  }
  return BigInt(n);
}

function decodeList(list: unknown[]): ScalarValue[] {
  const out: ScalarValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (Array.isArray(item)) fail("a list cannot contain a list");
    out[i] = typeof item === "string" ? item : decodeAny(item) as ScalarValue;
  }
  checkOneType(list as JsonValue[]);
  return out;
}

function decodeTag(obj: Record<string, unknown>): ScalarValue {
  let tag: string | undefined;
  let count = 0;
  for (const key in obj) {
    tag = key;
    if (++count > 1) break;
  }
  if (count !== 1 || tag === undefined) {
    fail('an object must be a type tag with exactly one key, such as {"$date":"2020-01-01"}');
  }
  const body = obj[tag];
  if (tag === "$point") return parsePoint(body);
  const parse = TEXT_PARSERS.get(tag);
  if (parse === undefined) return fail(`unknown type tag '${tag}'`);
  if (typeof body !== "string") fail(`'${tag}' must hold a string`);
  return parse(body);
}

/**
 * The parser of each type tag that holds a string. A map, not an object: a tag such as
 * `"constructor"` must not find `Object.prototype`'s.
 */
const TEXT_PARSERS = new Map<string, (text: string) => ScalarValue>([
  ["$int", (text) => parseInt64(text, "$int")],
  ["$float", parseFloatTag],
  ["$bytes", parseBytes],
  ["$date", parseDate],
  ["$localtime", parseLocalTime],
  ["$time", parseTime],
  ["$localdatetime", parseLocalDateTime],
  ["$datetime", parseDateTime],
  ["$duration", parseDuration],
]);

const FLOAT_RE = /^(?:-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|-?Infinity)$/;

function parseFloatTag(text: string): number {
  if (!FLOAT_RE.test(text)) fail(`invalid $float '${text}'`);
  return Number(text);
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parseBytes(text: string): Int8Array {
  if (!BASE64_RE.test(text)) fail(`invalid base64 in $bytes '${abbreviate(text)}'`);
  const bytes = Buffer.from(text, "base64");
  // Copy out of Node's shared buffer pool so the value owns exactly its bytes.
  const out = new Int8Array(bytes.length);
  out.set(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  return out;
}

function parseCoordinate(value: unknown, axis: string): number {
  if (typeof value === "number") return value;
  if (value === "NaN" || value === "Infinity" || value === "-Infinity" || value === "-0") {
    return Number(value);
  }
  return fail(`$point '${axis}' must be a number or one of "NaN", "Infinity", "-Infinity", "-0"`);
}

function parsePoint(body: unknown): Point<bigint> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    fail("'$point' must hold an object with srid, x, y and optionally z");
  }
  const p = body as Record<string, unknown>;
  for (const key in p) {
    if (key !== "srid" && key !== "x" && key !== "y" && key !== "z") {
      fail(`unknown $point field '${key}'`);
    }
  }
  if (!Number.isSafeInteger(p.srid)) fail("$point 'srid' must be an integer");
  const x = parseCoordinate(p.x, "x");
  const y = parseCoordinate(p.y, "y");
  const srid = BigInt(p.srid as number);
  if (!("z" in p)) return new neo4j.types.Point(srid, x, y);
  return new neo4j.types.Point(srid, x, y, parseCoordinate(p.z, "z"));
}
