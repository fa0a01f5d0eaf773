/**
 * The progress events the engine reports while it exports or imports.
 *
 * @module
 */

/**
 * The phases of an export or an import, in the order they run. Export: `schema` (read),
 * `nodes`, `relationships`. Import: with `--clean` first `delete relationships`,
 * `delete nodes` and `drop schema` (emptying the target), then `nodes`, `relationships`,
 * `schema` (items created), `indexes` (population of the created indexes).
 */
export type ProgressPhase =
  | "schema"
  | "nodes"
  | "relationships"
  | "indexes"
  | "delete relationships"
  | "delete nodes"
  | "drop schema";

/**
 * How far an export or import has come in one phase. Every phase that runs reports exactly one
 * `start` (with `done` 0, or what an interrupted import had done when it is resumed) before any
 * `advance`, and exactly one `end` (with the phase's final
 * count) after its last item; phases do not overlap.
 *
 * @example Print each phase as it ends
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ProgressEvent } from "./progress_event.ts";
 * const lines: string[] = [];
 * const onProgress = (e: ProgressEvent) => {
 *   if (e.type === "end") lines.push(`${e.phase}: ${e.done}`);
 * };
 * onProgress({ type: "start", phase: "nodes", done: 0, total: 20000 });
 * onProgress({ type: "advance", phase: "nodes", done: 5000, total: 20000 });
 * onProgress({ type: "end", phase: "nodes", done: 20000, total: 20000 });
 * assert.deepEqual(lines, ["nodes: 20000"]);
 * ```
 */
export interface ProgressEvent {
  /** `start` when the phase begins, `advance` as it goes, `end` when it is over. */
  type: "start" | "advance" | "end";
  /** The phase: schema read or created, nodes, relationships, index population. */
  phase: ProgressPhase;
  /** Items done so far in this phase. */
  done: number;
  /** Items expected in this phase, when known (from the server's counts or the backup). */
  total?: number;
}
