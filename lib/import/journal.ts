/**
 * The import journal: a local state file that makes an interrupted import resumable without
 * writing anything but the backup's own data into the target. One JSON object per line:
 *
 * 1. the start: which backup (its header) goes into which target (store id, creation date,
 *    database);
 * 2. per write batch, before its COMMIT: the records it covers, the target's counts before it,
 *    and for node batches the source-to-target id pairs (known before COMMIT, since the
 *    transaction returns them); this line is flushed to disk (fsync) before the COMMIT;
 * 3. after the COMMIT: that it committed (or, when it did not, that it did not);
 * 4. per schema item created after the data: its name.
 *
 * A batch whose COMMIT outcome is unknown (the connection dropped during COMMIT, the client was
 * killed) is resolved exactly from the target's node and relationship counts, which Neo4j keeps
 * in its count store (O(1)): before + batch size means committed, before means not. Batches of
 * a parallel import (`jobs` > 1) also record their first line and, for relationships, the
 * created ids: several may be unresolved at once, and each is decided by whether its ids exist
 * (see parallel_resolve.ts). This assumes that nothing else writes to the target while the
 * import runs.
 *
 * @module
 */

import { FormatError, RefusedError } from "../errors.ts";
import type { HeaderRecord } from "../format/records.ts";
import { type AppendFile, openAppend, readLines } from "../storage/append_file.ts";
import { pathKind, removeFile } from "../storage/files.ts";

/** The identity of a target database, from `CALL db.info()`. */
export interface TargetIdentity {
  /** The store id. */
  id: string;
  /** When the store was created. */
  creationDate: string;
  /** The database name. */
  database: string;
}

/** The target's node and relationship counts. */
export interface Counts {
  nodes: number;
  relationships: number;
}

/** A write batch as the journal records it before its COMMIT. */
export interface JournalBatch {
  /** The batch's sequence number, from 1. */
  seq: number;
  /** What it writes. */
  phase: "nodes" | "relationships";
  /** The number (1-based) of the last backup record it covers. */
  line: number;
  /**
   * The number of the first backup record it covers: written for batches of a parallel import
   * (`jobs` > 1), which may commit out of order. A batch without it was written one at a time,
   * after every batch before it had committed, so every record up to its `line` is committed
   * once it is.
   */
  first?: number;
  /** How many nodes or relationships it creates. */
  size: number;
  /** The target's counts before it. */
  before: Counts;
  /**
   * Node batches: source id, target id, source id, target id, ...; relationship batches of a
   * parallel import: the target ids of the relationships created (read back only while the
   * batch's outcome is unknown).
   */
  ids?: number[];
}

/** What a journal says about an import, read back for `--resume`. */
export interface JournalState {
  /** The backup's header as recorded at the start. */
  header: HeaderRecord;
  /** The target as recorded at the start. */
  target: TargetIdentity;
  /** The batches known to be committed, in order. */
  committed: JournalBatch[];
  /** The last batch, when its COMMIT outcome was not recorded (and it is the only one). */
  pending?: JournalBatch;
  /**
   * Every batch whose COMMIT outcome was not recorded, in order: at most one for an import
   * written one batch at a time, up to `jobs` for a parallel one.
   */
  unresolved: JournalBatch[];
  /** The highest batch number recorded, whatever its outcome. */
  lastSeq: number;
  /** Schema items created after the data. */
  schema: string[];
  /** The target's counts when the import started (zero, unless it was not empty). */
  counts: Counts;
  /** What of the backup the import keeps (its filter, canonical), when it filters. */
  selection?: string;
}

type Line =
  | {
    kind: "start";
    version: 1;
    header: HeaderRecord;
    target: TargetIdentity;
    counts: Counts;
    selection?: string;
  }
  | ({ kind: "batch" } & JournalBatch)
  | { kind: "committed"; seq: number }
  | { kind: "rolled-back"; seq: number }
  | { kind: "schema"; name: string };

