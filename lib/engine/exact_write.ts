/**
 * One write batch, committed exactly once however the connection behaves: the batch runs in an
 * explicit transaction (never the driver's `executeWrite`, which retries a transaction whose
 * COMMIT may already have succeeded, and so would write a CREATE batch twice); when the outcome
 * of its COMMIT is unknown, the target's counts say whether it committed. Lost connections and
 * transient errors are retried with backoff; a transaction limit asks the caller for a smaller
 * batch.
 *
 * @module
 */

import type { Driver, Session, Transaction } from "neo4j-driver";
import { toNumber } from "../neo4j/integers.ts";
import type { Counts, Journal, JournalBatch } from "./journal.ts";
import { resolvePending } from "./journal.ts";
import {
  backoff,
  DEFAULT_RETRY_FOR_MS,
  failureKind,
  reasonOf,
  type RetryPolicy,
  withRetries,
} from "./retry.ts";
import { sleep } from "./abort.ts";

/** Thrown when a batch hit a transaction limit: the caller should try smaller batches. */
export class BatchTooLarge extends Error {
  /** `memory` or `timeout`. */
  readonly limit: "memory" | "timeout";

  /**
   * Wraps the server's refusal.
   *
   * @param limit Which limit the batch hit.
   * @param cause The server's error.
   */
  constructor(limit: "memory" | "timeout", cause: unknown) {
    super(`The batch hit the target's transaction ${limit} limit: ${reasonOf(cause)}`, { cause });
    this.limit = limit;
  }

  /** `"BatchTooLarge"`. */
  override get name(): string {
    return "BatchTooLarge";
  }
}

/** What a batch's statements run in: the transaction's `run`. */
export type Runner = Pick<Transaction, "run">;

/** Where and how batches are written. */
export interface ExactWriterOptions {
  /** The target's driver. */
  driver: Driver;
  /** The target database. */
  database: string;
  /** The journal, when the import is resumable. */
  journal?: Journal;
  /** What the target holds now; kept up to date as batches commit. */
  counts: Counts;
  /** How long to retry, whom to tell, when to stop. */
  retry: RetryPolicy;
}

/** Writes batches exactly once each, keeping the target's counts. */
export class ExactWriter {
  /** What the target holds, as far as this import knows (every committed batch included). */
  readonly counts: Counts;
  #options: ExactWriterOptions;
  #seq: number;

  /**
   * Prepares a writer.
   *
   * @param options Driver, database, journal, counts, retry policy.
   */
  constructor(options: ExactWriterOptions) {
    this.#options = options;
    this.counts = options.counts;
    this.#seq = options.journal ? options.journal.nextSeq() - 1 : 0;
  }

  /**
   * Writes one batch and returns what `run` returned once the batch has committed.
   *
   * @param phase What the batch creates.
   * @param size How many nodes or relationships it creates.
   * @param line The number of the last backup record it covers (for the journal).
   * @param run Runs the batch's statements in the transaction; for node batches it returns
   *   the source-to-target id pairs (flat: source, target, ...).
   * @returns What `run` returned.
   * @throws {BatchTooLarge} When the target's transaction memory or time limit refused it.
   */
  async write(
    phase: "nodes" | "relationships",
    size: number,
    line: number,
    run: (tx: Runner) => Promise<number[] | undefined>,
  ): Promise<number[] | undefined> {
    const { retry } = this.#options;
    const deadline = Date.now() + (retry.retryFor ?? DEFAULT_RETRY_FOR_MS);
    for (let attempt = 1;; attempt++) {
      const session = this.#session();
      let pending: JournalBatch | undefined;
      let ids: number[] | undefined;
      try {
        const tx = await session.beginTransaction();
        try {
          ids = await run(tx);
        } catch (e) {
          await tx.rollback().catch(() => {});
          throw e;
        }
        pending = {
          seq: ++this.#seq,
          phase,
          line,
          size,
          before: { ...this.counts },
          ...(ids ? { ids } : {}),
        };
        await this.#options.journal?.begin(pending);
        await tx.commit();
        await this.#committed(pending);
        return ids;
      } catch (e) {
        if (pending) {
          // The COMMIT was sent, or was about to be: whether it took effect is unknown.
          if (await this.#resolve(pending, deadline)) return ids;
        }
        const kind = failureKind(e);
        if (kind === "memory" || kind === "timeout") throw new BatchTooLarge(kind, e);
        if (kind !== "connection" && kind !== "transient") throw e;
        const delayMs = backoff(attempt);
        if (Date.now() + delayMs > deadline || retry.signal?.aborted) throw e;
        retry.onRetry?.({ action: `writing ${phase}`, reason: reasonOf(e), attempt, delayMs });
        await sleep(delayMs, retry.signal);
      } finally {
        await session.close().catch(() => {});
      }
    }
  }

  /**
   * Reads the target's counts (the count store: O(1)), retrying through lost connections.
   *
   * @param deadline When to give up, as `Date.now()` milliseconds.
   * @returns The counts.
   */
  async readCounts(deadline = Date.now() + DEFAULT_RETRY_FOR_MS): Promise<Counts> {
    const retry = { ...this.#options.retry, retryFor: Math.max(0, deadline - Date.now()) };
    return await withRetries("reading the target's counts", async () => {
      const session = this.#session();
      try {
        const n = await session.run("MATCH (n) RETURN count(n) AS c");
        const r = await session.run("MATCH ()-[r]->() RETURN count(r) AS c");
        return {
          nodes: toNumber(n.records[0].get("c")),
          relationships: toNumber(r.records[0].get("c")),
        };
      } finally {
        await session.close().catch(() => {});
      }
    }, retry);
  }

  /**
   * The names of the indexes and constraints the target has.
   *
   * @returns The names.
   */
  async schemaNames(): Promise<string[]> {
    const session = this.#session();
    try {
      const names: string[] = [];
      for (const what of ["INDEXES", "CONSTRAINTS"]) {
        const result = await session.run(`SHOW ${what} YIELD name RETURN name`);
        for (const r of result.records) names.push(String(r.get("name")));
      }
      return names;
    } finally {
      await session.close().catch(() => {});
    }
  }

  /** Decides a batch whose COMMIT outcome is unknown; true when it committed. */
  async #resolve(pending: JournalBatch, deadline: number): Promise<boolean> {
    const now = await this.readCounts(deadline);
    if (resolvePending(pending, now)) {
      await this.#committed(pending);
      return true;
    }
    await this.#options.journal?.rolledBack(pending.seq);
    return false;
  }

  async #committed(batch: JournalBatch): Promise<void> {
    if (batch.phase === "nodes") this.counts.nodes += batch.size;
    else this.counts.relationships += batch.size;
    await this.#options.journal?.committed(batch.seq);
  }

  #session(): Session {
    return this.#options.driver.session({
      database: this.#options.database,
      defaultAccessMode: "WRITE",
    });
  }
}
