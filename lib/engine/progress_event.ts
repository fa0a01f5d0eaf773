/**
 * The progress events the engine reports while it exports or imports.
 *
 * @module
 */

/**
 * How far an export or import has come in one phase.
 *
 * @example Print progress as plain lines
 * ```ts
 * import type { ProgressEvent } from "./progress_event.ts";
 * const onProgress = (e: ProgressEvent) => console.error(`${e.phase}: ${e.done}/${e.total ?? "?"}`);
 * onProgress({ phase: "nodes", done: 5000, total: 20000 });
 * ```
 */
export interface ProgressEvent {
  /** The phase: schema read or created, nodes, relationships, index population. */
  phase: "schema" | "nodes" | "relationships" | "indexes";
  /** Items done so far in this phase. */
  done: number;
  /** Items expected in this phase, when known (from the server's counts or the backup). */
  total?: number;
}
