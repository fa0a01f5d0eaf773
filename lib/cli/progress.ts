/**
 * The text people read about a run: progress lines, counts, durations, sizes, the summary at
 * the end, and whether to use colours. Pure functions, so that they can be tested without a
 * terminal; `progress_reporter.ts` writes them to stderr.
 *
 * @module
 */

import type { ProgressEvent } from "../pipeline/progress_event.ts";

export type { ProgressEvent };

/** The numbers a progress line shows. */
export interface ProgressLine {
  phase: ProgressEvent["phase"];
  done: number;
  total?: number;
  /** Seconds since the phase started. */
  seconds: number;
  /** Items already done when the phase started (a resumed import); the rate counts the rest. */
  from?: number;
}

/**
 * Formats one progress line: phase, count, share, rate and time left.
 *
 * @param line The phase's numbers.
 * @returns A line like `nodes 1,200/3,000 40% 600/s ETA 3.0 s`.
 *
 * @example Format a line
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProgressLine } from "./progress.ts";
 * const line = formatProgressLine({ phase: "nodes", done: 1200, total: 3000, seconds: 2 });
 * assert.equal(line, "nodes 1,200/3,000 40% 600/s ETA 3.0 s");
 * ```
 */
export function formatProgressLine(line: ProgressLine): string {
  const parts: string[] = [line.phase];
  const rate = line.seconds > 0 ? (line.done - (line.from ?? 0)) / line.seconds : undefined;
  if (line.total !== undefined && line.total > 0) {
    parts.push(`${formatCount(line.done)}/${formatCount(line.total)}`);
    parts.push(`${Math.floor(Math.min(1, line.done / line.total) * 100)}%`);
  } else {
    parts.push(formatCount(line.done));
  }
  if (rate !== undefined && line.done > 0) parts.push(`${formatCount(Math.round(rate))}/s`);
  if (rate && line.total !== undefined && line.total > line.done) {
    parts.push(`ETA ${formatDuration((line.total - line.done) / rate)}`);
  }
  return parts.join(" ");
}

/**
 * Formats the line that closes a phase.
 *
 * @param phase The phase that ended.
 * @param done Its final count.
 * @param seconds How long it took.
 * @returns A line like `nodes 171 done in 0.2 s`.
 *
 * @example Close a phase
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatPhaseDone } from "./progress.ts";
 * assert.equal(formatPhaseDone("nodes", 171, 0.21), "nodes 171 done in 0.2 s");
 * ```
 */
export function formatPhaseDone(phase: string, done: number, seconds: number): string {
  return `${phase} ${formatCount(done)} done in ${formatDuration(seconds)}`;
}

/**
 * Formats a count with thousands separators.
 *
 * @param n A non-negative integer.
 * @returns The count, e.g. `1,234,567`.
 *
 * @example Separate thousands
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCount } from "./progress.ts";
 * assert.equal(formatCount(1234567), "1,234,567");
 * ```
 */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Formats a duration for people: tenths of seconds under a minute, then minutes and hours.
 *
 * @param seconds The duration in seconds.
 * @returns E.g. `0.4 s`, `12 s`, `2 min 05 s`, `1 h 02 min`.
 *
 * @example Format durations
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./progress.ts";
 * assert.equal(formatDuration(125), "2 min 05 s");
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return `${(Math.round(seconds * 10) / 10).toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${pad(whole % 60)} s`;
  return `${Math.floor(whole / 3600)} h ${pad(Math.floor(whole / 60) % 60)} min`;
}

/**
 * Formats a byte count with binary units.
 *
 * @param bytes A non-negative number of bytes.
 * @returns E.g. `812 B`, `12.3 KiB`, `4.5 MiB`.
 *
 * @example Format sizes
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatBytes } from "./progress.ts";
 * assert.equal(formatBytes(12595), "12.3 KiB");
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} ${units[0]}` : `${value.toFixed(1)} ${units[unit]}`;
}

/** What a finished export or import did, for {@link formatSummary}. */
export interface Summary {
  /** What was done and where, e.g. `"Exported database 'neo4j':"`. */
  action: string;
  nodes: number;
  relationships: number;
  /** Schema items written (export) or created (import). */
  schema: number;
  /** Added after the schema count, e.g. `" created"`. */
  schemaVerb?: string;
  /** Schema items the target refused, each with why. */
  skipped?: { name: string; reason: string }[];
  /** Bytes written (export) or read (import); no line about bytes when unknown. */
  bytes?: number;
  /** `"written to"` or `"read from"`. */
  bytesVerb: string;
  /** The file as shown, e.g. `'backup.jsonl.gz'` or `stdout`. */
  file: string;
  seconds: number;
}

/**
 * Formats the summary printed at the end of a run.
 *
 * @param summary What the run did.
 * @returns One line per fact, without trailing newlines.
 *
 * @example Summarise an import
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSummary } from "./progress.ts";
 * const lines = formatSummary({
 *   action: "Imported into 'neo4j':", nodes: 2, relationships: 1, schema: 1, schemaVerb: " created",
 *   bytes: 100, bytesVerb: "read from", file: "'a.jsonl'", seconds: 1.5,
 *   skipped: [{ name: "k", reason: "needs Enterprise Edition" }],
 * });
 * assert.equal(lines[0], "Imported into 'neo4j': 2 nodes, 1 relationship, 1 schema item created in 1.5 s");
 * ```
 */
export function formatSummary(summary: Summary): string[] {
  const lines = [
    `${summary.action} ${plural(summary.nodes, "node")}, ${
      plural(summary.relationships, "relationship")
    }, ${plural(summary.schema, "schema item")}${summary.schemaVerb ?? ""} in ${
      formatDuration(summary.seconds)
    }`,
  ];
  const skipped = summary.skipped ?? [];
  if (skipped.length > 0) {
    lines.push(`Skipped ${plural(skipped.length, "schema item")}:`);
    for (const item of skipped) lines.push(`  '${item.name}': ${item.reason}`);
  }
  if (summary.bytes !== undefined) {
    lines.push(`${formatBytes(summary.bytes)} ${summary.bytesVerb} ${summary.file}`);
  }
  return lines;
}

/**
 * Formats a count with its noun, plural when the count is not one.
 *
 * @param n The count.
 * @param noun The singular noun.
 * @param nouns The plural noun, when it is not `noun` + `s`.
 * @returns E.g. `1 node`, `3 nodes`.
 *
 * @example Pluralise
 * ```ts
 * import assert from "node:assert/strict";
 * import { plural } from "./progress.ts";
 * assert.equal(plural(3, "node"), "3 nodes");
 * ```
 */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : nouns}`;
}

/**
 * Decides whether to colour stderr: only on a terminal, and never when `NO_COLOR` is set to
 * a non-empty value (https://no-color.org) or `TERM` is `dumb`.
 *
 * @param env Reads an environment variable.
 * @param terminal Whether stderr is a terminal.
 * @returns Whether to use ANSI colours.
 *
 * @example Respect NO_COLOR
 * ```ts
 * import assert from "node:assert/strict";
 * import { useColor } from "./progress.ts";
 * assert.equal(useColor((n) => (n === "NO_COLOR" ? "1" : undefined), true), false);
 * ```
 */
export function useColor(env: (name: string) => string | undefined, terminal: boolean): boolean {
  if (!terminal) return false;
  if ((env("NO_COLOR") ?? "") !== "") return false;
  return env("TERM") !== "dumb";
}
