/**
 * `neo4j-backup import`: load a backup file, stdin, or a Python neo4j-backup project folder
 * into a database.
 *
 * @module
 */

import { terminalText } from "./terminal_text.ts";
import { isLegacyBackup, readLegacyBackup } from "../compat/legacy_reader.ts";
import { connect } from "./connect.ts";
import { FormatError, UsageError } from "../errors.ts";
import {
  importBackup,
  type ImportOptions,
  importRecords,
  type ImportSummary,
} from "../import/import.ts";
import { formatCount, formatSummary, plural } from "./progress.ts";
import type { ProgressReporter } from "./progress_reporter.ts";
import { confirm } from "../runtime/terminal.ts";
import { openSource, type PlaceOptions } from "../storage/place.ts";
import { isS3Url, parseS3Url } from "../storage/s3/url.ts";
import type { S3Settings } from "../storage/s3/config.ts";
import { STORAGE_OPTIONS, storageFlags } from "./storage_flags.ts";
import { pathKind } from "../storage/files.ts";
import { stdin } from "../storage/stdio.ts";
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
  type ParsedFlags,
  parseFlags,
  positiveInteger,
} from "./flags.ts";
import { helpText } from "./help.ts";
import { FILTER_OPTIONS, filterFlags, leftOutLine } from "./filter_flags.ts";
import type { RecordFilter } from "../pipeline/filter.ts";
import { FilterStream } from "../pipeline/filter_stream.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import type { BackupRecord } from "../format/records.ts";
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
import { importDocument } from "./summary_documents.ts";
import { runDryRun } from "./dry_run.ts";
import { describeContents } from "../import/clean.ts";

const OPTIONS: OptionTable = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  ...FILTER_OPTIONS,
  ...STORAGE_OPTIONS,
  ...SUMMARY_OPTIONS,
  "batch-size": { type: "string" },
  jobs: { type: "string", short: "j" },
  resume: { type: "boolean" },
  state: { type: "string" },
  "dry-run": { type: "boolean" },
  clean: { type: "boolean" },
};

/** The flags of `import`, resolved. */
export interface ImportFlags {
  help: boolean;
  quiet: boolean;
  debug: boolean;
  yes: boolean;
  /** A file, a Python project folder, `"-"` for stdin, or `undefined` (stdin when piped). */
  input?: string;
  batchSize?: number;
  /** `--jobs N` (`-j N`): write transactions in flight at once, 1 to 16. */
  jobs?: number;
  /** `--resume`: continue the interrupted import of this backup into this target. */
  resume: boolean;
  /** `--state PATH`: the import's state file; `FILE.import-state` for a file by default. */
  state?: string;
  /** `--dry-run`: read the backup and the target, print what the import would do, write nothing. */
  dryRun: boolean;
  /** `--clean`: empty the target first (asked on a terminal unless `--yes`). */
  clean: boolean;
  /** `--json` and `--summary FILE`. */
  summary: SummaryFlags;
  /** The filter flags: what to keep of the backup; `undefined` for everything. */
  filter?: RecordFilter;
  connection: ConnectionFlags;
  /** `--s3-*`: how to reach object storage. */
  storage: S3Settings;
}

/**
 * Parses the arguments of `import`.
 *
 * @param args The arguments after `import`.
 * @param env Reads an environment variable (for the `NEO4J_*` defaults).
 * @returns The resolved flags.
 * @throws {UsageError} For unknown flags, bad values or extra arguments.
 *
 * @example Parse an import with a batch size
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseImportArgs } from "./import_command.ts";
 * const flags = parseImportArgs(
 *   ["backup.jsonl.gz", "--batch-size", "5000", "-j", "2"],
 *   () => undefined,
 * );
 * assert.equal(flags.input, "backup.jsonl.gz");
 * assert.equal(flags.batchSize, 5000);
 * assert.equal(flags.jobs, 2);
 * ```
 */
export function parseImportArgs(
  args: string[],
  env: (name: string) => string | undefined,
): ImportFlags {
  const { values, positionals } = parseFlags("import", args, OPTIONS);
  noExtraArguments("import", positionals, 1);
  return {
    ...commonFlags(values),
    yes: values.yes === true,
    input: positionals[0],
    batchSize: positiveInteger("import", "batch-size", values["batch-size"], 1_000_000),
    jobs: positiveInteger("import", "jobs", values.jobs, 16),
    resume: values.resume === true,
    ...(typeof values.state === "string" ? { state: values.state } : {}),
    ...rehearseFlags(values),
    summary: summaryFlags("import", values, false),
    filter: filterFlags("import", values),
    connection: connectionFlags(values, env),
    storage: storageFlags(values),
  };
}

