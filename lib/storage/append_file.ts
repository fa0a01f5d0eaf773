/**
 * Files written a line at a time and read back a line at a time: the journal of a resumable
 * import. Appends never follow a symbolic link.
 *
 * @module
 */

import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { errorCode, fileError } from "./files.ts";

type FileHandle = Awaited<ReturnType<typeof open>>;

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
 * import { openAppend } from "./append_file.ts";
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
 * import { readLines } from "./append_file.ts";
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
