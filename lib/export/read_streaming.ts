/**
 * The single-stream path of an export (`jobs` 1): one chunk of ids at a time, each row handed
 * on as the server sends it, so that the export holds no more than the rows in flight.
 *
 * @module
 */

import type { Record as Neo4jRecord } from "neo4j-driver";
import type { ServerInfo } from "../neo4j/server.ts";
import type { ChunkSize, IdRange, SourceReads } from "./source_reads.ts";

/** What {@link readStreaming} reads, and where its rows go. */
export interface StreamingRead {
  /** The source. */
  info: ServerInfo;
  /** `nodes` or `relationships`, for the retry messages. */
  phase: string;
  /** The chunk query. */
  query: string;
  /** The ids to read. */
  range: IdRange;
  /** The phase's chunk size, halved on a transaction limit and doubled back on success. */
  chunks: ChunkSize;
  /** Takes each row; returns false when the consumer is full (the stream then pauses). */
  onRow: (row: Neo4jRecord) => boolean;
  /** Called when a chunk is complete: what it read will not be read again. */
  chunkDone: () => void;
}

/**
 * Reads the ids `range.from`..`range.max` one chunk at a time, each row handed to `onRow` as
 * it arrives. A chunk that hits a transaction limit is read again, halved.
 *
 * @param reads The source's reads.
 * @param read What to read and where the rows go.
 * @returns Resolves once every chunk was read.
 *
 * @example Read the nodes of a source one chunk at a time
 * ```ts ignore
 * import { readStreaming } from "./read_streaming.ts";
 * await readStreaming(reads, {
 *   info, phase: "nodes", query, range: { from: 0, max: 99_999 },
 *   chunks: { size: 20_000, shrunk: false },
 *   onRow: (row) => { console.log(row.get(0)); return true; },
 *   chunkDone: () => {},
 * });
 * ```
 */
export async function readStreaming(reads: SourceReads, read: StreamingRead): Promise<void> {
  const { info, phase, query, range, chunks, onRow, chunkDone } = read;
  for (let from = range.from; from <= range.max;) {
    const to = Math.min(from + chunks.size - 1, range.max);
    try {
      await reads.retry(`reading ${phase}`, () => reads.chunk(info, query, from, to, onRow));
    } catch (e) {
      if (!reads.halves(e, chunks)) throw e;
      continue;
    }
    chunkDone();
    from = to + 1;
    chunks.size = Math.min(reads.chunkMax, chunks.size * 2);
  }
}
