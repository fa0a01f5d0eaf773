/**
 * `neo4j-backup convert`: a backup into another format without a server: a folder for
 * `neo4j-admin import` (`--to admin-csv`), a Cypher script (`--to cypher`) or GraphML
 * (`--to graphml`) or a folder of Parquet files (`--to parquet`). Records stream from the file
 * (or stdin) to the output; every format writes a loss report, printed on stderr at the end and
 * kept in the output.
 *
 * @module
 */

import { isLegacyBackup, readLegacyBackup } from "../compat/legacy_reader.ts";
import { writeAdminCsv } from "../convert/admin_csv.ts";
import { CypherScriptStream } from "../convert/cypher_script.ts";
import { folderHasEntries, makeFolder, temporaryPath } from "../convert/folder.ts";
import { writeGraphml } from "../convert/graphml.ts";
import { defaultCompression } from "../convert/parquet/codecs.ts";
import { writeParquet } from "../convert/parquet/parquet.ts";
import { type LossEntry, LossReport } from "../convert/loss_report.ts";
import { RecordProgressStream } from "../convert/record_progress.ts";
import { targetServer } from "../convert/schema_script.ts";
import type { RecordFilter } from "../pipeline/filter.ts";
import { FilterStream } from "../pipeline/filter_stream.ts";
import { FileError, FormatError, RefusedError, UsageError } from "../errors.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import { IntegrityStream } from "../format/integrity_stream.ts";
import type { BackupRecord } from "../format/records.ts";
import { pathKind } from "../storage/files.ts";
import {
  checkTarget,
  isRemote,
  openSource,
  type PlaceOptions,
  writeTarget,
} from "../storage/place.ts";
import type { S3Settings } from "../storage/s3/config.ts";
import { STORAGE_OPTIONS, storageFlags } from "./storage_flags.ts";
import { stdin, stdout, writeStdout } from "../storage/stdio.ts";
import type { CommandContext } from "./context.ts";
import { startDisplay } from "./display.ts";
import { FILTER_OPTIONS, filterFlags, leftOutLine } from "./filter_flags.ts";
import {
  COMMON_OPTIONS,
  type CommonFlags,
  commonFlags,
  helpHint,
  noExtraArguments,
  type OptionTable,
  parseFlags,
  positiveInteger,
} from "./flags.ts";
import { helpText } from "./help.ts";
import { PARQUET_OPTIONS, type ParquetFlags, parquetFlags } from "./parquet_flags.ts";
import {
  collectWarnings,
  type CommonSummary,
  SUMMARY_OPTIONS,
  type SummaryFlags,
  summaryFlags,
  wantsSummary,
  writeSummary,
} from "./json_summary.ts";
import { checkOverwrite, type OverwriteGrant, writeAtomically } from "../storage/output_file.ts";
import { plural } from "./progress.ts";
import { terminalText } from "./terminal_text.ts";

/** The formats `convert` writes. */
export const CONVERT_FORMATS = ["admin-csv", "cypher", "graphml", "parquet"] as const;

/** The formats that write a folder. */
const FOLDER_FORMATS: readonly string[] = ["admin-csv", "parquet"];

/** A format `convert` writes. */
export type ConvertFormat = typeof CONVERT_FORMATS[number];

/** The flags of `convert`, resolved. */
export interface ConvertFlags extends CommonFlags, ParquetFlags {
  /** The backup file, a Python project folder, or `"-"` for stdin. */
  input: string;
  /** `--to`. */
  format: ConvertFormat;
  /** `-o`, `--output`: a folder (admin-csv), a file, or `"-"` for stdout. */
  output: string;
  /** `-f`, `--force`: overwrite an existing file, write into a non-empty folder. */
  force: boolean;
  /** `--target-version`, default `"5.26"`. */
  targetVersion: string;
  /** `--dialect` (cypher only), default `"neo4j"`. */
  dialect: "neo4j" | "falkordb";
  /** `--batch-size` (cypher only). */
  batchSize?: number;
  /** `--json`, `--summary FILE`. */
  summary: SummaryFlags;
  /** The filter flags, when any was given. */
  filter?: RecordFilter;
  /** `--s3-*`: how to reach object storage (for s3:// input and output). */
  storage: S3Settings;
}

