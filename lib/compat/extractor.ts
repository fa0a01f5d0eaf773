/**
 * `Extractor`: the Python `neo4j-backup` API shape for users moving over, writing our lossless
 * format into a project folder.
 *
 * @module
 */

import { mkdir, rename, rm, stat } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Driver } from "neo4j-driver";
import { FileError, RefusedError } from "../errors.ts";
import { exportBackup } from "../engine/export.ts";

/** Options of {@link Extractor}, named as the Python tool named them. */
export interface ExtractorOptions {
  /** The folder to write the backup into (created when missing). */
  projectDir: string;
  /** A driver connected to the source server. */
  driver: Driver;
  /** The database to back up; the server's default when omitted. */
  database?: string;
  /** Replace an existing backup in `projectDir` without asking (the Python `input_yes`). */
  inputYes?: boolean;
  /** gzip the backup (default true). */
  compress?: boolean;
}

/** The file name {@link Extractor} writes inside the project folder. */
export function backupFileName(compress: boolean): string {
  return compress ? "backup.jsonl.gz" : "backup.jsonl";
}

/**
 * Backs a database up into a project folder, as the Python tool's `Extractor` did, but in
 * neo4j-backup's lossless format (`backup.jsonl.gz`), which {@link Importer} and the CLI read.
 *
 * @example
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
   */
  constructor(options: ExtractorOptions) {
    this.options = options;
  }

  /**
   * Writes the backup. Refuses to replace an existing one unless `inputYes`.
   *
   * @returns The path of the backup file.
   */
  async extractData(): Promise<string> {
    const { projectDir, driver, database, inputYes, compress = true } = this.options;
    await mkdir(projectDir, { recursive: true }).catch((e) => {
      throw new FileError(`Cannot create folder '${projectDir}': ${e.message}`, { cause: e });
    });
    const file = join(projectDir, backupFileName(compress));
    if (!inputYes && await stat(file).then(() => true, () => false)) {
      throw new RefusedError(`File '${file}' already exists: pass inputYes to replace it`);
    }
    const partial = `${file}.partial`;
    try {
      await exportBackup(driver, { database, compress })
        .pipeTo(Writable.toWeb(createWriteStream(partial)) as WritableStream<Uint8Array>);
      await rename(partial, file);
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    }
    return file;
  }
}
