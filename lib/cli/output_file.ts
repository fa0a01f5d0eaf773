/**
 * Where an export goes: the default file name, the overwrite check, and writing through a
 * `.partial` file so that a half-written backup never carries the real name.
 *
 * @module
 */

import { FileError, RefusedError } from "../errors.ts";
import { confirm } from "../runtime/terminal.ts";
import { pathKind } from "../runtime/files.ts";
import { writeFileAtomically } from "../runtime/files.ts";

/** The suffix of the file a backup is written to before it is complete. */
export const PARTIAL_SUFFIX = ".partial";

/**
 * The default backup file name: `neo4j-DATABASE-TIMESTAMP.jsonl.gz`, in UTC.
 *
 * @param database The database backed up; characters unsafe in file names become `_`.
 * @param date When the backup started.
 * @param compress Whether the file is gzip-compressed.
 * @returns E.g. `neo4j-movies-20261124T070000Z.jsonl.gz`.
 *
 * @example Name a backup
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultOutputName } from "./output_file.ts";
 * const name = defaultOutputName("neo4j", new Date("2026-11-24T07:00:00Z"), true);
 * assert.equal(name, "neo4j-neo4j-20261124T070000Z.jsonl.gz");
 * ```
 */
export function defaultOutputName(database: string, date: Date, compress: boolean): string {
  const stamp = date.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
  const safe = database.replace(/[^A-Za-z0-9._-]/g, "_");
  return `neo4j-${safe}-${stamp}.jsonl${compress ? ".gz" : ""}`;
}

/** How to treat an existing output file. */
export interface OverwritePolicy {
  /** `--force` or `--yes`: overwrite without asking. */
  overwrite: boolean;
  /** Whether a terminal is there to ask on. */
  canPrompt: boolean;
}

/**
 * Checks that the backup may be written to `path`: it does not exist, or overwriting was
 * allowed up front or confirmed on the terminal (default no).
 *
 * @param path The output file.
 * @param policy Whether to overwrite, and whether asking is possible.
 * @throws {FileError} When `path` is a folder or something else that is not a file.
 * @throws {RefusedError} When the file exists and overwriting was not allowed.
 *
 * @example Check before connecting
 * ```ts
 * import { checkOverwrite } from "./output_file.ts";
 * await checkOverwrite("surely-missing.jsonl.gz", { overwrite: false, canPrompt: false });
 * ```
 */
export async function checkOverwrite(path: string, policy: OverwritePolicy): Promise<void> {
  const kind = await pathKind(path);
  if (kind === "missing") return;
  if (kind !== "file") {
    throw new FileError(
      `Cannot write the backup to '${path}': it is not a file; name a file with -o`,
    );
  }
  if (policy.overwrite) return;
  if (policy.canPrompt && await confirm(`File '${path}' exists. Overwrite it? [y/N] `)) return;
  throw new RefusedError(
    `File '${path}' already exists; pass --force to overwrite it, or choose another name with -o`,
  );
}

/**
 * Writes `bytes` to `path.partial` and renames it to `path` only when every byte is on disk
 * (see {@link writeFileAtomically}). On any failure, or when `signal` aborts, the partial file
 * is removed and `path` is untouched.
 *
 * @param path The output file.
 * @param bytes The backup's bytes.
 * @param signal Stops the write (Ctrl-C).
 * @returns Resolves when `path` holds the complete backup.
 * @throws {FileError} When the file cannot be written.
 *
 * @example Write a file atomically
 * ```ts ignore
 * import { writeAtomically } from "./output_file.ts";
 * await writeAtomically("hello.txt", ReadableStream.from([new TextEncoder().encode("hi\n")]));
 * ```
 */
export async function writeAtomically(
  path: string,
  bytes: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): Promise<void> {
  await writeFileAtomically(path, bytes, { signal, partialSuffix: PARTIAL_SUFFIX });
}
