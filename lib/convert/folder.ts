/**
 * The few folder operations the converters need beyond `lib/storage/files.ts`: create an output
 * folder, tell whether it holds anything, and name a temporary file.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileError } from "../storage/files.ts";

/**
 * Creates a folder and its parents, when missing.
 *
 * @param path The folder.
 * @returns Its absolute path.
 * @throws {FileError} When it cannot be created.
 *
 * @example Create a nested folder
 * ```ts
 * import assert from "node:assert/strict";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { makeFolder } from "./folder.ts";
 * const path = await makeFolder(join(tmpdir(), `doc-${Date.now()}`, "a"));
 * assert.ok(path.endsWith("a"));
 * ```
 */
export async function makeFolder(path: string): Promise<string> {
  try {
    await mkdir(path, { recursive: true });
  } catch (e) {
    throw fileError(e, "create the folder", path);
  }
  return resolve(path);
}

/**
 * Whether a folder holds any entry.
 *
 * @param path An existing folder.
 * @returns `true` when it has at least one entry.
 * @throws {FileError} When it cannot be read.
 *
 * @example A fresh folder is empty
 * ```ts
 * import assert from "node:assert/strict";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { folderHasEntries, makeFolder } from "./folder.ts";
 * const path = await makeFolder(join(tmpdir(), `doc-${Date.now()}-empty`));
 * assert.equal(await folderHasEntries(path), false);
 * ```
 */
export async function folderHasEntries(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch (e) {
    throw fileError(e, "read the folder", path);
  }
}

/**
 * A name for a temporary file: beside `path` when given, otherwise in the OS temporary folder.
 * Create it with `openWrite(name, { createNew: true })` (lib/storage/files.ts), so that a link
 * or a file someone placed at that name fails the conversion instead of being written through.
 *
 * @param path The file the temporary one prepares, or `undefined`.
 * @returns A path that does not exist yet (random suffix).
 *
 * @example A temporary name beside an output file
 * ```ts
 * import assert from "node:assert/strict";
 * import { temporaryPath } from "./folder.ts";
 * assert.match(temporaryPath("/data/out.graphml"), /^\/data\/\.out\.graphml\.[0-9a-f]+\.tmp$/);
 * ```
 */
export function temporaryPath(path?: string): string {
  const suffix = randomBytes(6).toString("hex");
  if (path === undefined) return join(tmpdir(), `neo4j-backup-${suffix}.tmp`);
  const name = path.split(/[\\/]/).pop();
  return join(dirname(path), `.${name}.${suffix}.tmp`);
}

/**
 * The files and folders in a folder and in its subfolders (two levels: what the folder
 * converters write), by path relative to it.
 *
 * @param path The folder.
 * @returns The relative paths; empty when the folder is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { folderListing, makeFolder } from "./folder.ts";
 * const path = await makeFolder(join(tmpdir(), `doc-${Date.now()}-listing`, "nodes"));
 * await writeFile(join(path, "a.parquet"), "");
 * assert.deepEqual([...await folderListing(join(path, ".."))].sort(), ["nodes", "nodes/a.parquet"]);
 * ```
 */
export async function folderListing(path: string): Promise<Set<string>> {
  const found = new Set<string>();
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    found.add(entry.name);
    if (!entry.isDirectory()) continue;
    for (const name of await readdir(join(path, entry.name)).catch(() => [])) {
      found.add(`${entry.name}/${name}`);
    }
  }
  return found;
}

/**
 * Removes what a failed conversion left in a folder: every entry not in `before` (deepest
 * first), so that what the folder held before stays.
 *
 * @param path The folder.
 * @param before Its {@link folderListing} before the conversion.
 * @returns Resolves once removed; an entry that cannot be removed is left.
 */
export async function removeAddedEntries(path: string, before: Set<string>): Promise<void> {
  const added = [...await folderListing(path)].filter((p) => !before.has(p));
  added.sort((a, b) => b.split("/").length - a.split("/").length);
  for (const entry of added) await rm(join(path, entry), { recursive: true, force: true });
}
