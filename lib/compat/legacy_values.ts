/**
 * The values of the Python `neo4j-backup` 1.0.0 layout: its tagged strings
 * (`"$date('1999-01-01')"`, `"$point({x: 3.0, y: 0.0, crs: 'cartesian'})"`, ...) and the rest of
 * what {@link parseLegacyJson} reads, turned into the property values of {@link Properties}.
 * Every check here looks at each character a bounded number of times: no regular expression
 * can backtrack over a value, however it was crafted.
 *
 * @module
 */

import neo4j from "neo4j-driver";
import { FormatError } from "../errors.ts";
import type { Properties, PropertyValue, ScalarValue } from "../format/records.ts";
import type { LegacyJson } from "./legacy_json.ts";
import { quoteLegacyText } from "./legacy_text.ts";

export { type LegacyJson, parseLegacyJson } from "./legacy_json.ts";

const TAG = /^\$(date|time|datetime|duration)\('([^']*)'\)$/;
const POINT_TAG = /^\$point\(\{(.*)\}\)$/s;

/** The prefixes the Python tool wrote for temporal and spatial values (and hashed in strings). */
export const LEGACY_TAG_PREFIXES: readonly string[] = [
  "$point(",
  "$date(",
  "$time(",
  "$datetime(",
  "$duration(",
];

/**
 * Decodes one tagged string of the Python tool into a driver value. Improves on what the Python
 * importer restored: a `$time` without an offset is a `LocalTime`, a `$datetime` without one a
 * `LocalDateTime`; a duration keeps the months, days and seconds its text spells out.
 *
 * @param text A property string such as `"$duration('P5M1DT12H')"`.
 * @returns The driver value with `bigint` fields, or `undefined` when the text is not a
 *   well-formed tag.
 *
 * @example Decode a date and a local time
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeLegacyTag } from "./legacy_values.ts";
 * const date = decodeLegacyTag("$date('1999-01-01')");
 * const time = decodeLegacyTag("$time('12:50:35.556000000')"); // a LocalTime
 * assert.ok(date !== undefined);
 * assert.ok(time !== undefined);
 * ```
 */
export function decodeLegacyTag(text: string): ScalarValue | undefined {
  try {
    const point = POINT_TAG.exec(text);
    if (point) return decodePoint(point[1]);
    const tag = TAG.exec(text);
    if (!tag) return undefined;
    const [, kind, argument] = tag;
    if (kind === "date") return decodeDate(argument);
    if (kind === "time") return decodeTime(argument);
    if (kind === "datetime") return decodeDateTime(argument);
    return decodeDuration(argument);
  } catch {
    return undefined; // a driver constructor refused a field out of range
  }
}

const DATE = /^([+-]?\d{4,9})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2}){0,2})?$/;

function decodeDate(text: string): ScalarValue | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  return new neo4j.types.Date(BigInt(match[1]), BigInt(match[2]), BigInt(match[3]));
}

interface TimeParts {
  hour: bigint;
  minute: bigint;
  second: bigint;
  nanosecond: bigint;
  offset?: bigint;
}

function timeParts(text: string): TimeParts | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const [, hour, minute, second = "0", fraction = "", offset] = match;
  return {
    hour: BigInt(hour),
    minute: BigInt(minute),
    second: BigInt(second),
    nanosecond: BigInt(fraction.padEnd(9, "0")),
    offset: offset === undefined ? undefined : offsetSeconds(offset),
  };
}

function offsetSeconds(text: string): bigint {
  if (text === "Z") return 0n;
  const sign = text[0] === "-" ? -1n : 1n;
  const digits = text.slice(1).replaceAll(":", "");
  const hours = BigInt(digits.slice(0, 2));
  const minutes = BigInt(digits.slice(2, 4) || "0");
  const seconds = BigInt(digits.slice(4, 6) || "0");
  return sign * (hours * 3600n + minutes * 60n + seconds);
}

function decodeTime(text: string): ScalarValue | undefined {
  const t = timeParts(text);
  if (!t) return undefined;
  if (t.offset === undefined) {
    return new neo4j.types.LocalTime(t.hour, t.minute, t.second, t.nanosecond);
  }
  return new neo4j.types.Time(t.hour, t.minute, t.second, t.nanosecond, t.offset);
}

/** `2021-06-01T12:00+02:00[Europe/Berlin]` as its date-time and its zone; found with two scans. */
function splitZone(text: string): [string, string] | undefined {
  if (!text.endsWith("]")) return undefined;
  const body = text.slice(0, -1);
  const open = body.indexOf("[", body.lastIndexOf("]") + 1);
  if (open === -1 || open === body.length - 1) return undefined;
  return [body.slice(0, open), body.slice(open + 1)];
}

