/**
 * Typed property values <-> JSON: the only place that knows the type tags of the format
 * (`$int`, `$float`, `$bytes`, `$date`, `$localtime`, `$time`, `$localdatetime`, `$datetime`,
 * `$duration`, `$point`; see docs/FORMAT.md).
 *
 * Neo4j property values can never be maps, so a JSON object in value position is always a type
 * tag and strings are never escaped.
 *
 * @module
 */

import neo4j from "neo4j-driver";
import type {
  Date as Neo4jDate,
  DateTime,
  Duration,
  Integer,
  LocalDateTime,
  LocalTime,
  Point,
  Time,
} from "neo4j-driver";
import { Buffer } from "node:buffer";
import { BackupError, FormatError } from "../errors.ts";
import type { Properties, PropertyValue, ScalarValue } from "./records.ts";

/** A value JSON can hold: what {@link encodeValue} produces and `JSON.parse` returns. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The reason a value cannot be encoded or decoded; the public functions add where it happened. */
class ValueProblem extends Error {}

function fail(reason: string): never {
  throw new ValueProblem(reason);
}

/** A driver field that holds an integer, in any of the forms the driver accepts. */
type IntegerLike = bigint | number | Integer;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const NANOS_PER_SECOND = 1_000_000_000n;

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes one property value as the JSON the format stores.
 *
 * A JS `number` is always a Float; `bigint` and the driver's `Integer` are Integers.
 *
 * @param value A property value as the driver returns it (`useBigInt: true`).
 * @returns A JSON-serialisable value: plain JSON where that is exact, a type tag otherwise.
 * @throws {BackupError} When the value is not a Neo4j property type.
 *
 * @example Encode integers, floats and dates
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { encodeValue } from "./values.ts";
 * assert.equal(encodeValue(1999n), 1999);
 * assert.equal(JSON.stringify(encodeValue(1)), '{"$float":"1"}');
 * const date = new neo4j.types.Date(2020n, 1n, 1n);
 * assert.equal(JSON.stringify(encodeValue(date)), '{"$date":"2020-01-01"}');
 * ```
 */
export function encodeValue(value: PropertyValue): JsonValue {
  try {
    return encodeAny(value);
  } catch (e) {
    if (e instanceof ValueProblem) throw new BackupError(`Cannot encode value: ${e.message}`);
    throw e;
  }
}

/**
 * Encodes the properties of a node, relationship or schema configuration. This is the hot path
 * of an export: strings, booleans, fractional floats and safe integers pass straight through.
 *
 * @param properties The properties as the driver returns them.
 * @returns A new object with the same keys in the same order and encoded values.
 * @throws {BackupError} Naming the key, when a value is not a Neo4j property type.
 *
 * @example Encode a node's properties
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeProperties } from "./values.ts";
 * const json = encodeProperties({ title: "The Matrix", released: 1999n, rating: 8.7 });
 * assert.equal(JSON.stringify(json), '{"title":"The Matrix","released":1999,"rating":8.7}');
 * ```
 */
export function encodeProperties(properties: Properties): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  let key = "";
  try {
    for (key in properties) {
      const value = properties[key];
      const json = typeof value === "string" ? value : encodeAny(value);
      if (key === "__proto__") defineOwn(out, key, json);
      else out[key] = json;
    }
  } catch (e) {
    if (e instanceof ValueProblem) {
      throw new BackupError(`Cannot encode property '${key}': ${e.message}`);
    }
    throw e;
  }
  return out;
}

function encodeAny(value: PropertyValue): JsonValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return encodeFloat(value);
    case "bigint":
      return encodeBigInt(value);
  }
  if (value === null || typeof value !== "object") {
    return fail(`${describe(value)} is not a Neo4j property type`);
  }
  if (Array.isArray(value)) return encodeList(value);
  return encodeObject(value);
}

function encodeFloat(value: number): JsonValue {
  if (Number.isFinite(value) && !Number.isInteger(value)) return value;
  return { $float: floatString(value) };
}

