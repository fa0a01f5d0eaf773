/**
 * The data part of an import: node and relationship records to UNWIND batches (one static
 * query per label set or relationship type), one write transaction in flight while the next
 * batch fills (or up to `jobs` of them), endpoints matched through an in-client {@link IdMap}.
 *
 * @module
 */

import { FormatError } from "../errors.ts";
import type {
  BackupRecord,
  NodeRecord,
  RelationshipRecord,
  SchemaRecord,
} from "../format/records.ts";
import { throwIfAborted } from "../pipeline/abort.ts";
import { approximateBytes, createNodes, createRels, groupBy } from "./batch_queries.ts";
import { BatchTooLarge, type ExactWriter } from "./exact_write.ts";
import { IdMap } from "../pipeline/id_map.ts";
import { PhaseProgress } from "../pipeline/phase_progress.ts";
import type { ProgressEvent } from "../pipeline/progress_event.ts";

/** What a {@link BatchWriter} needs besides its session. */
export interface BatchWriterOptions {
  /** Nodes or relationships per write transaction. */
  batchSize: number;
  /** Send zoned DateTimes as epoch seconds (4.4 targets, see zoned_datetimes.ts). */
  zonedDetour: boolean;
  /** The counts the header announces, for progress totals. */
  expected?: { nodes: number; relationships: number };
  /** Stops the writer after the batch in flight. */
  signal?: AbortSignal;
  /** Receives the `nodes` and `relationships` phases. */
  onProgress?: (event: ProgressEvent) => void;
  /** Told once when a transaction limit makes the batches smaller. */
  onWarning?: (message: string) => void;
  /** Estimated bytes of properties per batch at most (default 8 MiB), whatever its row count. */
  batchBytes?: number;
  /** Where an interrupted import stopped, for `--resume`. */
  resume?: ResumePoint;
  /**
   * Batches in flight at once (default 1): up to this many transactions run concurrently within
   * a phase; the relationships start once every node batch has committed. Give the
   * {@link ExactWriter} `parallel: true` when it is more than 1.
   */
  jobs?: number;
}

/** Where an interrupted import stopped: what its journal says was committed. */
export interface ResumePoint {
  /** Every backup record up to this number is committed (batches written one at a time). */
  line: number;
  /**
   * The records committed beyond `line`: `[first, last]` ranges of parallel batches, which may
   * have committed out of order.
   */
  ranges?: [number, number][];
  /** Nodes and relationships committed. */
  nodes: number;
  relationships: number;
  /** The source-to-target id pairs of the committed nodes, per batch (flat). */
  ids: number[][];
}

/** The target id of a node whose batch has not committed yet. */
const PENDING = -1;

interface PendingRel {
  record: RelationshipRecord;
  line: number;
}

/**
 * Reads node and relationship records and writes them in batches. Its counts are always what
 * the target holds: a batch counts once its transaction has committed.
 *
 * @example Write the data records of a backup
 * ```ts ignore
 * const writer = new BatchWriter(session, { batchSize: 5000, zonedDetour: false });
 * const schema = await writer.consume(reader);
 * console.log(writer.nodes, writer.relationships, schema.length);
 * ```
 */
export class BatchWriter {
  /** Nodes committed. */
  nodes = 0;
  /** Relationships committed. */
  relationships = 0;
  /** Nodes in the backup, once known (header counts, then the footer). */
  totalNodes?: number;
  /** Relationships in the backup, once known. */
  totalRelationships?: number;
  /** Rows of the batch whose transaction failed, 0 while none has. */
  failedRows = 0;
  /** The schema records read so far (they precede the data). */
  schema: SchemaRecord[] = [];
  /** Why the batches were made smaller, when they were. */
  reduced?: string;
  #writer: ExactWriter;
  #options: BatchWriterOptions;
  #limit: number;
  #nodeLines: number[] = [];
  #nodeBytes = 0;
  #relBytes = 0;
  #ids = new IdMap();
  #pending: Promise<void> = Promise.resolve();
  /** Parallel batches in flight, and the first failure among them. */
  #inflight = new Set<Promise<void>>();
  #failure?: { error: unknown };
  #jobs: number;
  #nodeBatch: NodeRecord[] = [];
  #relBatch: PendingRel[] = [];
  #nodesPhase?: PhaseProgress;
  #relsPhase?: PhaseProgress;