function decodeDateTime(text: string): ScalarValue | undefined {
  // The Python tool writes offsets only; a zone name in brackets is tolerated all the same.
  const zoned = splitZone(text);
  const [dateText, timeText] = (zoned ? zoned[0] : text).split("T");
  const date = DATE.exec(dateText);
  const t = timeText === undefined ? undefined : timeParts(timeText);
  if (!date || !t) return undefined;
  const [year, month, day] = [BigInt(date[1]), BigInt(date[2]), BigInt(date[3])];
  if (zoned) {
    return new neo4j.types.DateTime(
      year,
      month,
      day,
      t.hour,
      t.minute,
      t.second,
      t.nanosecond,
      t.offset,
      zoned[1],
    );
  }
  if (t.offset === undefined) {
    return new neo4j.types.LocalDateTime(
      year,
      month,
      day,
      t.hour,
      t.minute,
      t.second,
      t.nanosecond,
    );
  }
  return new neo4j.types.DateTime(
    year,
    month,
    day,
    t.hour,
    t.minute,
    t.second,
    t.nanosecond,
    t.offset,
  );
}

const DURATION = new RegExp(
  "^([+-])?P(?!$)(?:([+-]?\\d+)Y)?(?:([+-]?\\d+)M)?(?:([+-]?\\d+)W)?(?:([+-]?\\d+)D)?" +
    "(?:T(?!$)(?:([+-]?\\d+)H)?(?:([+-]?\\d+)M)?(?:([+-]?)(\\d+)(?:[.,](\\d{1,9}))?S)?)?$",
);
const NANOS_PER_SECOND = 1_000_000_000n;

function decodeDuration(text: string): ScalarValue | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, sign, y, mo, w, d, h, mi, secondSign, s, fraction = ""] = match;
  const n = (part: string | undefined) => BigInt(part ?? "0");
  const secondNanos = (secondSign === "-" ? -1n : 1n) *
    (n(s) * NANOS_PER_SECOND + BigInt(fraction.padEnd(9, "0")));
  const factor = sign === "-" ? -1n : 1n;
  const months = factor * (n(y) * 12n + n(mo));
  const days = factor * (n(w) * 7n + n(d));
  const nanos = factor * ((n(h) * 3600n + n(mi) * 60n) * NANOS_PER_SECOND + secondNanos);
  // Neo4j keeps the nanoseconds in 0..999999999 and moves the sign to the seconds.
  let seconds = nanos / NANOS_PER_SECOND;
  let nanoseconds = nanos % NANOS_PER_SECOND;
  if (nanoseconds < 0n) {
    seconds -= 1n;
    nanoseconds += NANOS_PER_SECOND;
  }
  return new neo4j.types.Duration(months, days, seconds, nanoseconds);
}

const CRS_SRID = new Map<string, bigint>([
  ["cartesian", 7203n],
  ["cartesian-3d", 9157n],
  ["wgs-84", 4326n],
  ["wgs-84-3d", 4979n],
]);
const THREE_D = new Set([9157n, 4979n]);
const POINT_ENTRY = /^\s*([a-z]+)\s*:\s*(?:'([^']*)'|([^\s']+))\s*$/i;

function decodePoint(body: string): ScalarValue | undefined {
  const fields = new Map<string, string>();
  for (const entry of body.split(",")) {
    const match = POINT_ENTRY.exec(entry);
    if (!match || fields.has(match[1].toLowerCase())) return undefined;
    fields.set(match[1].toLowerCase(), match[2] ?? match[3]);
  }
  const srid = pointSrid(fields);
  const [x, y] = [pythonFloat(fields.get("x")), pythonFloat(fields.get("y"))];
  if (srid === undefined || x === undefined || y === undefined) return undefined;
  if (!fields.has("z")) return THREE_D.has(srid) ? undefined : new neo4j.types.Point(srid, x, y);
  const z = pythonFloat(fields.get("z"));
  return z === undefined || !THREE_D.has(srid) ? undefined : new neo4j.types.Point(srid, x, y, z);
}

/** The SRID of a point map: its `crs` name (what the Python tool writes) or an `srid` number. */
function pointSrid(fields: Map<string, string>): bigint | undefined {
  const crs = fields.get("crs");
  if (crs !== undefined) return CRS_SRID.get(crs.toLowerCase());
  const srid = fields.get("srid");
  return srid !== undefined && /^\d+$/.test(srid) ? BigInt(srid) : undefined;
}

/** A float as Python's `str(float)` writes it (`3.0`, `1e+20`, `nan`, `-inf`). */
function pythonFloat(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(text);
  if (special) {
    if (special[2].toLowerCase() === "nan") return NaN;
    return special[1] === "-" ? -Infinity : Infinity;
  }
  // One way to match each text: `\d+\.?\d*` would try every split of a long run of digits.
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** Python's `str(bytes)` or `str(bytearray)`: `b'\x00ab'`, `bytearray(b"it's")`. */
const BYTES_TEXT =
  /^(?:b'(?:[^'\\]|\\.)*'|b"(?:[^"\\]|\\.)*"|bytearray\(b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\))$/s;

