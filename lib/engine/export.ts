/**
 * A database to a stream of backup records (header, schema, nodes, relationships), read in
 * chunks of internal ids, each chunk in a read transaction of its own (an id seek per id, so a
 * chunk costs what it holds), each retried on a lost connection or a transient error, and
 * halved on a transaction timeout or memory limit. The stream pulls from the server only as
 * fast as it is read.
 *
 * @module
 */

import neo4j, {
  type Driver,
  type Record as Neo4jRecord,
  type Session,
  type Transaction,
} from "neo4j-driver";
import { UsageError } from "../errors.ts";
import { LineEncoder } from "../format/encoder_stream.ts";
import { GzipStream } from "../format/gzip_stream.ts";
import type { ProgressEvent, ProgressPhase } from "./progress_event.ts";
import {
  type BodyRecord,
  FORMAT_NAME,
  FORMAT_VERSION,
  type NodeRecord,
  type Properties,
  type RelationshipRecord,
} from "../format/records.ts";
import { readSchema } from "../neo4j/schema.ts";
import { driverOf, type Neo4jDriver } from "../neo4j/driver.ts";
import { ResultReader } from "../neo4j/result_stream.ts";
import { integerForm, type ServerInfo, serverInfo } from "../neo4j/server.ts";
import { toNumber } from "../neo4j/integers.ts";
import { IdSet } from "./id_set.ts";
import { failureKind, type RetryInfo, withRetries } from "./retry.ts";
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
}

const NODES = "UNWIND range($from, $to) AS i MATCH (n) WHERE id(n) = i " +
  "RETURN i, labels(n) AS l, properties(n) AS p";
const RELS = "UNWIND range($from, $to) AS i MATCH ()-[r]->() WHERE id(r) = i " +
  "RETURN i, type(r) AS t, id(startNode(r)) AS s, id(endNode(r)) AS e, properties(r) AS p";
const MAX_NODE_ID = "MATCH (n) RETURN max(id(n)) AS m";
const MAX_REL_ID = "MATCH ()-[r]->() RETURN max(id(r)) AS m";
/** Ids per chunk at first and at most; a transaction limit halves it, success doubles it back. */
const CHUNK_IDS = 20_000;
const PROGRESS_EVERY = 5000;
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
 * @param options Database, fetch size, progress, cancellation.
 * @returns A stream of records.
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
  // Records go out as they are: the queue is what pauses the driver.
  const source = new ExportSource<BodyRecord>(
    driverOf(driver),
    options,
    RECORD_QUEUE,
    (enqueue) => ({ write: enqueue, finish() {} }),
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
 * @throws {UsageError} When the compression level is not a whole number from 1 to 9.
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
  // Made now, so that a bad level throws here.
  const gzip = (options.compress ?? true) ? new GzipStream(options.compressionLevel) : undefined;
  // Records are encoded as the driver hands them over: no stream hop per record, and a queue of
  // a few 64 KiB chunks.
  const source = new ExportSource<Uint8Array<ArrayBuffer>>(
    driverOf(driver),
    options,
    CHUNK_QUEUE,
    (enqueue) => new LineEncoder(enqueue),
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

/** Where {@link ExportSource} hands each record, and what it calls after the last one. */
interface RecordSink {
  write(record: BodyRecord): void;
  finish(warnings: string[]): void;
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
  ) {
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
    this.#pump = new ExportPump(this.#driver, this.#options, (record) => {
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

/**
 * Reads the database chunk by chunk and hands every record to `push`, which returns false when
 * the consumer is full: the chunk's stream is then paused until {@link resume}.
 */
class ExportPump {
  /** What the user should know about the backup once it is written (see `onWarning`). */
  readonly warnings: string[] = [];
  #driver: Driver;
  #options: ExportOptions;
  #push: (record: BodyRecord) => boolean;
  #reader?: ResultReader;
  #cancelled?: { reason: unknown };

  constructor(driver: Driver, options: ExportOptions, push: (record: BodyRecord) => boolean) {
    this.#driver = driver;
    this.#options = options;
    this.#push = push;
  }

  /** The consumer has room again. */
  resume(): void {
    this.#reader?.resume();
  }

  /** Stops the export: the query in flight fails with `reason`. */
  cancel(reason: unknown): void {
    this.#cancelled ??= { reason };
    this.#reader?.cancel(reason);
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
    const { schema, totals } = start;
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

    const written = new IdSet();
    await this.#phase(info, "nodes", totals.nodes, NODES, MAX_NODE_ID, (row, id) => {
      if (!written.add(id)) return undefined; // read again after a retry
      return toNode(row);
    });
    let leftOut = 0;
    let seen = new IdSet();
    await this.#phase(info, "relationships", totals.relationships, RELS, MAX_REL_ID, (row, id) => {
      if (!seen.add(id)) return undefined;
      const rel = toRelationship(row);
      if (written.has(rel.start) && written.has(rel.end)) return rel;
      leftOut++;
      return undefined;
    }, () => seen = new IdSet());
    await this.#checkUnchanged(info, totals, leftOut);
  }

  /**
   * Reads one kind of entity in chunks of ids up to the highest id, then looks again for ids
   * made meanwhile. `map` turns a row into a record, or `undefined` to skip it; `chunkDone` is
   * called when a chunk is complete (what it read will not be read again).
   */
  async #phase(
    info: ServerInfo,
    phase: "nodes" | "relationships",
    total: number,
    query: string,
    maxQuery: string,
    map: (row: Neo4jRecord, id: number) => BodyRecord | undefined,
    chunkDone: () => void = () => {},
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
    let from = 0;
    let size = CHUNK_IDS;
    let shrunk = false;
    for (let max = await this.#maxId(info, maxQuery); from <= max;) {
      while (from <= max) {
        const to = Math.min(from + size - 1, max);
        try {
          await this.#retry(`reading ${phase}`, () => this.#chunk(info, query, from, to, onRow));
        } catch (e) {
          const kind = failureKind(e);
          if ((kind !== "timeout" && kind !== "memory") || size === 1 || this.#cancelled) throw e;
          size = Math.max(1, size >> 1);
          shrunk = true;
          continue;
        }
        chunkDone();
        from = to + 1;
        size = Math.min(CHUNK_IDS, size * 2);
      }
      max = await this.#maxId(info, maxQuery); // ids made while the export ran
    }
    if (shrunk) {
      this.#warn(
        `The source's transaction limits made the export read ${phase} in smaller chunks ` +
          "(transaction timeout or memory limit)",
      );
    }
    this.#progress("end", phase, done, done);
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
      try {
        this.#throwIfCancelled();
        const result = tx.run(query, { from: neo4j.int(from), to: neo4j.int(to) });
        this.#reader = new ResultReader(result, onRow);
        await this.#reader.done;
        await tx.commit();
      } finally {
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

function toNode(row: Neo4jRecord): NodeRecord {
  return {
    kind: "node",
    id: toNumber(row.get(0)),
    labels: row.get(1) as string[],
    props: row.get(2) as Properties,
  };
}

function toRelationship(row: Neo4jRecord): RelationshipRecord {
  return {
    kind: "rel",
    type: row.get(1) as string,
    start: toNumber(row.get(2)),
    end: toNumber(row.get(3)),
    props: row.get(4) as Properties,
  };
}

async function counts(tx: Transaction): Promise<{ nodes: number; relationships: number }> {
  const n = await tx.run("MATCH (n) RETURN count(n) AS c");
  const r = await tx.run("MATCH ()-[r]->() RETURN count(r) AS c");
  return { nodes: toNumber(n.records[0].get("c")), relationships: toNumber(r.records[0].get("c")) };
}
