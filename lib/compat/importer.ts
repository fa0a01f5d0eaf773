/**
 * `Importer`: the Python `neo4j-backup` API shape for users moving over. Reads a project folder
 * written by {@link Extractor} or by the Python tool itself (its legacy layout).
 *
 * @module
 */

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Neo4jDriver } from "../neo4j/driver.ts";
import { FileError } from "../errors.ts";
import {
  importBackup,
  type ImportOptions,
  importRecords,
  type ImportSummary,
} from "../import/import.ts";
import { backupFileName } from "./extractor.ts";
import { isLegacyBackup, readLegacyBackup } from "./legacy_reader.ts";

/** Options of {@link Importer}, named as the Python tool named them. */
export interface ImporterOptions extends Omit<ImportOptions, "database" | "allowNonEmpty"> {
  /** The project folder: one written by {@link Extractor}, or a Python `neo4j-backup` backup. */
  projectDir: string;
  /** A driver connected to the target server. */
  driver: Neo4jDriver;
  /** The target database; the server's default when omitted. */
  database?: string;
  /** Import into a database that already holds data without asking (the Python `input_yes`). */
  inputYes?: boolean;
}

/**
 * Restores a project folder into a database, as the Python tool's `Importer` did: without the
 * temporary property it left behind, without a full scan per relationship, and refusing a
 * non-empty target unless `inputYes`.
 *
 * @example
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { Importer } from "./importer.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * const summary = await new Importer({ projectDir: "my_backup", driver }).importData();
 * console.log(summary.nodes, summary.relationships);
 * await driver.close();
 * ```
 */
export class Importer {
  /** The options given. */
  readonly options: ImporterOptions;

  /**
   * Prepares an import; nothing happens until {@link Importer.importData}.
   *
   * @param options Project folder, driver, database, `inputYes`, and any import option.
   */
  constructor(options: ImporterOptions) {
    this.options = options;
  }

  /**
   * Imports the project folder's backup.
   *
   * @returns What was imported and skipped.
   */
  async importData(): Promise<ImportSummary> {
    const { projectDir, driver, inputYes, ...rest } = this.options;
    const options: ImportOptions = { ...rest, allowNonEmpty: inputYes };
    if (await isLegacyBackup(projectDir)) {
      return importRecords(
        driver,
        readLegacyBackup(projectDir, { onWarning: rest.onWarning }),
        options,
      );
    }
    for (const compress of [true, false]) {
      const file = join(projectDir, backupFileName(compress));
      if (await stat(file).then(() => true, () => false)) {
        const bytes = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
        return importBackup(driver, bytes, options);
      }
    }
    throw new FileError(
      `No backup in '${projectDir}': expected ${
        backupFileName(true)
      } or a Python neo4j-backup project folder`,
    );
  }
}
