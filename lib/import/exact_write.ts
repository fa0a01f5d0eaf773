/**
 * One write batch, committed exactly once however the connection behaves: the batch runs in an
 * explicit transaction (never the driver's `executeWrite`, which retries a transaction whose
 * COMMIT may already have succeeded, and so would write a CREATE batch twice); when the outcome
 * of its COMMIT is unknown, the target's counts say whether it committed (with several batches
 * in flight, `parallel`: the ids it created, once the others have ended). Lost connections and
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
} from "../pipeline/retry.ts";
import { sleep } from "../pipeline/abort.ts";
import { SettleGate } from "./parallel_settle.ts";
import { checkCounts, decideByIds, idCheck } from "./parallel_resolve.ts";

const DEADLOCK = /DeadlockDetected/;

/** Whether the server refused a transaction as a deadlock: it rolled it back, so it is known. */
function isDeadlock(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && DEADLOCK.test(code);
}

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
  /**
   * Batches run concurrently (`jobs` > 1): each batch's first line goes into the journal, and an
   * unknown COMMIT outcome is decided by the batch's created ids once every batch in flight has
   * ended, instead of by the counts (see parallel_settle.ts).
   */
  parallel?: boolean;
}

/** Writes batches exactly once each, keeping the target's counts. */
export class ExactWriter {
  /** What the target holds, as far as this import knows (every committed batch included). */
  readonly counts: Counts;
  /** Transactions the server rolled back as deadlocks, and retried. */
  deadlocks = 0;
  #options: ExactWriterOptions;
  #seq: number;
  #gate?: SettleGate<JournalBatch>;

  /**
   * Prepares a writer.
   *
   * @param options Driver, database, journal, counts, retry policy.
   */
  constructor(options: ExactWriterOptions) {
    this.#options = options;
    this.counts = options.counts;
    this.#seq = options.journal ? options.journal.nextSeq() - 1 : 0;
    if (options.parallel) this.#gate = new SettleGate((batches) => this.#decideAll(batches));
  }

  /**
   * Writes one batch and returns what `run` returned once the batch has committed.
   *
   * @param phase What the batch creates.
   * @param size How many nodes or relationships it creates.
   * @param line The number of the last backup record it covers (for the journal).
   * @param run Runs the batch's statements in the transaction; for node batches it returns
   *   the source-to-target id pairs (flat: source, target, ...), for relationship batches of a
   *   parallel writer the created relationships' ids.
   * @param first The number of the first backup record it covers (journaled when parallel).
   * @returns What `run` returned.
   * @throws {BatchTooLarge} When the target's transaction memory or time limit refused it.
   */
  async write(
    phase: "nodes" | "relationships",
    size: number,
    line: number,
    run: (tx: Runner) => Promise<number[] | undefined>,
    first?: number,
  ): Promise<number[] | undefined> {
    const { retry } = this.#options;
    const gate = this.#gate;
    const deadline = Date.now() + (retry.retryFor ?? DEFAULT_RETRY_FOR_MS);
    for (let attempt = 1, deadlocks = 0;; attempt++) {
      await gate?.enter();
      let entered = gate !== undefined;
      const leave = () => {
        if (entered) gate?.leave();
        entered = false;
      };
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
          ...(gate && first !== undefined ? { first } : {}),
          line,
          size,
          before: { ...this.counts },
          ...(ids ? { ids } : {}),
        };
        await this.#options.journal?.begin(pending);
        await tx.commit();
        await this.#committed(pending);
        leave();
        return ids;
      } catch (e) {
        if (gate && isDeadlock(e)) {
          // The server rolled the transaction back (at a statement or at COMMIT): known, redone.
          if (pending) await this.#options.journal?.rolledBack(pending.seq);
          leave();
          this.deadlocks++;
          if (Date.now() > deadline || retry.signal?.aborted) throw e;
          await sleep(
            Math.round((10 + 40 * Math.random()) * Math.min(++deadlocks, 8)),
            retry.signal,
          );
          attempt--;
          continue;
        }
        if (pending) {
          // The COMMIT was sent, or was about to be: whether it took effect is unknown.
          if (gate && entered) {
            entered = false;
            if (await this.#settled(gate, pending)) return ids;
          } else if (await this.#resolve(pending, deadline)) return ids;
        }
        leave();
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

  /** Waits for the gate's decision on an unknown batch, recording it; true when it committed. */
  async #settled(gate: SettleGate<JournalBatch>, pending: JournalBatch): Promise<boolean> {
    if (await gate.decide(pending)) {
      await this.#committed(pending);
      return true;
    }
    await this.#options.journal?.rolledBack(pending.seq);
    return false;
  }

  /**
   * Decides the unknown batches of a parallel import, while none of its transactions is in
   * flight: by their ids, then the counts must agree with every committed batch.
   */
  async #decideAll(batches: JournalBatch[]): Promise<boolean[]> {
    const retry = this.#options.retry;
    const deadline = Date.now() + (retry.retryFor ?? DEFAULT_RETRY_FOR_MS);
    const outcomes: boolean[] = [];
    const expected = { ...this.counts };
    for (const batch of batches) {
      const found = await this.countIds(batch, deadline);
      const committed = decideByIds(batch, found);
      if (committed && batch.phase === "nodes") expected.nodes += batch.size;
      if (committed && batch.phase === "relationships") expected.relationships += batch.size;
      outcomes.push(committed);
    }
    checkCounts(await this.readCounts(deadline), expected);
    return outcomes;
  }

  /**
   * Counts how many of a batch's created ids exist in the target (an id seek), retrying
   * through lost connections.
   *
   * @param batch A journal batch with its `ids`.
   * @param deadline When to give up, as `Date.now()` milliseconds.
   * @returns How many exist.
   */
  async countIds(
    batch: JournalBatch,
    deadline = Date.now() + DEFAULT_RETRY_FOR_MS,
  ): Promise<number> {
    const retry = { ...this.#options.retry, retryFor: Math.max(0, deadline - Date.now()) };
    const { query, params } = idCheck(batch);
    return await withRetries("reading the target's counts", async () => {
      const session = this.#session();
      try {
        const result = await session.run(query, params);
        return toNumber(result.records[0].get("c"));
      } finally {
        await session.close().catch(() => {});
      }
    }, retry);
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
