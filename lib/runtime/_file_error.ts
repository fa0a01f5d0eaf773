/**
 * Turns a `node:fs` failure into a {@link FileError} with a message people can act on.
 *
 * @module
 */

import { FileError } from "../errors.ts";

const REASONS: Record<string, string> = {
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a folder",
  ENOTDIR: "a part of the path is not a folder",
  ENOSPC: "no space left on the device",
  EROFS: "the file system is read-only",
  EEXIST: "it already exists",
  EPIPE: "the reading end of the pipe closed",
  EMFILE: "too many open files",
};

/**
 * Wraps an error from `node:fs` as a {@link FileError}.
 *
 * @param error What `node:fs` threw.
 * @param action What was attempted, e.g. `"read"`.
 * @param path The path involved.
 * @returns A file error naming the action, the path and the reason, with the original as cause.
 *
 * @example Explain a missing file
 * ```ts
 * import { fileError } from "./_file_error.ts";
 * const e = fileError(Object.assign(new Error("x"), { code: "ENOENT" }), "read", "a.jsonl");
 * console.assert(e.message === "Cannot read 'a.jsonl': no such file or folder");
 * ```
 */
export function fileError(error: unknown, action: string, path: string): FileError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === "string" && REASONS[code]
    ? REASONS[code]
    : error instanceof Error
    ? error.message
    : String(error);
  return new FileError(`Cannot ${action} '${path}': ${reason}`, { cause: error });
}