/**
 * The identity of a backup as the journal compares it: its header without volatile fields.
 *
 * @param header The backup's header.
 * @returns A string equal for two reads of the same backup.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backupIdentity } from "./journal.ts";
 * const header = {
 *   kind: "header", format: "neo4j-backup", version: 1, tool: "neo4j-backup 0.1.0",
 *   created: "2026-12-01T08:00:00.000Z",
 *   source: { version: "5.26.30", edition: "community", database: "neo4j" },
 * } as const;
 * assert.equal(backupIdentity(header), backupIdentity({ ...header }));
 * ```
 */
export function backupIdentity(header: HeaderRecord): string {
  return JSON.stringify([header.created, header.tool, header.source, header.counts ?? null]);
}

/** An open journal, appending as the import goes. */
export class Journal {
  /** Where it is. */
  readonly path: string;
  #file: AppendFile;
  #seq: number;
  #began: boolean;
  /** Appends in the order they were asked for: batches in flight together write concurrently. */
  #queue: Promise<void> = Promise.resolve();

  private constructor(path: string, file: AppendFile, seq: number) {
    this.path = path;
    this.#file = file;
    this.#seq = seq;
    this.#began = seq > 0;
  }

  /** Whether any batch was recorded: only then does the file say anything worth resuming. */
  get began(): boolean {
    return this.#began;
  }

  /**
   * Starts a new journal; refuses to replace one that exists.
   *
   * @param path The state file.
   * @param header The backup's header.
   * @param target The target's identity.
   * @param counts The target's counts before the import.
   * @param selection The import's filter, canonical, when it filters: a resume must use the same.
   * @returns The open journal.
   */
  static async create(
    path: string,
    header: HeaderRecord,
    target: TargetIdentity,
    counts: Counts,
    selection?: string,
  ): Promise<Journal> {
    if (await pathKind(path) !== "missing") {
      throw new RefusedError(
        `The import state file '${path}' exists: an earlier import of this backup was interrupted; ` +
          "continue it with --resume, or delete the file and empty the target to start over",
      );
    }
    const file = await openAppend(path);
    const journal = new Journal(path, file, 0);
    const start = { kind: "start", version: 1, header, target, counts } as const;
    await journal.#write(selection === undefined ? start : { ...start, selection }, true);
    return journal;
  }

  /**
   * Reopens a journal for `--resume`, after {@link readJournal}.
   *
   * @param path The state file.
   * @param state What it holds.
   * @returns The open journal, numbering on from the last batch.
   */
  static async reopen(path: string, state: JournalState): Promise<Journal> {
    return new Journal(path, await openAppend(path), state.lastSeq);
  }

  /** The sequence number the next batch gets. */
  nextSeq(): number {
    return this.#seq + 1;
  }

  /**
   * Records a batch before its COMMIT, flushed to disk.
   *
   * @param batch The batch (its `seq` from {@link nextSeq}).
   */
  async begin(batch: JournalBatch): Promise<void> {
    this.#seq = batch.seq;
    this.#began = true;
    await this.#write({ kind: "batch", ...batch }, true);
  }

  /**
   * Records that a batch committed (the next flush carries it to disk).
   *
   * @param seq The batch.
   */
  async committed(seq: number): Promise<void> {
    await this.#write({ kind: "committed", seq }, false);
  }

  /**
   * Records that a batch did not commit.
   *
   * @param seq The batch.
   */
  async rolledBack(seq: number): Promise<void> {
    await this.#write({ kind: "rolled-back", seq }, true);
  }

  /**
   * Records a schema item created after the data.
   *
   * @param name Its name.
   */
  async schema(name: string): Promise<void> {
    await this.#write({ kind: "schema", name }, true);
  }

  /** Closes the file, keeping it (the import did not complete). */
  async close(): Promise<void> {
    await this.#queue.catch(() => {});
    await this.#file.close();
  }

  /** Closes and removes the file: the import completed. */
  async remove(): Promise<void> {
    await this.#queue.catch(() => {});
    await this.#file.close();
    await removeFile(this.path);
  }

  #write(line: Line, sync: boolean): Promise<void> {
    const text = JSON.stringify(line) + "\n";
    const done = this.#queue.then(() => this.#file.append(text, sync));
    this.#queue = done.catch(() => {});
    return done;
  }
}

