/**
 * Progress, warnings and summaries for people, written to stderr. On a terminal progress is one
 * line redrawn in place; elsewhere (a log, CI) it is a plain line every few seconds per phase.
 * Either way each phase ends with one line, `nodes 1,207 done in 0.4 s`. The formatting
 * functions are pure so that they can be tested without a terminal.
 *
 * @module
 */

import type { ProgressEvent } from "../engine/progress_event.ts";
import { terminalText } from "./terminal_text.ts";

export type { ProgressEvent };

/** Where a {@link ProgressReporter} writes and how it tells the time. */
export interface ProgressReporterOptions {
  /** Writes text to stderr as it is. */
  write: (text: string) => void;
  /** Whether stderr is a terminal: redraw one line instead of printing lines. */
  terminal: boolean;
  /** Print no progress at all (warnings still print). */
  quiet?: boolean;
  /** Use colours in warnings. */
  color?: boolean;
  /** The width of the terminal; longer progress lines are cut. */
  columns?: number;
  /** Milliseconds on a monotonic clock; `performance.now()` by default. */
  now?: () => number;
  /** Milliseconds between terminal redraws, default 100. */
  redrawInterval?: number;
  /** Milliseconds between plain lines when not on a terminal, default 5000. */
  logInterval?: number;
}

interface PhaseState {
  phase: ProgressEvent["phase"];
  done: number;
  total?: number;
  started: number;
  /** The count at the phase's start: more than 0 when a resumed import goes on. */
  from: number;
}

/**
 * Turns {@link ProgressEvent}s into a throttled progress display and prints warnings once each.
 * A phase's clock starts at its `start` event; its `end` event prints the line that closes it,
 * `PHASE COUNT done in TIME`, with the end's count. Between the two, `advance` events redraw
 * the line on a terminal (at most every `redrawInterval`) or print a plain line (every
 * `logInterval`). Events that break the contract of {@link ProgressEvent} lose no phase: an
 * `end` without a `start` still prints, a `start` while another phase runs ends that one at its
 * last count, a repeated `start` keeps the clock, an `advance` without a `start` starts its
 * phase, {@link finish} ends a phase that never got its `end`, and late events of a phase that
 * ended print nothing.
 *
 * @example Report two phases off a terminal
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressReporter } from "./progress.ts";
 * let text = "";
 * const progress = new ProgressReporter({ write: (t) => (text += t), terminal: false, now: () => 0 });
 * progress.update({ type: "start", phase: "nodes", done: 0, total: 1207 });
 * progress.update({ type: "advance", phase: "nodes", done: 1000, total: 1207 });
 * progress.update({ type: "end", phase: "nodes", done: 1207, total: 1207 });
 * progress.update({ type: "start", phase: "relationships", done: 0, total: 0 });
 * progress.update({ type: "end", phase: "relationships", done: 0, total: 0 });
 * progress.finish();
 * assert.equal(text, "nodes 1,207 done in 0.0 s\nrelationships 0 done in 0.0 s\n");
 * assert.equal(progress.counts.get("nodes"), 1207);
 * ```
 */
export class ProgressReporter {
  #options: Required<Omit<ProgressReporterOptions, "columns">> & { columns?: number };
  #current?: PhaseState;
  #lastDraw = -Infinity;
  #lineShown = false;
  #warned = new Set<string>();
  #ended = new Map<ProgressEvent["phase"], number>();

