/**
 * Writing text to stdout.
 *
 * @module
 */

import process from "node:process";

/**
 * Writes text to stdout and resolves once the runtime has taken it, so that exiting right
 * after does not lose it.
 *
 * @param text The text (add the newline yourself).
 * @returns A promise that resolves when the text is written.
 *
 * @example Print the version
 * ```ts
 * import { writeStdout } from "./write_stdout.ts";
 * await writeStdout("neo4j-backup 0.1.0\n");
 * ```
 */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
