/**
 * The worker threads of `export --jobs N`, seen from the main thread: each has a driver of its
 * own (`export_worker.ts`) and reads one chunk at a time; a chunk goes to the first idle one.
 *
 * @module
 */

import { BackupError } from "../errors.ts";
import { startWorker, type WorkerThread } from "../runtime/workers.ts";
import type {
  ChunkRequest,
  ChunkTask,
  EncodedChunk,
  WorkerReply,
  WorkerRequest,
  WorkerSetup,
} from "./worker_protocol.ts";
import type { IdSet } from "../pipeline/id_set.ts";

interface Pending {
  resolve(chunk: EncodedChunk): void;
  reject(error: unknown): void;
}

interface Slot {
  thread: WorkerThread;
  busy?: number;
  closed?: () => void;
}

/**
 * A pool of export workers. {@link ChunkWorkers.read} rejects with an error that carries the
 * driver's `code`, so that the main thread retries it as it would its own.
 *
 * @example Read one chunk in a worker
 * ```ts ignore
 * import { ChunkWorkers } from "./chunk_workers.ts";
 * const workers = new ChunkWorkers(2, {
 *   type: "setup", database: "neo4j", fetchSize: 10_000, params: {},
 *   connection: { uri: "neo4j://localhost:7687", username: "neo4j", password: "secret" },
 * });
 * const chunk = await workers.read({ phase: "nodes", query: "...", from: 0, to: 19_999 });
 * console.log(chunk.records);
 * await workers.close();
 * ```
 */
export class ChunkWorkers {
  #slots: Slot[] = [];
  #queue: { request: ChunkRequest; pending: Pending }[] = [];
  #pending = new Map<number, Pending>();
  #next = 0;
  #failure?: unknown;

  /**
   * Starts the workers; they connect on their first chunk.
   *
   * @param count How many.
   * @param setup How they connect and what they read.
   */
  constructor(count: number, setup: WorkerSetup) {
    for (let i = 0; i < count; i++) {
      // A small young generation: a chunk's decoded rows are garbage once encoded, and with
      // V8's default each worker held some 50 MiB more of it; 2 MiB held less than 4 at 1M
      // nodes, no slower (docs/BENCHMARKS.md). No cap on the old generation: a worker that
      // reaches one hangs under Deno instead of failing, and a graph of large values needs it.
      const thread = startWorker(import.meta.url, "./export_worker.ts", { youngGenerationMb: 2 });
      const slot: Slot = { thread };
      slot.thread.onMessage((message) => this.#reply(slot, message as WorkerReply));
      slot.thread.onFailure((e) => this.#fail(e));
      slot.thread.post(setup satisfies WorkerRequest);
      this.#slots.push(slot);
    }
  }

  /**
   * Gives every worker the node ids written, for the relationship chunks that follow.
   *
   * @param written The nodes written.
   */
  shareWritten(written: IdSet): void {
    const message: WorkerRequest = { type: "written", pages: written.pages() };
    for (const slot of this.#slots) slot.thread.post(message);
  }

  /**
   * Reads a chunk in the first idle worker.
   *
   * @param task What to read.
   * @returns The chunk's lines and counts.
   */
  read(task: ChunkTask): Promise<EncodedChunk> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<EncodedChunk>((resolve, reject) => {
      const request: ChunkRequest = { type: "chunk", id: this.#next++, ...task };
      this.#queue.push({ request, pending: { resolve, reject } });
      this.#dispatch();
    });
  }

  /** Closes the workers' drivers, then stops the workers. */
  async close(): Promise<void> {
    if (this.#failure) return await this.terminate(this.#failure);
    await Promise.all(this.#slots.map((slot) =>
      new Promise<void>((resolve) => {
        // A worker stuck in a read is stopped anyway.
        const timer = setTimeout(resolve, 5_000);
        slot.closed = () => {
          clearTimeout(timer);
          resolve();
        };
        slot.thread.post({ type: "close" } satisfies WorkerRequest);
      })
    ));
    await this.terminate(new BackupError("The export's workers were closed"));
  }

  /**
   * Stops the workers at once: their connections drop, so the server ends their transactions.
   *
   * @param reason What the reads in flight reject with.
   */
  async terminate(reason: unknown): Promise<void> {
    this.#failure ??= reason;
    this.#rejectAll(reason);
    await Promise.all(this.#slots.map((slot) => slot.thread.terminate().catch(() => {})));
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.busy !== undefined || slot.closed) continue;
      const { request, pending } = this.#queue.shift()!;
      slot.busy = request.id;
      this.#pending.set(request.id, pending);
      slot.thread.post(request satisfies WorkerRequest);
    }
  }

  #reply(slot: Slot, reply: WorkerReply): void {
    if (reply.type === "closed") return slot.closed?.();
    slot.busy = undefined;
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if (reply.type === "chunk") pending?.resolve(reply);
    else {
      const { name, message, code } = reply.error;
      pending?.reject(Object.assign(new Error(message), { name, ...(code ? { code } : {}) }));
    }
    this.#dispatch();
  }

  #fail(error: unknown): void {
    this.#failure ??= new BackupError("An export worker thread failed", { cause: error });
    this.#rejectAll(this.#failure);
  }

  #rejectAll(reason: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(reason);
    for (const { pending } of this.#queue) pending.reject(reason);
    this.#pending.clear();
    this.#queue = [];
  }
}
