/**
 * The offset of a named time zone at a local date and time, from the runtime's time zone
 * database: for DateTimes that an old server reported with a zone but no offset.
 *
 * @module
 */

const formats = new Map<string, Intl.DateTimeFormat | undefined>();

function formatOf(zone: string): Intl.DateTimeFormat | undefined {
  if (!formats.has(zone)) {
    let format: Intl.DateTimeFormat | undefined;
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        era: "short",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      format = undefined;
    }
    formats.set(zone, format);
  }
  return formats.get(zone);
}

/** The zone's offset in seconds at an instant (milliseconds since the epoch). */
function offsetAt(format: Intl.DateTimeFormat, millis: number): number {
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(millis)) parts[p.type] = p.value;
  const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
  const wall = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((wall - Math.floor(millis / 1000) * 1000) / 1000);
}

/**
 * The offset a zone has at a local date and time; of two (a repeated hour), the earlier one.
 *
 * @param local The local date and time (`year` to `second`, numbers or bigints).
 * @param zone An IANA zone name.
 * @returns The offset in seconds, or `undefined` for an unknown zone or a year out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zoneOffsetSeconds } from "./zone_offset.ts";
 * const local = { year: 2015n, month: 6n, day: 24n, hour: 12n, minute: 50n, second: 35n };
 * assert.equal(zoneOffsetSeconds(local, "Europe/Stockholm"), 7200);
 * assert.equal(zoneOffsetSeconds(local, "No/Such_Zone"), undefined);
 * ```
 */
export function zoneOffsetSeconds(
  local: Record<string, unknown>,
  zone: string,
): number | undefined {
  const format = formatOf(zone);
  const n = (key: string) => Number(local[key]);
  const year = n("year");
  if (format === undefined || !(Math.abs(year) < 270_000)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, n("month") - 1, n("day"));
  date.setUTCHours(n("hour"), n("minute"), n("second"), 0);
  const wall = date.getTime();
  // The offsets a day before and a day after: a local time has one of them, both (the hour a
  // change repeats: the earlier instant, as Java's ZonedDateTime takes it) or neither (the hour
  // a change skips: the offset before it, which moves the time later by the gap, as Java does).
  const before = offsetAt(format, wall - 86_400_000);
  const after = offsetAt(format, wall + 86_400_000);
  const fits = [before, after].filter((o) => offsetAt(format, wall - o * 1000) === o);
  return fits.length === 0 ? before : Math.max(...fits);
}