function floatString(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

function encodeBigInt(value: bigint): JsonValue {
  if (value <= MAX_SAFE && value >= MIN_SAFE) return Number(value);
  if (value > INT64_MAX || value < INT64_MIN) fail(`integer ${value} is outside the 64-bit range`);
  return { $int: value.toString() };
}

function encodeList(list: ScalarValue[]): JsonValue[] {
  // Most lists (of strings, booleans, fractional floats) are already JSON: return them as they are.
  const first = typeof list[0];
  let i = 0;
  if (first === "string" || first === "boolean") {
    while (i < list.length && typeof list[i] === first) i++;
  } else if (first === "number") {
    for (; i < list.length; i++) {
      const item = list[i];
      if (typeof item !== "number" || !Number.isFinite(item) || Number.isInteger(item)) break;
    }
  }
  if (i === list.length) return list as JsonValue[];
  const out: JsonValue[] = list.slice(0, i) as JsonValue[];
  for (; i < list.length; i++) {
    const item = list[i];
    if (Array.isArray(item)) fail("a list cannot contain a list");
    out.push(encodeAny(item));
  }
  checkOneType(out);
  return out;
}

function encodeObject(value: object): JsonValue {
  const encode = ENCODERS.get(value.constructor) ?? foreignEncoder(value);
  return encode(value);
}

type ObjectEncoder = (value: object) => JsonValue;

const encodeBytes: ObjectEncoder = (value) => {
  const bytes = value as Int8Array | Uint8Array;
  return {
    $bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
  };
};
const encodeInteger: ObjectEncoder = (value) => encodeBigInt((value as Integer).toBigInt());
const encodeDateTime: ObjectEncoder = (value) => ({
  $datetime: formatDateTime(value as DateTime<IntegerLike>),
});
const encodeDate: ObjectEncoder = (value) => ({
  $date: formatDate(value as Neo4jDate<IntegerLike>),
});
const encodeLocalDateTime: ObjectEncoder = (value) => ({
  $localdatetime: formatLocalDateTime(value as LocalDateTime<IntegerLike>),
});
const encodePointTag: ObjectEncoder = (value) => ({
  $point: encodePoint(value as Point<IntegerLike>),
});
const encodeDuration: ObjectEncoder = (value) => ({
  $duration: formatDuration(value as Duration<IntegerLike>),
});
const encodeLocalTime: ObjectEncoder = (value) => ({
  $localtime: formatTime(value as LocalTime<IntegerLike>),
});
const encodeTime: ObjectEncoder = (value) => {
  const time = value as Time<IntegerLike>;
  return { $time: formatTime(time) + formatOffset(toNumber(time.timeZoneOffsetSeconds)) };
};

// One map lookup by class is about ten times faster than the driver's is* checks in a row.
const ENCODERS = new Map<unknown, ObjectEncoder>([
  [Int8Array, encodeBytes],
  [Uint8Array, encodeBytes],
  [neo4j.types.Integer, encodeInteger],
  [neo4j.types.DateTime, encodeDateTime],
  [neo4j.types.Date, encodeDate],
  [neo4j.types.LocalDateTime, encodeLocalDateTime],
  [neo4j.types.Point, encodePointTag],
  [neo4j.types.Duration, encodeDuration],
  [neo4j.types.LocalTime, encodeLocalTime],
  [neo4j.types.Time, encodeTime],
]);

/** For values of subclasses (e.g. `Buffer`) or of another copy of the driver. */
function foreignEncoder(value: object): ObjectEncoder {
  if (value instanceof Int8Array || value instanceof Uint8Array) return encodeBytes;
  if (neo4j.isInt(value)) return encodeInteger;
  if (neo4j.isDateTime(value)) return encodeDateTime;
  if (neo4j.isDate(value)) return encodeDate;
  if (neo4j.isLocalDateTime(value)) return encodeLocalDateTime;
  if (neo4j.isPoint(value)) return encodePointTag;
  if (neo4j.isDuration(value)) return encodeDuration;
  if (neo4j.isLocalTime(value)) return encodeLocalTime;
  if (neo4j.isTime(value)) return encodeTime;
  return fail(`${describe(value)} is not a Neo4j property type`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return `a value of type '${typeof value}'`;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === "string" && name !== "" ? `a value of class '${name}'` : "an object";
}

function toNumber(value: IntegerLike): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return value.toNumber();
}

function toBigInt(value: IntegerLike): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  return value.toBigInt();
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, "0");
  return (year < 0 ? "-" : "+") + String(Math.abs(year)).padStart(4, "0");
}