/**
 * Reads a journal back. A last line cut short by a crash is ignored (it was never flushed
 * whole, so the step it began had not started).
 *
 * @param path The state file.
 * @returns What it says, or `undefined` when there is no such file.
 * @throws {FormatError} When the file is not an import state file.
 */
export async function readJournal(path: string): Promise<JournalState | undefined> {
  if (await pathKind(path) === "missing") return undefined;
  let state: JournalState | undefined;
  const batches = new Map<number, JournalBatch>();
  const outcome = new Map<number, boolean>();
  const order: number[] = [];
  let i = -1;
  // Streamed: the id pairs of a large import make a file of many megabytes.
  for await (const { text, complete } of readLines(path)) {
    i++;
    if (!complete) break; // cut short by a crash: never flushed whole, so never acted on
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      throw notAJournal(path, i + 1);
    }
    if (i === 0) {
      if (line.kind !== "start" || line.version !== 1) throw notAJournal(path, 1);
      state = {
        header: line.header,
        target: line.target,
        committed: [],
        unresolved: [],
        lastSeq: 0,
        schema: [],
        counts: line.counts,
        ...(line.selection === undefined ? {} : { selection: line.selection }),
      };
      continue;
    }
    switch (line.kind) {
      case "batch": {
        const { kind: _, ...batch } = line;
        batches.set(batch.seq, batch);
        order.push(batch.seq);
        state!.lastSeq = Math.max(state!.lastSeq, batch.seq);
        break;
      }
      case "committed": {
        outcome.set(line.seq, true);
        // A committed relationship batch's ids are never needed again: not kept in memory.
        const batch = batches.get(line.seq);
        if (batch?.phase === "relationships") delete batch.ids;
        break;
      }
      case "rolled-back":
        outcome.set(line.seq, false);
        break;
      case "schema":
        state!.schema.push(line.name);
        break;
      default:
        throw notAJournal(path, i + 1);
    }
  }
  if (!state) throw notAJournal(path, 1);
  for (const seq of order) {
    const batch = batches.get(seq)!;
    const done = outcome.get(seq);
    if (done === true) state.committed.push(batch);
    else if (done === undefined) state.unresolved.push(batch);
  }
  // One at a time, only the last batch can lack an outcome; in parallel, batches that say so.
  const stray = state.unresolved.find((b) => b.first === undefined && b.seq !== order.at(-1));
  if (stray) {
    throw new FormatError(
      `The import state file '${path}' is inconsistent: batch ${stray.seq} has no outcome`,
    );
  }
  if (state.unresolved.length === 1) state.pending = state.unresolved[0];
  return state;
}

function notAJournal(path: string, line: number): FormatError {
  return new FormatError(
    `Cannot read the import state file '${path}' at line ${line}: it is not an import state file`,
    { line },
  );
}

/**
 * Decides whether the journal's unresolved batch committed, from the target's counts now.
 *
 * @param pending The batch whose outcome was not recorded.
 * @param now The target's counts now.
 * @returns True when it committed, false when it did not.
 * @throws {RefusedError} When the counts fit neither: something else wrote to the target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePending } from "./journal.ts";
 * const batch = {
 *   seq: 3, phase: "nodes" as const, line: 12, size: 5, before: { nodes: 10, relationships: 0 },
 * };
 * assert.equal(resolvePending(batch, { nodes: 15, relationships: 0 }), true);
 * assert.equal(resolvePending(batch, { nodes: 10, relationships: 0 }), false);
 * ```
 */
export function resolvePending(pending: JournalBatch, now: Counts): boolean {
  const { before, size, phase } = pending;
  const grew = phase === "nodes"
    ? now.nodes - before.nodes
    : now.relationships - before.relationships;
  const other = phase === "nodes"
    ? now.relationships === before.relationships
    : now.nodes === before.nodes;
  if (other && grew === size) return true;
  if (other && grew === 0) return false;
  throw new RefusedError(
    `The target changed outside this import: it holds ${now.nodes} nodes and ${now.relationships} ` +
      `relationships, where the import left ${before.nodes} and ${before.relationships} before its ` +
      `last batch of ${size} ${phase}; another writer used the database, so the import cannot ` +
      "be resumed exactly: empty the target and import again",
  );
}
