/**
 * The atomic write of a file: its bytes go to `path` + `.partial`, created exclusively and
 * flushed to disk, which is then renamed to `path`, so that `path` never holds a half-written
 * file, even after a crash.
 *
 * @module
 */

import { FileError } from "../errors.ts";
import { link, open } from "node:fs/promises";
import { dirname } from "node:path";
import { entryKind, errorCode, fileError, openWrite, removeFile, renameFile } from "./files.ts";

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
 * import { writeFileAtomically } from "./atomic_write.ts";
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
