/**
 * Property values as Parquet column values: the kind of each value (one Parquet type per kind,
 * see {@link KINDS}) and the value as the column stores it, or why Parquet cannot hold it.
 *
 * Integers are `bigint` (INT64), temporal values are counts of days or nanoseconds, zoned values
 * travel with their zone or offset as a second value, durations and points are structs.
 *
 * @module
 */

import type { PropertyValue, ScalarValue } from "../../format/records.ts";
import { hasLoneSurrogate } from "../../format/names.ts";
import type { ParquetKind, ScalarKind } from "./kinds.ts";
import { zoneOffsetSeconds } from "./zone_offset.ts";

/** A duration as its struct column holds it. */
export interface DurationStruct {
  months: bigint;
  days: bigint;
  seconds: bigint;
  nanoseconds: number;
}

/** A point as its struct column holds it (`z` is `null` in 2D). */
export interface PointStruct {
  srid: number;
  x: number;
  y: number;
  z: number | null;
}

/** One converted scalar. */
export type ColumnScalar =
  | bigint
  | number
  | string
  | boolean
  | Uint8Array
  | DurationStruct
  | PointStruct;

/** A value ready for its column, with the zone (or zones of a list) for the sibling column. */
export interface ColumnValue {
  /** The value's kind: which typed column it goes to. */
  kind: ParquetKind;
  /** The converted value (an array for lists). */
  value: ColumnScalar | ColumnScalar[];
  /** For `time` and `datetime` kinds: the zone name or offset, per element for lists. */
  zone?: string | string[];
  /** A string (or list element) holds a lone surrogate, which UTF-8 writes as U+FFFD. */
  loneSurrogate?: boolean;
}

/** A value that Parquet cannot hold, and what becomes of it. */
export interface ValueLoss {
  /** The kind the value would have had. */
  kind: ParquetKind;
  /** What could not be carried. */
  lost: string;
  /** What the converter does: the value is left out (its cell stays null). */
  action: string;
}

