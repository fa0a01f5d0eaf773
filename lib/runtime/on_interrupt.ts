/**
 * Reacting to Ctrl-C (SIGINT).
 *
 * @module
 */

import process from "node:process";

/**
 * Calls `handler` on each SIGINT instead of ending the process, until the returned function
 * is called.
 *
 * @param handler Called once per SIGINT.
 * @returns A function that removes the handler again.
 *
 * @example Clean up on Ctrl-C
 * ```ts
 * import { onInterrupt } from "./on_interrupt.ts";
 * const off = onInterrupt(() => console.error("interrupted"));
 * off();
 * ```
 */
export function onInterrupt(handler: () => void): () => void {
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGINT", handler);
  };
}