  /**
   * Creates a reporter.
   *
   * @param options Where to write and how to display.
   */
  constructor(options: ProgressReporterOptions) {
    this.#options = {
      quiet: false,
      color: false,
      now: () => performance.now(),
      redrawInterval: 100,
      logInterval: 5000,
      ...options,
    };
  }

  /**
   * Records a progress event: starts, redraws or ends its phase.
   *
   * @param event The engine's progress.
   *
   * @example Start, advance and end a phase
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressReporter } from "./progress.ts";
   * const lines: string[] = [];
   * const progress = new ProgressReporter({ write: (t) => lines.push(t), terminal: false });
   * progress.update({ type: "start", phase: "schema", done: 0, total: 2 });
   * progress.update({ type: "end", phase: "schema", done: 2, total: 2 });
   * assert.match(lines[0], /^schema 2 done in \d/);
   * ```
   */
  update(event: ProgressEvent): void {
    const now = this.#options.now();
    if (event.type === "start") return this.#start(event, now);
    if (this.#current?.phase !== event.phase) {
      if (this.#ended.has(event.phase)) {
        // Late news of a phase that ended: a repeated end corrects its count, quietly.
        if (event.type === "end") this.#ended.set(event.phase, event.done);
        return;
      }
      this.#start(event, now);
    }
    const state = this.#current!;
    state.done = event.done;
    state.total = event.total ?? state.total;
    if (event.type === "end") return this.#end(now);
    const interval = this.#options.terminal
      ? this.#options.redrawInterval
      : this.#options.logInterval;
    if (now - this.#lastDraw < interval) return;
    this.#draw(now);
  }

  /**
   * Prints a warning on its own line, once per distinct message, its control characters (a
   * warning may quote a name from a backup) shown escaped.
   *
   * @param message The warning, one line.
   *
   * @example Warn once
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressReporter } from "./progress.ts";
   * const lines: string[] = [];
   * const progress = new ProgressReporter({ write: (t) => lines.push(t), terminal: false });
   * progress.warn("Index 'x' skipped");
   * progress.warn("Index 'x' skipped");
   * assert.deepEqual(lines, ["neo4j-backup: warning: Index 'x' skipped\n"]);
   * ```
   */
  warn(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#clearLine();
    const label = this.#options.color ? "\x1b[33mwarning:\x1b[0m" : "warning:";
    this.#options.write(`neo4j-backup: ${label} ${terminalText(message)}\n`);
    if (this.#current && this.#options.terminal) this.#draw(this.#options.now());
  }

  /**
   * Ends a phase that is still running (its `end` never came) and leaves the cursor at the
   * start of a fresh line.
   *
   * @example Finish after the last phase
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressReporter } from "./progress.ts";
   * const lines: string[] = [];
   * const progress = new ProgressReporter({ write: (t) => lines.push(t), terminal: false });
   * progress.update({ type: "start", phase: "nodes", done: 0 });
   * progress.update({ type: "advance", phase: "nodes", done: 3 });
   * progress.finish();
   * assert.match(lines[0], /^nodes 3 done in /);
   * ```
   */
  finish(): void {
    if (this.#current) this.#end(this.#options.now());
  }

  /**
   * Removes the progress line (on a terminal) without ending the phase, e.g. before an error.
   *
   * @example Clear before printing an error
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressReporter } from "./progress.ts";
   * const out: string[] = [];
   * const progress = new ProgressReporter({ write: (t) => out.push(t), terminal: true });
   * progress.update({ type: "start", phase: "nodes", done: 0 });
   * progress.clear();
   * assert.equal(out.at(-1), "\r\x1b[2K");
   * ```
   */
  clear(): void {
    this.#clearLine();
  }

  /**
   * The count of each phase: the final count of those that ended, in the order they ran,
   * then the count so far of the one running.
   *
   * @returns A map from phase to its count.
   *
   * @example Read the counts for a summary
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProgressReporter } from "./progress.ts";
   * const progress = new ProgressReporter({ write: () => {}, terminal: false });
   * progress.update({ type: "start", phase: "nodes", done: 0 });
   * progress.update({ type: "end", phase: "nodes", done: 171 });
   * assert.equal(progress.counts.get("nodes"), 171);
   * ```
   */
  get counts(): ReadonlyMap<ProgressEvent["phase"], number> {
    const counts = new Map(this.#ended);
    if (this.#current) counts.set(this.#current.phase, this.#current.done);
    return counts;
  }

  #start(event: ProgressEvent, now: number): void {
    if (this.#current?.phase === event.phase) {
      this.#current.total = event.total ?? this.#current.total; // a repeated start: same clock
      return;
    }
    if (this.#current) this.#end(now);
    this.#ended.delete(event.phase); // a phase that runs again (e.g. a retry) counts afresh
    this.#current = {
      phase: event.phase,
      done: event.done,
      total: event.total,
      started: now,
      from: event.done,
    };
    this.#lastDraw = now;
    if (this.#options.terminal) this.#draw(now);
  }

  #end(now: number): void {
    const state = this.#current!;
    this.#current = undefined;
    this.#ended.set(state.phase, state.done);
    if (this.#options.quiet) return;
    this.#clearLine();
    const line = formatPhaseDone(state.phase, state.done, (now - state.started) / 1000);
    this.#options.write(`${line}\n`);
  }

  #draw(now: number): void {
    const state = this.#current;
    this.#lastDraw = now;
    if (!state || this.#options.quiet) return;
    const line = formatProgressLine({
      phase: state.phase,
      done: state.done,
      total: state.total,
      seconds: (now - state.started) / 1000,
      from: state.from,
    });
    if (this.#options.terminal) {
      const width = this.#options.columns;
      const shown = width && line.length >= width ? line.slice(0, width - 1) : line;
      this.#options.write(`\r\x1b[2K${shown}`);
      this.#lineShown = true;
    } else {
      this.#options.write(`${line}\n`);
    }
  }

  #clearLine(): void {
    if (!this.#lineShown) return;
    this.#options.write("\r\x1b[2K");
    this.#lineShown = false;
  }
}

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