/** An empty list: no element type, so no kind until the file's columns decide (see writer). */
export interface EmptyList {
  kind: "empty list";
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const LEFT_OUT = "left out (null)";

/**
 * Converts a property value for its Parquet column.
 *
 * @param value A property value from a backup record.
 * @returns The column value, an {@link EmptyList}, or the loss when Parquet cannot hold it.
 *
 * @example Integers stay exact, dates are days, datetimes are UTC nanoseconds plus their zone
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { columnValue } from "./values.ts";
 * assert.deepEqual(columnValue(9223372036854775807n), { kind: "integer", value: 9223372036854775807n });
 * assert.deepEqual(columnValue(new neo4j.types.Date(1970n, 1n, 2n)), { kind: "date", value: 1 });
 * const at = new neo4j.types.DateTime(1970n, 1n, 1n, 1n, 0n, 0n, 5n, 3600n, "Europe/Paris");
 * assert.deepEqual(columnValue(at), { kind: "datetime", value: 5n, zone: "Europe/Paris" });
 * ```
 */
export function columnValue(value: PropertyValue): ColumnValue | ValueLoss | EmptyList {
  if (Array.isArray(value)) return listValue(value);
  const kind = scalarKind(value);
  const converted = convertScalar(kind, value);
  if ("lost" in converted) return { kind, lost: converted.lost, action: LEFT_OUT };
  const out: ColumnValue = { kind, value: converted.value };
  if (converted.zone !== undefined) out.zone = converted.zone;
  if (kind === "string" && hasLoneSurrogate(value as string)) out.loneSurrogate = true;
  return out;
}

function listValue(list: ScalarValue[]): ColumnValue | ValueLoss | EmptyList {
  if (list.length === 0) return { kind: "empty list" };
  const element = scalarKind(list[0]);
  const kind = `list_${element}` as ParquetKind;
  const values: ColumnScalar[] = [];
  const zones: string[] = [];
  let loneSurrogate = false;
  for (const item of list) {
    const converted = convertScalar(element, item);
    if ("lost" in converted) {
      return { kind, lost: `list with a ${converted.lost}`, action: LEFT_OUT };
    }
    values.push(converted.value);
    if (converted.zone !== undefined) zones.push(converted.zone);
    if (element === "string" && !loneSurrogate) loneSurrogate = hasLoneSurrogate(item as string);
  }
  const out: ColumnValue = { kind, value: values };
  if (element === "time" || element === "datetime") out.zone = zones;
  if (loneSurrogate) out.loneSurrogate = true;
  return out;
}

type Converted = { value: ColumnScalar; zone?: string } | { lost: string };

/** Driver values by their class name, as the decoder builds them (one lookup per value). */
const KIND_BY_CLASS: Record<string, ScalarKind> = {
  Date: "date",
  LocalTime: "local_time",
  Time: "time",
  LocalDateTime: "local_datetime",
  DateTime: "datetime",
  Duration: "duration",
  Point: "point",
  Int8Array: "bytes",
  Uint8Array: "bytes",
  Buffer: "bytes",
  Integer: "integer",
};

/**
 * The kind of a scalar value.
 *
 * @param value A scalar property value.
 * @returns Its kind.
 */
export function scalarKind(value: ScalarValue): ScalarKind {
  switch (typeof value) {
    case "bigint":
      return "integer";
    case "number":
      return "float";
    case "string":
      return "string";
    case "boolean":
      return "boolean";
  }
  if (value instanceof Uint8Array || value instanceof Int8Array) return "bytes";
  const kind = KIND_BY_CLASS[(value as object).constructor?.name ?? ""];
  if (kind !== undefined) return kind;
  return shapeKind(value);
}

/** The kind of a value of another copy of the driver (or a plain object), by its fields. */
function shapeKind(value: object): ScalarKind {
  if ("toBigInt" in value) return "integer";
  if ("srid" in value) return "point";
  if ("months" in value) return "duration";
  const date = "year" in value;
  const time = "hour" in value;
  const zoned = "timeZoneOffsetSeconds" in value || "timeZoneId" in value;
  if (date && time) return zoned ? "datetime" : "local_datetime";
  if (time) return zoned ? "time" : "local_time";
  return "date";
}

type Fields = Record<string, unknown>;

function big(x: unknown): bigint {
  if (typeof x === "bigint") return x;
  if (typeof x === "number") return BigInt(x);
  return (x as { toBigInt(): bigint }).toBigInt();
}

function convertScalar(kind: ScalarKind, value: ScalarValue): Converted {
  switch (kind) {
    case "integer":
      return { value: big(value) };
    case "float":
    case "string":
    case "boolean":
      return { value: value as number | string | boolean };
    case "bytes": {
      const bytes = value as Int8Array | Uint8Array;
      return { value: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    case "date":
      return dateDays(value as unknown as Fields);
    case "local_time":
      return { value: nanosOfDay(value as unknown as Fields) };
    case "time": {
      const t = value as unknown as Fields;
      return { value: nanosOfDay(t), zone: offsetText(big(t.timeZoneOffsetSeconds)) };
    }
    case "local_datetime":
      return epochNanos(value as unknown as Fields, 0n, "LocalDateTime");
    case "datetime":
      return zonedNanos(value as unknown as Fields);
    case "duration": {
      const d = value as unknown as Fields;
      return {
        value: {
          months: big(d.months),
          days: big(d.days),
          seconds: big(d.seconds),
          nanoseconds: Number(d.nanoseconds),
        },
      };
    }
    case "point": {
      const p = value as unknown as Fields;
      const z = p.z === undefined || p.z === null ? null : Number(p.z);
      return { value: { srid: Number(p.srid), x: Number(p.x), y: Number(p.y), z } };
    }
  }
}

function dateDays(d: Fields): Converted {
  const days = daysFromCivil(Number(d.year), Number(d.month), Number(d.day));
  if (days < INT32_MIN || days > INT32_MAX) {
    return {
      lost: "Date outside the range of Parquet DATE (32-bit days, about ±5.8 million years)",
    };
  }
  return { value: Number(days) };
}

function secondsOfDay(t: Fields): number {
  return (Number(t.hour) * 60 + Number(t.minute)) * 60 + Number(t.second);
}

function nanosOfDay(t: Fields): bigint {
  return BigInt(secondsOfDay(t)) * 1_000_000_000n + big(t.nanosecond);
}

// Number arithmetic where it is exact (days and seconds of Neo4j's ±999,999,999 years stay far
// below 2^53): each bigint operation allocates, and this runs for every temporal value.
function epochNanos(d: Fields, offsetSeconds: bigint, what: string): Converted {
  const days = daysFromCivil(Number(d.year), Number(d.month), Number(d.day));
  const seconds = days * 86_400 + secondsOfDay(d) - Number(offsetSeconds);
  const nanos = BigInt(seconds) * 1_000_000_000n + big(d.nanosecond);
  if (nanos < INT64_MIN || nanos > INT64_MAX) {
    return {
      lost: `${what} outside the range of Parquet TIMESTAMP(NANOS) (1677-09-21 to 2262-04-11)`,
    };
  }
  return { value: nanos };
}

function zonedNanos(d: Fields): Converted {
  const zone = typeof d.timeZoneId === "string" && d.timeZoneId !== "" ? d.timeZoneId : undefined;
  let offset: bigint | undefined = d.timeZoneOffsetSeconds === undefined ||
      d.timeZoneOffsetSeconds === null
    ? undefined
    : big(d.timeZoneOffsetSeconds);
  if (offset === undefined) {
    // A DateTime from an old server that reported only its zone: the zone's rules give the offset.
    const found = zoneOffsetSeconds(d, zone ?? "");
    if (found === undefined) return { lost: `DateTime whose zone '${zone}' has no known offset` };
    offset = BigInt(found);
  }
  const converted = epochNanos(d, offset, "DateTime");
  if ("lost" in converted) return converted;
  return { value: converted.value, zone: zone ?? offsetText(offset) };
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`), exact
 * for every year Neo4j holds (±999,999,999).
 *
 * @param year The year, any sign.
 * @param month 1 to 12.
 * @param day 1 to 31.
 * @returns The days, negative before 1970.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { daysFromCivil } from "./values.ts";
 * assert.equal(daysFromCivil(2020, 2, 29), 18321);
 * assert.equal(daysFromCivil(1969, 12, 31), -1);
 * assert.equal(daysFromCivil(-999999999, 1, 1), -365243219162);
 * ```
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * An offset as Neo4j writes it: `+HH:MM`, with `:SS` when it has seconds.
 *
 * @param seconds The offset from UTC in seconds.
 * @returns The text, e.g. `+01:00` or `-05:30:15`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offsetText } from "./values.ts";
 * assert.equal(offsetText(3600n), "+01:00");
 * assert.equal(offsetText(-(5n * 3600n + 30n * 60n + 15n)), "-05:30:15");
 * ```
 */
export function offsetText(seconds: bigint): string {
  const sign = seconds < 0n ? "-" : "+";
  const abs = seconds < 0n ? -seconds : seconds;
  const two = (n: bigint) => n.toString().padStart(2, "0");
  const text = `${sign}${two(abs / 3600n)}:${two((abs / 60n) % 60n)}`;
  return abs % 60n ? `${text}:${two(abs % 60n)}` : text;
}
