/**
 * An open file as hyparquet's `AsyncBuffer`, read by ranges: the footer and the row groups of a
 * Parquet file are read as they are needed, never the whole file.
 *
 * @module
 */

import type { open } from "node:fs/promises";
import type { AsyncBuffer } from "hyparquet";

type FileHandle = Awaited<ReturnType<typeof open>>;

/**
 * The file behind a handle, as an `AsyncBuffer` of its current size.
 *
 * @param handle A handle open for reading.
 * @returns The buffer; its slices read the file.
 *
 * @example Read the footer of a Parquet file
 * ```ts ignore
 * import { open } from "node:fs/promises";
 * import { parquetMetadataAsync } from "hyparquet";
 * import { fileBuffer } from "./file_buffer.ts";
 * const handle = await open("nodes/Person.parquet", "r");
 * const metadata = await parquetMetadataAsync(await fileBuffer(handle));
 * await handle.close();
 * ```
 */
export async function fileBuffer(handle: FileHandle): Promise<AsyncBuffer> {
  const size = (await handle.stat()).size;
  return {
    byteLength: size,
    slice: async (start, end = size) => {
      const buffer = new Uint8Array(end - start);
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.buffer;
    },
  };
}
