/**
 * Where an export goes: the default file name, the overwrite check, and writing through a
 * `.partial` file so that a half-written backup never carries the real name. The partial file
 * is created exclusively and nothing is written through a symbolic link: a link planted at
 * either name can never redirect the output.
 *
 * @module
 */

import { FileError, RefusedError } from "../errors.ts";
import { confirm } from "../runtime/terminal.ts";
import { entryKind, pathKind } from "./files.ts";
import { writeFileAtomically } from "./atomic_write.ts";

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

/** What {@link checkOverwrite} allows {@link writeAtomically} to replace. */
export interface OverwriteGrant {
  /** The entry at the output path (`--force`, `--yes`, or confirmed on the terminal). */
  replace: boolean;
  /** A `.partial` file left by an interrupted run (`--force` or `--yes`). */
  replacePartial: boolean;
}

/**
 * Checks that the output may be written to `path`: nothing is there, or overwriting was
 * allowed up front or confirmed on the terminal (default no); and no `path.partial` is left
 * from an interrupted run, unless overwriting was allowed up front. A symbolic link counts as
 * what it points to, a dangling one as a file: it is replaced itself, never written through.
 *
 * @param path The output file.
 * @param policy Whether to overwrite, and whether asking is possible.
 * @returns What {@link writeAtomically} may replace.
 * @throws {FileError} When `path` is a folder or something else that is not a file.
 * @throws {RefusedError} When the file or its partial file exists and overwriting was not allowed.
 *
 * @example Check before connecting
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOverwrite } from "./output_file.ts";
 * const grant = await checkOverwrite("surely-missing.jsonl.gz", { overwrite: false, canPrompt: false });
 * assert.deepEqual(grant, { replace: false, replacePartial: false });
 * ```
 */
export async function checkOverwrite(
  path: string,
  policy: OverwritePolicy,
): Promise<OverwriteGrant> {
  let replace = policy.overwrite;
  const entry = await entryKind(path);
  if (entry !== "missing") {
    const kind = entry === "link" ? await pathKind(path) : entry;
    if (kind === "directory" || kind === "other") {
      throw new FileError(
        `Cannot write the backup to '${path}': it is not a file; name a file with -o`,
      );
    }
    if (!replace && policy.canPrompt) {
      replace = await confirm(`File '${path}' exists. Overwrite it? [y/N] `);
    }
    if (!replace) {
      throw new RefusedError(
        `File '${path}' already exists; pass --force to overwrite it, or choose another name with -o`,
      );
    }
  }
  const partial = `${path}${PARTIAL_SUFFIX}`;
  if (!policy.overwrite && await entryKind(partial) !== "missing") {
    throw new RefusedError(
      `File '${partial}' exists: an earlier run was interrupted, or another one is writing it; remove it, or pass --force to replace it`,
    );
  }
  return { replace, replacePartial: policy.overwrite };
}

/**
 * Writes `bytes` to `path.partial` and renames it to `path` only when every byte is on disk
 * (see {@link writeFileAtomically}). On any failure, or when `signal` aborts, the partial file
 * is removed and `path` is untouched. The partial file is created exclusively (`grant`
 * `replacePartial` removes one that is there first, never writing through it), and an entry at
 * `path` is replaced only when `grant` allows it.
 *
 * @param path The output file.
 * @param bytes The backup's bytes.
 * @param signal Stops the write (Ctrl-C).
 * @param grant What may be replaced, from {@link checkOverwrite}; nothing when absent.
 * @returns Resolves when `path` holds the complete backup.
 * @throws {FileError} When the file cannot be written, the partial file exists, or `path`
 *   appeared and may not be replaced.
 *
 * @example Write a file atomically
 * ```ts ignore
 * import { checkOverwrite, writeAtomically } from "./output_file.ts";
 * const grant = await checkOverwrite("hello.txt", { overwrite: false, canPrompt: false });
 * await writeAtomically("hello.txt", ReadableStream.from([new TextEncoder().encode("hi\n")]), undefined, grant);
 * ```
 */
export async function writeAtomically(
  path: string,
  bytes: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
  grant: OverwriteGrant = { replace: false, replacePartial: false },
): Promise<void> {
  await writeFileAtomically(path, bytes, { signal, partialSuffix: PARTIAL_SUFFIX, ...grant });
}
