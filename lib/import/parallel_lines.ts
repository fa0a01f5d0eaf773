/**
 * Which backup records a resumed import skips: those of its committed batches. Batches written
 * one at a time commit in order, so each covers every record up to its last; batches of a
 * parallel import may commit out of order, and each covers its own range of records.
 *
 * @module
 */

/** The lines a batch covers, as the journal records them. */
export interface BatchLines {
  /** The first record it covers; absent when the batch was written one at a time. */
  first?: number;
  /** The last record it covers. */
  line: number;
}

/** The committed records: all up to `line`, and the ranges beyond it. */
export interface CommittedLines {
  /** Every record up to this number is committed. */
  line: number;
  /** Further committed `[first, last]` ranges, sorted, disjoint, not touching. */
  ranges: [number, number][];
}

/**
 * Gathers the records that committed batches cover.
 *
 * @param batches The committed batches, in any order.
 * @returns What a resumed import skips.
 *
 * @example One-at-a-time batches, then parallel ones with a gap
 * ```ts
 * import assert from "node:assert/strict";
 * import { committedLines } from "./parallel_lines.ts";
 * const lines = committedLines([
 *   { line: 10 },
 *   { first: 21, line: 30 },
 *   { first: 11, line: 15 },
 *   { first: 16, line: 18 },
 * ]);
 * assert.deepEqual(lines, { line: 18, ranges: [[21, 30]] });
 * ```
 */
export function committedLines(batches: BatchLines[]): CommittedLines {
  let line = 0;
  const parallel: [number, number][] = [];
  for (const b of batches) {
    if (b.first === undefined) line = Math.max(line, b.line);
    else parallel.push([b.first, b.line]);
  }
  parallel.sort((a, b) => a[0] - b[0]);
  const ranges: [number, number][] = [];
  for (const [first, last] of parallel) {
    if (last <= line) continue;
    if (first <= line + 1 && !ranges.length) {
      line = last;
      continue;
    }
    const previous = ranges.at(-1);
    if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else ranges.push([first, last]);
  }
  return { line, ranges };
}
