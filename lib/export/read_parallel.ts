/**
 * The parallel path of an export (`jobs` above 1): `jobs` chunks of ids in flight, each read
 * whole in a transaction of its own, handed on in id order. Either in this thread (rows, then
 * encoded by the main encoder) or in worker threads (`chunk_workers.ts`: rows decoded and
 * encoded there, handed on as lines).
 *
 * @module
 */

import type { Record as Neo4jRecord } from "neo4j-driver";
import type { ServerInfo } from "../neo4j/server.ts";
import type { ChunkWorkers } from "./chunk_workers.ts";
import { readInOrder } from "./parallel_reads.ts";
import { chunkRanges, type ChunkSize, type IdRange, type SourceReads } from "./source_reads.ts";
import type { EncodedChunk } from "./worker_protocol.ts";

/** What a parallel read reads, and how it stops. */
export interface ParallelRead {
  /** `nodes` or `relationships`. */
  phase: "nodes" | "relationships";
  /** The chunk query. */
  query: string;
  /** The ids to read. */
  range: IdRange;
  /** The phase's chunk size, halved on a transaction limit and doubled back on success. */
  chunks: ChunkSize;
  /** Stops the whole export when a read fails. */
  cancel: (reason: unknown) => void;
}

/**
 * Reads the ids `range.from`..`range.max` with `jobs` chunks in flight, each read whole into
 * memory in a transaction of its own, and hands the rows to `onRow` chunk by chunk in id
 * order, waiting whenever `onRow` says the consumer is full.
 *
 * @param reads The source's reads.
 * @param info The source.
 * @param read What to read.
 * @param onRow Takes each row; returns false when the consumer is full.
 * @param chunkDone Called when a chunk is complete.
 * @returns Resolves once every chunk was handed on.
 *
 * @example Read the nodes with four chunks in flight
 * ```ts ignore
 * import { readAhead } from "./read_parallel.ts";
 * const read = { phase: "nodes", query, range, chunks, cancel: (e) => reads.cancel(e) } as const;
 * await readAhead(reads, info, read, (row) => true, () => {});
 * ```
 */
export async function readAhead(
  reads: SourceReads,
  info: ServerInfo,
  read: ParallelRead,
  onRow: (row: Neo4jRecord) => boolean,
  chunkDone: () => void,
): Promise<void> {
  const wholeChunk = async (from: number, to: number) => {
    const rows: Neo4jRecord[] = [];
    await reads.chunk(info, read.query, from, to, (row) => rows.push(row) > 0);
    return rows;
  };
  await inOrder(reads, read, wholeChunk, async (parts) => {
    for (const rows of parts) {
      for (const row of rows) {
        if (!onRow(row)) await reads.room();
        reads.throwIfCancelled();
      }
    }
    chunkDone();
  });
}

/**
 * As {@link readAhead}, each chunk read and encoded in a worker thread, its lines handed to
 * `onChunk` in id order.
 *
 * @param reads The source's reads (retries and chunk sizes).
 * @param workers The worker threads.
 * @param read What to read.
 * @param onChunk Takes each chunk's lines, in id order.
 * @returns Resolves once every chunk was handed on.
 *
 * @example Read the nodes in the workers
 * ```ts ignore
 * import { readInWorkers } from "./read_parallel.ts";
 * await readInWorkers(reads, workers, read, async (chunk) => console.log(chunk.records));
 * ```
 */
export async function readInWorkers(
  reads: SourceReads,
  workers: ChunkWorkers,
  read: ParallelRead,
  onChunk: (chunk: EncodedChunk) => Promise<void>,
): Promise<void> {
  const { phase, query } = read;
  await inOrder(
    reads,
    read,
    (from, to) => workers.read({ phase, query, from, to }),
    async (parts) => {
      for (const part of parts) await onChunk(part);
    },
  );
}

/**
 * Reads the chunks of `read.range`, `jobs` in flight, and hands each one's parts to `consume`
 * in id order.
 */
async function inOrder<T>(
  reads: SourceReads,
  read: ParallelRead,
  readOne: (from: number, to: number) => Promise<T>,
  consume: (parts: T[]) => Promise<void>,
): Promise<void> {
  await readInOrder(
    reads.jobs,
    chunkRanges(read.range, read.chunks),
    (chunk) => halving(reads, read, chunk.from, chunk.to, readOne),
    consume,
    read.cancel,
  );
}

/**
 * Reads the ids `from`..`to` with `readOne`, retried; on a transaction limit, as two halves
 * (and so on down to one id), the chunk size of the phase halved.
 */
async function halving<T>(
  reads: SourceReads,
  read: ParallelRead,
  from: number,
  to: number,
  readOne: (from: number, to: number) => Promise<T>,
): Promise<T[]> {
  try {
    const part = await reads.retry(`reading ${read.phase}`, () => readOne(from, to));
    read.chunks.size = Math.min(reads.chunkMax, read.chunks.size * 2);
    return [part];
  } catch (e) {
    if (!reads.halves(e, read.chunks) || from === to) throw e;
    const mid = from + ((to - from) >> 1);
    const first = await halving(reads, read, from, mid, readOne);
    return first.concat(await halving(reads, read, mid + 1, to, readOne));
  }
}
