/**
 * What the value encoder and decoder share: the JSON type they map to, the error they throw
 * before the public functions add where it happened, the 64-bit integer range, and the rule
 * that a list holds values of one type.
 *
 * @module
 */

import type { Integer } from "neo4j-driver";

/** A value JSON can hold: what {@link encodeValue} produces and `JSON.parse` returns. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The reason a value cannot be encoded or decoded; the public functions add where it happened. */
export class ValueProblem extends Error {}

/**
 * Throws a {@link ValueProblem}.
 *
 * @param reason Why the value cannot be encoded or decoded.
 */
export function fail(reason: string): never {
  throw new ValueProblem(reason);
}

/** A driver field that holds an integer, in any of the forms the driver accepts. */
export type IntegerLike = bigint | number | Integer;

/** The largest Integer Neo4j stores. */
export const INT64_MAX: bigint = (1n << 63n) - 1n;
/** The smallest Integer Neo4j stores. */
export const INT64_MIN: bigint = -(1n << 63n);
/** Nanoseconds in a second, as a `bigint`. */
export const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Converts an integer field of a driver value to a `number`.
 *
 * @param value The field.
 * @returns Its value as a `number`.
 */
export function toNumber(value: IntegerLike): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return value.toNumber();
}

/**
 * Converts an integer field of a driver value to a `bigint`.
 *
 * @param value The field.
 * @returns Its value as a `bigint`.
 */
export function toBigInt(value: IntegerLike): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  return value.toBigInt();
}

/**
 * Parses the decimal text of an Integer.
 *
 * @param text The digits, with an optional sign.
 * @param what What the text is, for the error message, e.g. `"$int"`.
 * @returns The value, within the 64-bit range.
 */
export function parseInt64(text: string, what: string): bigint {
  if (!/^[+-]?\d{1,19}$/.test(text)) fail(`invalid ${what} '${text}'`);
  const value = BigInt(text);
  if (value > INT64_MAX || value < INT64_MIN) fail(`${what} '${text}' is outside the 64-bit range`);
  return value;
}

/**
 * Shortens a text to quote in an error message.
 *
 * @param text The text.
 * @returns The text, or its first 37 characters and `...` when it is longer than 40.
 */
export function abbreviate(text: string): string {
  return text.length > 40 ? text.slice(0, 37) + "..." : text;
}

/**
 * Sets a property as an own one, so that a key such as `__proto__` is data, not a prototype.
 *
 * @param target The object.
 * @param key The key.
 * @param value The value.
 */
export function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** The Neo4j type each type tag stands for. */
const TAG_TYPES: Record<string, string> = {
  $int: "Integer",
  $float: "Float",
  $bytes: "ByteArray",
  $date: "Date",
  $localtime: "LocalTime",
  $time: "Time",
  $localdatetime: "LocalDateTime",
  $datetime: "DateTime",
  $duration: "Duration",
  $point: "Point",
};

/** The Neo4j type of an element of a list, from its well-formed JSON. */
function jsonType(json: JsonValue): string {
  switch (typeof json) {
    case "string":
      return "String";
    case "boolean":
      return "Boolean";
    case "number":
      return Number.isInteger(json) ? "Integer" : "Float";
  }
  for (const tag in json as object) return TAG_TYPES[tag] ?? tag;
  return "Unknown";
}

/**
 * Refuses a list whose elements differ in type, or points that differ in coordinate system:
 * Neo4j stores a list property as an array of one type (points of one CRS), so no export
 * writes another, and a converter that types a column by one element would mistype the rest.
 * Takes the list's JSON, whose elements are well-formed by now.
 *
 * @param list The list's JSON.
 */
export function checkOneType(list: JsonValue[]): void {
  if (list.length < 2) return;
  const first = list[0];
  const t = typeof first;
  if (t === "string" || t === "boolean") {
    let i = 1;
    while (i < list.length && typeof list[i] === t) i++;
    if (i === list.length) return;
  }
  const type = jsonType(first);
  for (let i = 1; i < list.length; i++) {
    const other = jsonType(list[i]);
    if (other !== type) {
      fail(`a list must hold values of one type: element 0 is ${type}, element ${i} is ${other}`);
    }
  }
  if (type !== "Point") return;
  const srid = (p: JsonValue) => (p as { $point: { srid: number } }).$point.srid;
  for (let i = 1; i < list.length; i++) {
    if (srid(list[i]) !== srid(first)) {
      fail(
        "a list of points must share one coordinate system: " +
          `element 0 has SRID ${srid(first)}, element ${i} SRID ${srid(list[i])}`,
      );
    }
  }
}