function formatDate(d: { year: IntegerLike; month: IntegerLike; day: IntegerLike }): string {
  return `${formatYear(toNumber(d.year))}-${pad2(toNumber(d.month))}-${pad2(toNumber(d.day))}`;
}

function formatTime(
  t: { hour: IntegerLike; minute: IntegerLike; second: IntegerLike; nanosecond: IntegerLike },
): string {
  const hms = `${pad2(toNumber(t.hour))}:${pad2(toNumber(t.minute))}:${pad2(toNumber(t.second))}`;
  const nanos = toNumber(t.nanosecond);
  return nanos === 0 ? hms : `${hms}.${String(nanos).padStart(9, "0")}`;
}

function formatOffset(seconds: number): string {
  const abs = Math.abs(seconds);
  const hm = `${seconds < 0 ? "-" : "+"}${pad2(Math.floor(abs / 3600))}:${
    pad2(Math.floor(abs % 3600 / 60))
  }`;
  return abs % 60 === 0 ? hm : `${hm}:${pad2(abs % 60)}`;
}

function formatLocalDateTime(d: LocalDateTime<IntegerLike>): string {
  return `${formatDate(d)}T${formatTime(d)}`;
}

function formatDateTime(d: DateTime<IntegerLike>): string {
  const offset = d.timeZoneOffsetSeconds;
  const zone = d.timeZoneId;
  const hasOffset = offset !== undefined && offset !== null;
  const hasZone = zone !== undefined && zone !== null && zone !== "";
  if (!hasOffset && !hasZone) fail("a DateTime needs a time zone offset or a time zone id");
  return formatLocalDateTime(d) + (hasOffset ? formatOffset(toNumber(offset)) : "") +
    (hasZone ? `[${zone}]` : "");
}

function formatDuration(d: Duration<IntegerLike>): string {
  let seconds = toBigInt(d.seconds);
  let nanos = toBigInt(d.nanoseconds);
  if (nanos < 0n || nanos >= NANOS_PER_SECOND) {
    // Keep the Bolt invariant (0 <= nanoseconds < 1e9, seconds carry the sign) for odd inputs.
    const carry = nanos / NANOS_PER_SECOND - (nanos % NANOS_PER_SECOND < 0n ? 1n : 0n);
    seconds += carry;
    nanos -= carry * NANOS_PER_SECOND;
  }
  let text: string;
  if (nanos === 0n) text = seconds.toString();
  else if (seconds >= 0n) text = `${seconds}.${nanos.toString().padStart(9, "0")}`;
  else text = `-${-(seconds + 1n)}.${(NANOS_PER_SECOND - nanos).toString().padStart(9, "0")}`;
  return `P${toBigInt(d.months)}M${toBigInt(d.days)}DT${text}S`;
}

function encodeCoordinate(value: number): number | string {
  if (typeof value !== "number") fail("a point coordinate must be a number");
  return Number.isFinite(value) && !Object.is(value, -0) ? value : floatString(value);
}

function encodePoint(p: Point<IntegerLike>): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    srid: toNumber(p.srid),
    x: encodeCoordinate(p.x),
    y: encodeCoordinate(p.y),
  };
  if (p.z !== undefined && p.z !== null) out.z = encodeCoordinate(p.z);
  return out;
}

function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Decoding

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
 */
function checkOneType(list: JsonValue[]): void {
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
  switch (tag) {
    case "$int":
      return parseInt64(tagString(tag, body), tag);
    case "$float":
      return parseFloatTag(tagString(tag, body));
    case "$bytes":
      return parseBytes(tagString(tag, body));
    case "$date":
      return parseDate(tagString(tag, body));
    case "$localtime":
      return parseLocalTime(tagString(tag, body));
    case "$time":
      return parseTime(tagString(tag, body));
    case "$localdatetime":
      return parseLocalDateTime(tagString(tag, body));
    case "$datetime":
      return parseDateTime(tagString(tag, body));
    case "$duration":
      return parseDuration(tagString(tag, body));
    case "$point":
      return parsePoint(body);
  }
  return fail(`unknown type tag '${tag}'`);
}

