/**
 * `neo4j-backup convert`: a backup into another format without a server: a folder for
 * `neo4j-admin import` (`--to admin-csv`), a Cypher script (`--to cypher`) or GraphML
 * (`--to graphml`) or a folder of Parquet files (`--to parquet`). Records stream from the file
 * (or stdin) to the output; every format writes a loss report, printed on stderr at the end and
 * kept in the output.
 *
 * @module
 */

import { folderHasEntries, makeFolder } from "../convert/folder.ts";
import { type LossEntry, LossReport } from "../convert/loss_report.ts";
import { FileError, RefusedError, UsageError } from "../errors.ts";
import { pathKind } from "../storage/files.ts";
import { checkOverwrite, type OverwriteGrant } from "../storage/output_file.ts";
import { checkTarget, isRemote, type PlaceOptions } from "../storage/place.ts";
import { writeStdout } from "../storage/stdio.ts";
import type { CommandContext } from "./context.ts";
import {
  type ConvertFlags,
  type ConvertFormat,
  FOLDER_FORMATS,
  parseConvertArgs,
} from "./convert_flags.ts";
import { type ConvertOutcome, convertToOutput } from "./convert_output.ts";
import { startDisplay } from "./display.ts";
import { leftOutLine } from "./filter_flags.ts";
import { helpHint } from "./flags.ts";
import { helpText } from "./help.ts";
import { collectWarnings, type CommonSummary, wantsSummary, writeSummary } from "./json_summary.ts";
import { plural } from "./progress.ts";
import { terminalText } from "./terminal_text.ts";

export { type ConvertFlags, type ConvertFormat, parseConvertArgs };

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
  let outcome: ConvertOutcome;
  try {
    outcome = await convertToOutput(flags, {
      stdinIsTerminal: context.terminal.stdin,
      place: placeOf(flags, context),
      onProgress: (e) => progress.update(e),
      warn,
      signal: watch.signal,
      ...(grant ? { grant } : {}),
    }, loss);
    progress.finish();
  } catch (e) {
    progress.clear();
    throw e;
  } finally {
    watch.dispose();
  }
  if (outcome.filtered) warn(leftOutLine(outcome.filtered));
  const { bytes, counts: { nodes, relationships, schema } } = outcome;
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

function placeOf(flags: ConvertFlags, context: CommandContext): PlaceOptions {
  return { s3: flags.storage, env: context.env };
}
