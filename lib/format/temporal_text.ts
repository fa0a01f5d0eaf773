/**
 * The text forms of Neo4j's temporal values in the format (`$date`, `$localtime`, `$time`,
 * `$localdatetime`, `$datetime`, `$duration`; see docs/FORMAT.md): formatting driver values
 * and parsing the text back, with every field range-checked, into driver values.
 *
 * @module
 */

import neo4j from "neo4j-driver";
import type {
  Date as Neo4jDate,
  DateTime,
  Duration,
  LocalDateTime,
  LocalTime,
  Time,
} from "neo4j-driver";
import {
  abbreviate,
  fail,
  INT64_MIN,
  type IntegerLike,
  NANOS_PER_SECOND,
  parseInt64,
  toBigInt,
  toNumber,
} from "./value_common.ts";

// ---------------------------------------------------------------------------------------------
// Formatting

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, "0");
  return (year < 0 ? "-" : "+") + String(Math.abs(year)).padStart(4, "0");
}

/**
 * Formats the date part of a driver value.
 *
 * @param d A date, local date-time or date-time.
 * @returns The date as `YYYY-MM-DD`, with a sign and more digits for years outside 0-9999.
 */
export function formatDate(d: { year: IntegerLike; month: IntegerLike; day: IntegerLike }): string {
  return `${formatYear(toNumber(d.year))}-${pad2(toNumber(d.month))}-${pad2(toNumber(d.day))}`;
}

/**
 * Formats the time of day of a driver value, without an offset.
 *
 * @param t A local time, time, local date-time or date-time.
 * @returns The time as `hh:mm:ss`, with nine digits of fraction when it has nanoseconds.
 */
export function formatTime(
  t: { hour: IntegerLike; minute: IntegerLike; second: IntegerLike; nanosecond: IntegerLike },
): string {
  const hms = `${pad2(toNumber(t.hour))}:${pad2(toNumber(t.minute))}:${pad2(toNumber(t.second))}`;
  const nanos = toNumber(t.nanosecond);
  return nanos === 0 ? hms : `${hms}.${String(nanos).padStart(9, "0")}`;
}

/**
 * Formats a time zone offset.
 *
 * @param seconds The offset from UTC in seconds.
 * @returns The offset as `+hh:mm`, or `+hh:mm:ss` when it has seconds.
 */
export function formatOffset(seconds: number): string {
  const abs = Math.abs(seconds);
  const hm = `${seconds < 0 ? "-" : "+"}${pad2(Math.floor(abs / 3600))}:${
    pad2(Math.floor(abs % 3600 / 60))
  }`;
  return abs % 60 === 0 ? hm : `${hm}:${pad2(abs % 60)}`;
}

/**
 * Formats a local date-time.
 *
 * @param d The value.
 * @returns The text of a `$localdatetime`.
 */
export function formatLocalDateTime(d: LocalDateTime<IntegerLike>): string {
  return `${formatDate(d)}T${formatTime(d)}`;
}

/**
 * Formats a date-time with its offset, its zone id or both.
 *
 * @param d The value.
 * @returns The text of a `$datetime`.
 */
export function formatDateTime(d: DateTime<IntegerLike>): string {
  const offset = d.timeZoneOffsetSeconds;
  const zone = d.timeZoneId;
  const hasOffset = offset !== undefined && offset !== null;
  const hasZone = zone !== undefined && zone !== null && zone !== "";
  if (!hasOffset && !hasZone) fail("a DateTime needs a time zone offset or a time zone id");
  return formatLocalDateTime(d) + (hasOffset ? formatOffset(toNumber(offset)) : "") +
    (hasZone ? `[${zone}]` : "");
}

/**
 * Formats a duration.
 *
 * @param d The value.
 * @returns The text of a `$duration`: months, days, and seconds with their fraction.
 */
export function formatDuration(d: Duration<IntegerLike>): string {
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

// ---------------------------------------------------------------------------------------------
// Parsing

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

/**
 * Parses the text of a `$date`.
 *
 * @param text The text.
 * @returns The driver value, with `bigint` fields.
 */
export function parseDate(text: string): Neo4jDate<bigint> {
  const [y, mo, d] = checkedDate(match(DATE_RE, text, "$date"), 1, text, "$date");
  return build(DATE_PROTO, { year: BigInt(y), month: BigInt(mo), day: BigInt(d) });
}

/**
 * Parses the text of a `$localtime`.
 *
 * @param text The text.
 * @returns The driver value, with `bigint` fields.
 */
export function parseLocalTime(text: string): LocalTime<bigint> {
  const [h, mi, s, ns] = checkedTime(
    match(LOCAL_TIME_RE, text, "$localtime"),
    1,
    text,
    "$localtime",
  );
  return build(LOCAL_TIME_PROTO, { hour: h, minute: mi, second: s, nanosecond: ns });
}

/**
 * Parses the text of a `$time`.
 *
 * @param text The text.
 * @returns The driver value, with `bigint` fields.
 */
export function parseTime(text: string): Time<bigint> {
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

/** The checked date and time fields of a matched `$localdatetime` or `$datetime`, in order. */
function dateTimeFields(m: Fields, text: string, what: string) {
  const [y, mo, d] = checkedDate(m, 1, text, what);
  const [h, mi, s, ns] = checkedTime(m, 4, text, what);
  return {
    year: BigInt(y),
    month: BigInt(mo),
    day: BigInt(d),
    hour: h,
    minute: mi,
    second: s,
    nanosecond: ns,
  };
}

/**
 * Parses the text of a `$localdatetime`.
 *
 * @param text The text.
 * @returns The driver value, with `bigint` fields.
 */
export function parseLocalDateTime(text: string): LocalDateTime<bigint> {
  const m = match(LOCAL_DATE_TIME_RE, text, "$localdatetime");
  return build(LOCAL_DATE_TIME_PROTO, dateTimeFields(m, text, "$localdatetime"));
}

/**
 * Parses the text of a `$datetime`; a zone id must be one the runtime knows.
 *
 * @param text The text.
 * @returns The driver value, with `bigint` fields.
 */
export function parseDateTime(text: string): DateTime<bigint> {
  const m = match(DATE_TIME_RE, text, "$datetime");
  const fields = dateTimeFields(m, text, "$datetime");
  const offset = m[8] === undefined ? undefined : parseOffset(m[8], text, "$datetime");
  const zone = m[9];
  if (offset === undefined && zone === undefined) {
    fail(`invalid $datetime '${text}': it needs an offset, a [zone] or both`);
  }
  if (zone !== undefined && !isKnownZone(zone)) {
    fail(`invalid $datetime '${text}': unknown time zone '${zone}'`);
  }
  return build(DATE_TIME_PROTO, { ...fields, timeZoneOffsetSeconds: offset, timeZoneId: zone });
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

/**
 * Parses the text of a `$duration`.
 *
 * @param text The text.
 * @returns The driver value, with `bigint` fields and the Bolt invariant (the seconds carry the
 *   sign, 0 <= nanoseconds < 1e9).
 */
export function parseDuration(text: string): Duration<bigint> {
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
