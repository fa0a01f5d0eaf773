/**
 * Files as web streams (read, write with fsync, write atomically), path kinds, rename,
 * removal, and the file errors every one of them raises. No function here writes through a
 * symbolic link: files are created exclusively (`O_CREAT|O_EXCL`), after removing the old entry
 * itself when replacing is asked for, and appends refuse a link.
 *
 * @module
 */

import { FileError } from "../errors.ts";
import { constants } from "node:fs";
import { link, lstat, open, rename, rm, stat, unlink } from "node:fs/promises";
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

function errorCode(error: unknown): unknown {
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

/** Options of {@link writeFileAtomically}. */
export interface AtomicWriteOptions {
  /** Stops the write (e.g. Ctrl-C); the partial file is removed. */
  signal?: AbortSignal;
  /** Added to the path for the file written before the rename; `".partial"` by default. */
  partialSuffix?: string;
  /**
   * Remove an entry already at the partial path (left by an interrupted run: the entry itself,
   * never a link's target) instead of failing. `false` by default.
   */
  replacePartial?: boolean;
  /**
   * Replace the entry at `path` when there is one (a link itself, never its target). `true` by
   * default; when `false`, an entry that is there at the rename fails the write and the
   * complete file is kept at the partial path.
   */
  replace?: boolean;
}

/**
 * Writes `bytes` to `path` + `.partial`, flushes that file to disk (`fsync`), and only then
 * renames it to `path`, so that `path` never holds a half-written or unsynced file, even after
 * a crash. The partial file is created exclusively: one that exists (even a link) fails the
 * write, unless `replacePartial` removes it first; no byte goes through a link. On any failure,
 * or when the signal aborts, the partial file is removed and an existing `path` is left
 * untouched; only when `path` may not be replaced and appeared meanwhile is the complete
 * partial file kept.
 *
 * @param path The file to publish.
 * @param bytes Its bytes; cancelled when the partial file cannot be created.
 * @param options The signal that stops the write, the partial file's suffix, and what may be
 *   replaced.
 * @returns Resolves once `path` holds every byte.
 * @throws {FileError} When the file cannot be created, written or renamed, when the partial
 *   file exists, or when `path` exists and `replace` is `false`.
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
    file = await openPartial(partial, options.replacePartial ?? false);
  } catch (e) {
    await bytes.cancel(e).catch(() => {});
    throw e;
  }
  try {
    await bytes.pipeTo(file, { signal: options.signal }); // closing the file fsyncs it
  } catch (e) {
    await removeFile(partial);
    throw e;
  }
  await publish(partial, path, options.replace ?? true);
  await syncFolder(dirname(path));
}

/** Creates the partial file exclusively, with a message that says what to do when it exists. */
async function openPartial(partial: string, replace: boolean): Promise<WritableStream<Uint8Array>> {
  try {
    return await openWrite(partial, { createNew: !replace });
  } catch (e) {
    if (errorCode((e as Error).cause) !== "EEXIST") throw e;
    if (await entryKind(partial) === "directory") {
      throw fileError(
        Object.assign(new Error("is a directory"), { code: "EISDIR" }),
        "create",
        partial,
      );
    }
    throw new FileError(
      `Cannot create '${partial}': it already exists, left by an interrupted run or written by another one; remove it and run again`,
      { cause: e },
    );
  }
}

/**
 * Renames the complete partial file to `path`. Without `replace`, an entry at `path` is never
 * replaced: a hard link makes the check and the publication one step where the file system
 * has them, otherwise the check is made just before the rename. When `path` turns out to exist,
 * the complete file stays at the partial path, since the user may still want it.
 */
async function publish(partial: string, path: string, replace: boolean): Promise<void> {
  if (!replace) {
    try {
      await link(partial, path);
      await removeFile(partial);
      return;
    } catch (e) {
      // EEXIST is the answer; any other error means no hard links here (FAT, some shares).
      if (errorCode(e) === "EEXIST" || await entryKind(path) !== "missing") {
        throw new FileError(
          `Cannot publish '${path}': something created it while it was written; the complete file is in '${partial}'`,
          { cause: e },
        );
      }
    }
  }
  try {
    await renameFile(partial, path);
  } catch (e) {
    await removeFile(partial);
    throw e;
  }
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

/** Options of {@link openAppend}. */
export interface OpenAppendOptions {
  /** Fail when anything is at the path, even a dangling link: for a file that must be new. */
  createNew?: boolean;
}

/**
 * Opens a file for appending, creating it (exclusively) when missing: a journal that must
 * survive a crash. A symbolic link at the path is refused, never followed.
 *
 * @param path The file.
 * @param options Whether an existing file fails the call.
 * @returns The open file.
 * @throws {FileError} When it cannot be opened, is a link or not a file, or exists and
 *   `createNew` is set.
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
export async function openAppend(
  path: string,
  options: OpenAppendOptions = {},
): Promise<AppendFile> {
  let file: FileHandle;
  try {
    file = options.createNew ? await open(path, "wx") : await openExistingOrNew(path);
  } catch (e) {
    throw fileError(e, options.createNew ? "create" : "open", path);
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

// O_NOFOLLOW: an existing link fails the open (ELOOP) instead of being followed; Windows has no
// such flag, nor (for a user without privileges) symbolic links.
const APPEND_NO_FOLLOW = constants.O_WRONLY | constants.O_APPEND | (constants.O_NOFOLLOW ?? 0);

/** Opens an existing file to append to without following a link, or creates it exclusively. */
async function openExistingOrNew(path: string): Promise<FileHandle> {
  let file: FileHandle;
  try {
    file = await open(path, APPEND_NO_FOLLOW);
  } catch (e) {
    if (errorCode(e) === "ENOENT") return await open(path, "wx");
    if (errorCode(e) === "ELOOP") {
      throw new Error("it is a symbolic link; remove it", { cause: e });
    }
    throw e;
  }
  if (!(await file.stat()).isFile()) {
    await file.close();
    throw new Error("it is not a file");
  }
  return file;
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
