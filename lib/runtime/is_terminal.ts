/**
 * Whether a standard stream is a terminal.
 *
 * @module
 */

import { isatty } from "node:tty";

/** A standard stream of the process. */
export type StandardStream = "stdin" | "stdout" | "stderr";

const FDS: Record<StandardStream, number> = { stdin: 0, stdout: 1, stderr: 2 };

/**
 * Tells whether a standard stream is attached to a terminal.
 *
 * @param stream Which stream.
 * @returns `true` on a terminal, `false` for files, pipes and `/dev/null`.
 *
 * @example Only prompt on a terminal
 * ```ts
 * import { isTerminal } from "./is_terminal.ts";
 * if (isTerminal("stdin") && isTerminal("stderr")) console.error("can prompt");
 * ```
 */
export function isTerminal(stream: StandardStream): boolean {
  return isatty(FDS[stream]);
}
