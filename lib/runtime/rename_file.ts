/**
 * Renaming a file.
 *
 * @module
 */

import { rename } from "node:fs/promises";
import { fileError } from "./_file_error.ts";

/**
 * Renames a file, replacing `to` atomically when it exists (same file system).
 *
 * @param from The current path.
 * @param to The new path.
 * @throws {FileError} When the rename fails.
 *
 * @example Publish a finished file
 * ```ts ignore
 * import { renameFile } from "./rename_file.ts";
 * await renameFile("backup.jsonl.gz.partial", "backup.jsonl.gz");
 * ```
 */
export async function renameFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    throw fileError(e, "rename to", to);
  }
}
