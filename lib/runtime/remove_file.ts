/**
 * Removing a file.
 *
 * @module
 */

import { rm } from "node:fs/promises";

/**
 * Removes a file if it exists; a missing file is not an error.
 *
 * @param path The file.
 * @returns Whether a file was removed.
 *
 * @example Remove a partial file
 * ```ts
 * import { removeFile } from "./remove_file.ts";
 * await removeFile("does-not-exist.partial");
 * ```
 */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch {
    return false;
  }
}
