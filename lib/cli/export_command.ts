/**
 * `neo4j-backup export`: back up a database to a file or stdout.
 *
 * @module
 */

import { connect, driverConfig } from "./connect.ts";
import { ConnectionError, DatabaseError, UsageError } from "../errors.ts";
import { exportBackup, MAX_JOBS } from "../export/export.ts";
import { formatSummary } from "./progress.ts";
import type { ProgressReporter } from "./progress_reporter.ts";
import { stdout } from "../storage/stdio.ts";
import { writeStdout } from "../storage/stdio.ts";
import { ByteCountStream } from "./byte_count_stream.ts";
import type { CommandContext } from "./context.ts";
import { startDisplay } from "./display.ts";
import { toBackupError } from "./failure.ts";
import {
  COMMON_OPTIONS,
  commonFlags,
  CONNECTION_OPTIONS,
  type ConnectionFlags,
  connectionFlags,
  helpHint,
  noExtraArguments,
  type OptionTable,
  parseFlags,
  positiveInteger,
} from "./flags.ts";
import { helpText } from "./help.ts";
import { FILTER_OPTIONS, filterFlags, leftOutLine } from "./filter_flags.ts";
import type { FilterSummary, RecordFilter } from "../pipeline/filter.ts";
import { Interrupted } from "./interrupt.ts";
import { defaultOutputName } from "../storage/output_file.ts";
import { checkTarget, type PlaceOptions, type TargetGrant, writeTarget } from "../storage/place.ts";
import { isPlace, targetIn } from "../storage/retention.ts";
import type { S3Settings } from "../storage/s3/config.ts";
import { keepBackups } from "./keep.ts";
import { STORAGE_OPTIONS, storageFlags } from "./storage_flags.ts";
import { resolvePassword } from "./password.ts";
import { retryLine } from "./retry_line.ts";
import {
  collectWarnings,
  SUMMARY_OPTIONS,
  type SummaryFlags,
  summaryFlags,
  wantsSummary,
  writeSummary,
} from "./json_summary.ts";
import { exportDocument } from "./summary_documents.ts";

const OPTIONS: OptionTable = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...FILTER_OPTIONS,
  output: { type: "string", short: "o" },
  force: { type: "boolean", short: "f" },
  "no-compress": { type: "boolean" },
  "compress-level": { type: "string", short: "Z" },
  "fetch-size": { type: "string" },
  jobs: { type: "string", short: "j" },
  keep: { type: "string" },
  ...STORAGE_OPTIONS,
  ...SUMMARY_OPTIONS,
};

/** The flags of `export`, resolved. */
export interface ExportFlags {
  help: boolean;
  quiet: boolean;
  debug: boolean;
  yes: boolean;
  force: boolean;
  compress: boolean;
  /** The gzip level, 1 to 9; `undefined` for the default (5). */
  compressionLevel?: number;
  /**
   * The output: a file or `s3://bucket/key`; a folder or prefix ending in `/` (the backup gets
   * the default name there); `"-"` for stdout; `undefined` for the default name here.
   */
  output?: string;
  /** `--keep N`: keep the newest N backups of the database in the output folder or prefix. */
  keep?: number;
  /** `--s3-*`: how to reach object storage. */
  storage: S3Settings;
  fetchSize?: number;
  /** `--jobs N`: chunk reads in flight, 1 to 16; `undefined` for the default. */
  jobs?: number;
  /** `--json` and `--summary FILE` (`--json` with `-o -` needs `--summary`). */
  summary: SummaryFlags;
  /** The filter flags: what to keep of the database; `undefined` for everything. */
  filter?: RecordFilter;
  connection: ConnectionFlags;
}

/**
 * Parses the arguments of `export`.
 *
 * @param args The arguments after `export`.
 * @param env Reads an environment variable (for the `NEO4J_*` defaults).
 * @returns The resolved flags.
 * @throws {UsageError} For unknown flags, bad values or extra arguments.
 *
 * @example Parse an export to stdout
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseExportArgs } from "./export_command.ts";
 * const flags = parseExportArgs(["-o", "-", "--no-compress"], () => undefined);
 * assert.equal(flags.output, "-");
 * assert.ok(!flags.compress);
 * ```
 */
