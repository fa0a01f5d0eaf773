/**
 * The messages between the main thread of `export --jobs N` (`chunk_workers.ts`) and its worker
 * threads (`export_worker.ts`): what a worker is asked and what it answers. Both sides import
 * them from here, so that neither imports the other.
 *
 * @module
 */

import type { ExportOptions } from "./export_options.ts";
import type { RecordFilter } from "../pipeline/filter.ts";

/** How a worker connects: `connection` of {@link ExportOptions}. */
export type WorkerConnection = NonNullable<ExportOptions["connection"]>;

/** The first message to a worker: how to connect and what to read. */
export interface WorkerSetup {
  type: "setup";
  connection: WorkerConnection;
  database: string;
  fetchSize: number;
  filter?: RecordFilter;
  /** The filter parameters of the chunk queries. */
  params: Record<string, string[]>;
}

/** Read one chunk of ids. */
export interface ChunkRequest {
  type: "chunk";
  /** Names the reply. */
  id: number;
  phase: "nodes" | "relationships";
  query: string;
  from: number;
  to: number;
}

/** A chunk to read: a {@link ChunkRequest} without its reply id. */
export type ChunkTask = Omit<ChunkRequest, "type" | "id">;

/** The node ids written, before the first relationship chunk. */
export interface WrittenNodes {
  type: "written";
  pages: [number, Uint32Array][];
}

/** What a worker is asked. */
export type WorkerRequest = WorkerSetup | ChunkRequest | WrittenNodes | { type: "close" };

/** A chunk read and encoded. */
export interface EncodedChunk {
  type: "chunk";
  id: number;
  /** The lines of the records kept, each ended by a newline. */
  bytes: Uint8Array<ArrayBuffer>;
  /** How many records `bytes` holds. */
  records: number;
  /** The ids of the nodes in `bytes` (nodes only). */
  ids?: Float64Array<ArrayBuffer>;
  /** Nodes and relationships the filter left out, and property values it removed. */
  leftOut: { nodes: number; relationships: number; properties: number };
  /** Relationships left out because an end node was not written. */
  dangling: number;
}

/** A chunk that failed, with what the main thread needs to decide on a retry. */
export interface ChunkFailure {
  type: "failure";
  id: number;
  error: { name: string; message: string; code?: string };
}

/** What a worker answers. */
export type WorkerReply = EncodedChunk | ChunkFailure | { type: "closed" };
