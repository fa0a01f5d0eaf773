/**
 * Joins the parts of one table into its final file. A table's columns are known only once its
 * last entity was read; a row group written earlier, when fewer columns were known, went into a
 * part of its own. The parts are read back one row group at a time with hyparquet (the values
 * exactly as they were written: integers as `bigint`, temporal values as their counts, text as
 * its UTF-8 bytes) and written again under the final schema, a column a part lacks as nulls.
 *
 * @module
 */

import { open } from "node:fs/promises";
import { parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import type { ColumnSource } from "hyparquet-writer";
import { fileBuffer } from "./file_buffer.ts";
import { fileError, removeFile } from "../../storage/files.ts";
import { decompressors } from "./codecs.ts";
import type { PartFile } from "./part_file.ts";

const identity = <T>(value: T): T => value;

/** Reads back what this tool wrote, unconverted (see the module's doc). */
const PARSERS = {
  timestampFromMilliseconds: identity,
  timestampFromMicroseconds: identity,
  timestampFromNanoseconds: identity,
  dateFromDays: identity,
  stringFromBytes: identity,
};

/**
 * Copies every row of the parts, in order, into `target` (a part of the final schema), then
 * closes it and removes the parts.
 *
 * @param parts The closed parts, oldest first.
 * @param target The open final file, whose columns include those of every part.
 * @param columns The target's top-level column names, in schema order.
 */
export async function mergeParts(
  parts: readonly PartFile[],
  target: PartFile,
  columns: readonly string[],
): Promise<void> {
  for (const part of parts) {
    const handle = await openPart(part.path);
    try {
      const file = await fileBuffer(handle);
      const metadata = await parquetMetadataAsync(file);
      let start = 0;
      for (const group of metadata.row_groups) {
        const rows = Number(group.num_rows);
        const objects = await parquetReadObjects({
          file,
          metadata,
          rowStart: start,
          rowEnd: start + rows,
          utf8: false,
          parsers: PARSERS,
          compressors: decompressors(),
        });
        start += rows;
        const data: ColumnSource[] = columns.map((name) => ({
          name,
          data: objects.map((row) => row[name] ?? null),
        }));
        await target.write(data, rows);
      }
    } finally {
      await handle.close();
    }
    await removeFile(part.path);
  }
  await target.close();
}

async function openPart(path: string) {
  try {
    return await open(path, "r");
  } catch (e) {
    throw fileError(e, "read", path);
  }
}