export function parseExportArgs(
  args: string[],
  env: (name: string) => string | undefined,
): ExportFlags {
  const { values, positionals } = parseFlags("export", args, OPTIONS);
  noExtraArguments("export", positionals, 0);
  if (values.output === "") {
    throw new UsageError(`Option '--output' needs a value: ${helpHint("export")}`);
  }
  return {
    ...commonFlags(values),
    yes: values.yes === true,
    force: values.force === true,
    ...compression(values["no-compress"] === true, values["compress-level"]),
    output: values.output as string | undefined,
    keep: keepFlag(values.keep, values.output as string | undefined),
    storage: storageFlags(values),
    fetchSize: positiveInteger("export", "fetch-size", values["fetch-size"], 1_000_000),
    jobs: positiveInteger("export", "jobs", values.jobs, MAX_JOBS),
    summary: summaryFlags("export", values, values.output === "-"),
    filter: filterFlags("export", values),
    connection: connectionFlags(values, env),
  };
}

/** `--keep N` works on a place: a folder or prefix, named with a trailing slash. */
function keepFlag(value: string | boolean | undefined, output: string | undefined) {
  const keep = positiveInteger("export", "keep", value, 100_000);
  if (keep !== undefined && (output === undefined || !isPlace(output))) {
    throw new UsageError(
      "Option '--keep' needs -o with a folder or prefix ending in '/' (for example -o backups/ " +
        `or -o s3://bucket/neo4j/), where the backups get their default names; ${
          helpHint("export")
        }`,
    );
  }
  return keep;
}

/** `--no-compress` and `-Z N` (as pg_dump: 0 is none, 9 the smallest), which must agree. */
function compression(
  noCompress: boolean,
  level: string | boolean | undefined,
): { compress: boolean; compressionLevel?: number } {
  if (level === undefined) return { compress: !noCompress };
  const text = String(level).trim();
  const n = /^\d$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n)) {
    throw new UsageError(
      `Invalid value '${level}' for '--compress-level': expected 0 (none) or 1 (fastest) to 9 (smallest); ${
        helpHint("export")
      }`,
    );
  }
  if (noCompress && n > 0) {
    throw new UsageError(
      `Options '--no-compress' and '--compress-level ${n}' contradict each other: pass one of them`,
    );
  }
  return n === 0 ? { compress: false } : { compress: true, compressionLevel: n };
}

/**
 * Runs `neo4j-backup export`.
 *
 * @param args The arguments after `export`.
 * @param context Stderr, environment and terminals.
 * @returns Resolves when the backup is complete.
 *
 * @example Export to a file
 * ```ts ignore
 * import { runExport } from "./export_command.ts";
 * await runExport(["-o", "backup.jsonl.gz", "-p", "secret"], context);
 * ```
 */
