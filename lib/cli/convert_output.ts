/**
 * The work of `neo4j-backup convert` once its flags are checked: open the input, convert it,
 * write the output. A folder format (`--to parquet`, `--to admin-csv`) read from bytes (a file,
 * object storage, stdin) converts in a worker thread whose heap is capped, which bounds its
 * memory; a record too large for that cap makes it convert again in the main thread (a file or
 * object can be read again, stdin cannot). Every other conversion runs in the main thread.
 *
 * @module
 */

import { isLegacyBackup, readLegacyBackup } from "../compat/legacy_reader.ts";
import { writeAdminCsv } from "../convert/admin_csv.ts";
import { CypherScriptStream } from "../convert/cypher_script.ts";
import { folderListing, makeFolder, removeAddedEntries, temporaryPath } from "../convert/folder.ts";
import { writeGraphml } from "../convert/graphml.ts";
import type { LossReport } from "../convert/loss_report.ts";
import { writeParquet } from "../convert/parquet/parquet.ts";
import { RecordProgressStream } from "../convert/record_progress.ts";
import {
  convertFolderInWorker,
  WORKER_LINE_BYTES,
  WorkerOutOfMemory,
} from "../convert/worker/folder_in_worker.ts";
import type { FolderJob } from "../convert/worker/protocol.ts";
import { BackupError, FormatError, UsageError } from "../errors.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import { IntegrityStream } from "../format/integrity_stream.ts";
import type { BackupRecord } from "../format/records.ts";
import type { FilterSummary } from "../pipeline/filter.ts";
import { FilterStream } from "../pipeline/filter_stream.ts";
import type { ProgressEvent } from "../pipeline/progress_event.ts";
import { pathKind } from "../storage/files.ts";
import { type OverwriteGrant, writeAtomically } from "../storage/output_file.ts";
import { isRemote, openSource, type PlaceOptions, writeTarget } from "../storage/place.ts";
import { stdin, stdout } from "../storage/stdio.ts";
import type { ConvertFlags } from "./convert_flags.ts";
import { helpHint } from "./flags.ts";

/** What a conversion did. */
export interface ConvertOutcome {
  /** Bytes written. */
  bytes: number;
  /** Nodes, relationships and schema records converted. */
  counts: { nodes: number; relationships: number; schema: number };
  /** What the filter left out, when filtered. */
  filtered?: FilterSummary;
}

/** What the conversion needs from the command besides its flags. */
export interface ConvertRun {
  /** Stdin is a terminal (nothing piped in). */
  stdinIsTerminal: boolean;
  /** How to reach object storage. */
  place: PlaceOptions;
  /** Receives progress. */
  onProgress(event: ProgressEvent): void;
  /** Receives a warning line. */
  warn(message: string): void;
  /** Ctrl-C. */
  signal: AbortSignal;
  /** The permission to overwrite the output file, when it exists. */
  grant?: OverwriteGrant;
}

/**
 * Converts the input of `flags` into its output, filling `loss`.
 *
 * @param flags The checked flags.
 * @param run Progress, warnings, the stop signal and where things are.
 * @param loss Receives what the output cannot hold.
 * @returns What was converted and written.
 * @throws {FormatError} When the backup is damaged; {@link UsageError} when stdin is a terminal.
 *
 * @example Convert a backup to GraphML
 * ```ts ignore
 * import { convertToOutput } from "./convert_output.ts";
 * const outcome = await convertToOutput(flags, run, new LossReport());
 * console.log(outcome.counts.nodes);
 * ```
 */