const CONVERT_OPTIONS: OptionTable = {
  ...COMMON_OPTIONS,
  ...STORAGE_OPTIONS,
  ...SUMMARY_OPTIONS,
  ...FILTER_OPTIONS,
  ...PARQUET_OPTIONS,
  to: { type: "string" },
  output: { type: "string", short: "o" },
  force: { type: "boolean", short: "f" },
  "target-version": { type: "string" },
  dialect: { type: "string" },
  "batch-size": { type: "string" },
};

/**
 * Parses the arguments of `convert`.
 *
 * @param args The arguments after `convert`.
 * @returns The resolved flags.
 * @throws {UsageError} For unknown flags, a missing BACKUP, `--to` or `-o`, or bad values.
 *
 * @example Convert stdin to GraphML on stdout
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConvertArgs } from "./convert_command.ts";
 * const flags = parseConvertArgs(["-", "--to", "graphml", "-o", "-"]);
 * assert.equal(flags.format, "graphml");
 * assert.equal(flags.targetVersion, "5.26");
 * ```
 */
export function parseConvertArgs(args: string[]): ConvertFlags {
  const { values, positionals } = parseFlags("convert", args, CONVERT_OPTIONS);
  noExtraArguments("convert", positionals, 1);
  const common = commonFlags(values);
  const hint = helpHint("convert");
  const format = values.to;
  const output = values.output;
  const base = {
    ...common,
    input: positionals[0] ?? "",
    format: "admin-csv" as ConvertFormat,
    output: typeof output === "string" ? output : "",
    force: values.force === true,
    targetVersion: typeof values["target-version"] === "string" ? values["target-version"] : "5.26",
    dialect: "neo4j" as const,
    compression: defaultCompression(),
    summary: { json: false },
    storage: storageFlags(values),
  };
  if (common.help) return base;
  if (positionals.length === 0) {
    throw new UsageError(`Missing BACKUP: name the backup to convert, or '-' for stdin; ${hint}`);
  }
  if (typeof format !== "string" || !(CONVERT_FORMATS as readonly string[]).includes(format)) {
    const given = typeof format === "string" ? `Unknown format '${format}'` : "Missing --to";
    throw new UsageError(`${given}: use --to admin-csv, cypher, graphml or parquet; ${hint}`);
  }
  if (base.output === "") {
    throw new UsageError(
      `Missing -o: name the output ${
        FOLDER_FORMATS.includes(format) ? "folder" : "file, or '-' for stdout"
      }; ${hint}`,
    );
  }
  if (FOLDER_FORMATS.includes(format) && base.output === "-") {
    throw new UsageError(
      `--to ${format} writes a folder, not stdout: name a folder with -o; ${hint}`,
    );
  }
  targetServer(base.targetVersion);
  const dialect = values.dialect ?? "neo4j";
  if (dialect !== "neo4j" && dialect !== "falkordb") {
    throw new UsageError(
      `Invalid value '${dialect}' for '--dialect': use neo4j or falkordb; ${hint}`,
    );
  }
  if (format !== "cypher" && (values.dialect !== undefined || values["batch-size"] !== undefined)) {
    throw new UsageError(`--dialect and --batch-size apply to --to cypher only; ${hint}`);
  }
  const parquet = parquetFlags(values, format);
  const filter = filterFlags("convert", values);
  return {
    ...base,
    format: format as ConvertFormat,
    dialect,
    ...parquet,
    batchSize: positiveInteger("convert", "batch-size", values["batch-size"], 1_000_000),
    summary: summaryFlags("convert", values, base.output === "-"),
    ...(filter ? { filter } : {}),
  };
}

