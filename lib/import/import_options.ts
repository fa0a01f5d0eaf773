/**
 * The options of an import and the summary of what it did.
 *
 * @module
 */

import type { HeaderRecord } from "../format/records.ts";
import type { ServerInfo } from "../neo4j/server.ts";
import type { ProgressEvent } from "../pipeline/progress_event.ts";
import type { RetryInfo } from "../pipeline/retry.ts";
import type { CleanSummary, TargetContents } from "./clean.ts";
import type { SkippedSchema } from "./schema_writer.ts";

/** Options of {@link importRecords} and {@link importBackup}. */
export interface ImportOptions {
  /** The target database; the server's default when omitted. */
  database?: string;
  /** Nodes or relationships per write transaction (default 5,000). */
  batchSize?: number;
  /**
   * Write transactions in flight at once (`--jobs`, default 1): node batches, then relationship
   * batches, in up to this many sessions. Exact and resumable with any value (see
   * docs/RELIABILITY.md); a deadlock between concurrent batches is retried.
   */
  jobs?: number;
  /** Import even when the target already holds data, without asking. */
  allowNonEmpty?: boolean;
  /** Asked when the target holds data and `allowNonEmpty` is not set; resolve true to go on. */
  confirmNonEmpty?: (
    info: { database: string; nodes: number; relationships: number },
  ) => Promise<boolean>;
  /**
   * Called as the import advances: for each phase that runs, in this order, one `start`,
   * `advance`s and one `end`: `nodes` and `relationships` (always; an `advance` per committed
   * batch, totals from the header's counts), `schema` (items created; when the backup has
   * schema items), `indexes` (indexes whose population is awaited; when there are any).
   */
  onProgress?: (event: ProgressEvent) => void;
  /** Called once per schema item that is skipped or created with changes, and for other non-fatal problems. */
  onWarning?: (message: string) => void;
  /** Seconds to wait for new indexes to come online (default 3,600). */
  indexTimeoutSeconds?: number;
  /**
   * Stops the import: it finishes the batch in flight, then throws the signal's reason (when it
   * is of the error family, else a `BackupError`) with the committed counts.
   */
  signal?: AbortSignal;
  /**
   * The import's state file (journal): with it the import can be resumed after any
   * interruption (see docs/RELIABILITY.md). It is created at the start, flushed to disk before
   * each COMMIT, and removed when the import completes. Without it an interrupted import cannot
   * be continued.
   */
  state?: string;
  /** Continue the interrupted import that `state` describes, instead of starting one. */
  resume?: boolean;
  /**
   * What of the backup the records keep, when they were filtered (e.g. the JSON of the
   * `RecordFilter`): recorded in the state file, and a `resume` with another one is refused,
   * since the journal's positions count the kept records.
   */
  selection?: string;
  /**
   * Milliseconds to keep retrying a batch through lost connections, a restarting server or
   * transient errors (default 180,000).
   */
  retryFor?: number;
  /** Called before each retry: what failed and when it is tried again. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Empty the target first (`--clean`): relationships and nodes in batches, then constraints
   * and indexes (lookup indexes stay). Deletes only with `allowClean` or when `confirmClean`
   * resolves true; refused (`RefusedError`) otherwise. Not with `resume`.
   */
  clean?: boolean;
  /** Empty the target for `clean` without asking (`--yes`). */
  allowClean?: boolean;
  /** Asked before `clean` deletes anything, with what the target holds; resolve true to go on. */
  confirmClean?: (contents: TargetContents) => Promise<boolean>;
}

/** What an import did. */
export interface ImportSummary {
  /** The backup's header. */
  header: HeaderRecord;
  /** The target server and database. */
  target: ServerInfo;
  /** Nodes created. */
  nodes: number;
  /** Relationships created. */
  relationships: number;
  /**
   * Schema items of the backup that exist on the target after the import: created whole,
   * created with changes (also listed in `createdWithChanges`), or lookup indexes the target
   * already had under the same name. Skipped items are not counted.
   */
  schemaCreated: number;
  /**
   * Schema items created without some of their parts (an index provider or settings the target
   * does not have), each with what was left out (`partial` is true); counted in
   * `schemaCreated`, not in `skipped`.
   */
  createdWithChanges: SkippedSchema[];
  /** Schema items that do not exist on the target, each with the reason. */
  skipped: SkippedSchema[];
  /** Why write batches were made smaller than asked (a transaction limit), when they were. */
  batchesReduced?: string;
  /** True when this import continued an interrupted one (`resume`). */
  resumed: boolean;
  /** Write transactions that were in flight at once (`jobs`, default 1). */
  jobs: number;
  /** Batches the target rolled back as deadlocks and that were written again (`jobs` > 1). */
  deadlocks?: number;
  /** What `clean` deleted and dropped before the import, when it was asked for. */
  cleaned?: CleanSummary;
  /** Wall-clock seconds. */
  seconds: number;
}
