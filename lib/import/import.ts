/**
 * A stream of backup records to a database: nodes and relationships in UNWIND batches (one static
 * query per label set or relationship type), endpoints matched through an in-client id map (no
 * temporary property, label or index in the target), then the schema, then index population.
 *
 * A failure after the first committed batch says what the target holds: the error keeps its
 * class and exit code, its message ends with the committed counts and what to do, and
 * {@link partialImportOf} reads the counts from it.
 *
 * @module
 */

import type { Session } from "neo4j-driver";
import { driverOf, type Neo4jDriver } from "../neo4j/driver.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import { ConnectionError, FormatError, RefusedError } from "../errors.ts";
import type { BackupRecord, HeaderRecord } from "../format/records.ts";
import { classifyError } from "../neo4j/driver_errors.ts";
import { type ServerInfo, serverInfo } from "../neo4j/server.ts";
import { abortError, throwIfAborted } from "../pipeline/abort.ts";
import { withRetries } from "../pipeline/retry.ts";
import { BatchWriter } from "./batch_writer.ts";
import { ExactWriter } from "./exact_write.ts";
import type { ImportOptions, ImportSummary } from "./import_options.ts";
import { type Start, startImport } from "./import_start.ts";
import { withPartialImport } from "./partial_import.ts";
import { SchemaWriter } from "./schema_writer.ts";

export { type PartialImport, type PartialImportError, partialImportOf } from "./partial_import.ts";
export type { SkippedSchema } from "./schema_writer.ts";
export type { CleanSummary, TargetContents } from "./clean.ts";
export type { ImportOptions, ImportSummary } from "./import_options.ts";

/**
 * Imports a stream of records (as a decoder or the legacy reader produces them) into a database.
 * Refuses a target that already holds data unless allowed or confirmed.
 *
 * @param driver A driver connected to the target server.
 * @param records The records, header first.
 * @param options Database, batch size, confirmation, progress, warnings, abort signal.
 * @returns What was imported, created with changes and skipped.
 * @throws {BackupError} A member of the error family; after the first committed batch its
 *   message says what the target holds and {@link partialImportOf} returns the counts.
 *
 * @example Copy one database into another without a file
 * ```ts ignore
 * import { exportRecords } from "../export/export.ts";
 * import { importRecords } from "./import.ts";
 * const summary = await importRecords(target, exportRecords(source));
 * console.log(`${summary.nodes} nodes, ${summary.relationships} relationships`);
 * ```
 */
export async function importRecords(
  neo4jDriver: Neo4jDriver,
  records: ReadableStream<BackupRecord>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const driver = driverOf(neo4jDriver);
  const started = performance.now();
  const reader = records.getReader();
  const { signal } = options;
  // A read that waits on a stalled source ends as soon as the signal fires.
  const stopReading = () => {
    if (signal) reader.cancel(abortError(signal)).catch(() => {});
  };
  signal?.addEventListener("abort", stopReading, { once: true });
  try {
    throwIfAborted(signal);
    const first = await reader.read();
    throwIfAborted(signal);
    if (first.done || first.value.kind !== "header") {
      throw new FormatError("Not a backup: the first record is not a header", { line: 1 });
    }
    const header = first.value;
    const retry = { retryFor: options.retryFor, onRetry: options.onRetry, signal };
    const target = await withRetries(
      "connecting",
      () => serverInfo(driver, options.database),
      retry,
    );
    const start = await startImport(driver, target, header, options);
    throwIfAborted(signal);
    const exact = new ExactWriter({
      driver,
      database: target.database,
      journal: start.journal,
      counts: start.counts,
      retry,
      parallel: (options.jobs ?? 1) > 1,
    });
    const session = driver.session({ database: target.database, defaultAccessMode: "WRITE" });
    try {
      const done = await write(session, exact, reader, header, target, options, start);
      await start.journal?.remove();
      return {
        header,
        target,
        ...done,
        resumed: start.resume !== undefined,
        jobs: options.jobs ?? 1,
        ...(exact.deadlocks ? { deadlocks: exact.deadlocks } : {}),
        ...(start.cleaned ? { cleaned: start.cleaned } : {}),
        seconds: (performance.now() - started) / 1000,
      };
    } catch (e) {
      // A journal with no batch in it describes nothing to resume.
      if (start.journal && !start.journal.began && start.resume === undefined) {
        await start.journal.remove().catch(() => {});
      } else await start.journal?.close().catch(() => {});
      throw e;
    } finally {
      if (signal?.aborted) session.close().catch(() => {}); // a statement may still run
      else await session.close();
    }
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    throw e;
  } finally {
    signal?.removeEventListener("abort", stopReading);
    reader.releaseLock();
  }
}

