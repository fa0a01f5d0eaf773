/**
 * The barrier that keeps a parallel import exact: when the COMMIT outcome of one batch is
 * unknown, no new transaction starts, the batches in flight run to their end, and only then are
 * the unknown batches decided, all at once, while nothing of this import writes.
 *
 * @module
 */

/** Decides batches whose COMMIT outcome is unknown: true for each that committed. */
export type Decide<B> = (batches: B[]) => Promise<boolean[]>;

interface Waiting<B> {
  batch: B;
  resolve: (committed: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Counts the transactions in flight and holds the unknown ones until the others are done.
 * Each transaction calls {@link SettleGate.enter} before it begins, then exactly one of
 * {@link SettleGate.leave} (its outcome is known) or {@link SettleGate.decide} (it is not).
 *
 * @example Two batches in flight, one with an unknown outcome
 * ```ts
 * import assert from "node:assert/strict";
 * import { SettleGate } from "./parallel_settle.ts";
 * const decided: string[][] = [];
 * const gate = new SettleGate<string>(async (batches) => {
 *   decided.push(batches);
 *   return batches.map(() => true);
 * });
 * await gate.enter();
 * await gate.enter();
 * const outcome = gate.decide("a"); // waits for the other transaction
 * assert.deepEqual(decided, []);
 * gate.leave();
 * assert.equal(await outcome, true);
 * assert.deepEqual(decided, [["a"]]);
 * ```
 */
export class SettleGate<B> {
  #decide: Decide<B>;
  #active = 0;
  #waiting: Waiting<B>[] = [];
  #barrier?: Promise<void>;
  #open?: () => void;
  #deciding = false;
  #failure?: { error: unknown };

  /**
   * Prepares a gate.
   *
   * @param decide Decides the unknown batches, called only while no transaction is in flight.
   */
  constructor(decide: Decide<B>) {
    this.#decide = decide;
  }

  /** Transactions begun and not yet known to have ended. */
  get active(): number {
    return this.#active;
  }

  /**
   * Waits until no decision is pending, then counts one more transaction in flight.
   *
   * @returns When the transaction may begin.
   * @throws The decider's error, once a decision failed: nothing more is written then.
   */
  async enter(): Promise<void> {
    while (this.#barrier) await this.#barrier;
    if (this.#failure) throw this.#failure.error;
    this.#active++;
  }

  /** Counts a transaction out whose outcome is known (committed, or rolled back). */
  leave(): void {
    this.#active--;
    this.#settle();
  }

  /**
   * Counts a transaction out whose outcome is unknown and waits for its decision, made once
   * every other transaction in flight has ended.
   *
   * @param batch What the decider is given.
   * @returns True when it committed.
   */
  decide(batch: B): Promise<boolean> {
    this.#active--;
    if (!this.#barrier) this.#barrier = new Promise((open) => this.#open = open);
    const outcome = new Promise<boolean>((resolve, reject) => {
      this.#waiting.push({ batch, resolve, reject });
    });
    this.#settle();
    return outcome;
  }

  #settle(): void {
    if (this.#active > 0 || this.#deciding || !this.#waiting.length) return;
    this.#deciding = true;
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#decide(waiting.map((w) => w.batch)).then(
      (outcomes) => waiting.forEach((w, i) => w.resolve(outcomes[i])),
      (error) => {
        this.#failure = { error };
        waiting.forEach((w) => w.reject(error));
      },
    ).finally(() => {
      this.#deciding = false;
      const open = this.#open;
      this.#barrier = undefined;
      this.#open = undefined;
      open?.();
    });
  }
}
