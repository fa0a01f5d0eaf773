/**
 * The width of the terminal stderr is attached to.
 *
 * @module
 */

import process from "node:process";

/**
 * Returns how many columns the terminal behind stderr has.
 *
 * @returns The column count, or `undefined` when stderr is not a terminal.
 *
 * @example Fit a line to the terminal
 * ```ts
 * import { terminalWidth } from "./terminal_width.ts";
 * const width = terminalWidth() ?? 80;
 * console.log(width > 0);
 * ```
 */
export function terminalWidth(): number | undefined {
  const columns = process.stderr.columns;
  return typeof columns === "number" && columns > 0 ? columns : undefined;
}
