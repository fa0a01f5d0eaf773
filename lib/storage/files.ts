/**
 * Files as web streams (read, write with fsync), path kinds, rename, removal, and the file
 * errors every one of them raises. No function here writes through a symbolic link: files are
 * created exclusively (`O_CREAT|O_EXCL`), after removing the old entry itself when replacing is
 * asked for. The atomic write is in `atomic_write.ts`, appends in `append_file.ts`.
 *
 * @module
 */

import { FileError } from "../errors.ts";
import { lstat, open, rename, rm, stat, unlink } from "node:fs/promises";

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
 * import assert from "node:assert/strict";
 * import { fileError } from "./files.ts";
 * const e = fileError(Object.assign(new Error("x"), { code: "ENOENT" }), "read", "a.jsonl");
 * assert.equal(e.message, "Cannot read 'a.jsonl': no such file or folder");
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
 * import { openRead } from "./files.ts";
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

/** Options of {@link openWrite}. */
export interface OpenWriteOptions {
  /**
   * Fail when anything is at the path (a file, a folder, a link, even a dangling one): for
   * temporary files. Otherwise the entry there is removed first: a link itself, never its target.
   */
  createNew?: boolean;
}

/**
 * Creates a file for writing, always as a new file (`O_CREAT|O_EXCL`), so that no byte is ever
 * written through a symbolic link or into a file that another name shares. Whatever entry is at
 * `path` is removed first (a link itself, never its target; a folder is refused), unless
 * `createNew` asks to fail instead. Closing the stream flushes the data to disk (`fsync`) before
 * it resolves, so a later rename publishes complete bytes.
 *
 * @param path The file.
 * @param options Whether an existing entry fails the call instead of being replaced.
 * @returns A stream that writes each chunk to the file in order.
 * @throws {FileError} When the file cannot be created, or exists and `createNew` is set.
 *
 * @example Write a file
 * ```ts ignore
 * import { openWrite } from "./files.ts";
 * const out = await openWrite("out.jsonl");
 * await ReadableStream.from([new TextEncoder().encode("{}\n")]).pipeTo(out);
 * ```
 */
export async function openWrite(
  path: string,
  options: OpenWriteOptions = {},
): Promise<WritableStream<Uint8Array>> {
  let file: FileHandle;
  try {
    if (!options.createNew) await removeEntry(path);
    file = await open(path, "wx");
  } catch (e) {
    throw fileError(e, "create", path);
  }
  return writable(file, path);
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/** Removes the entry at `path` itself (a link, not its target); refuses a folder. */
async function removeEntry(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isDirectory()) {
      throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    }
    await unlink(path);
  } catch (e) {
    if (errorCode(e) !== "ENOENT") throw e;
  }
}

/**
 * The `code` of an error from `node:fs` (`"ENOENT"`, `"EEXIST"`…), or `undefined`.
 *
 * @param error What `node:fs` threw.
 * @returns Its code.
 */
export function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** The file as a stream that writes every chunk, and fsyncs on close. */
function writable(file: FileHandle, path: string): WritableStream<Uint8Array> {
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
 * import { pathKind } from "./files.ts";
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

/** What is at a path itself: a file, a folder, a symbolic link, something else, or nothing. */
export type EntryKind = PathKind | "link";

/**
 * Tells what is at a path without following a symbolic link: a link, even a dangling one, is
 * `"link"`, never `"missing"`.
 *
 * @param path The path.
 * @returns Its kind; `"missing"` when no entry has that name.
 * @throws {FileError} When the path cannot be inspected (e.g. permission denied).
 *
 * @example A dangling link is not missing
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, symlinkSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { entryKind, pathKind } from "./files.ts";
 * const path = join(mkdtempSync(join(tmpdir(), "entry-")), "link");
 * symlinkSync("nowhere", path);
 * assert.equal(await entryKind(path), "link");
 * assert.equal(await pathKind(path), "missing");
 * ```
 */
export async function entryKind(path: string): Promise<EntryKind> {
  try {
    const info = await lstat(path);
    return info.isSymbolicLink()
      ? "link"
      : info.isFile()
      ? "file"
      : info.isDirectory()
      ? "directory"
      : "other";
  } catch (e) {
    if (errorCode(e) === "ENOENT") return "missing";
    throw fileError(e, "inspect", path);
  }
}

/**
 * Removes a file if it exists; a missing file is not an error.
 *
 * @param path The file.
 * @returns Whether a file was removed.
 *
 * @example Remove a partial file
 * ```ts
 * import { removeFile } from "./files.ts";
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

/**
 * Renames a file, replacing `to` atomically when it exists (same file system).
 *
 * @param from The current path.
 * @param to The new path.
 * @throws {FileError} When the rename fails.
 *
 * @example Publish a finished file
 * ```ts ignore
 * import { renameFile } from "./files.ts";
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