/** The document `convert --json` prints (or `--summary FILE` writes). */
export interface ConvertSummaryDocument extends CommonSummary {
  command: "convert";
  /** The input as named on the command line, `"-"` for stdin. */
  input: string;
  /** The folder or file written, `"-"` for stdout. */
  output: string;
  /** `"admin-csv"`, `"cypher"`, `"graphml"` or `"parquet"`. */
  format: ConvertFormat;
  /** Nodes converted. */
  nodes: number;
  /** Relationships converted. */
  relationships: number;
  /** Schema items read. */
  schema: number;
  /** Bytes written. */
  bytes: number;
  /** The loss report's entries. */
  losses: LossEntry[];
}

/**
 * Runs `neo4j-backup convert`.
 *
 * @param args The arguments after `convert`.
 * @param context Stderr, environment and terminals.
 * @returns Resolves when the output is complete.
 * @throws {FormatError} When the backup is damaged; {@link RefusedError} when the output exists.
 *
 * @example Convert a backup for neo4j-admin import
 * ```ts ignore
 * import { runConvert } from "./convert_command.ts";
 * await runConvert(["backup.jsonl.gz", "--to", "admin-csv", "-o", "csv"], context);
 * ```
 */
export async function runConvert(args: string[], context: CommandContext): Promise<void> {
  const flags = parseConvertArgs(args);
  if (flags.help) return await writeStdout(helpText("convert"));
  const started = Date.now();
  const grant = await checkOutput(flags, context);
  const { progress, watch } = startDisplay(context, flags.quiet);
  const { warn, warnings } = collectWarnings((m) => progress.warn(m));
  const loss = new LossReport();
  let bytes: number;
  let counter: RecordProgressStream;
  let filter: FilterStream | undefined;
  try {
    const input = await openInput(
      flags.input,
      context.terminal.stdin,
      warn,
      placeOf(flags, context),
    );
    // The first stage takes the abort signal: one stream hop per record fewer than a stage of
    // its own (the hops cost time and keep records in flight).
    counter = new RecordProgressStream((e) => progress.update(e));
    const records = flags.filter
      ? input.pipeThrough(filter = new FilterStream(flags.filter), { signal: watch.signal })
        .pipeThrough(counter)
      : input.pipeThrough(counter, { signal: watch.signal });
    bytes = await write(
      flags,
      records,
      loss,
      watch.signal,
      placeOf(flags, context),
      grant,
    );
    progress.finish();
  } catch (e) {
    progress.clear();
    throw e;
  } finally {
    watch.dispose();
  }
  if (filter) warn(leftOutLine(filter.summary));
  const { nodes, relationships, schema } = counter.counts;
  if (!flags.quiet) {
    const stderr = context.stderr;
    stderr.line(
      `Converted ${plural(nodes, "node")}, ${plural(relationships, "relationship")} and ${
        plural(schema, "schema item")
      } to ${flags.format} (${flags.output === "-" ? "stdout" : `'${flags.output}'`})`,
    );
    const lines = loss.lines();
    stderr.line(lines.length === 0 ? "Loss report: nothing was lost" : "Loss report:");
    for (const line of lines) stderr.line(`  ${terminalText(line)}`);
  }
  if (wantsSummary(flags.summary)) {
    const document: ConvertSummaryDocument = {
      command: "convert",
      ok: true,
      seconds: (Date.now() - started) / 1000,
      warnings,
      input: flags.input,
      output: flags.output,
      format: flags.format,
      nodes,
      relationships,
      schema,
      bytes,
      losses: loss.entries(),
    };
    await writeSummary(flags.summary, document, flags.output === "-");
  }
}

