/**
 * Property values as Cypher literals, per target dialect: what a `.cypherl` script writes for
 * each Neo4j type, and what it reports when the target cannot hold a value exactly. The rules are
 * documented, type by type, in docs/FORMATS.md ("cypher: scripts for Neo4j and FalkorDB").
 *
 * @module
 */

import neo4j, { type DateTime } from "neo4j-driver";
import type { PropertyValue, ScalarValue } from "../format/records.ts";
import { encodeValue } from "../format/values.ts";
import { literal } from "../neo4j/cypher.ts";
import { splitZoned } from "../neo4j/zoned_datetimes.ts";

/** The databases a script is written for. */
export type CypherDialect = "neo4j" | "falkordb";

/**
 * Receives what a value lost on its way into the script.
 *
 * @param what The type or detail lost, e.g. `"ByteArray"`.
 * @param action What was written instead, e.g. `"left out"`.
 */
export type LossNote = (what: string, action: string) => void;

/** A tagged value of the backup format: `{ "$date": "2020-01-01" }` and the like. */
type Tagged = Record<string, unknown>;

/**
 * Writes a property value as a Cypher literal for a dialect, or `undefined` when it has none
 * (byte arrays): the caller leaves the property out. Every inexact or missing value is told to
 * `note`, once per value.
 *
 * @param value The property value, as a backup record holds it.
 * @param dialect The target database.
 * @param note Receives each loss.
 * @returns Cypher source text, or `undefined` when the value is left out.
 *
 * @example Write values for Neo4j and for FalkorDB
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { cypherValue } from "./cypher_literals.ts";
 * const losses: string[] = [];
 * const note = (what: string, action: string) => losses.push(`${what}: ${action}`);
 * const t = new neo4j.types.Time(21n, 40n, 32n, 142000000n, 3600n);
 * assert.equal(cypherValue(t, "neo4j", note), "time('21:40:32.142000000+01:00')");
 * assert.equal(cypherValue(t, "falkordb", note), "'21:40:32.142000000+01:00'");
 * assert.equal(cypherValue(9223372036854775807n, "neo4j", note), "9223372036854775807");
 * assert.equal(cypherValue([1.5, NaN], "neo4j", note), "[1.5, 0.0/0.0]");
 * assert.equal(cypherValue(new Int8Array([1]), "neo4j", note), undefined);
 * assert.deepEqual(losses, ["Time: written as ISO 8601 text", "ByteArray: left out"]);
 * ```
 */
export function cypherValue(
  value: PropertyValue,
  dialect: CypherDialect,
  note: LossNote,
): string | undefined {
  if (value instanceof Int8Array || value instanceof Uint8Array) {
    note("ByteArray", "left out");
    return undefined;
  }
  if (!Array.isArray(value)) return scalar(value, dialect, note);
  if (value.some((v) => v instanceof Int8Array || v instanceof Uint8Array)) {
    note("ByteArray", "left out");
    return undefined;
  }
  return "[" + value.map((v) => scalar(v, dialect, note)).join(", ") + "]";
}

function scalar(value: ScalarValue, dialect: CypherDialect, note: LossNote): string {
  switch (typeof value) {
    case "string":
      return dialect === "neo4j" ? literal(value) : falkorString(value, note);
    case "number":
    case "boolean":
    case "bigint":
      return literal(value);
  }
  if ("toBigInt" in value) return literal(value.toBigInt());
  const json = encodeValue(value) as Tagged;
  const [tag] = Object.keys(json);
  return dialect === "neo4j"
    ? neo4jTagged(tag, json[tag], value)
    : falkorTagged(tag, json[tag], value, note);
}

