/**
 * Writing a file from a web stream.
 *
 * @module
 */

import { open } from "node:fs/promises";
import { fileError } from "./_file_error.ts";

/**
 * Creates (or truncates) a file for writing. Closing the stream flushes the data to disk
 * (`fsync`) before it resolves, so a later rename publishes complete bytes.
 *
 * @param path The file.
 * @returns A stream that writes each chunk to the file in order.
 * @throws {FileError} When the file cannot be created.
 *
 * @example Write a file
 * ```ts ignore
 * import { openWrite } from "./open_write.ts";
 * const out = await openWrite("out.jsonl");
 * await ReadableStream.from([new TextEncoder().encode("{}\n")]).pipeTo(out);
 * ```
 */
export async function openWrite(path: string): Promise<WritableStream<Uint8Array>> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, "w");
  } catch (e) {
    throw fileError(e, "create", path);
  }
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      try {
        let offset = 0;
        while (offset < chunk.length) {
          const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
          offset += bytesWritten;
        }
      } catch (e) {
        throw fileError(e, "write", path);
      }
    },
    async close() {
      try {
        await file.sync();
      } catch (e) {
        throw fileError(e, "write", path);
      } finally {
        await file.close();
      }
    },
    async abort() {
      await file.close();
    },
  });
}