/** Refuses an output that exists, unless `--force`; creates the folder of a folder format. */
async function checkOutput(
  flags: ConvertFlags,
  context: CommandContext,
): Promise<OverwriteGrant | undefined> {
  if (flags.output === "-") return;
  if (!FOLDER_FORMATS.includes(flags.format)) {
    const canPrompt = context.terminal.stdin && context.terminal.stderr;
    if (isRemote(flags.output)) {
      const policy = { overwrite: flags.force, canPrompt: false };
      return await checkTarget(flags.output, policy, placeOf(flags, context));
    }
    return await checkOverwrite(flags.output, { overwrite: flags.force, canPrompt });
  }
  if (isRemote(flags.output)) {
    throw new UsageError(
      `--to ${flags.format} writes a folder of files: name a local folder with -o, then copy it; ${
        helpHint("convert")
      }`,
    );
  }
  const kind = await pathKind(flags.output);
  if (kind === "missing") return void await makeFolder(flags.output);
  if (kind !== "directory") {
    const what = flags.format === "parquet" ? "Parquet" : "CSV";
    throw new FileError(`Cannot write the ${what} files to '${flags.output}': it is not a folder`);
  }
  if (!flags.force && await folderHasEntries(flags.output)) {
    throw new RefusedError(
      `Folder '${flags.output}' is not empty; pass --force to write into it, or name another folder with -o`,
    );
  }
}

/** Writes the records in the chosen format; returns the bytes written. */
async function write(
  flags: ConvertFlags,
  records: ReadableStream<BackupRecord>,
  loss: LossReport,
  signal: AbortSignal,
  place: PlaceOptions,
  grant?: OverwriteGrant,
): Promise<number> {
  if (flags.format === "admin-csv") {
    const folder = await makeFolder(flags.output);
    const options = { folder, targetVersion: flags.targetVersion, loss };
    return (await writeAdminCsv(records, options)).bytes;
  }
  if (flags.format === "parquet") {
    const folder = await makeFolder(flags.output);
    const { compression, rowGroupRows } = flags;
    return (await writeParquet(records, { folder, loss, compression, rowGroupRows })).bytes;
  }
  const toStdout = flags.output === "-";
  let bytes = 0;
  const sink = async (data: ReadableStream<Uint8Array>) => {
    const counted = data.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.length;
          controller.enqueue(chunk);
        },
      }),
    );
    if (toStdout) await counted.pipeTo(stdout(), { signal });
    else if (isRemote(flags.output)) {
      await writeTarget(flags.output, counted, grant!, { ...place, signal });
    } else await writeAtomically(flags.output, counted, signal, grant);
  };
  if (flags.format === "graphml") {
    const tempPath = temporaryPath(toStdout || isRemote(flags.output) ? undefined : flags.output);
    await writeGraphml(records, { loss, sink, tempPath });
    return bytes;
  }
  const script = new CypherScriptStream({
    dialect: flags.dialect,
    targetVersion: flags.targetVersion,
    ...(flags.batchSize === undefined ? {} : { batchSize: flags.batchSize }),
  }, loss);
  await sink(records.pipeThrough(script));
  return bytes;
}

function placeOf(flags: ConvertFlags, context: CommandContext): PlaceOptions {
  return { s3: flags.storage, env: context.env };
}

async function openInput(
  input: string,
  stdinIsTerminal: boolean,
  warn: (message: string) => void,
  place: PlaceOptions,
): Promise<ReadableStream<BackupRecord>> {
  if (input === "-") {
    if (stdinIsTerminal) {
      throw new UsageError(
        `No backup to read: pipe a backup into stdin, or name a BACKUP; ${helpHint("convert")}`,
      );
    }
    return decodeBackup(stdin(), { integrity: true });
  }
  if (!isRemote(input) && await pathKind(input) === "directory") {
    if (await isLegacyBackup(input)) {
      return readLegacyBackup(input, { onWarning: warn })
        .pipeThrough(new IntegrityStream({ position: "record" }));
    }
    throw new FormatError(
      `Not a backup: '${input}' is a folder without the compressed.json and data/ of a Python neo4j-backup project`,
    );
  }
  return decodeBackup(await openSource(input, place), { integrity: true });
}