  /**
   * Prepares a writer; nothing is written until {@link BatchWriter.consume}.
   *
   * @param writer Commits each batch exactly once.
   * @param options Batch size, zoned DateTime handling, expected counts, signal, progress,
   *   where to resume.
   */
  constructor(writer: ExactWriter, options: BatchWriterOptions) {
    this.#writer = writer;
    this.#options = options;
    this.#limit = options.batchSize;
    this.#jobs = options.jobs ?? 1;
    this.totalNodes = options.expected?.nodes;
    this.totalRelationships = options.expected?.relationships;
    const resume = options.resume;
    if (resume) {
      this.nodes = resume.nodes;
      this.relationships = resume.relationships;
      for (const pairs of resume.ids) {
        for (let i = 0; i < pairs.length; i += 2) this.#ids.add(pairs[i], pairs[i + 1]);
      }
      resume.ids = []; // in the id map now: the journal's copy need not stay in memory
    }
  }

  /**
   * Consumes the records after the header: writes the nodes and relationships and returns the
   * schema records, to be applied after the data. Reports the `nodes` and `relationships`
   * phases. On failure, waits for the transaction in flight before it throws.
   *
   * @param reader The records, the header already read.
   * @returns The schema records.
   */
  async consume(reader: ReadableStreamDefaultReader<BackupRecord>): Promise<SchemaRecord[]> {
    const schema = this.schema;
    const emit = this.#options.onProgress;
    this.#nodesPhase = new PhaseProgress("nodes", this.totalNodes, emit, this.nodes);
    const skipTo = this.#options.resume?.line ?? 0;
    const ranges = this.#options.resume?.ranges ?? [];
    let range = 0;
    let line = 1;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        throwIfAborted(this.#options.signal);
        if (done) break;
        line++;
        while (range < ranges.length && ranges[range][1] < line) range++;
        // Committed before the import was interrupted:
        const written = line <= skipTo || (range < ranges.length && ranges[range][0] <= line);
        const maxBytes = this.#options.batchBytes ?? 8 * 1024 * 1024;
        switch (value.kind) {
          case "node":
            if (this.#relsPhase) throw outOfOrder(line);
            if (written) break;
            if (!this.#ids.add(value.id, PENDING)) throw duplicate(value.id, line);
            this.#nodeBatch.push(value);
            this.#nodeLines.push(line);
            this.#nodeBytes += approximateBytes(value.props);
            if (this.#nodeBatch.length >= this.#limit || this.#nodeBytes >= maxBytes) {
              await this.#flushNodes();
            }
            break;
          case "rel":
            if (!this.#relsPhase) await this.#endNodes();
            if (written) break;
            this.#relBatch.push({ record: value, line });
            this.#relBytes += approximateBytes(value.props);
            if (this.#relBatch.length >= this.#limit || this.#relBytes >= maxBytes) {
              await this.#flushRels();
            }
            break;
          case "index":
          case "constraint":
            schema.push(value);
            break;
          case "footer":
            this.totalNodes = value.nodes;
            this.totalRelationships = value.relationships;
            break;
          default:
            throw new FormatError(`Backup is corrupt: a second header at line ${line}`, { line });
        }
      }
      if (!this.#relsPhase) await this.#endNodes();
      await this.#flushRels();
      await this.#settled();
      this.#relsPhase?.end(this.relationships);
    } catch (e) {
      await this.#settled().catch(() => {});
      throw e;
    }
    return schema;
  }

  /** Writes the last node batch, waits for it, and moves on to the relationships phase. */
  async #endNodes(): Promise<void> {
    await this.#flushNodes();
    await this.#settled();
    this.#nodesPhase?.end(this.nodes);
    this.#relsPhase = new PhaseProgress(
      "relationships",
      this.totalRelationships,
      this.#options.onProgress,
      this.relationships,
    );
  }

  /**
   * Writes `items` in batches of at most the current limit; a batch that hits a transaction
   * limit is split in halves (down to one row) and the limit stays lower, growing back by a
   * quarter after every ten batches that fit.
   */
  async #adaptive<T>(
    items: T[],
    lines: (i: number) => number,
    write: (part: T[], line: number, first: number) => Promise<void>,
  ): Promise<void> {
    let fits = 0;
    for (let i = 0; i < items.length;) {
      const n = Math.min(this.#limit, items.length - i);
      try {
        await write(items.slice(i, i + n), lines(i + n - 1), lines(i));
      } catch (e) {
        if (!(e instanceof BatchTooLarge) || n === 1) {
          throw e instanceof BatchTooLarge ? e.cause : e;
        }
        this.#limit = Math.max(1, n >> 1);
        if (!this.reduced) {
          this.reduced = `batches were made smaller (down to ${this.#limit} rows) because the ` +
            `target's transaction ${e.limit} limit refused ${n} rows`;
          this.#options.onWarning?.(`The import ${this.reduced}`);
        } else {
          this.reduced = this.reduced.replace(/down to \d+ rows/, `down to ${this.#limit} rows`);
        }
        fits = 0;
        continue;
      }
      i += n;
      if (++fits >= 10 && this.#limit < this.#options.batchSize) {
        this.#limit = Math.min(this.#options.batchSize, Math.ceil(this.#limit * 1.25));
        fits = 0;
      }
    }
  }

  /** Waits for every batch in flight; throws the first failure among them. */
  async #settled(): Promise<void> {
    if (this.#jobs === 1) return await this.#pending;
    while (this.#inflight.size) await Promise.allSettled([...this.#inflight]);
    if (this.#failure) throw this.#failure.error;
  }

  /**
   * Waits for a free slot (one at a time: the transaction in flight; else up to `jobs`), then
   * starts the next batch without waiting for it. A failure stops new batches.
   */
  async #start(rows: number, write: () => Promise<void>): Promise<void> {
    if (this.#jobs > 1) return await this.#startParallel(rows, write);
    await this.#pending;
    throwIfAborted(this.#options.signal);
    const p = write().catch((e) => {
      this.failedRows = rows;
      throw e;
    });
    p.catch(() => {}); // observed when awaited next; avoids an unhandled rejection meanwhile
    this.#pending = p;
  }

  async #startParallel(rows: number, write: () => Promise<void>): Promise<void> {
    while (this.#inflight.size >= this.#jobs && !this.#failure) {
      await Promise.race(this.#inflight).catch(() => {});
    }
    if (this.#failure) throw this.#failure.error;
    throwIfAborted(this.#options.signal);
    const p: Promise<void> = write().then(
      () => {
        this.#inflight.delete(p);
      },
      (e) => {
        this.#inflight.delete(p);
        this.failedRows += rows;
        this.#failure ??= { error: e };
      },
    );
    this.#inflight.add(p);
  }

  async #flushNodes(): Promise<void> {
    if (!this.#nodeBatch.length) return;
    const batch = this.#nodeBatch;
    const lines = this.#nodeLines;
    this.#nodeBatch = [];
    this.#nodeLines = [];
    this.#nodeBytes = 0;
    await this.#start(
      batch.length,
      () =>
        this.#adaptive(batch, (i) => lines[i], async (part, line, first) => {
          const groups = groupBy(part, (n) => n.labels.join("\u0000"));
          const created = await this.#writer.write("nodes", part.length, line, async (tx) => {
            const out: number[] = [];
            for (const group of groups.values()) {
              await createNodes(tx, group, out, this.#options.zonedDetour);
            }
            return out;
          }, first);
          for (let i = 0; i < created!.length; i += 2) this.#ids.set(created![i], created![i + 1]);
          this.nodes += part.length;
          this.#nodesPhase?.advance(this.nodes);
        }),
    );
  }

  async #flushRels(): Promise<void> {
    if (!this.#relBatch.length) return;
    const batch = this.#relBatch;
    this.#relBatch = [];
    this.#relBytes = 0;
    if (this.#jobs === 1) await this.#pending; // endpoints must be in the id map
    const rows = batch.map(({ record, line }) => ({
      type: record.type,
      row: {
        s: this.#target(record.start, line),
        e: this.#target(record.end, line),
        p: record.props,
      },
    }));
    await this.#start(
      batch.length,
      () =>
        this.#adaptive(rows, (i) => batch[i].line, async (part, line, first) => {
          const groups = groupBy(part, (r) => r.type);
          // In parallel, the created ids decide an unknown outcome (see parallel_resolve.ts).
          const ids = this.#jobs > 1 ? [] : undefined;
          await this.#writer.write("relationships", part.length, line, async (tx) => {
            if (ids) ids.length = 0; // a retried attempt starts over
            for (const [type, group] of groups) {
              const rows = group.map((g) => g.row);
              await createRels(tx, type, rows, this.#options.zonedDetour, ids);
            }
            return ids;
          }, first);
          this.relationships += part.length;
          this.#relsPhase?.advance(this.relationships);
        }),
    );
  }

  #target(id: number, line: number): bigint {
    const t = this.#ids.get(id);
    if (t === undefined || t === PENDING) {
      throw new FormatError(
        `Backup is corrupt: the relationship at line ${line} refers to node ${id}, which the backup does not hold`,
        { line },
      );
    }
    return BigInt(t);
  }
}

function duplicate(id: number, line: number): FormatError {
  return new FormatError(
    `Backup is corrupt: the node at line ${line} has id ${id}, which an earlier node has`,
    { line },
  );
}

function outOfOrder(line: number): FormatError {
  return new FormatError(
    `Backup is corrupt: the node at line ${line} follows relationships (nodes come first)`,
    { line },
  );
}
