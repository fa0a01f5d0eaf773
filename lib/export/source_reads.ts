/**
 * The reads of an export from its source server: a session per step, a read transaction per
 * chunk of ids, each step retried on a lost connection or a transient error, the chunk size
 * halved on a transaction limit, and the cancellation that stops the reads in flight. The
 * single-stream path (`read_streaming.ts`) and the parallel one (`read_parallel.ts`) both read
 * through it.
 *
 * @module
 */

import neo4j, {
  type Driver,
  type Record as Neo4jRecord,
  type Session,
  type Transaction,
} from "neo4j-driver";
import { ResultReader } from "../neo4j/result_stream.ts";
import type { ServerInfo } from "../neo4j/server.ts";
import { toNumber } from "../neo4j/integers.ts";
import { failureKind, withRetries } from "../pipeline/retry.ts";
import { CHUNK_IDS, type ExportOptions } from "./export_options.ts";

/** The chunk size of a phase: halved on a transaction limit, doubled back on success. */
export interface ChunkSize {
  size: number;
  /** Whether it was ever halved (the footer then says so). */
  shrunk: boolean;
}

/** The ids of a phase still to read, from `from` up to `max`. */
export interface IdRange {
  from: number;
  max: number;
}

/**
 * Hands out the chunks of `range` one by one, each of the size current when it is asked for.
 *
 * @param range The ids to share out.
 * @param chunks The current chunk size.
 * @returns The next chunk each time it is called, `undefined` once the range is covered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chunkRanges } from "./source_reads.ts";
 * const chunks = { size: 10, shrunk: false };
 * const next = chunkRanges({ from: 0, max: 14 }, chunks);
 * assert.deepEqual(next(), { from: 0, to: 9 });
 * chunks.size = 2;
 * assert.deepEqual(next(), { from: 10, to: 11 });
 * ```
 */
export function chunkRanges(
  range: IdRange,
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

/**
 * The export's reads from its source: sessions, retries, chunk transactions, and the state of
 * a cancellation. A chunk's stream pauses while the consumer is full, until {@link resume}.
 */
export class SourceReads {
  /** The filter parameters of the chunk queries. */
  params: Record<string, string[]> = {};
  #driver: Driver;
  #options: ExportOptions;
  /** The chunk reads in flight (one with `jobs` 1). */
  #readers = new Set<ResultReader>();
  /** Waiting for the consumer to have room again (`jobs` above 1). */
  #wake = new Set<() => void>();
  #cancelled?: { reason: unknown };

  /**
   * @param driver The source's driver.
   * @param options The export's options: database, fetch size, retries, jobs, chunk size.
   */
  constructor(driver: Driver, options: ExportOptions) {
    this.#driver = driver;
    this.#options = options;
  }

  /** Ids per chunk at first and at most (`chunkSize`). */
  get chunkMax(): number {
    return this.#options.chunkSize ?? CHUNK_IDS;
  }

  /** Chunk reads in flight. */
  get jobs(): number {
    return this.#options.jobs ?? 1;
  }

  /** The consumer has room again. */
  resume(): void {
    for (const reader of this.#readers) reader.resume();
    this.#wakeAll();
  }

  /**
   * Stops the reads: the query in flight fails with `reason`.
   *
   * @param reason What the reads fail with.
   */
  cancel(reason: unknown): void {
    this.#cancelled ??= { reason };
    for (const reader of this.#readers) reader.cancel(reason);
    this.#wakeAll();
  }

  #wakeAll(): void {
    const waiting = [...this.#wake];
    this.#wake.clear();
    for (const wake of waiting) wake();
  }

  /** Throws the reason of the cancellation, if any. */
  throwIfCancelled(): void {
    if (this.#cancelled) throw this.#cancelled.reason;
  }

  /**
   * Resolves when the consumer has room again, or the export is cancelled.
   *
   * @returns Resolves on {@link resume} or {@link cancel}.
   */
  room(): Promise<void> {
    if (this.#cancelled) return Promise.resolve();
    return new Promise<void>((wake) => this.#wake.add(wake));
  }

  /**
   * Whether a failure is a transaction limit a smaller chunk may pass; if so, halves the size.
   *
   * @param error What the read failed with.
   * @param chunks The phase's chunk size, halved in place.
   * @returns Whether to read again with the smaller size.
   */
  halves(error: unknown, chunks: ChunkSize): boolean {
    const kind = failureKind(error);
    if ((kind !== "timeout" && kind !== "memory") || chunks.size === 1 || this.#cancelled) {
      return false;
    }
    chunks.size = Math.max(1, chunks.size >> 1);
    chunks.shrunk = true;
    return true;
  }

  /**
   * Reads the ids `from`..`to` in a read transaction of their own.
   *
   * @param info The source.
   * @param query The chunk query.
   * @param from The first id.
   * @param to The last id.
   * @param onRow Takes each row; returns false when the consumer is full.
   * @returns Resolves once every row was handed over and the transaction committed.
   */
  chunk(
    info: ServerInfo,
    query: string,
    from: number,
    to: number,
    onRow: (row: Neo4jRecord) => boolean,
  ): Promise<void> {
    return this.inSession(info, async (session) => {
      this.throwIfCancelled();
      // An explicit read transaction, rolled back on any failure: a cancelled auto-commit
      // result can leave its pooled connection answering the next query with a DISCARD error.
      const tx = await session.beginTransaction();
      const params = { ...this.params, from: neo4j.int(from), to: neo4j.int(to) };
      let reader: ResultReader | undefined;
      try {
        this.throwIfCancelled();
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

  /**
   * The highest id of a kind of entity, retried.
   *
   * @param info The source.
   * @param query The query, returning `m`.
   * @returns The id, or -1 when there is none.
   */
  async maxId(info: ServerInfo, query: string): Promise<number> {
    const value = await this.retry(
      "reading the highest id",
      () => this.inSession(info, async (session) => (await session.run(query)).records[0].get("m")),
    );
    return value === null ? -1 : toNumber(value);
  }

  /**
   * Runs `work` in a read transaction that is rolled back after it: reads that must see one
   * state (the schema and the counts).
   *
   * @param info The source.
   * @param work What to read.
   * @returns What `work` returned.
   */
  inReadTransaction<T>(
    info: ServerInfo,
    work: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    return this.inSession(info, async (session) => {
      const tx = await session.beginTransaction();
      try {
        return await work(tx);
      } finally {
        await tx.rollback().catch(() => {});
      }
    });
  }

  /**
   * Runs `work` in a read session of its own, closed after it.
   *
   * @param info The source.
   * @param work What to do in the session.
   * @returns What `work` returned.
   */
  async inSession<T>(info: ServerInfo, work: (session: Session) => Promise<T>): Promise<T> {
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

  /**
   * Runs `step`, retried as the options say; a cancellation stops the retries.
   *
   * @param action What is attempted, for the retry messages.
   * @param step The step.
   * @returns What `step` returned.
   */
  retry<T>(action: string, step: () => Promise<T>): Promise<T> {
    const { retryFor, onRetry, signal } = this.#options;
    return withRetries(action, () => {
      this.throwIfCancelled();
      return step();
    }, { retryFor, onRetry, signal });
  }
}