/**
 * Imports a backup's bytes (gzip-compressed or plain) into a database.
 *
 * @param driver A driver connected to the target server.
 * @param bytes The backup file's bytes.
 * @param options As {@link importRecords}.
 * @returns What was imported, created with changes and skipped.
 * @throws {BackupError} As {@link importRecords}.
 *
 * @example Restore a file
 * ```ts ignore
 * import { importBackup } from "./import.ts";
 * const file = await Deno.open("graph.jsonl.gz");
 * const summary = await importBackup(driver, file.readable);
 * console.log(summary.skipped);
 * ```
 */
export function importBackup(
  driver: Neo4jDriver,
  bytes: ReadableStream<Uint8Array>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return importRecords(driver, decodeBackup(bytes), options);
}

/** Writes the data, then the schema; a failure after a commit carries the committed counts. */
async function write(
  session: Session,
  exact: ExactWriter,
  reader: ReadableStreamDefaultReader<BackupRecord>,
  header: HeaderRecord,
  target: ServerInfo,
  options: ImportOptions,
  start: Start,
): Promise<Omit<ImportSummary, "header" | "target" | "seconds" | "resumed" | "jobs">> {
  const data = new BatchWriter(exact, {
    batchSize: options.batchSize ?? 5_000,
    zonedDetour: target.major < 5, // see zoned_datetimes.ts
    expected: header.counts,
    signal: options.signal,
    onProgress: options.onProgress,
    onWarning: options.onWarning,
    resume: start.resume,
    jobs: options.jobs ?? 1,
  });
  const schema = new SchemaWriter(session, {
    target,
    header,
    indexTimeoutSeconds: options.indexTimeoutSeconds ?? 3600,
    signal: options.signal,
    onProgress: options.onProgress,
    onWarning: options.onWarning,
    done: start.schemaDone,
    onCreated: (name) => start.journal?.schema(name),
  });
  let inSchema = false;
  try {
    const records = await data.consume(reader);
    inSchema = true;
    await schema.apply(records);
  } catch (e) {
    const error = classifyError(e, { database: target.database, connected: true });
    // A connection lost while a batch committed leaves that batch's fate unknown.
    const unconfirmed = !inSchema && error instanceof ConnectionError ? data.failedRows : 0;
    if (data.nodes + data.relationships + schema.created + unconfirmed === 0) throw e;
    throw withPartialImport(error, {
      database: target.database,
      nodes: data.nodes,
      relationships: data.relationships,
      totalNodes: data.totalNodes,
      totalRelationships: data.totalRelationships,
      schemaCreated: schema.created,
      totalSchema: data.schema.length,
      unconfirmed,
      // A target changed by someone else cannot be resumed exactly: no --resume hint then.
      ...(start.journal && !(error instanceof RefusedError) ? { state: start.journal.path } : {}),
    });
  }
  return {
    nodes: data.nodes,
    relationships: data.relationships,
    schemaCreated: schema.created,
    createdWithChanges: schema.createdWithChanges,
    skipped: schema.skipped,
    ...(data.reduced ? { batchesReduced: data.reduced } : {}),
  };
}