/** `--dry-run` and `--clean`, which `--resume` excludes: it continues into the target as it is. */
function rehearseFlags(values: ParsedFlags["values"]): { dryRun: boolean; clean: boolean } {
  const dryRun = values["dry-run"] === true;
  const clean = values.clean === true;
  for (const [given, flag] of [[clean, "--clean"], [dryRun, "--dry-run"]] as const) {
    if (given && values.resume === true) {
      throw new UsageError(
        `Options '${flag}' and '--resume' cannot be combined: --resume continues the interrupted ` +
          `import into the target as it is; ${helpHint("import")}`,
      );
    }
  }
  return { dryRun, clean };
}

/**
 * The state file of an import: `--state`, else `FILE.import-state` beside a backup file; none
 * for stdin and Python folders without `--state` (such an import cannot be resumed).
 *
 * @param flags The import's flags.
 * @returns The path, or `undefined`.
 * @throws {UsageError} For `--resume` without a state file to read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseImportArgs, statePath } from "./import_command.ts";
 * assert.equal(statePath(parseImportArgs(["g.jsonl.gz"], () => undefined)), "g.jsonl.gz.import-state");
 * assert.equal(statePath(parseImportArgs(["-"], () => undefined)), undefined);
 * ```
 */
export function statePath(flags: ImportFlags): string | undefined {
  if (flags.state !== undefined) return flags.state;
  const file = flags.input !== undefined && flags.input !== "-";
  if (flags.resume && !file) {
    throw new UsageError(
      `--resume needs the import's state file: name it with --state PATH (reading stdin); ${
        helpHint("import")
      }`,
    );
  }
  if (!file) return undefined;
  // An object's state file stays local: beside the working folder, named for the object.
  if (isS3Url(flags.input!)) return `${parseS3Url(flags.input!).key.split("/").pop()}.import-state`;
  return `${flags.input}.import-state`;
}

/** The opened input: bytes of a backup, or a Python project folder. */
type Input =
  | { bytes: ReadableStream<Uint8Array>; shown: string; fromStdin: boolean }
  | { legacyDir: string; shown: string; fromStdin: false };

/**
 * Opens what `import` reads, before any connection is made, so that a missing file fails fast.
 *
 * @param input The FILE argument, `"-"`, or `undefined`.
 * @param stdinIsTerminal Whether stdin is a terminal (nothing piped in).
 * @returns The opened input.
 */
async function openInput(
  input: string | undefined,
  stdinIsTerminal: boolean,
  place: PlaceOptions,
): Promise<Input> {
  if (input === undefined || input === "-") {
    if (stdinIsTerminal) {
      throw new UsageError(
        `No backup to read: name a FILE, or pipe a backup into stdin; ${helpHint("import")}`,
      );
    }
    return { bytes: stdin(), shown: "stdin", fromStdin: true };
  }
  if (!isS3Url(input) && await pathKind(input) === "directory") {
    if (await isLegacyBackup(input)) {
      return { legacyDir: input, shown: `'${input}'`, fromStdin: false };
    }
    throw new FormatError(
      `Not a backup: '${input}' is a folder without the compressed.json and data/ of a Python neo4j-backup project`,
    );
  }
  return { bytes: await openSource(input, place), shown: `'${input}'`, fromStdin: false };
}

/**
 * Runs `neo4j-backup import`.
 *
 * @param args The arguments after `import`.
 * @param context Stderr, environment and terminals.
 * @returns Resolves when the import is complete.
 *
 * @example Import a file
 * ```ts ignore
 * import { runImport } from "./import_command.ts";
 * await runImport(["backup.jsonl.gz", "-p", "secret"], context);
 * ```
 */
