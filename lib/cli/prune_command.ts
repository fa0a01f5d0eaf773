/**
 * `neo4j-backup prune PLACE --keep N -d DATABASE [--dry-run]`: keeps the newest N backups of a
 * database in a folder or S3 prefix and deletes the older ones, as `export --keep` does after a
 * backup; `--dry-run` shows what would be deleted and deletes nothing. Only names this tool
 * gives (`neo4j-DATABASE-TIMESTAMP.jsonl.gz`) are ever considered.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { pruneBackups, type StoredBackup } from "../storage/retention.ts";
import type { S3Settings } from "../storage/s3/config.ts";
import { writeStdout } from "../storage/stdio.ts";
import type { CommandContext } from "./context.ts";
import {
  COMMON_OPTIONS,
  type CommonFlags,
  commonFlags,
  helpHint,
  noExtraArguments,
  parseFlags,
  positiveInteger,
} from "./flags.ts";
import { helpText } from "./help.ts";
import { formatBytes } from "./progress.ts";
import { STORAGE_OPTIONS, storageFlags } from "./storage_flags.ts";
import { terminalText } from "./terminal_text.ts";

/** The flags of `prune`, resolved. */
export interface PruneFlags extends CommonFlags {
  /** The folder or prefix. */
  place: string;
  /** `--keep N`. */
  keep: number;
  /** `-d`, `--database`: whose backups. */
  database: string;
  /** `--dry-run`: delete nothing. */
  dryRun: boolean;
  /** `--json`: one document on stdout. */
  json: boolean;
  /** `--s3-*`. */
  storage: S3Settings;
}

/**
 * Parses the arguments of `prune`.
 *
 * @param args The arguments after `prune`.
 * @param env Reads an environment variable (`NEO4J_DATABASE` names the database).
 * @returns The flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePruneArgs } from "./prune_command.ts";
 * const flags = parsePruneArgs(["backups/", "--keep", "7", "-d", "neo4j", "--dry-run"], () => undefined);
 * assert.equal(flags.keep, 7);
 * assert.equal(flags.dryRun, true);
 * ```
 */
export function parsePruneArgs(
  args: string[],
  env: (name: string) => string | undefined,
): PruneFlags {
  const { values, positionals } = parseFlags("prune", args, {
    ...COMMON_OPTIONS,
    ...STORAGE_OPTIONS,
    keep: { type: "string" },
    database: { type: "string", short: "d" },
    "dry-run": { type: "boolean" },
    json: { type: "boolean" },
  });
  noExtraArguments("prune", positionals, 1);
  const common = commonFlags(values);
  const base = {
    ...common,
    place: positionals[0] ?? "",
    keep: 0,
    database: (values.database as string | undefined) ?? env("NEO4J_DATABASE") ?? "",
    dryRun: values["dry-run"] === true,
    json: values.json === true,
    storage: storageFlags(values),
  };
  if (common.help) return base;
  if (base.place === "") {
    throw new UsageError(`Missing PLACE: name a folder or an s3:// prefix; ${helpHint("prune")}`);
  }
  const keep = positiveInteger("prune", "keep", values.keep, 100_000);
  if (keep === undefined) {
    throw new UsageError(`Missing --keep N: how many backups to keep; ${helpHint("prune")}`);
  }
  if (base.database === "") {
    throw new UsageError(
      `Missing --database NAME: whose backups to prune (or NEO4J_DATABASE); ${helpHint("prune")}`,
    );
  }
  return { ...base, keep };
}

/**
 * Runs `neo4j-backup prune`.
 *
 * @param args The arguments after `prune`.
 * @param context Stderr, environment and terminals.
 */
export async function runPrune(args: string[], context: CommandContext): Promise<void> {
  const flags = parsePruneArgs(args, context.env);
  if (flags.help) return await writeStdout(helpText("prune"));
  const { kept, deleted } = await pruneBackups(flags.place, flags.database, flags.keep, {
    s3: flags.storage,
    env: context.env,
    dryRun: flags.dryRun,
  });
  const show = (b: StoredBackup) => ({ name: b.name, target: b.target, bytes: b.size });
  if (flags.json) {
    const doc = {
      command: "prune",
      ok: true,
      place: flags.place,
      database: flags.database,
      dryRun: flags.dryRun,
      kept: kept.map(show),
      deleted: deleted.map(show),
    };
    return await writeStdout(`${JSON.stringify(doc, null, 2)}\n`);
  }
  if (flags.quiet) return;
  const verb = flags.dryRun ? "Would delete" : "Deleted";
  for (const b of deleted) {
    context.stderr.line(`${verb} ${terminalText(`'${b.target}'`)} (${formatBytes(b.size)})`);
  }
  context.stderr.line(
    `${flags.dryRun ? "Would keep" : "Kept"} ${kept.length} backup${
      kept.length === 1 ? "" : "s"
    } of '${terminalText(flags.database)}' in ${terminalText(`'${flags.place}'`)}; ${
      flags.dryRun ? "would delete" : "deleted"
    } ${deleted.length}`,
  );
}
