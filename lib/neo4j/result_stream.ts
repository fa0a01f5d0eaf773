/**
 * A driver `Result` read record by record with flow control: through the driver's callback path
 * (`Result._subscribe`, which can pause and resume the stream) when the result has one, through
 * the public `for await` otherwise.
 *
 * @module
 */

import type { Record as Neo4jRecord, Result } from "neo4j-driver";

/** The driver's record stream seen through its result observer, which can pause and resume. */
interface RecordStream {
  pause(): void;
  resume(): void;
  /** Asks the server to discard the rest (a paused stream must be resumed for that to go out). */
  cancel(): void;
}

interface RecordObserver {
  onNext(record: Neo4jRecord): void;
  onCompleted(): void;
  onError(error: unknown): void;
}

/**
 * `Result._subscribe`: the callback path the driver's own async iterator is built on. Iterating
 * a result with `for await` costs a few promises per record (a third of an export's time);
 * this path costs none and still lets the consumer pause the stream.
 */
type Subscribe = (observer: RecordObserver, paused: boolean) => Promise<RecordStream>;

/**
 * Reads every record of a result and hands it to a callback. When the callback returns false,
 * the stream pauses until {@link ResultReader.resume} (the records already fetched, at most one
 * fetch, still arrive).
 *
 * @example Read a large result at the pace of a slow consumer
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { ResultReader } from "./result_stream.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * const session = driver.session();
 * const queue: unknown[] = [];
 * const reader = new ResultReader(session.run("MATCH (n) RETURN n"), (row) => {
 *   queue.push(row.get("n"));
 *   return queue.length < 1000; // full: pause
 * });
 * const drain = setInterval(() => {
 *   queue.length = 0;
 *   reader.resume();
 * }, 10);
 * await reader.done;
 * clearInterval(drain);
 * await session.close();
 * await driver.close();
 * ```
 */
export class ResultReader {
  /**
   * Resolves once every record was handed over; rejects with the driver's error, the error the
   * callback threw, or the reason given to {@link ResultReader.cancel}.
   */
  readonly done: Promise<void>;
  #onRecord: (record: Neo4jRecord) => boolean;
  #stream?: RecordStream;
  #paused = false;
  #wake?: () => void;
  #fail?: (reason: unknown) => void;
  #cancelled?: { reason: unknown };

  /**
   * Starts reading.
   *
   * @param result The result to read, as `run` returned it.
   * @param onRecord Takes each record; returns false when it wants no more for now. What it
   *   throws ends the reading and discards the rest of the result.
   */
  constructor(result: Result, onRecord: (record: Neo4jRecord) => boolean) {
    this.#onRecord = onRecord;
    const subscribe = (result as unknown as { _subscribe?: Subscribe })._subscribe;
    this.done = typeof subscribe === "function"
      ? this.#subscribe(result, subscribe)
      : this.#iterate(result);
  }

  /** The consumer has room again: the stream goes on if it was paused. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#stream?.resume();
    this.#wake?.();
  }

  /**
   * Stops reading: {@link ResultReader.done} rejects with `reason` and the server discards the
   * rest of the result. Does nothing once the reading is over.
   *
   * @param reason Why, as `done` will reject.
   */
  cancel(reason: unknown): void {
    this.#cancelled ??= { reason };
    this.#fail?.(reason);
    this.#wake?.(); // a paused fallback loop: it sees the cancel and stops
  }

  #subscribe(result: Result, subscribe: Subscribe): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let state: "reading" | "failed" | "done" = "reading";
      const fail = (e: unknown) => {
        if (state !== "reading") return;
        state = "failed";
        if (this.#stream) discard(this.#stream);
        reject(e);
      };
      this.#fail = fail;
      subscribe.call(result, {
        onNext: (row) => {
          if (state !== "reading") return;
          let more: boolean;
          try {
            more = this.#onRecord(row);
          } catch (e) {
            return fail(e); // e.g. a value the consumer cannot store
          }
          if (!more) this.#pause();
        },
        onCompleted: () => {
          if (state === "reading") state = "done";
          resolve();
        },
        onError: fail,
      }, false).then((stream) => {
        // Records fetched before this point came through onNext already; pause now if needed.
        this.#stream = stream;
        if (state === "failed") discard(stream);
        else if (this.#paused) stream.pause();
      }, fail);
    });
  }

  #pause(): void {
    this.#paused = true;
    this.#stream?.pause();
  }

  #throwIfCancelled(): void {
    if (this.#cancelled) throw this.#cancelled.reason;
  }

  /** The public path, for a driver without `_subscribe`. */
  async #iterate(result: Result): Promise<void> {
    for await (const row of result) {
      this.#throwIfCancelled();
      if (!this.#onRecord(row)) {
        this.#paused = true;
        await new Promise<void>((wake) => this.#wake = wake);
        this.#throwIfCancelled();
      }
    }
  }
}

/**
 * Stops a record stream for good: the server discards what is left, so that the transaction can
 * roll back at once (a merely paused stream would hold it open).
 */
function discard(stream: RecordStream): void {
  stream.cancel();
  stream.resume();
}
