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

import type { Driver, Session } from "neo4j-driver";
import { driverOf, type Neo4jDriver } from "../neo4j/driver.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import { ConnectionError, FormatError, RefusedError, UsageError } from "../errors.ts";
import type { BackupRecord, HeaderRecord } from "../format/records.ts";
import { classifyError } from "../neo4j/driver_errors.ts";
import { toNumber } from "../neo4j/integers.ts";
import { type ServerInfo, serverInfo } from "../neo4j/server.ts";
import { abortError, throwIfAborted } from "./abort.ts";
import { BatchWriter } from "./batch_writer.ts";
import { withPartialImport } from "./partial_import.ts";
import type { ProgressEvent } from "./progress_event.ts";
import { SchemaWriter, type SkippedSchema } from "./schema_writer.ts";
import { ExactWriter } from "./exact_write.ts";
import {
  backupIdentity,
  type Counts,
  Journal,
  readJournal,
  resolvePending,
  type TargetIdentity,
} from "./journal.ts";
import { type RetryInfo, withRetries } from "./retry.ts";
import type { ResumePoint } from "./batch_writer.ts";
import { decideByIds } from "./parallel_resolve.ts";
import { committedLines } from "./parallel_lines.ts";
import { cleanFirst, type CleanSummary, type TargetContents } from "./clean.ts";

export { type PartialImport, type PartialImportError, partialImportOf } from "./partial_import.ts";
export type { SkippedSchema } from "./schema_writer.ts";
export type { CleanSummary, TargetContents } from "./clean.ts";

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
 * import { exportRecords } from "./export.ts";
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
    const start = await startJournal(driver, target, header, options);
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

/** How an import starts: fresh (journal created) or resumed (journal read and resolved). */
interface Start {
  journal?: Journal;
  counts: Counts;
  resume?: ResumePoint;
  /** Schema items a resumed import had created already. */
  schemaDone: Set<string>;
  /** What `clean` deleted first. */
  cleaned?: CleanSummary;
}

/** Reads the target's identity: store id, creation date, database. */
async function identify(driver: Driver, target: ServerInfo): Promise<TargetIdentity> {
  const { records } = await driver.executeQuery(
    "CALL db.info() YIELD id, creationDate RETURN id, creationDate",
    {},
    { database: target.database, routing: "READ" },
  );
  return {
    id: String(records[0].get("id")),
    creationDate: String(records[0].get("creationDate")),
    database: target.database,
  };
}

async function startJournal(
  driver: Driver,
  target: ServerInfo,
  header: HeaderRecord,
  options: ImportOptions,
): Promise<Start> {
  const reader = new ExactWriter({
    driver,
    database: target.database,
    counts: { nodes: 0, relationships: 0 },
    retry: { retryFor: options.retryFor, onRetry: options.onRetry, signal: options.signal },
  });
  const { state: path } = options;
  if (options.resume && options.clean) {
    throw new UsageError(
      "Cannot --clean and --resume at once: --resume continues into the target as it is",
    );
  }
  if (options.resume) {
    if (!path) throw new UsageError("Cannot resume without the import's state file");
    return await resume(reader, path, await identify(driver, target), header, options.selection);
  }
  if (path) {
    const existing = await readJournal(path);
    if (existing) {
      throw new RefusedError(
        `An import of ${
          backupIdentity(existing.header) === backupIdentity(header) ? "this" : "another"
        } backup was interrupted (state file '${path}'): continue it with --resume, or delete ` +
          "the state file and empty the target to start over",
      );
    }
  }
  // After the state file's check: a refused import must not have emptied the target.
  const cleaned = options.clean ? await cleanFirst(driver, target.database, options) : undefined;
  await ensureEmpty(driver, target, options);
  const counts = await reader.readCounts();
  const journal = path
    ? await Journal.create(path, header, await identify(driver, target), counts, options.selection)
    : undefined;
  return { journal, counts, schemaDone: new Set(), ...(cleaned ? { cleaned } : {}) };
}

async function resume(
  reader: ExactWriter,
  path: string,
  identity: TargetIdentity,
  header: HeaderRecord,
  selection: string | undefined,
): Promise<Start> {
  const state = await readJournal(path);
  if (!state) {
    throw new UsageError(
      `Nothing to resume: there is no import state file '${path}' (the import completed, or ` +
        "never started); import without --resume",
    );
  }
  if (backupIdentity(state.header) !== backupIdentity(header)) {
    throw new RefusedError(
      `Cannot resume: the state file '${path}' belongs to another backup (made ${state.header.created}` +
        `, this one ${header.created}); resume with the backup it names`,
    );
  }
  if ((state.selection ?? "") !== (selection ?? "")) {
    throw new RefusedError(
      `Cannot resume: the interrupted import ${
        state.selection === undefined ? "had no filter" : "was filtered differently"
      } (state file '${path}'); resume with the same filter flags as the import it continues`,
    );
  }
  if (state.target.id !== identity.id || state.target.creationDate !== identity.creationDate) {
    throw new RefusedError(
      `Cannot resume: the state file '${path}' belongs to another database (store ${state.target.id} ` +
        `of ${state.target.database}), not to '${identity.database}' (store ${identity.id})`,
    );
  }
  const journal = await Journal.reopen(path, state);
  const counts = await reader.readCounts();
  for (const batch of state.unresolved) {
    // One at a time, the counts decide; in parallel (the batch has its first line), its ids.
    const committed = batch.first === undefined
      ? resolvePending(batch, counts)
      : decideByIds(batch, await reader.countIds(batch));
    if (committed) {
      if (batch.phase === "relationships") delete batch.ids;
      state.committed.push(batch);
      await journal.committed(batch.seq);
    } else await journal.rolledBack(batch.seq);
  }
  const expected = { ...state.counts };
  for (const b of state.committed) {
    if (b.phase === "nodes") expected.nodes += b.size;
    else expected.relationships += b.size;
  }
  if (expected.nodes !== counts.nodes || expected.relationships !== counts.relationships) {
    throw new RefusedError(
      `Cannot resume: the target holds ${counts.nodes} nodes and ${counts.relationships} ` +
        `relationships where the interrupted import left ${expected.nodes} and ` +
        `${expected.relationships}; something else wrote to it: empty it and import again`,
    );
  }
  let nodes = 0;
  let relationships = 0;
  const ids: number[][] = [];
  for (const b of state.committed) {
    if (b.phase === "nodes") {
      nodes += b.size;
      ids.push(b.ids ?? []);
    } else relationships += b.size;
  }
  // A schema item created just before the interruption may not be in the journal yet.
  const existing = await reader.schemaNames();
  return {
    journal,
    counts,
    resume: { ...committedLines(state.committed), nodes, relationships, ids },
    schemaDone: new Set([...state.schema, ...existing]),
  };
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

async function ensureEmpty(
  driver: Driver,
  target: ServerInfo,
  options: ImportOptions,
): Promise<void> {
  const count = async (query: string) => {
    const { records } = await driver.executeQuery(query, {}, {
      database: target.database,
      routing: "READ",
    });
    return toNumber(records[0].get(0));
  };
  const nodes = await count("MATCH (n) RETURN count(n)");
  const relationships = await count("MATCH ()-[r]->() RETURN count(r)");
  if (nodes === 0 || options.allowNonEmpty) return;
  const info = { database: target.database, nodes, relationships };
  if (options.confirmNonEmpty && await options.confirmNonEmpty(info)) return;
  throw new RefusedError(
    `Target database '${target.database}' is not empty (${nodes} nodes, ${relationships} relationships): ` +
      "import into an empty database, or confirm with --yes to add the backup to it",
  );
}
