/**
 * Progress, warnings and summaries for people, written to stderr. On a terminal progress is one
 * line redrawn in place; elsewhere (a log, CI) it is a plain line every few seconds per phase.
 * Either way each phase ends with one line, `nodes 1,207 done in 0.4 s`. The lines themselves
 * are formatted by the pure functions of `progress.ts`.
 *
 * @module
 */

import type { ProgressEvent } from "../pipeline/progress_event.ts";
import { formatPhaseDone, formatProgressLine } from "./progress.ts";
import { terminalText } from "./terminal_text.ts";

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
 * import { ProgressReporter } from "./progress_reporter.ts";
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
   * import { ProgressReporter } from "./progress_reporter.ts";
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
   * import { ProgressReporter } from "./progress_reporter.ts";
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
   * import { ProgressReporter } from "./progress_reporter.ts";
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
   * import { ProgressReporter } from "./progress_reporter.ts";
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
   * import { ProgressReporter } from "./progress_reporter.ts";
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
