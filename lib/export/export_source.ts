/**
 * The bridge from an export to a web stream: the export starts on the first read, and pauses
 * while the stream's queue is full.
 *
 * @module
 */

import type { Driver } from "neo4j-driver";
import type { BodyRecord } from "../format/records.ts";
import type { EncodedBlock } from "./block_encoder.ts";
import type { ExportOptions } from "./export_options.ts";
import { ExportPump } from "./export_pump.ts";

/** Where {@link ExportSource} hands each record, and what it calls after the last one. */
export interface RecordSink {
  /** Takes a record, or a block of lines encoded in a worker. */
  write(record: BodyRecord | EncodedBlock): void;
  /** Called after the last record, with the warnings for the footer. */
  finish(warnings: string[]): void;
}

/**
 * The source of an export stream, which has a high-water mark of 0 so that creating it pulls
 * nothing: the export starts on the first pull. Its chunks (from the sink `open` makes) go into
 * the stream's queue up to half of `limit`, then wait here; at `limit` chunks in all, the export
 * pauses. The stream pulls only when its queue is empty: the waiting chunks then refill it, and
 * once none wait the export resumes, so that the queue is not empty while the server catches up.
 */
export class ExportSource<T> {
  #driver: Driver;
  #options: ExportOptions;
  #limit: number;
  #open: (enqueue: (chunk: T) => void) => RecordSink;
  #encoded: boolean;
  #pump?: ExportPump;
  #run?: Promise<void>;
  #waiting: T[] = [];
  #next = 0;
  #finished = false;
  #cancelled = false;

  /**
   * @param driver The source's driver.
   * @param options The export's options.
   * @param limit Chunks made and not yet read at which the export pauses.
   * @param open Makes the sink the records go to, given the stream's enqueue.
   * @param encoded Whether the chunks are read and encoded in worker threads.
   */
  constructor(
    driver: Driver,
    options: ExportOptions,
    limit: number,
    open: (enqueue: (chunk: T) => void) => RecordSink,
    encoded: boolean,
  ) {
    this.#encoded = encoded;
    this.#driver = driver;
    this.#options = options;
    this.#limit = limit;
    this.#open = open;
  }

  /**
   * Starts the export on the first pull; later, refills the queue and resumes the export.
   *
   * @param controller The stream's controller.
   */
  pull(controller: ReadableStreamDefaultController<T>): void {
    if (!this.#pump) return this.#start(controller);
    while (this.#next < this.#waiting.length && this.#hasRoom(controller)) {
      controller.enqueue(this.#waiting[this.#next++]);
    }
    if (this.#next < this.#waiting.length) return;
    this.#waiting = [];
    this.#next = 0;
    if (this.#finished) controller.close();
    else this.#pump.resume();
  }

  /**
   * Stops the export; resolves once its session is closed.
   *
   * @param reason Why.
   */
  async cancel(reason: unknown): Promise<void> {
    this.#cancelled = true;
    this.#waiting = [];
    this.#pump?.cancel(reason);
    await this.settled();
  }

  /**
   * Resolves once the export is over (and its session closed), however it ended.
   *
   * @returns Resolves, never rejects.
   */
  async settled(): Promise<void> {
    await this.#run?.catch(() => {});
  }

  #start(controller: ReadableStreamDefaultController<T>): void {
    const sink = this.#open((chunk) => this.#hand(controller, chunk));
    this.#pump = new ExportPump(this.#driver, this.#options, this.#encoded, (record) => {
      sink.write(record);
      return queued(controller) + this.#waiting.length - this.#next < this.#limit;
    });
    this.#run = this.#pump.run();
    this.#run.then(() => {
      if (this.#cancelled) return;
      sink.finish(this.#pump!.warnings);
      this.#finished = true;
      if (this.#next === this.#waiting.length) controller.close();
    }).catch((e) => controller.error(e)); // a no-op on a stream already cancelled
  }

  #hand(controller: ReadableStreamDefaultController<T>, chunk: T): void {
    if (this.#cancelled) return;
    if (this.#next === this.#waiting.length && this.#hasRoom(controller)) {
      controller.enqueue(chunk);
    } else this.#waiting.push(chunk);
  }

  #hasRoom(controller: ReadableStreamDefaultController<T>): boolean {
    return queued(controller) < Math.ceil(this.#limit / 2);
  }
}

/** Chunks in a stream's queue, for a stream of high-water mark 0 counting chunks. */
function queued(controller: ReadableStreamDefaultController<unknown>): number {
  return -(controller.desiredSize ?? 0);
}
