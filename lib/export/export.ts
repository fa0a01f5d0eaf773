/**
 * A database to a stream of backup records (header, schema, nodes, relationships), or to the
 * bytes of a backup: read in chunks of internal ids, each chunk in a read transaction of its
 * own (an id seek per id, so a chunk costs what it holds), each retried on a lost connection or
 * a transient error, and halved on a transaction timeout or memory limit. The stream pulls from
 * the server only as fast as it is read.
 *
 * @module
 */

import { LineEncoder } from "../format/encoder_stream.ts";
import { GzipStream } from "../format/gzip_stream.ts";
import type { BodyRecord } from "../format/records.ts";
import { driverOf, type Neo4jDriver } from "../neo4j/driver.ts";
import { BlockEncoder } from "./block_encoder.ts";
import { checkExportOptions, type ExportOptions } from "./export_options.ts";
import { ExportSource, type RecordSink } from "./export_source.ts";

export { type ExportOptions, MAX_JOBS } from "./export_options.ts";

/** Records made and not yet read at which the server is held back. */
const RECORD_QUEUE = 2000;
/** 64 KiB chunks made and not yet read at which the server is held back. */
const CHUNK_QUEUE = 4;

/**
 * Streams a database as backup records: the header, the schema, every node, every relationship
 * (the footer is the encoder's job). Nothing is asked of the server before the first read; then
 * the stream pulls from the server only as fast as it is read.
 *
 * @param driver A driver connected to the source server, made without `disableLosslessIntegers`
 *   (the stream errors with a {@link UsageError} otherwise: such a driver turns integers into
 *   floats).
 * @param options Database, fetch size, progress, cancellation, chunk reads in flight.
 * @returns A stream of records.
 * @throws {UsageError} When `jobs` is not a whole number from 1 to {@link MAX_JOBS}, or
 *   `chunkSize` not one from 1 to 20,000.
 *
 * @example Count the nodes of a backup without writing it
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { exportRecords } from "./export.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * let nodes = 0;
 * for await (const r of exportRecords(driver)) if (r.kind === "node") nodes++;
 * console.log(nodes);
 * await driver.close();
 * ```
 */
export function exportRecords(
  driver: Neo4jDriver,
  options: ExportOptions = {},
): ReadableStream<BodyRecord> {
  checkExportOptions(options.jobs, options.chunkSize);
  // Records go out as they are: the queue is what pauses the driver.
  const source = new ExportSource<BodyRecord>(
    driverOf(driver),
    options,
    RECORD_QUEUE,
    // No blocks come: they need workers, which only exportBackup starts.
    (enqueue) => ({ write: (record) => enqueue(record as BodyRecord), finish() {} }),
    false,
  );
  return new ReadableStream(source, { highWaterMark: 0 });
}

/**
 * Streams a database as backup bytes: JSON Lines with a footer, gzip-compressed (level 5 by
 * default) unless `compress` is false. Nothing is asked of the server before the first read.
 *
 * @param driver A driver connected to the source server, made without `disableLosslessIntegers`
 *   (see {@link exportRecords}).
 * @param options As {@link exportRecords}, plus `compress` (default true) and
 *   `compressionLevel` (1 to 9, default 5).
 * @returns The backup's bytes.
 * @throws {UsageError} When the compression level is not a whole number from 1 to 9, or `jobs`
 *   not one from 1 to {@link MAX_JOBS}.
 *
 * @example Back up to a file
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { exportBackup } from "./export.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * const file = await Deno.create("graph.jsonl.gz");
 * await exportBackup(driver).pipeTo(file.writable);
 * await driver.close();
 * ```
 */
export function exportBackup(
  driver: Neo4jDriver,
  options: ExportOptions & { compress?: boolean; compressionLevel?: number } = {},
): ReadableStream<Uint8Array> {
  checkExportOptions(options.jobs, options.chunkSize);
  // Made now, so that a bad level throws here.
  const gzip = (options.compress ?? true) ? new GzipStream(options.compressionLevel) : undefined;
  // Records are encoded as the driver hands them over: no stream hop per record, and a queue of
  // a few 64 KiB chunks.
  const encoded = (options.jobs ?? 1) > 1 && options.connection !== undefined;
  const source = new ExportSource<Uint8Array<ArrayBuffer>>(
    driverOf(driver),
    options,
    CHUNK_QUEUE,
    encoded ? blockSink : (enqueue) => new LineEncoder(enqueue) as RecordSink,
    encoded,
  );
  const lines = new ReadableStream(source, { highWaterMark: 0 });
  return gzip ? compressedOnRead(lines, gzip, source) : lines;
}

/**
 * `lines` through `gzip`, piped on the first read only (a pipe reads at once), in a stream whose
 * cancel resolves once the export has closed its session.
 */
function compressedOnRead(
  lines: ReadableStream<Uint8Array<ArrayBuffer>>,
  gzip: GzipStream,
  source: ExportSource<Uint8Array<ArrayBuffer>>,
): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      reader ??= lines.pipeThrough(gzip).getReader();
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      // The pipe passes the cancel on to the export; wait for it to be done.
      await (reader ?? gzip.readable).cancel(reason);
      await source.settled();
    },
  }, { highWaterMark: 0 });
}

/** The sink of an export whose lines the workers encode. */
function blockSink(enqueue: (chunk: Uint8Array<ArrayBuffer>) => void): RecordSink {
  const encoder = new BlockEncoder(enqueue);
  return {
    write: (record) => record.kind === "block" ? encoder.writeBlock(record) : encoder.write(record),
    finish: (warnings) => encoder.finish(warnings),
  };
}
