/**
 * Zoned DateTimes for Neo4j 4.4 targets. A DateTime with a named zone that reaches 4.4 as a
 * Bolt parameter is stored with the zone's earlier offset when its local time occurs twice
 * (the hour a DST change repeats): `2021-10-31T02:30+01:00[Europe/Berlin]` becomes `+02:00`,
 * an hour earlier. 4.4 keeps the instant when it builds the value itself from epoch seconds,
 * so importers into 4.4 send zoned DateTimes that way.
 *
 * @module
 */

import neo4j from "neo4j-driver";
import type { DateTime } from "neo4j-driver";
import { quote } from "./cypher.ts";
import type { Properties, PropertyValue } from "../format/records.ts";

/** A DateTime as the target rebuilds it: epoch seconds, nanoseconds and a zone or offset. */
export interface ZonedParts {
  s: bigint;
  n: bigint;
  z: string;
}

/** A row whose zoned DateTimes travel apart, one slot per key of {@link zonedKeys}. */
export interface ZonedRow {
  p: Properties;
  z: (ZonedParts | null)[];
  zl: (ZonedParts[] | null)[];
}

type Zoned = DateTime<bigint> & { timeZoneId: string; timeZoneOffsetSeconds: bigint };

function isZoned(v: unknown): v is Zoned {
  if (!neo4j.isDateTime(v as object)) return false;
  const d = v as DateTime<bigint>;
  return !!d.timeZoneId && d.timeZoneOffsetSeconds != null;
}

function hasOffset(v: unknown): boolean {
  return neo4j.isDateTime(v as object) && (v as DateTime<bigint>).timeZoneOffsetSeconds != null;
}

function holdsZoned(v: PropertyValue): boolean {
  return Array.isArray(v) ? v.some(isZoned) && v.every(hasOffset) : isZoned(v);
}

/**
 * The property keys that hold a zoned DateTime (alone or in a list) in any of the rows.
 *
 * @param rows Property maps.
 * @returns The keys, in first-seen order; empty when no row needs the detour.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { zonedKeys } from "./zoned_datetimes.ts";
 * const d = new neo4j.types.DateTime(2021n, 10n, 31n, 2n, 30n, 0n, 0n, 3600n, "Europe/Berlin");
 * assert.equal(zonedKeys([{ a: 1n }, { at: d }]).join(), "at");
 * ```
 */
export function zonedKeys(rows: Properties[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (holdsZoned(v)) keys.add(k);
  }
  return [...keys];
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: bigint, month: bigint, day: bigint): bigint {
  const y = month <= 2n ? year - 1n : year;
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const mp = (month + 9n) % 12n;
  const doy = (153n * mp + 2n) / 5n + day - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

function offsetText(seconds: bigint): string {
  const sign = seconds < 0n ? "-" : "+";
  const abs = seconds < 0n ? -seconds : seconds;
  const two = (n: bigint) => n.toString().padStart(2, "0");
  const text = `${sign}${two(abs / 3600n)}:${two((abs / 60n) % 60n)}`;
  return abs % 60n ? `${text}:${two(abs % 60n)}` : text;
}

function partsOf(v: DateTime<bigint>): ZonedParts {
  const big = (x: unknown) => BigInt(x as bigint);
  const offset = big(v.timeZoneOffsetSeconds ?? 0n);
  const local = daysFromCivil(big(v.year), big(v.month), big(v.day)) * 86400n +
    big(v.hour) * 3600n + big(v.minute) * 60n + big(v.second);
  return {
    s: local - offset,
    n: big(v.nanosecond),
    z: v.timeZoneId ?? offsetText(offset),
  };
}

/**
 * Splits a property map: the keys of `keys` that hold zoned DateTimes leave `p` and travel as
 * epoch seconds in `z` (a single value) or `zl` (a list), at the key's index.
 *
 * @param props The properties of one node or relationship.
 * @param keys The keys from {@link zonedKeys}.
 * @returns The row to send.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { splitZoned } from "./zoned_datetimes.ts";
 * const d = new neo4j.types.DateTime(2021n, 10n, 31n, 2n, 30n, 0n, 0n, 3600n, "Europe/Berlin");
 * const row = splitZoned({ at: d, k: "x" }, ["at"]);
 * assert.equal(row.z[0]?.s, 1635643800n);
 * assert.equal(row.p.k, "x");
 * assert.ok(!("at" in row.p));
 * ```
 */
export function splitZoned(props: Properties, keys: string[]): ZonedRow {
  const p: Properties = { ...props };
  const z: (ZonedParts | null)[] = [];
  const zl: (ZonedParts[] | null)[] = [];
  for (const key of keys) {
    const v = props[key];
    const moves = v !== undefined && holdsZoned(v);
    if (moves) delete p[key];
    z.push(moves && !Array.isArray(v) ? partsOf(v as DateTime<bigint>) : null);
    zl.push(moves && Array.isArray(v) ? v.map((x) => partsOf(x as DateTime<bigint>)) : null);
  }
  return { p, z, zl };
}

/**
 * The Cypher that sets the split-off DateTimes back on an entity, for rows from
 * {@link splitZoned} bound to `row`.
 *
 * @param variable The node or relationship variable.
 * @param keys The keys from {@link zonedKeys}.
 * @returns A `SET` clause (empty when there are no keys).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zonedSetClause } from "./zoned_datetimes.ts";
 * assert.ok(zonedSetClause("n", ["at"]).startsWith(" SET n.`at` = CASE"));
 * ```
 */
export function zonedSetClause(variable: string, keys: string[]): string {
  if (!keys.length) return "";
  const build = (x: string) =>
    `datetime({epochSeconds: ${x}.s, nanosecond: ${x}.n, timezone: ${x}.z})`;
  const sets = keys.map((key, i) => {
    const target = `${variable}.${quote(key)}`;
    return `${target} = CASE WHEN row.z[${i}] IS NOT NULL THEN ${build(`row.z[${i}]`)} ` +
      `WHEN row.zl[${i}] IS NOT NULL THEN [x IN row.zl[${i}] | ${build("x")}] ELSE ${target} END`;
  });
  return ` SET ${sets.join(", ")}`;
}
