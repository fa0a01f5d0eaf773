/**
 * The few folder operations the converters need beyond `lib/storage/files.ts`: create an output
 * folder, tell whether it holds anything, and name a temporary file.
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { mkdir, readdir } from "node:fs/promises";
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
