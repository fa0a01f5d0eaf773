/**
 * A database to a stream of backup records (header, schema, nodes, relationships), read in
 * chunks of internal ids, each chunk in a read transaction of its own (an id seek per id, so a
 * chunk costs what it holds), each retried on a lost connection or a transient error, and
 * halved on a transaction timeout or memory limit. The stream pulls from the server only as
 * fast as it is read.
 *
 * @module
 */

import neo4j, { type Driver, type Record as Neo4jRecord, type Session } from "neo4j-driver";
import { UsageError } from "../errors.ts";
import { LineEncoder } from "../format/encoder_stream.ts";
import { GzipStream } from "../format/gzip_stream.ts";
import type { ProgressEvent, ProgressPhase } from "./progress_event.ts";
import {
  type BodyRecord,
  FORMAT_NAME,
  FORMAT_VERSION,
  type NodeRecord,
  type RelationshipRecord,
} from "../format/records.ts";
import { readSchema } from "../neo4j/schema.ts";
import { driverOf, type Neo4jDriver } from "../neo4j/driver.ts";
import { ResultReader } from "../neo4j/result_stream.ts";
import { integerForm, type ServerInfo, serverInfo } from "../neo4j/server.ts";
import { toNumber } from "../neo4j/integers.ts";
import { IdSet } from "./id_set.ts";
import {
  emptySummary,
  type FilterSummary,
  isEmptyFilter,
  leftOutSentence,
  type RecordFilter,
  RecordSelector,
} from "./filter.ts";
import { failureKind, type RetryInfo, withRetries } from "./retry.ts";
import {
  chunkQueries,
  counts,
  MAX_NODE_ID,
  MAX_REL_ID,
  toNode,
  toRelationship,
} from "./export_queries.ts";
import { readInOrder } from "./parallel_reads.ts";
import { BlockEncoder, type EncodedBlock } from "./block_encoder.ts";
import { ChunkWorkers } from "./chunk_workers.ts";
import type { EncodedChunk } from "./export_worker.ts";
import { VERSION } from "../version.ts";

/**
 * Options of {@link exportRecords} and {@link exportBackup}.
 *
 * @example Export one database, with progress and a way to stop it
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ExportOptions } from "./export.ts";
 * const ends: string[] = [];
 * const options: ExportOptions = {
 *   database: "movies",
 *   onProgress: (e) => {
 *     if (e.type === "end") ends.push(`${e.phase}: ${e.done}`);
 *   },
 *   signal: new AbortController().signal,
 * };
 * options.onProgress?.({ type: "end", phase: "nodes", done: 171, total: 171 });
 * assert.deepEqual(ends, ["nodes: 171"]);
 * ```
 */
export interface ExportOptions {
  /** The database to back up; the server's default when omitted. */
  database?: string;
  /** Records pulled from the server per round trip (default 10,000). */
  fetchSize?: number;
  /**
   * Called as the export advances: for each phase (`schema`, `nodes`, `relationships`, in that
   * order) one `start`, an `advance` every few thousand records, and one `end`.
   */
  onProgress?: (event: ProgressEvent) => void;
  /** Stops the export: the stream errors with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Milliseconds to keep retrying a chunk that fails on a lost connection, a restarting server
   * or a transient error (default 180,000), waiting 1 s, 2 s, 4 s ... up to 30 s between tries.
   */
  retryFor?: number;
  /** Called before each retry: what failed and when it is tried again. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Called with what the user should know about the backup: the database changed while it was
   * read, relationships left out because their end node was not read, smaller chunks after a
   * transaction limit. The same warnings go into the footer of {@link exportBackup}'s output.
   */
  onWarning?: (message: string) => void;
  /**
   * What to keep. Labels and types are tested in the server's queries (a left-out node or
   * relationship costs a row of its id only); property keys are removed as the records arrive.
   * The header's `counts` stay the whole database's; the footer has the counts of what was
   * written, and a warning saying what the filter left out.
   */
  filter?: RecordFilter;
  /** Called once, after the relationships, with what the filter left out (when there is one). */
  onLeftOut?: (summary: FilterSummary) => void;
  /**
   * Chunk reads in flight, 1 to 16 (default 1: one chunk at a time, read as it streams). With
   * more, each chunk is read whole in a session of its own while the one before is written, so
   * that the server's and the network's time overlap the client's; the output is the same, in
   * the same order.
   */
  jobs?: number;
  /**
   * Ids per chunk read (default and most 20,000): each chunk is one read transaction. Smaller
   * chunks make shorter transactions (a server with a tight transaction timeout or memory
   * limit) and, with `jobs`, more of them to share out; a transaction limit halves it anyway.
   */
  chunkSize?: number;
  /**
   * How to connect, for {@link exportBackup} with `jobs` above 1: the chunks are then read,
   * decoded and encoded in `jobs` worker threads, each with a driver of its own made from this
   * (a driver object cannot cross to a thread). Without it the reads share the one driver.
   * `config` must be plain data (no functions: it is copied to the workers); integers always
   * come back as `bigint` there. The password goes to the workers' drivers and nowhere else.
   */
  connection?: {
    /** The server's URI, e.g. `neo4j://localhost:7687`. */
    uri: string;
    /** The user (basic authentication). */
    username: string;
    /** The password. */
    password: string;
    /** More driver configuration, e.g. `{ userAgent: "me/1.0" }`. */
    config?: Record<string, unknown>;
  };
}

