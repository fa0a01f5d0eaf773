/**
 * One phase's progress events, in the order {@link ProgressEvent} promises: one `start`, then
 * `advance`s, then one `end`, whatever the code that reports them does twice.
 *
 * @module
 */

import type { ProgressEvent, ProgressPhase } from "./progress_event.ts";

/**
 * Reports one phase: `start` on creation, {@link PhaseProgress.advance} per step, and
 * {@link PhaseProgress.end} once; anything after the end is ignored.
 *
 * @example Report a phase of three steps
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ProgressEvent } from "./progress_event.ts";
 * import { PhaseProgress } from "./phase_progress.ts";
 * const events: ProgressEvent[] = [];
 * const phase = new PhaseProgress("nodes", 3, (e) => events.push(e));
 * phase.advance(2);
 * phase.end(3);
 * phase.end(3);
 * assert.deepEqual(events.map((e) => `${e.type} ${e.done}/${e.total}`), [
 *   "start 0/3",
 *   "advance 2/3",
 *   "end 3/3",
 * ]);
 * ```
 */
export class PhaseProgress {
  #phase: ProgressPhase;
  #total?: number;
  #emit?: (event: ProgressEvent) => void;
  #ended = false;

  /**
   * Starts a phase: emits its `start` event.
   *
   * @param phase The phase.
   * @param total The items expected, when known.
   * @param emit Where events go; nothing is reported when absent.
   * @param from Items done before the phase started (a resumed import), 0 by default.
   */
  constructor(
    phase: ProgressPhase,
    total: number | undefined,
    emit?: (e: ProgressEvent) => void,
    from = 0,
  ) {
    this.#phase = phase;
    this.#total = total;
    this.#emit = emit;
    this.#send("start", from);
  }

  /**
   * Reports that `done` items of the phase are done.
   *
   * @param done The count so far.
   */
  advance(done: number): void {
    if (!this.#ended) this.#send("advance", done);
  }

  /**
   * Ends the phase with its final count, which is also its total.
   *
   * @param done The phase's final count.
   * @param total The phase's total, when it is not `done` (e.g. schema items of which some
   *   were skipped).
   */
  end(done: number, total: number = done): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#total = total;
    this.#send("end", done);
  }

  #send(type: ProgressEvent["type"], done: number): void {
    const event: ProgressEvent = { type, phase: this.#phase, done };
    if (this.#total !== undefined) event.total = this.#total;
    this.#emit?.(event);
  }
}