export async function runExport(args: string[], context: CommandContext): Promise<void> {
  const flags = parseExportArgs(args, context.env);
  if (flags.help) return await writeStdout(helpText("export"));
  const { stderr, terminal } = context;
  stderr.hide(flags.connection.password);
  const toStdout = flags.output === "-";
  if (toStdout && terminal.stdout && flags.compress) {
    throw new UsageError(
      "Refusing to write compressed data to a terminal: redirect stdout, or pass --no-compress",
    );
  }
  const canPrompt = terminal.stdin && terminal.stderr;
  const policy = { overwrite: flags.force || flags.yes, canPrompt };
  const place: PlaceOptions = { s3: flags.storage, env: context.env };
  const intoPlace = flags.output !== undefined && isPlace(flags.output);
  let grant: TargetGrant | undefined;
  if (flags.output !== undefined && !toStdout && !intoPlace) {
    grant = await checkTarget(flags.output, policy, place);
  }

  const password = await resolvePassword(flags.connection, canPrompt);
  stderr.hide(password);
  const connection = await connect({ ...flags.connection, password });
  const { driver, database } = connection;
  const { progress, watch } = startDisplay(context, flags.quiet);
  const started = performance.now();
  try {
    const path = intoPlace
      ? targetIn(flags.output!, database, new Date(), flags.compress)
      : flags.output ?? defaultOutputName(database, new Date(), flags.compress);
    if (grant === undefined && !toStdout) grant = await checkTarget(path, policy, place);
    const counter = new ByteCountStream();
    const { warn, warnings } = collectWarnings((message) => progress.warn(message));
    let leftOut: FilterSummary | undefined;
    const bytes = exportBackup(driver, {
      filter: flags.filter,
      onLeftOut: (summary) => leftOut = summary,
      database,
      fetchSize: flags.fetchSize,
      jobs: flags.jobs,
      // With --jobs, worker threads read and encode the chunks, each with its own driver.
      connection: (flags.jobs ?? 1) > 1
        ? {
          uri: connection.uri,
          username: flags.connection.username,
          password,
          config: driverConfig(),
        }
        : undefined,
      compress: flags.compress,
      compressionLevel: flags.compressionLevel,
      onProgress: (event) => progress.update(event),
      onWarning: warn,
      onRetry: (retry) => progress.warn(retryLine(retry)),
      retryFor: flags.connection.retryFor,
      signal: watch.signal,
    }).pipeThrough(counter);
    if (toStdout) await bytes.pipeTo(stdout(), { signal: watch.signal });
    else await writeTarget(path, bytes, grant!, { ...place, signal: watch.signal });
    progress.finish();
    if (!flags.quiet) printSummary(context, progress, database, path, counter.bytes, started);
    if (flags.keep !== undefined) {
      await keepBackups(context, flags.output!, path, database, flags.keep, {
        ...place,
        signal: watch.signal,
        quiet: flags.quiet,
      });
    }
    if (wantsSummary(flags.summary)) {
      const counts = progress.counts;
      await writeSummary(
        flags.summary,
        exportDocument({
          database,
          output: path,
          compressed: flags.compress,
          nodes: counts.get("nodes") ?? 0,
          relationships: counts.get("relationships") ?? 0,
          schema: counts.get("schema") ?? 0,
          bytes: counter.bytes,
          seconds: (performance.now() - started) / 1000,
          warnings,
        }),
        toStdout,
      );
    }
    if (!flags.quiet && leftOut) context.stderr.line(leftOutLine(leftOut));
  } catch (e) {
    progress.clear();
    if (e instanceof Interrupted) {
      const what = toStdout ? "the backup on stdout is incomplete" : "no backup was written";
      throw new Interrupted(`Interrupted by the user; ${what}`, { cause: e });
    }
    // connect() checked the connection: a network failure now is a connection lost mid-way.
    const error = toBackupError(e, {
      uri: connection.uri,
      database,
      username: flags.connection.username,
      connected: true,
    });
    const midway = error instanceof ConnectionError || error instanceof DatabaseError;
    if (toStdout || !midway) throw error;
    const Class = error.constructor as new (message: string, options?: ErrorOptions) => Error;
    throw new Class(`${error.message} (no backup was written: run the export again)`, {
      cause: error,
    });
  } finally {
    watch.dispose();
    await driver.close().catch(() => {});
  }
}

function printSummary(
  context: CommandContext,
  progress: ProgressReporter,
  database: string,
  path: string,
  bytes: number,
  started: number,
): void {
  const counts = progress.counts;
  const lines = formatSummary({
    action: `Exported database '${database}':`,
    nodes: counts.get("nodes") ?? 0,
    relationships: counts.get("relationships") ?? 0,
    schema: counts.get("schema") ?? 0,
    bytes,
    bytesVerb: "written to",
    file: path === "-" ? "stdout" : `'${path}'`,
    seconds: (performance.now() - started) / 1000,
  });
  for (const line of lines) context.stderr.line(line);
}