/** The most chunk reads in flight {@link ExportOptions.jobs} allows. */
export const MAX_JOBS = 16;

/** Ids per chunk at first and at most; a transaction limit halves it, success doubles it back. */
const CHUNK_IDS = 20_000;
const PROGRESS_EVERY = 5000;
/** Records made and not yet read at which the server is held back. */
const RECORD_QUEUE = 2000;
/** 64 KiB chunks made and not yet read at which the server is held back. */
const CHUNK_QUEUE = 4;
/** The size of the pieces the workers' lines are handed out in: the encoder's chunk size. */
const BLOCK_BYTES = 65536;

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

function checkExportOptions(jobs: number | undefined, chunkSize?: number): void {
  if (
    chunkSize !== undefined &&
    !(Number.isInteger(chunkSize) && chunkSize >= 1 && chunkSize <= CHUNK_IDS)
  ) {
    throw new UsageError(
      `Invalid chunk size '${chunkSize}': expected a whole number from 1 to ${CHUNK_IDS}`,
    );
  }
  if (jobs === undefined || (Number.isInteger(jobs) && jobs >= 1 && jobs <= MAX_JOBS)) return;
  throw new UsageError(`Invalid jobs '${jobs}': expected a whole number from 1 to ${MAX_JOBS}`);
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

/** Where {@link ExportSource} hands each record, and what it calls after the last one. */
interface RecordSink {
  write(record: BodyRecord | EncodedBlock): void;
  finish(warnings: string[]): void;
}

/** The sink of an export whose lines the workers encode. */
function blockSink(enqueue: (chunk: Uint8Array<ArrayBuffer>) => void): RecordSink {
  const encoder = new BlockEncoder(enqueue);
  return {
    write: (record) => record.kind === "block" ? encoder.writeBlock(record) : encoder.write(record),
    finish: (warnings) => encoder.finish(warnings),
  };
}

/**
 * The source of an export stream, which has a high-water mark of 0 so that creating it pulls
 * nothing: the export starts on the first pull. Its chunks (from the sink `open` makes) go into
 * the stream's queue up to half of `limit`, then wait here; at `limit` chunks in all, the export
 * pauses. The stream pulls only when its queue is empty: the waiting chunks then refill it, and
 * once none wait the export resumes, so that the queue is not empty while the server catches up.
 */
class ExportSource<T> {
  #driver: Driver;
  #options: ExportOptions;
  #limit: number;
  #open: (enqueue: (chunk: T) => void) => RecordSink;
  #encoded: boolean;
  #pump?: ExportPump;
  #run?: Promise<void>;
  #waiting: T[] = [];
  #next = 0;
  #finished = false;
  #cancelled = false;

  constructor(
    driver: Driver,
    options: ExportOptions,
    limit: number,
    open: (enqueue: (chunk: T) => void) => RecordSink,
    encoded: boolean,
  ) {
    this.#encoded = encoded;
    this.#driver = driver;
    this.#options = options;
    this.#limit = limit;
    this.#open = open;
  }

  pull(controller: ReadableStreamDefaultController<T>): void {
    if (!this.#pump) return this.#start(controller);
    while (this.#next < this.#waiting.length && this.#hasRoom(controller)) {
      controller.enqueue(this.#waiting[this.#next++]);
    }
    if (this.#next < this.#waiting.length) return;
    this.#waiting = [];
    this.#next = 0;
    if (this.#finished) controller.close();
    else this.#pump.resume();
  }

  async cancel(reason: unknown): Promise<void> {
    this.#cancelled = true;
    this.#waiting = [];
    this.#pump?.cancel(reason);
    await this.settled();
  }

  /** Resolves once the export is over (and its session closed), however it ended. */
  async settled(): Promise<void> {
    await this.#run?.catch(() => {});
  }

  #start(controller: ReadableStreamDefaultController<T>): void {
    const sink = this.#open((chunk) => this.#hand(controller, chunk));
    this.#pump = new ExportPump(this.#driver, this.#options, this.#encoded, (record) => {
      sink.write(record);
      return queued(controller) + this.#waiting.length - this.#next < this.#limit;
    });
    this.#run = this.#pump.run();
    this.#run.then(() => {
      if (this.#cancelled) return;
      sink.finish(this.#pump!.warnings);
      this.#finished = true;
      if (this.#next === this.#waiting.length) controller.close();
    }).catch((e) => controller.error(e)); // a no-op on a stream already cancelled
  }

  #hand(controller: ReadableStreamDefaultController<T>, chunk: T): void {
    if (this.#cancelled) return;
    if (this.#next === this.#waiting.length && this.#hasRoom(controller)) {
      controller.enqueue(chunk);
    } else this.#waiting.push(chunk);
  }

  #hasRoom(controller: ReadableStreamDefaultController<T>): boolean {
    return queued(controller) < Math.ceil(this.#limit / 2);
  }
}

/** Chunks in a stream's queue, for a stream of high-water mark 0 counting chunks. */
function queued(controller: ReadableStreamDefaultController<unknown>): number {
  return -(controller.desiredSize ?? 0);
}

/** Hands out the chunks of `range` one by one, each of the size current when it is asked for. */
function chunkRanges(
  range: { from: number; max: number },
  chunks: ChunkSize,
): () => { from: number; to: number } | undefined {
  let from = range.from;
  return () => {
    if (from > range.max) return undefined;
    const chunk = { from, to: Math.min(from + chunks.size - 1, range.max) };
    from = chunk.to + 1;
    return chunk;
  };
}

/** The chunk size of a phase: halved on a transaction limit, doubled back on success. */
interface ChunkSize {
  size: number;
  /** Whether it was ever halved (the footer then says so). */
  shrunk: boolean;
}

/**
 * Reads the database chunk by chunk and hands every record to `push`, which returns false when
 * the consumer is full: the chunk's stream is then paused until {@link resume}.
 */
class ExportPump {
  /** What the user should know about the backup once it is written (see `onWarning`). */
  readonly warnings: string[] = [];
  #driver: Driver;
  #options: ExportOptions;
  #push: (record: BodyRecord | EncodedBlock) => boolean;
  /** Whether the chunks are read in worker threads. */
  #encoded: boolean;
  #workers?: ChunkWorkers;
  /** The chunk reads in flight (one with `jobs` 1). */
  #readers = new Set<ResultReader>();
  /** Waiting for the consumer to have room again (`jobs` above 1). */
  #wake = new Set<() => void>();
  #cancelled?: { reason: unknown };
  #filter?: RecordSelector;
  #params: Record<string, string[]> = {};
  #leftOut: FilterSummary = emptySummary();

  /** Ids per chunk at first and at most (`chunkSize`). */
  get #chunkMax(): number {
    return this.#options.chunkSize ?? CHUNK_IDS;
  }

  constructor(
    driver: Driver,
    options: ExportOptions,
    encoded: boolean,
    push: (record: BodyRecord | EncodedBlock) => boolean,
  ) {
    this.#driver = driver;
    this.#encoded = encoded;
    this.#options = options;
    this.#push = push;
    if (!isEmptyFilter(options.filter)) this.#filter = new RecordSelector(options.filter);
  }

  /** The consumer has room again. */
  resume(): void {
    for (const reader of this.#readers) reader.resume();
    this.#wakeAll();
  }

  /** Stops the export: the query in flight fails with `reason`. */
  cancel(reason: unknown): void {
    this.#cancelled ??= { reason };
    for (const reader of this.#readers) reader.cancel(reason);
    this.#workers?.terminate(reason);
    this.#wakeAll();
  }

  #wakeAll(): void {
    const waiting = [...this.#wake];
    this.#wake.clear();
    for (const wake of waiting) wake();
  }

  /** Runs the export; the abort listener is on the signal only while this runs. */
  async run(): Promise<void> {
    const { database, signal } = this.#options;
    signal?.throwIfAborted();
    const abort = () => this.cancel(signal?.reason);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      const info = await this.#retry("connecting", () => serverInfo(this.#driver, database));
      this.#throwIfCancelled();
      if (await integerForm(this.#driver, info.database) === "number") {
        throw new UsageError(
          "Cannot export with a driver made with disableLosslessIntegers, which turns integers " +
            "into floats: make the driver without that option (useBigInt is fine)",
        );
      }
      this.#throwIfCancelled();
      await this.#read(info);
    } finally {
      signal?.removeEventListener("abort", abort);
      await this.#workers?.close();
    }
  }

  async #read(info: ServerInfo): Promise<void> {
    const start = await this.#retry(
      "reading the schema and counts",
      () =>
        this.#inSession(info, async (session) => {
          const tx = await session.beginTransaction();
          try {
            return { schema: await readSchema(tx), totals: await counts(tx) };
          } finally {
            await tx.rollback().catch(() => {});
          }
        }),
    );
    const { totals } = start;
    const schema = start.schema.filter((item) => {
      if (this.#filter?.keepsSchema(item) ?? true) return true;
      this.#leftOut.schema.push(item.name);
      return false;
    });
    this.#throwIfCancelled();
    this.#push({
      kind: "header",
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      tool: `neo4j-backup ${VERSION}`,
      created: new Date().toISOString(),
      source: { version: info.version, edition: info.edition, database: info.database },
      counts: totals,
    });
    this.#progress("start", "schema", 0, schema.length);
    for (const record of schema) this.#push(record);
    this.#progress("end", "schema", schema.length, schema.length);

    const queries = chunkQueries(this.#options.filter);
    this.#params = queries.params;
    if (this.#encoded) this.#startWorkers(info);
    const written = new IdSet();
    let seenNodes = new IdSet(); // nodes the filter left out, in the chunk being read
    await this.#phase(
      info,
      "nodes",
      totals.nodes,
      queries.nodes,
      MAX_NODE_ID,
      (row, id) => {
        if (row.get(1) === null) { // left out by the filter
          if (seenNodes.add(id)) this.#leftOut.nodes++;
          return undefined;
        }
        if (!written.add(id)) return undefined; // read again after a retry
        return this.#node(toNode(row));
      },
      () => seenNodes = new IdSet(),
      (chunk) => {
        for (const id of chunk.ids!) written.add(id);
        this.#leftOut.nodes += chunk.leftOut.nodes;
        this.#leftOut.properties += chunk.leftOut.properties;
      },
    );
    this.#workers?.shareWritten(written);
    let leftOut = 0;
    let seen = new IdSet();
    await this.#phase(
      info,
      "relationships",
      totals.relationships,
      queries.rels,
      MAX_REL_ID,
      (row, id) => {
        if (!seen.add(id)) return undefined;
        if (row.get(1) === null) {
          this.#leftOut.relationships++;
          return undefined;
        }
        const rel = toRelationship(row);
        if (written.has(rel.start) && written.has(rel.end)) return this.#relationship(rel);
        leftOut++;
        return undefined;
      },
      () => seen = new IdSet(),
      (chunk) => {
        leftOut += chunk.dangling;
        this.#leftOut.relationships += chunk.leftOut.relationships;
        this.#leftOut.properties += chunk.leftOut.properties;
      },
    );
    this.#reportLeftOut();
    await this.#checkUnchanged(info, totals, leftOut);
  }

  #node(node: NodeRecord): NodeRecord {
    if (!this.#filter?.stripsProperties) return node;
    const { props, removed } = this.#filter.nodeProperties(node.labels, node.props);
    this.#leftOut.properties += removed;
    return { ...node, props };
  }

  #relationship(rel: RelationshipRecord): RelationshipRecord {
    if (!this.#filter?.stripsProperties) return rel;
    const { props, removed } = this.#filter.relationshipProperties(rel.type, rel.props);
    this.#leftOut.properties += removed;
    return { ...rel, props };
  }

  /** Hands what the filter left out to `onLeftOut`, and a sentence of it to the footer. */
  #reportLeftOut(): void {
    if (!this.#filter) return;
    const sentence = leftOutSentence(this.#leftOut);
    if (sentence) this.warnings.push(sentence);
    this.#options.onLeftOut?.(this.#leftOut);
  }

  /**
   * Reads one kind of entity in chunks of ids up to the highest id, then looks again for ids
   * made meanwhile. `map` turns a row into a record, or `undefined` to skip it; `chunkDone` is
   * called when a chunk is complete (what it read will not be read again). With workers, they
   * do what `map` does, and `encoded` takes the counts of each chunk instead.
   */
  async #phase(
    info: ServerInfo,
    phase: "nodes" | "relationships",
    total: number,
    query: string,
    maxQuery: string,
    map: (row: Neo4jRecord, id: number) => BodyRecord | undefined,
    chunkDone: () => void,
    encoded: (chunk: EncodedChunk) => void,
  ): Promise<void> {
    this.#throwIfCancelled();
    this.#progress("start", phase, 0, total);
    let done = 0;
    const onRow = (row: Neo4jRecord) => {
      const record = map(row, toNumber(row.get(0)));
      if (record === undefined) return true;
      const more = this.#push(record);
      if (++done % PROGRESS_EVERY === 0) {
        this.#progress("advance", phase, done, Math.max(total, done));
      }
      return more;
    };
    const onChunk = async (chunk: EncodedChunk) => {
      encoded(chunk);
      // In pieces of the encoder's chunk size, so that the output queue holds what it holds
      // with -j 1 and a slow reader holds the workers back as early.
      for (let at = 0; at < chunk.bytes.length; at += BLOCK_BYTES) {
        const records = at === 0 ? chunk.records : 0;
        const more = this.#push({
          kind: "block",
          bytes: chunk.bytes.subarray(at, at + BLOCK_BYTES),
          nodes: phase === "nodes" ? records : 0,
          relationships: phase === "nodes" ? 0 : records,
        });
        if (!more) await this.#room();
        this.#throwIfCancelled();
      }
      const before = done;
      done += chunk.records;
      if (Math.floor(done / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) {
        this.#progress("advance", phase, done, Math.max(total, done));
      }
    };
    const chunks = { size: this.#chunkMax, shrunk: false };
    for (let from = 0, max = await this.#maxId(info, maxQuery); from <= max;) {
      const range = { from, max };
      if (this.#workers) await this.#readInWorkers(phase, query, range, chunks, onChunk);
      else if ((this.#options.jobs ?? 1) > 1) {
        await this.#readAhead(info, phase, query, range, chunks, onRow, chunkDone);
      } else await this.#readStreaming(info, phase, query, range, chunks, onRow, chunkDone);
      from = max + 1;
      max = await this.#maxId(info, maxQuery); // ids made while the export ran
    }
    if (chunks.shrunk) {
      this.#warn(
        `The source's transaction limits made the export read ${phase} in smaller chunks ` +
          "(transaction timeout or memory limit)",
      );
    }
    this.#progress("end", phase, done, done);
  }

  /**
   * Reads the ids `range.from`..`range.max` one chunk at a time, each row handed to `onRow` as
   * it arrives (`-j 1`). A chunk that hits a transaction limit is read again, halved.
   */
  async #readStreaming(
    info: ServerInfo,
    phase: string,
    query: string,
    range: { from: number; max: number },
    chunks: ChunkSize,
    onRow: (row: Neo4jRecord) => boolean,
    chunkDone: () => void,
  ): Promise<void> {
    for (let from = range.from; from <= range.max;) {
      const to = Math.min(from + chunks.size - 1, range.max);
      try {
        await this.#retry(`reading ${phase}`, () => this.#chunk(info, query, from, to, onRow));
      } catch (e) {
        if (!this.#halves(e, chunks)) throw e;
        continue;
      }
      chunkDone();
      from = to + 1;
      chunks.size = Math.min(this.#chunkMax, chunks.size * 2);
    }
  }

  /**
   * Reads the ids `range.from`..`range.max` with `jobs` chunks in flight, each read whole into
   * memory in a transaction of its own, and hands the rows to `onRow` chunk by chunk in id
   * order, waiting whenever `onRow` says the consumer is full.
   */
  async #readAhead(
    info: ServerInfo,
    phase: string,
    query: string,
    range: { from: number; max: number },
    chunks: ChunkSize,
    onRow: (row: Neo4jRecord) => boolean,
    chunkDone: () => void,
  ): Promise<void> {
    const next = chunkRanges(range, chunks);
    const consume = async (rows: Neo4jRecord[]) => {
      for (const row of rows) {
        if (!onRow(row)) await this.#room();
        this.#throwIfCancelled();
      }
      chunkDone();
    };
    await readInOrder(
      this.#options.jobs ?? 1,
      next,
      (chunk) => this.#wholeChunk(info, phase, query, chunk.from, chunk.to, chunks),
      consume,
      (reason) => this.cancel(reason),
    );
  }

  /** Reads the ids `from`..`to` into memory, retried, and halved on a transaction limit. */
  async #wholeChunk(
    info: ServerInfo,
    phase: string,
    query: string,
    from: number,
    to: number,
    chunks: ChunkSize,
  ): Promise<Neo4jRecord[]> {
    try {
      const rows = await this.#retry(`reading ${phase}`, async () => {
        const rows: Neo4jRecord[] = [];
        await this.#chunk(info, query, from, to, (row) => rows.push(row) > 0);
        return rows;
      });
      chunks.size = Math.min(this.#chunkMax, chunks.size * 2);
      return rows;
    } catch (e) {
      if (!this.#halves(e, chunks) || from === to) throw e;
      const mid = from + ((to - from) >> 1);
      const first = await this.#wholeChunk(info, phase, query, from, mid, chunks);
      const second = await this.#wholeChunk(info, phase, query, mid + 1, to, chunks);
      return first.concat(second);
    }
  }

  /**
   * As {@link #readAhead}, each chunk read and encoded in a worker thread, its lines handed to
   * `onChunk` in id order.
   */
  async #readInWorkers(
    phase: "nodes" | "relationships",
    query: string,
    range: { from: number; max: number },
    chunks: ChunkSize,
    onChunk: (chunk: EncodedChunk) => Promise<void>,
  ): Promise<void> {
    const next = chunkRanges(range, chunks);
    const consume = async (parts: EncodedChunk[]) => {
      for (const part of parts) await onChunk(part);
    };
    await readInOrder(
      this.#options.jobs ?? 1,
      next,
      (chunk) => this.#encodedChunk(phase, query, chunk.from, chunk.to, chunks),
      consume,
      (reason) => this.cancel(reason),
    );
  }

  /** Reads the ids `from`..`to` in a worker, retried, and halved on a transaction limit. */
  async #encodedChunk(
    phase: "nodes" | "relationships",
    query: string,
    from: number,
    to: number,
    chunks: ChunkSize,
  ): Promise<EncodedChunk[]> {
    try {
      const chunk = await this.#retry(
        `reading ${phase}`,
        () => this.#workers!.read({ phase, query, from, to }),
      );
      chunks.size = Math.min(this.#chunkMax, chunks.size * 2);
      return [chunk];
    } catch (e) {
      if (!this.#halves(e, chunks) || from === to) throw e;
      const mid = from + ((to - from) >> 1);
      const first = await this.#encodedChunk(phase, query, from, mid, chunks);
      return first.concat(await this.#encodedChunk(phase, query, mid + 1, to, chunks));
    }
  }

  #startWorkers(info: ServerInfo): void {
    this.#workers = new ChunkWorkers(this.#options.jobs ?? 1, {
      type: "setup",
      connection: this.#options.connection!,
      database: info.database,
      fetchSize: this.#options.fetchSize ?? 10_000,
      filter: this.#options.filter,
      params: this.#params,
    });
  }

  /** Whether a failure is a transaction limit a smaller chunk may pass; if so, halves the size. */
  #halves(error: unknown, chunks: ChunkSize): boolean {
    const kind = failureKind(error);
    if ((kind !== "timeout" && kind !== "memory") || chunks.size === 1 || this.#cancelled) {
      return false;
    }
    chunks.size = Math.max(1, chunks.size >> 1);
    chunks.shrunk = true;
    return true;
  }

  /** Resolves when the consumer has room again, or the export is cancelled. */
  #room(): Promise<void> {
    if (this.#cancelled) return Promise.resolve();
    return new Promise<void>((wake) => this.#wake.add(wake));
  }

  /** Reads the ids `from`..`to` in a read transaction of their own. */
  #chunk(
    info: ServerInfo,
    query: string,
    from: number,
    to: number,
    onRow: (row: Neo4jRecord) => boolean,
  ): Promise<void> {
    return this.#inSession(info, async (session) => {
      this.#throwIfCancelled();
      // An explicit read transaction, rolled back on any failure: a cancelled auto-commit
      // result can leave its pooled connection answering the next query with a DISCARD error.
      const tx = await session.beginTransaction();
      const params = { ...this.#params, from: neo4j.int(from), to: neo4j.int(to) };
      let reader: ResultReader | undefined;
      try {
        this.#throwIfCancelled();
        reader = new ResultReader(tx.run(query, params), onRow);
        this.#readers.add(reader);
        await reader.done;
        await tx.commit();
      } finally {
        if (reader) this.#readers.delete(reader);
        if (tx.isOpen()) await tx.rollback().catch(() => {});
      }
    });
  }

  async #maxId(info: ServerInfo, query: string): Promise<number> {
    const value = await this.#retry(
      "reading the highest id",
      () =>
        this.#inSession(info, async (session) => (await session.run(query)).records[0].get("m")),
    );
    return value === null ? -1 : toNumber(value);
  }

  /** Compares the counts after the export with those before, and warns when they differ. */
  async #checkUnchanged(
    info: ServerInfo,
    before: { nodes: number; relationships: number },
    leftOut: number,
  ): Promise<void> {
    const after = await this.#retry(
      "reading the counts",
      () =>
        this.#inSession(info, async (session) => {
          const tx = await session.beginTransaction();
          try {
            return await counts(tx);
          } finally {
            await tx.rollback().catch(() => {});
          }
        }),
    );
    if (after.nodes !== before.nodes || after.relationships !== before.relationships) {
      this.#warn(
        `The database changed while it was exported (${before.nodes} nodes and ` +
          `${before.relationships} relationships at the start, ${after.nodes} and ` +
          `${after.relationships} at the end): the backup is not a copy of one moment`,
      );
    }
    if (leftOut > 0) {
      this.#warn(
        `${leftOut} relationship${leftOut === 1 ? " was" : "s were"} left out: ` +
          "their end node was created or deleted while the export ran",
      );
    }
  }

  async #inSession<T>(info: ServerInfo, work: (session: Session) => Promise<T>): Promise<T> {
    const session = this.#driver.session({
      database: info.database,
      defaultAccessMode: "READ",
      fetchSize: this.#options.fetchSize ?? 10_000,
    });
    try {
      return await work(session);
    } finally {
      await session.close().catch(() => {});
    }
  }

  #retry<T>(action: string, step: () => Promise<T>): Promise<T> {
    const { retryFor, onRetry, signal } = this.#options;
    return withRetries(action, () => {
      this.#throwIfCancelled();
      return step();
    }, { retryFor, onRetry, signal });
  }

  #warn(message: string): void {
    this.warnings.push(message);
    this.#options.onWarning?.(message);
  }

  #progress(type: ProgressEvent["type"], phase: ProgressPhase, done: number, total: number): void {
    this.#options.onProgress?.({ type, phase, done, total });
  }

  #throwIfCancelled(): void {
    if (this.#cancelled) throw this.#cancelled.reason;
  }
}
