/**
 * What a path points to.
 *
 * @module
 */

import { stat } from "node:fs/promises";
import { fileError } from "./_file_error.ts";

/** What a path is: a file, a folder, something else (a pipe, a device), or nothing. */
export type PathKind = "file" | "directory" | "other" | "missing";

/**
 * Tells what a path points to, following symbolic links.
 *
 * @param path The path.
 * @returns Its kind; `"missing"` when nothing is there.
 * @throws {FileError} When the path cannot be inspected (e.g. permission denied).
 *
 * @example Refuse to overwrite
 * ```ts
 * import { pathKind } from "./path_kind.ts";
 * if ((await pathKind("backup.jsonl.gz")) !== "missing") console.error("exists");
 * ```
 */
export async function pathKind(path: string): Promise<PathKind> {
  try {
    const info = await stat(path);
    return info.isFile() ? "file" : info.isDirectory() ? "directory" : "other";
  } catch (e) {
    if ((e as { code?: unknown }).code === "ENOENT") return "missing";
    throw fileError(e, "inspect", path);
  }
}
