/**
 * `Extractor`: the Python `neo4j-backup` API shape for users moving over, writing our lossless
 * format into a project folder.
 *
 * @module
 */

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Neo4jDriver } from "../neo4j/driver.ts";
import { errorMessage, FileError, RefusedError } from "../errors.ts";
import { exportBackup } from "../export/export.ts";
import { writeFileAtomically } from "../storage/atomic_write.ts";
import { pathKind } from "../storage/files.ts";

/** Options of {@link Extractor}, named as the Python tool named them. */
export interface ExtractorOptions {
  /** The folder to write the backup into (created when missing). */
  projectDir: string;
  /** A driver connected to the source server. */
  driver: Neo4jDriver;
  /** The database to back up; the server's default when omitted. */
  database?: string;
  /** Replace an existing backup in `projectDir` without asking (the Python `input_yes`). */
  inputYes?: boolean;
  /** gzip the backup (default true). */
  compress?: boolean;
}

/**
 * The file name {@link Extractor} writes inside the project folder.
 *
 * @param compress Whether the backup is gzip-compressed.
 * @returns `backup.jsonl.gz`, or `backup.jsonl` when not compressed.
 *
 * @example Name the backup
 * ```ts
 * import assert from "node:assert/strict";
 * import { backupFileName } from "./extractor.ts";
 * assert.equal(backupFileName(true), "backup.jsonl.gz");
 * ```
 */
export function backupFileName(compress: boolean): string {
  return compress ? "backup.jsonl.gz" : "backup.jsonl";
}

/**
 * Backs a database up into a project folder, as the Python tool's `Extractor` did, but in
 * neo4j-backup's lossless format (`backup.jsonl.gz`), which {@link Importer} and the CLI read.
 * The file is written beside its final name, synced to disk and renamed, so that a crash or a
 * failed export never leaves a partial `backup.jsonl.gz`.
 *
 * @example Back up into a project folder
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { Extractor } from "./extractor.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * await new Extractor({ projectDir: "my_backup", driver, database: "neo4j" }).extractData();
 * await driver.close();
 * ```
 */
export class Extractor {
  /** The options given. */
  readonly options: ExtractorOptions;

  /**
   * Prepares an extraction; nothing happens until {@link Extractor.extractData}.
   *
   * @param options Project folder, driver, database, `inputYes`, `compress`.
   *
   * @example Prepare an extraction
   * ```ts ignore
   * import { Extractor } from "./extractor.ts";
   * const extractor = new Extractor({ projectDir: "my_backup", driver });
   * ```
   */
  constructor(options: ExtractorOptions) {
    this.options = options;
  }

  /**
   * Writes the backup. Refuses to replace an existing one unless `inputYes`.
   *
   * @returns The path of the backup file.
   * @throws {RefusedError} When the backup exists and `inputYes` is not set.
   * @throws {FileError} When the folder or the file cannot be written.
   *
   * @example Replace last night's backup
   * ```ts ignore
   * import { Extractor } from "./extractor.ts";
   * const file = await new Extractor({ projectDir: "nightly", driver, inputYes: true }).extractData();
   * console.log(`wrote ${file}`);
   * ```
   */
  async extractData(): Promise<string> {
    const { projectDir, driver, database, inputYes, compress = true } = this.options;
    await mkdir(projectDir, { recursive: true }).catch((e) => {
      throw new FileError(`Cannot create folder '${projectDir}': ${errorMessage(e)}`, {
        cause: e,
      });
    });
    const file = join(projectDir, backupFileName(compress));
    if (!inputYes && await pathKind(file) !== "missing") {
      throw new RefusedError(`File '${file}' already exists: pass inputYes to replace it`);
    }
    // Written to `file.partial`, synced to disk, then renamed: `file` is always complete.
    await writeFileAtomically(file, exportBackup(driver, { database, compress }));
    return file;
  }
}