/** An offset with seconds (`-05:30:15`), which Neo4j's temporal parsers refuse. */
const OFFSET_SECONDS = /[+-]\d\d:\d\d:\d\d(\[|$)/;

function neo4jTagged(tag: string, text: unknown, value: ScalarValue): string {
  switch (tag) {
    case "$date":
    case "$localtime":
    case "$localdatetime":
      return `${tag.slice(1)}(${literal(String(text))})`;
    case "$time": {
      if (!OFFSET_SECONDS.test(String(text))) return `time(${literal(String(text))})`;
      const t = value as unknown as Record<string, bigint>;
      const offset = String(text).slice(-9);
      return `time({hour: ${t.hour}, minute: ${t.minute}, second: ${t.second}, ` +
        `nanosecond: ${t.nanosecond}, timezone: ${literal(offset)}})`;
    }
    case "$datetime":
      return neo4jDateTime(String(text), value as unknown as DateTime<bigint>);
    case "$duration": {
      const d = value as unknown as Record<string, bigint>;
      return `duration({months: ${d.months}, days: ${d.days}, seconds: ${d.seconds}, ` +
        `nanoseconds: ${d.nanoseconds}})`;
    }
    case "$point":
      return pointMap(text as Record<string, unknown>);
  }
  throw new TypeError(`Unknown value tag '${tag}'`);
}

/**
 * A DateTime for Neo4j. One with an offset and a zone is rebuilt from its instant (epoch seconds)
 * and zone, which keeps the offset during a DST overlap on every Neo4j line (4.4 included); so is
 * one whose offset has seconds, which Neo4j's parser refuses. Others are parsed from their text.
 */
function neo4jDateTime(text: string, value: DateTime<bigint>): string {
  const zoned = value.timeZoneId != null && value.timeZoneOffsetSeconds != null;
  if (!zoned && !OFFSET_SECONDS.test(text)) return `datetime(${literal(text)})`;
  const parts = zoned
    ? splitZoned({ v: value }, ["v"]).z[0]!
    : { s: instant(value), n: BigInt(value.nanosecond), z: text.slice(-9) };
  return `datetime({epochSeconds: ${parts.s}, nanosecond: ${parts.n}, timezone: ${
    literal(parts.z)
  }})`;
}

/** Epoch seconds of an offset DateTime, through the zoned-DateTime helper as if zoned in UTC. */
function instant(v: DateTime<bigint>): bigint {
  const b = (x: unknown) => BigInt(x as bigint);
  const asZoned = new neo4j.types.DateTime(
    b(v.year),
    b(v.month),
    b(v.day),
    b(v.hour),
    b(v.minute),
    b(v.second),
    b(v.nanosecond),
    b(v.timeZoneOffsetSeconds),
    "UTC",
  );
  return splitZoned({ v: asZoned }, ["v"]).z[0]!.s;
}

function pointMap(p: Record<string, unknown>): string {
  const coordinate = (c: unknown) => literal(typeof c === "number" ? c : Number(c));
  const z = p.z === undefined ? "" : `, z: ${coordinate(p.z)}`;
  return `point({srid: ${p.srid}, x: ${coordinate(p.x)}, y: ${coordinate(p.y)}${z}})`;
}

/**
 * A FalkorDB string literal: FalkorDB reads `\\`, `\'`, `\n` and `\r` but no `\u` escapes, and
 * ends a query at a NUL, so NUL characters are removed (and reported); every other character is
 * written as it is.
 */
function falkorString(s: string, note: LossNote): string {
  if (s.includes("\0")) {
    note("NUL character in a string", "removed (FalkorDB strings cannot hold it)");
    s = s.replaceAll("\0", "");
  }
  return "'" + s.replace(/[\\'\n\r]/g, (c) => FALKOR_ESCAPES[c]) + "'";
}

const FALKOR_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
};

/** A four-digit year: FalkorDB's temporal parsers know years 0001 to 9999 only. */
const FOUR_DIGIT_YEAR = /^(?!0000)\d{4}-/;

function falkorTagged(tag: string, text: unknown, value: ScalarValue, note: LossNote): string {
  const iso = String(text);
  const asText = (what: string) => {
    note(what, "written as ISO 8601 text");
    return falkorString(iso, note);
  };
  switch (tag) {
    case "$date":
      return FOUR_DIGIT_YEAR.test(iso) ? `date(${falkorString(iso, note)})` : asText("Date");
    case "$localtime":
      return `localtime(${falkorString(wholeSeconds(iso, "LocalTime", note), note)})`;
    case "$localdatetime":
      return FOUR_DIGIT_YEAR.test(iso)
        ? `localdatetime(${falkorString(wholeSeconds(iso, "LocalDateTime", note), note)})`
        : asText("LocalDateTime");
    case "$time":
      return asText("Time");
    case "$datetime":
      return asText("DateTime");
    case "$duration": {
      const d = value as unknown as Record<string, bigint>;
      note(
        "Duration",
        "written as a FalkorDB duration, which keeps one span, not months/days/seconds",
      );
      if (d.nanoseconds !== 0n) note("Duration nanoseconds", "dropped (FalkorDB has none)");
      return `duration({months: ${d.months}, days: ${d.days}, seconds: ${d.seconds}})`;
    }
    case "$point":
      return falkorPoint(text as Record<string, unknown>, note);
  }
  throw new TypeError(`Unknown value tag '${tag}'`);
}

/** FalkorDB keeps temporal values to the second: a fraction is dropped and reported. */
function wholeSeconds(iso: string, what: string, note: LossNote): string {
  const dot = iso.indexOf(".");
  if (dot < 0) return iso;
  note(`${what} fraction of a second`, "dropped (FalkorDB keeps whole seconds)");
  return iso.slice(0, dot);
}

/**
 * FalkorDB has WGS-84 2D points only (held as 32-bit floats); other points are written as the
 * text of their Neo4j literal.
 */
function falkorPoint(p: Record<string, unknown>, note: LossNote): string {
  if (p.srid === 4326 && p.z === undefined) {
    note("Point coordinates", "rounded to 32-bit floats by FalkorDB");
    return `point({latitude: ${literal(Number(p.y))}, longitude: ${literal(Number(p.x))}})`;
  }
  note(`Point (SRID ${p.srid})`, "written as the text of its Neo4j literal");
  return falkorString(pointMap(p), note);
}