export async function runImport(args: string[], context: CommandContext): Promise<void> {
  const flags = parseImportArgs(args, context.env);
  if (flags.help) return await writeStdout(helpText("import"));
  const { stderr, terminal } = context;
  stderr.hide(flags.connection.password);
  const input = await openInput(flags.input, terminal.stdin, {
    s3: flags.storage,
    env: context.env,
  });
  const state = "legacyDir" in input && flags.state === undefined && !flags.resume
    ? undefined
    : statePath(flags);
  const canPrompt = terminal.stdin && terminal.stderr && !input.fromStdin;
  let connection;
  try {
    const password = await resolvePassword(flags.connection, canPrompt);
    stderr.hide(password);
    connection = await connect({ ...flags.connection, password });
  } catch (e) {
    if ("bytes" in input) await input.bytes.cancel().catch(() => {});
    throw e;
  }
  const { driver, database } = connection;
  const { progress, watch } = startDisplay(context, flags.quiet);
  const counter = new ByteCountStream();
  const { warn, warnings } = collectWarnings((message) => progress.warn(message));
  const options: ImportOptions = {
    database,
    batchSize: flags.batchSize,
    ...(flags.jobs === undefined ? {} : { jobs: flags.jobs }),
    allowNonEmpty: flags.yes,
    confirmNonEmpty: (target) =>
      ask(
        `Target database '${target.database}' holds ${formatCount(target.nodes)} nodes and ` +
          `${formatCount(target.relationships)} relationships. Import into it anyway? [y/N] `,
        canPrompt,
        progress,
      ),
    clean: flags.clean,
    allowClean: flags.yes,
    confirmClean: (contents) =>
      ask(
        `Target database '${contents.database}' holds ${describeContents(contents)}. Delete ` +
          "them all before the import (Neo4j keeps the names of deleted labels, types and keys)? " +
          "[y/N] ",
        canPrompt,
        progress,
      ),
    onProgress: (event) => progress.update(event),
    onWarning: warn,
    onRetry: (retry) => progress.warn(retryLine(retry)),
    retryFor: flags.connection.retryFor,
    state,
    resume: flags.resume,
    ...(flags.filter === undefined ? {} : { selection: JSON.stringify(flags.filter) }),
    // Ctrl-C stops the import after the batch in flight; its error then says what the target
    // holds (the engine adds the committed counts to the Interrupted the watch aborts with).
    signal: watch.signal,
  };
  try {
    const filter = flags.filter ? new FilterStream(flags.filter) : undefined;
    const kept = (records: ReadableStream<BackupRecord>) =>
      filter ? records.pipeThrough(filter) : records;
    if (flags.dryRun) {
      const legacy = "legacyDir" in input;
      const records = "legacyDir" in input
        ? readLegacyBackup(input.legacyDir, options)
        : decodeBackup(input.bytes.pipeThrough(counter));
      return await runDryRun(driver, kept(records), options, {
        input: flags.input ?? "-",
        shown: input.shown,
        legacy,
        bytes: () => legacy ? undefined : counter.bytes,
        summary: flags.summary,
        quiet: flags.quiet,
        warnings,
        finishProgress: () => progress.finish(),
      });
    }
    const summary = "legacyDir" in input
      ? await importRecords(driver, kept(readLegacyBackup(input.legacyDir, options)), options)
      : filter
      ? await importRecords(driver, kept(decodeBackup(input.bytes.pipeThrough(counter))), options)
      : await importBackup(driver, input.bytes.pipeThrough(counter), options);
    progress.finish();
    if (!flags.quiet) printSummary(context, summary, input, counter.bytes);
    if (wantsSummary(flags.summary)) {
      const bytes = "legacyDir" in input ? null : counter.bytes;
      const document = importDocument(summary, flags.input ?? "-", bytes, warnings);
      await writeSummary(flags.summary, document);
    }
    if (!flags.quiet && filter) context.stderr.line(leftOutLine(filter.summary));
  } catch (e) {
    progress.clear();
    // connect() checked the connection: a network failure now is a connection lost mid-way.
    throw toBackupError(e, {
      uri: connection.uri,
      database,
      username: flags.connection.username,
      connected: true,
    });
  } finally {
    watch.dispose();
    await driver.close().catch(() => {});
  }
}

/** Asks `question` on the terminal (after clearing the progress line); Enter means no. */
async function ask(
  question: string,
  canPrompt: boolean,
  progress: ProgressReporter,
): Promise<boolean> {
  if (!canPrompt) return false;
  progress.clear();
  return await confirm(question);
}

function printSummary(
  context: CommandContext,
  summary: ImportSummary,
  input: Input,
  bytes: number,
): void {
  const lines = formatSummary({
    action: `Imported into database '${summary.target.database}':`,
    nodes: summary.nodes,
    relationships: summary.relationships,
    schema: summary.schemaCreated,
    schemaVerb: " created",
    skipped: summary.skipped,
    bytes: "legacyDir" in input ? undefined : bytes,
    bytesVerb: "read from",
    file: input.shown,
    seconds: summary.seconds,
  });
  if (summary.resumed) lines.splice(1, 0, "The import continued the interrupted one (--resume)");
  if (summary.cleaned) {
    lines.splice(1, 0, `Emptied the target first (--clean): ${describeContents(summary.cleaned)}`);
  }
  if (summary.batchesReduced) lines.splice(1, 0, `Note: ${summary.batchesReduced}`);
  if (summary.deadlocks) {
    lines.splice(
      1,
      0,
      `Note: the target rolled back ${plural(summary.deadlocks, "batch", "batches")} as ` +
        (summary.deadlocks === 1
          ? `a deadlock (--jobs ${summary.jobs}); it was written again`
          : `deadlocks (--jobs ${summary.jobs}); each was written again`),
    );
  }
  const changed = summary.createdWithChanges;
  if (changed.length > 0) {
    // After the counts line: these items are among the created ones.
    lines.splice(
      1,
      0,
      `Created ${plural(changed.length, "schema item")} with changes:`,
      ...changed.map((item) => `  '${item.name}': ${item.reason}`),
    );
  }
  // Schema names come from the backup: control characters shown escaped.
  for (const line of lines) context.stderr.line(terminalText(line));
}
