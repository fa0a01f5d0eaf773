/**
 * Writing text to stderr.
 *
 * @module
 */

import process from "node:process";

/**
 * Writes text to stderr as it is (add the newline yourself).
 *
 * @param text The text.
 *
 * @example Print a warning
 * ```ts
 * import { writeStderr } from "./write_stderr.ts";
 * writeStderr("neo4j-backup: warning: nothing to do\n");
 * ```
 */
export function writeStderr(text: string): void {
  process.stderr.write(text);
}
