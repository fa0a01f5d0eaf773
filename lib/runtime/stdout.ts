/**
 * Standard output as a web stream.
 *
 * @module
 */

import process from "node:process";
import { fileError } from "./_file_error.ts";

/**
 * Returns standard output as a writable stream of bytes. Each write resolves once the runtime
 * has taken the chunk, so a slow reader slows the writer down instead of filling memory.
 * Closing the stream leaves stdout itself open.
 *
 * @returns A stream writing to stdout.
 *
 * @example Write bytes to stdout
 * ```ts ignore
 * import { stdout } from "./stdout.ts";
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