export async function convertToOutput(
  flags: ConvertFlags,
  run: ConvertRun,
  loss: LossReport,
): Promise<ConvertOutcome> {
  const input = await inputOf(flags.input, run);
  const folderFormat = flags.format === "parquet" || flags.format === "admin-csv";
  if (folderFormat && input !== "python") {
    const folder = await makeFolder(flags.output);
    const before = await folderListing(folder);
    const remote = input === "bytes" && isRemote(flags.input);
    // Under Deno a worker reads stdin itself; a Node worker has no stdin of its own.
    const stdinInWorker = input === "stdin" && "Deno" in globalThis;
    const job: FolderJob = {
      source: input === "bytes" && !remote
        ? { file: flags.input }
        : stdinInWorker
        ? { stdin: true }
        : { messages: true },
      format: flags.format as FolderJob["format"],
      folder,
      targetVersion: flags.targetVersion,
      compression: flags.compression,
      ...(flags.rowGroupRows === undefined ? {} : { rowGroupRows: flags.rowGroupRows }),
      ...(flags.filter ? { filter: flags.filter } : {}),
      maxLineBytes: WORKER_LINE_BYTES,
    };
    try {
      const source = remote
        ? await openSource(flags.input, run.place)
        : input === "stdin" && !stdinInWorker
        ? stdin()
        : undefined;
      const result = await convertFolderInWorker(job, { ...run, ...(source ? { source } : {}) });
      for (const e of result.losses) loss.add(e.where, e.what, e.action, e.count);
      return result;
    } catch (e) {
      if (!(e instanceof WorkerOutOfMemory)) throw e;
      await removeAddedEntries(folder, before);
      const why = e.line === undefined
        ? e.message
        : `Line ${e.line} is larger than the memory-bounded conversion decodes (${
          WORKER_LINE_BYTES / 2 ** 20
        } MiB)`;
      if (input === "stdin") {
        throw new BackupError(
          `${why}: convert the backup from a file instead of stdin (a file is converted again without the bound)`,
        );
      }
      run.warn(`${why}: converting again without the bound`);
    }
  }
  return await convertInProcess(flags, await openRecords(flags.input, input, run), run, loss);
}

/** Where the input comes from: stdin, a Python neo4j-backup folder, or a file or object. */
type InputKind = "stdin" | "python" | "bytes";

async function inputOf(input: string, run: ConvertRun): Promise<InputKind> {
  if (input === "-") {
    if (run.stdinIsTerminal) {
      throw new UsageError(
        `No backup to read: pipe a backup into stdin, or name a BACKUP; ${helpHint("convert")}`,
      );
    }
    return "stdin";
  }
  if (!isRemote(input) && await pathKind(input) === "directory") {
    if (await isLegacyBackup(input)) return "python";
    throw new FormatError(
      `Not a backup: '${input}' is a folder without the compressed.json and data/ of a Python neo4j-backup project`,
    );
  }
  return "bytes";
}

async function openRecords(
  input: string,
  kind: InputKind,
  run: ConvertRun,
): Promise<ReadableStream<BackupRecord>> {
  if (kind === "stdin") return decodeBackup(stdin(), { integrity: true });
  if (kind === "python") {
    return readLegacyBackup(input, { onWarning: run.warn })
      .pipeThrough(new IntegrityStream({ position: "record" }));
  }
  return decodeBackup(await openSource(input, run.place), { integrity: true });
}

/** Converts in the main thread: every format, and the folder formats when no worker can. */
async function convertInProcess(
  flags: ConvertFlags,
  input: ReadableStream<BackupRecord>,
  run: ConvertRun,
  loss: LossReport,
): Promise<ConvertOutcome> {
  // The first stage takes the abort signal: one stream hop per record fewer than a stage of
  // its own (the hops cost time and keep records in flight).
  const counter = new RecordProgressStream(run.onProgress);
  let filter: FilterStream | undefined;
  const records = flags.filter
    ? input.pipeThrough(filter = new FilterStream(flags.filter), { signal: run.signal })
      .pipeThrough(counter)
    : input.pipeThrough(counter, { signal: run.signal });
  const bytes = await write(flags, records, loss, run);
  const { nodes, relationships, schema } = counter.counts;
  return {
    bytes,
    counts: { nodes, relationships, schema },
    ...(filter ? { filtered: filter.summary } : {}),
  };
}

/** Writes the records in the chosen format; returns the bytes written. */
async function write(
  flags: ConvertFlags,
  records: ReadableStream<BackupRecord>,
  loss: LossReport,
  run: ConvertRun,
): Promise<number> {
  const { signal, place, grant } = run;
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
