/**
 * Files as web streams (read, write with fsync, write atomically), path kinds, rename,
 * removal, and the file errors every one of them raises.
 *
 * @module
 */

import { FileError } from "../errors.ts";
import { open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";

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
 * import { openWrite } from "./files.ts";
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

/** Options of {@link writeFileAtomically}. */
export interface AtomicWriteOptions {
  /** Stops the write (e.g. Ctrl-C); the partial file is removed. */
  signal?: AbortSignal;
  /** Added to the path for the file written before the rename; `".partial"` by default. */
  partialSuffix?: string;
}

/**
 * Writes `bytes` to `path` + `.partial`, flushes that file to disk (`fsync`), and only then
 * renames it to `path`, so that `path` never holds a half-written or unsynced file, even after
 * a crash. On any failure, or when the signal aborts, the partial file is removed and an
 * existing `path` is left untouched.
 *
 * @param path The file to publish.
 * @param bytes Its bytes; cancelled when the partial file cannot be created.
 * @param options The signal that stops the write, and the partial file's suffix.
 * @returns Resolves once `path` holds every byte.
 * @throws {FileError} When the file cannot be created, written or renamed.
 *
 * @example Publish a file
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, readFileSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { writeFileAtomically } from "./files.ts";
 * const dir = mkdtempSync(join(tmpdir(), "atomic-"));
 * await writeFileAtomically(join(dir, "a.txt"), ReadableStream.from([new TextEncoder().encode("hi\n")]));
 * assert.equal(readFileSync(join(dir, "a.txt"), "utf8"), "hi\n");
 * rmSync(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomically(
  path: string,
  bytes: ReadableStream<Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const partial = `${path}${options.partialSuffix ?? ".partial"}`;
  let file: WritableStream<Uint8Array>;
  try {
    file = await openWrite(partial);
  } catch (e) {
    await bytes.cancel(e).catch(() => {});
    throw e;
  }
  try {
    await bytes.pipeTo(file, { signal: options.signal }); // closing the file fsyncs it
    await renameFile(partial, path);
  } catch (e) {
    await removeFile(partial);
    throw e;
  }
  await syncFolder(dirname(path));
}

/** Flushes a folder's entries (the rename) to disk where the platform allows it. */
async function syncFolder(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch {
    // Windows cannot open folders, some file systems refuse fsync on them: the file is safe.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** A file open for appending, from {@link openAppend}. */
export interface AppendFile {
  /**
   * Appends text; with `sync`, also flushes the file to disk (fsync) before resolving.
   *
   * @param text The text, UTF-8.
   * @param sync Whether to fsync.
   */
  append(text: string, sync: boolean): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * Opens a file for appending, creating it when missing: a journal that must survive a crash.
 *
 * @param path The file.
 * @returns The open file.
 * @throws {FileError} When it cannot be opened.
 *
 * @example Append two lines, the second one flushed to disk
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { openAppend } from "./files.ts";
 * const path = join(mkdtempSync(join(tmpdir(), "append-")), "journal");
 * const file = await openAppend(path);
 * await file.append("one\n", false);
 * await file.append("two\n", true);
 * await file.close();
 * assert.equal(readFileSync(path, "utf8"), "one\ntwo\n");
 * ```
 */
export async function openAppend(path: string): Promise<AppendFile> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, "a");
  } catch (e) {
    throw fileError(e, "create", path);
  }
  let closed = false;
  return {
    async append(text, sync) {
      try {
        await file.write(text);
        if (sync) await file.sync();
      } catch (e) {
        throw fileError(e, "write", path);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await file.close();
    },
  };
}

/**
 * Reads a text file line by line without holding it whole: each line without its newline, and
 * whether it was complete (the last line of a file cut short by a crash has no newline).
 *
 * @param path The file.
 * @returns The lines, in order.
 * @throws {FileError} When it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { readLines } from "./files.ts";
 * const path = join(mkdtempSync(join(tmpdir(), "lines-")), "a.txt");
 * writeFileSync(path, "one\ntwo\nthr");
 * const lines = [];
 * for await (const line of readLines(path)) lines.push(line);
 * assert.deepEqual(lines, [
 *   { text: "one", complete: true },
 *   { text: "two", complete: true },
 *   { text: "thr", complete: false },
 * ]);
 * ```
 */
export async function* readLines(
  path: string,
): AsyncGenerator<{ text: string; complete: boolean }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw fileError(e, "read", path);
  }
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(1 << 20);
  let rest = "";
  try {
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null));
      } catch (e) {
        throw fileError(e, "read", path);
      }
      if (bytesRead === 0) break;
      rest += decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
      let newline = rest.indexOf("\n");
      let start = 0;
      while (newline !== -1) {
        yield { text: rest.slice(start, newline), complete: true };
        start = newline + 1;
        newline = rest.indexOf("\n", start);
      }
      rest = rest.slice(start);
    }
    rest += decoder.decode();
    if (rest !== "") yield { text: rest, complete: false };
  } finally {
    await handle.close();
  }
}