function tagString(tag: string, body: unknown): string {
  if (typeof body !== "string") fail(`'${tag}' must hold a string`);
  return body;
}

function parseInt64(text: string, what: string): bigint {
  if (!/^[+-]?\d{1,19}$/.test(text)) fail(`invalid ${what} '${text}'`);
  const value = BigInt(text);
  if (value > INT64_MAX || value < INT64_MIN) fail(`${what} '${text}' is outside the 64-bit range`);
  return value;
}

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

function abbreviate(text: string): string {
  return text.length > 40 ? text.slice(0, 37) + "..." : text;
}

const DATE = String.raw`(\d{4}|[+-]\d{4,9})-(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?`;
const OFFSET = String.raw`(Z|[+-]\d{2}:\d{2}(?::\d{2})?)`;
const DATE_RE = new RegExp(`^${DATE}$`);
const LOCAL_TIME_RE = new RegExp(`^${TIME}$`);
const TIME_RE = new RegExp(`^${TIME}${OFFSET}$`);
const LOCAL_DATE_TIME_RE = new RegExp(`^${DATE}T${TIME}$`);
const DATE_TIME_RE = new RegExp(String.raw`^${DATE}T${TIME}${OFFSET}?(?:\[([^\[\]]+)\])?$`);
const DURATION_RE = /^P(?:([+-]?\d+)M)?(?:([+-]?\d+)D)?(?:T([+-]?)(\d+)(?:\.(\d{1,9}))?S)?$/;

type Fields = (string | undefined)[];

function match(re: RegExp, text: string, what: string): Fields {
  const m = re.exec(text);
  if (m === null) fail(`invalid ${what} '${abbreviate(text)}'`);
  return m;
}

