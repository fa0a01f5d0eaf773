/**
 * `neo4j-backup import`: load a backup file, stdin, or a Python neo4j-backup project folder
 * into a database.
 *
 * @module
 */

import { isLegacyBackup, readLegacyBackup } from "../compat/legacy_reader.ts";
import { connect } from "./connect.ts";
import { FormatError, UsageError } from "../errors.ts";
import {
  importBackup,
  type ImportOptions,
  importRecords,
  type ImportSummary,
} from "../engine/import.ts";
import { formatCount, formatSummary, plural, type ProgressReporter } from "./progress.ts";
import { confirm } from "../runtime/terminal.ts";
import { openRead } from "../runtime/files.ts";
import { pathKind } from "../runtime/files.ts";
import { stdin } from "../runtime/stdio.ts";
import { writeStdout } from "../runtime/stdio.ts";
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
import { resolvePassword } from "./password.ts";
import { retryLine } from "./retry_line.ts";

const OPTIONS: OptionTable = {
  ...COMMON_OPTIONS,
  ...CONNECTION_OPTIONS,
  "batch-size": { type: "string" },
  resume: { type: "boolean" },
  state: { type: "string" },
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
  /** `--resume`: continue the interrupted import of this backup into this target. */
  resume: boolean;
  /** `--state PATH`: the import's state file; `FILE.import-state` for a file by default. */
  state?: string;
  connection: ConnectionFlags;
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
 * const flags = parseImportArgs(["backup.jsonl.gz", "--batch-size", "5000"], () => undefined);
 * assert.equal(flags.input, "backup.jsonl.gz");
 * assert.equal(flags.batchSize, 5000);
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
    resume: values.resume === true,
    ...(typeof values.state === "string" ? { state: values.state } : {}),
    connection: connectionFlags(values, env),
  };
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
  return file ? `${flags.input}.import-state` : undefined;
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
async function openInput(input: string | undefined, stdinIsTerminal: boolean): Promise<Input> {
  if (input === undefined || input === "-") {
    if (stdinIsTerminal) {
      throw new UsageError(
        `No backup to read: name a FILE, or pipe a backup into stdin; ${helpHint("import")}`,
      );
    }
    return { bytes: stdin(), shown: "stdin", fromStdin: true };
  }
  if (await pathKind(input) === "directory") {
    if (await isLegacyBackup(input)) {
      return { legacyDir: input, shown: `'${input}'`, fromStdin: false };
    }
    throw new FormatError(
      `Not a backup: '${input}' is a folder without the compressed.json and data/ of a Python neo4j-backup project`,
    );
  }
  return { bytes: await openRead(input), shown: `'${input}'`, fromStdin: false };
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
  const input = await openInput(flags.input, terminal.stdin);
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
  const options: ImportOptions = {
    database,
    batchSize: flags.batchSize,
    allowNonEmpty: flags.yes,
    confirmNonEmpty: (target) => askNonEmpty(target, canPrompt, progress),
    onProgress: (event) => progress.update(event),
    onWarning: (message) => progress.warn(message),
    onRetry: (retry) => progress.warn(retryLine(retry)),
    retryFor: flags.connection.retryFor,
    state,
    resume: flags.resume,
    // Ctrl-C stops the import after the batch in flight; its error then says what the target
    // holds (the engine adds the committed counts to the Interrupted the watch aborts with).
    signal: watch.signal,
  };
  try {
    const summary = "legacyDir" in input
      ? await importRecords(driver, readLegacyBackup(input.legacyDir, options), options)
      : await importBackup(driver, input.bytes.pipeThrough(counter), options);
    progress.finish();
    if (!flags.quiet) printSummary(context, summary, input, counter.bytes);
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

/** Asks on the terminal whether to import into a database that holds data; Enter means no. */
async function askNonEmpty(
  target: { database: string; nodes: number; relationships: number },
  canPrompt: boolean,
  progress: ProgressReporter,
): Promise<boolean> {
  if (!canPrompt) return false;
  progress.clear();
  return await confirm(
    `Target database '${target.database}' holds ${formatCount(target.nodes)} nodes and ${
      formatCount(target.relationships)
    } relationships. Import into it anyway? [y/N] `,
  );
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
  if (summary.batchesReduced) lines.splice(1, 0, `Note: ${summary.batchesReduced}`);
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
  for (const line of lines) context.stderr.line(line);
}
