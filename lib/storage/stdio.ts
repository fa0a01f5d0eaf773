/**
 * Standard input and output as web streams, and text writes to stdout and stderr.
 *
 * @module
 */

import process from "node:process";
import { Readable } from "node:stream";
import { fileError } from "./files.ts";

/**
 * Returns standard input as a stream of bytes, read on demand.
 *
 * @returns The bytes of stdin.
 *
 * @example Count the bytes piped in
 * ```ts ignore
 * import { stdin } from "./stdio.ts";
 * let n = 0;
 * for await (const chunk of stdin()) n += chunk.length;
 * console.log(n);
 * ```
 */
export function stdin(): ReadableStream<Uint8Array> {
  return Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>;
}

/**
 * Returns standard output as a writable stream of bytes. Each write resolves once the runtime
 * has taken the chunk, so a slow reader slows the writer down instead of filling memory.
 * Closing the stream leaves stdout itself open.
 *
 * @returns A stream writing to stdout.
 *
 * @example Write bytes to stdout
 * ```ts ignore
 * import { stdout } from "./stdio.ts";
 * await ReadableStream.from([new TextEncoder().encode("hello\n")]).pipeTo(stdout());
 * ```
 */
export function stdout(): WritableStream<Uint8Array> {
  // Without a listener a closed pipe (EPIPE) would crash the process; the write callback
  // below reports the same error to the stream instead.
  if (process.stdout.listenerCount("error") === 0) process.stdout.on("error", () => {});
  return new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise<void>((resolve, reject) => {
        process.stdout.write(chunk, (error) => {
          if (error) reject(fileError(error, "write to", "stdout"));
          else resolve();
        });
      });
    },
  });
}

/**
 * Writes text to stderr as it is (add the newline yourself).
 *
 * @param text The text.
 *
 * @example Print a warning
 * ```ts
 * import { writeStderr } from "./stdio.ts";
 * writeStderr("neo4j-backup: warning: nothing to do\n");
 * ```
 */
export function writeStderr(text: string): void {
  process.stderr.write(text);
}

/**
 * Writes text to stdout and resolves once the runtime has taken it, so that exiting right
 * after does not lose it.
 *
 * @param text The text (add the newline yourself).
 * @returns A promise that resolves when the text is written.
 *
 * @example Print the version
 * ```ts
 * import { writeStdout } from "./stdio.ts";
 * await writeStdout("neo4j-backup 0.1.0\n");
 * ```
 */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