function checkedDate(
  m: Fields,
  offset: number,
  text: string,
  what: string,
): [number, number, number] {
  const year = Number(m[offset]);
  const month = Number(m[offset + 1]);
  const day = Number(m[offset + 2]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    fail(`invalid ${what} '${text}': no such day`);
  }
  return [year, month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkedTime(m: Fields, offset: number, text: string, what: string): bigint[] {
  const hour = Number(m[offset]);
  const minute = Number(m[offset + 1]);
  const second = Number(m[offset + 2]);
  if (hour > 23 || minute > 59 || second > 59) fail(`invalid ${what} '${text}': no such time`);
  const fraction = m[offset + 3];
  const nanos = fraction === undefined ? 0 : Number(fraction.padEnd(9, "0"));
  return [BigInt(hour), BigInt(minute), BigInt(second), BigInt(nanos)];
}

function parseOffset(text: string, whole: string, what: string): bigint {
  if (text === "Z") return 0n;
  const sign = text[0] === "-" ? -1 : 1;
  const hours = Number(text.slice(1, 3));
  const minutes = Number(text.slice(4, 6));
  const seconds = text.length > 6 ? Number(text.slice(7, 9)) : 0;
  const total = hours * 3600 + minutes * 60 + seconds;
  if (minutes > 59 || seconds > 59 || total > 18 * 3600) {
    fail(`invalid ${what} '${whole}': offset out of range`);
  }
  return BigInt(sign * total);
}

// The driver's constructors convert every bigint field to its Integer class to range-check it,
// which costs about a microsecond per value. The checks above already ensure the ranges, so build
// the frozen objects the way the driver itself does for `useBigInt` results: same prototype, same
// own fields in the same order.
const DATE_PROTO = neo4j.types.Date.prototype;
const LOCAL_TIME_PROTO = neo4j.types.LocalTime.prototype;
const TIME_PROTO = neo4j.types.Time.prototype;
const LOCAL_DATE_TIME_PROTO = neo4j.types.LocalDateTime.prototype;
const DATE_TIME_PROTO = neo4j.types.DateTime.prototype;
const DURATION_PROTO = neo4j.types.Duration.prototype;

function build<T>(proto: object, fields: object): T {
  return Object.freeze(Object.assign(Object.create(proto), fields));
}

function parseDate(text: string): Neo4jDate<bigint> {
  const [y, mo, d] = checkedDate(match(DATE_RE, text, "$date"), 1, text, "$date");
  return build(DATE_PROTO, { year: BigInt(y), month: BigInt(mo), day: BigInt(d) });
}

function parseLocalTime(text: string): LocalTime<bigint> {
  const [h, mi, s, ns] = checkedTime(
    match(LOCAL_TIME_RE, text, "$localtime"),
    1,
    text,
    "$localtime",
  );
  return build(LOCAL_TIME_PROTO, { hour: h, minute: mi, second: s, nanosecond: ns });
}

function parseTime(text: string): Time<bigint> {
  const m = match(TIME_RE, text, "$time");
  const [h, mi, s, ns] = checkedTime(m, 1, text, "$time");
  return build(TIME_PROTO, {
    hour: h,
    minute: mi,
    second: s,
    nanosecond: ns,
    timeZoneOffsetSeconds: parseOffset(m[5]!, text, "$time"),
  });
}

function parseLocalDateTime(text: string): LocalDateTime<bigint> {
  const m = match(LOCAL_DATE_TIME_RE, text, "$localdatetime");
  const [y, mo, d] = checkedDate(m, 1, text, "$localdatetime");
  const [h, mi, s, ns] = checkedTime(m, 4, text, "$localdatetime");
  return build(LOCAL_DATE_TIME_PROTO, {
    year: BigInt(y),
    month: BigInt(mo),
    day: BigInt(d),
    hour: h,
    minute: mi,
    second: s,
    nanosecond: ns,
  });
}

function parseDateTime(text: string): DateTime<bigint> {
  const m = match(DATE_TIME_RE, text, "$datetime");
  const [y, mo, d] = checkedDate(m, 1, text, "$datetime");
  const [h, mi, s, ns] = checkedTime(m, 4, text, "$datetime");
  const offset = m[8] === undefined ? undefined : parseOffset(m[8], text, "$datetime");
  const zone = m[9];
  if (offset === undefined && zone === undefined) {
    fail(`invalid $datetime '${text}': it needs an offset, a [zone] or both`);
  }
  if (zone !== undefined && !isKnownZone(zone)) {
    fail(`invalid $datetime '${text}': unknown time zone '${zone}'`);
  }
  return build(DATE_TIME_PROTO, {
    year: BigInt(y),
    month: BigInt(mo),
    day: BigInt(d),
    hour: h,
    minute: mi,
    second: s,
    nanosecond: ns,
    timeZoneOffsetSeconds: offset,
    timeZoneId: zone,
  });
}

const knownZones = new Map<string, boolean>();

/** Whether the runtime's time zone database knows the zone, as the driver checks it. */
function isKnownZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat(undefined, { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    knownZones.set(zone, known);
  }
  return known;
}

function parseDuration(text: string): Duration<bigint> {
  const m = match(DURATION_RE, text, "$duration");
  if (m[1] === undefined && m[2] === undefined && m[4] === undefined) {
    fail(`invalid $duration '${text}'`);
  }
  const months = m[1] === undefined ? 0n : parseInt64(m[1], "$duration months");
  const days = m[2] === undefined ? 0n : parseInt64(m[2], "$duration days");
  let seconds = m[4] === undefined ? 0n : parseInt64(m[3] + m[4], "$duration seconds");
  let nanos = m[5] === undefined ? 0n : BigInt(m[5].padEnd(9, "0"));
  if (m[3] === "-" && nanos !== 0n) {
    // "-0.25" is -1 second plus 750000000 nanoseconds: the seconds carry the sign.
    seconds -= 1n;
    nanos = NANOS_PER_SECOND - nanos;
    if (seconds < INT64_MIN) fail(`$duration seconds in '${text}' are outside the 64-bit range`);
  }
  return build(DURATION_PROTO, { months, days, seconds, nanoseconds: nanos });
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
