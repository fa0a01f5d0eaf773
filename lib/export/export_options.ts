/**
 * The options of an export, their limits, and the check that refuses a bad one before anything
 * is read.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import type { ProgressEvent } from "../pipeline/progress_event.ts";
import type { FilterSummary, RecordFilter } from "../pipeline/filter.ts";
import type { RetryInfo } from "../pipeline/retry.ts";

/**
 * Options of {@link exportRecords} and {@link exportBackup}.
 *
 * @example Export one database, with progress and a way to stop it
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ExportOptions } from "./export_options.ts";
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
export const CHUNK_IDS = 20_000;

/**
 * Refuses `jobs` outside 1 to {@link MAX_JOBS} and a chunk size outside 1 to 20,000.
 *
 * @param jobs {@link ExportOptions.jobs}.
 * @param chunkSize {@link ExportOptions.chunkSize}.
 * @throws {UsageError} When either is out of its range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkExportOptions } from "./export_options.ts";
 * checkExportOptions(4, 1000);
 * assert.throws(() => checkExportOptions(17), /Invalid jobs '17'/);
 * ```
 */
export function checkExportOptions(jobs: number | undefined, chunkSize?: number): void {
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