/**
 * Tells whether a string looks like Python's text for a byte array (`b'\x00\x01abc'`), which is
 * what the Python tool wrote for byte array properties (older drivers: `bytearray(b'...')`).
 *
 * @param text A property string.
 * @returns `true` when the text has that shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { looksLikeLegacyBytes } from "./legacy_values.ts";
 * assert.ok(looksLikeLegacyBytes("b'\\x00\\x01abc'"));
 * assert.ok(!looksLikeLegacyBytes("bytes"));
 * ```
 */
export function looksLikeLegacyBytes(text: string): boolean {
  return BYTES_TEXT.test(text);
}

/** Something in a property that {@link decodeLegacyProperties} kept as text and reports. */
export interface LegacyPropertyIssue {
  /** The property key. */
  key: string;
  /**
   * `bytes`: a byte array the Python tool wrote as Python text; `tag`: a string with a tag
   * prefix (`$date(` ...) whose text is not a value the tool writes.
   */
  kind: "bytes" | "tag";
  /** The text that was kept. */
  text: string;
}

/**
 * Turns the `node_props`/`rel_props` and `hash_props` of one row into typed properties.
 * Every key of `hash_props` holds the original string of a property whose value in `props` is
 * its SHA-256 digest (the tool hashed strings that start like a tag). Lists convert only when
 * every element is a well-formed tag of one kind; otherwise they stay lists of strings, since
 * a list of genuine strings was never hashed.
 *
 * @param props The row's `node_props` or `rel_props`, as {@link parseLegacyJson} returned it.
 * @param hashProps The row's `hash_props`.
 * @param onIssue Called for every value kept as text that may have been something else.
 * @returns The typed properties.
 * @throws {FormatError} When a property holds null, a map or a mixed list, which no Neo4j
 *   property holds.
 *
 * @example Restore a hashed string and decode a duration
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeLegacyProperties } from "./legacy_values.ts";
 * const props = decodeLegacyProperties(
 *   { odd: "3f2a", d: "$duration('PT12H')" },
 *   { odd: "$time(noon)" },
 * );
 * assert.equal(props.odd, "$time(noon)");
 * ```
 */
export function decodeLegacyProperties(
  props: Record<string, LegacyJson>,
  hashProps: Record<string, LegacyJson> = {},
  onIssue: (issue: LegacyPropertyIssue) => void = () => {},
): Properties {
  const entries: [string, PropertyValue][] = [];
  for (const [key, raw] of Object.entries(props)) {
    const original = Object.hasOwn(hashProps, key) ? hashProps[key] : undefined;
    if (typeof original === "string") entries.push([key, original]);
    else entries.push([key, decodeProperty(key, raw, onIssue)]);
  }
  for (const [key, original] of Object.entries(hashProps)) {
    if (!Object.hasOwn(props, key) && typeof original === "string") entries.push([key, original]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a property
  return Object.fromEntries(entries);
}

function decodeProperty(
  key: string,
  raw: LegacyJson,
  onIssue: (issue: LegacyPropertyIssue) => void,
): PropertyValue {
  if (Array.isArray(raw)) return decodeList(key, raw);
  if (typeof raw !== "string") return scalar(key, raw);
  if (LEGACY_TAG_PREFIXES.some((prefix) => raw.startsWith(prefix))) {
    const value = decodeLegacyTag(raw);
    if (value !== undefined) return value;
    onIssue({ key, kind: "tag", text: raw });
  } else if (looksLikeLegacyBytes(raw)) {
    onIssue({ key, kind: "bytes", text: raw });
  }
  return raw;
}

function decodeList(key: string, raw: LegacyJson[]): ScalarValue[] {
  const values = raw.map((item) => scalar(key, item));
  if (values.length === 0 || !values.every((v) => typeof v === "string")) {
    if (new Set(values.map((v) => typeof v)).size > 1) {
      throw new FormatError(`Property '${quoteLegacyText(key)}' holds a list of mixed types`);
    }
    return values;
  }
  const decoded = (values as string[]).map(decodeLegacyTag);
  const kinds = new Set(decoded.map((v) => v?.constructor));
  return kinds.size === 1 && !kinds.has(undefined) ? decoded as ScalarValue[] : values;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function scalar(key: string, raw: LegacyJson): ScalarValue {
  if (typeof raw === "bigint" && (raw > INT64_MAX || raw < INT64_MIN)) {
    const digits = raw.toString().replace("-", "").length;
    throw new FormatError(
      `Property '${
        quoteLegacyText(key)
      }' holds an integer of ${digits} digits outside the 64-bit range ` +
        "of Neo4j integers, which no Neo4j property can hold",
    );
  }
  if (
    typeof raw === "string" || typeof raw === "bigint" || typeof raw === "number" ||
    typeof raw === "boolean"
  ) {
    return raw;
  }
  const what = raw === null ? "null" : Array.isArray(raw) ? "a nested list" : "a map";
  throw new FormatError(
    `Property '${quoteLegacyText(key)}' holds ${what}, which no Neo4j property can hold`,
  );
}
