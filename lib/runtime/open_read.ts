/**
 * Reading a file as a web stream.
 *
 * @module
 */

import { open } from "node:fs/promises";
import { fileError } from "./_file_error.ts";

const CHUNK = 64 * 1024;

/**
 * Opens a file for reading. Errors (missing, unreadable, a folder) surface here, before any
 * byte is read; later read errors error the stream.
 *
 * @param path The file.
 * @returns Its bytes, read on demand in 64 KiB chunks.
 * @throws {FileError} When the file cannot be opened.
 *
 * @example Read a backup
 * ```ts ignore
 * import { openRead } from "./open_read.ts";
 * const bytes = await openRead("backup.jsonl.gz");
 * for await (const chunk of bytes) console.log(chunk.length);
 * ```
 */
export async function openRead(path: string): Promise<ReadableStream<Uint8Array>> {
  let handle;
  try {
    handle = await open(path, "r");
    if ((await handle.stat()).isDirectory()) {
      throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    }
  } catch (e) {
    await handle?.close();
    throw fileError(e, "read", path);
  }
  const file = handle;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const buffer = new Uint8Array(CHUNK);
        const { bytesRead } = await file.read(buffer, 0, CHUNK, null);
        if (bytesRead === 0) {
          await file.close();
          controller.close();
        } else {
          controller.enqueue(buffer.subarray(0, bytesRead));
        }
      } catch (e) {
        await file.close().catch(() => {});
        controller.error(fileError(e, "read", path));
      }
    },
    async cancel() {
      await file.close();
    },
  }, { highWaterMark: 0 });
}
