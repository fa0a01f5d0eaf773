/**
 * `convert --to parquet` and `--to admin-csv` in a worker thread whose heap is capped
 * ({@link WORKER_HEAP_MB}): the worker (`folder_worker.ts`) reads, decodes, filters and writes;
 * the main thread shows progress, and reads what the worker cannot (object storage). V8 grows a capped heap by a
 * smaller factor, so the conversion holds far less garbage: at 1M nodes and 5M relationships,
 * 203–236 MiB peak instead of 354–391 in the main thread (docs/BENCHMARKS.md).
 *
 * A capped heap has a price: a record larger than the cap allows cannot be decoded. The worker
 * refuses a line longer than {@link WORKER_LINE_BYTES} before decoding it. A worker that reaches
 * its cap all the same fails under Node; under Deno 2.9 it stops converting but lives on, with a
 * raised cap, which it reports itself. Both, and a worker silent for a minute, end in
 * {@link WorkerOutOfMemory}, after which the caller converts again without the cap.
 *
 * @module
 */

import { BackupError } from "../../errors.ts";
import { startWorker } from "../../runtime/workers.ts";
import type { ProgressEvent } from "../../pipeline/progress_event.ts";
import { type FolderJob, type FolderResult, type FromWorker, revivedError } from "./protocol.ts";

/** The worker's old generation: 512 MiB (the conversion's live heap stays under 50 MiB). */
export const WORKER_HEAP_MB = 512;

/**
 * The longest line the worker decodes: 64 MiB. Decoding holds a line about three times (its
 * text, its JSON, its values), which a 512 MiB heap holds with room for the tables' buffers.
 */
export const WORKER_LINE_BYTES = 64 * 1024 * 1024;

/**
 * The bytes of a chunk sent to the worker: 1 MiB. Each message between threads costs
 * milliseconds under Deno 2.9, so a few large ones beat many small ones.
 */
const CHUNK_BYTES = 1 << 20;

/** Reads up to about {@link CHUNK_BYTES} (one chunk more at most) as one buffer. */
async function readBatch(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<{ bytes?: Uint8Array<ArrayBuffer>; done: boolean }> {
  const parts: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < CHUNK_BYTES) {
    const read = await reader.read();
    if (read.done) {
      done = true;
      break;
    }
    parts.push(read.value);
    size += read.value.length;
  }
  if (size === 0) return { done };
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, done };
}

/** How long a silent worker is waited for before it is taken for one that ran out of memory. */
const SILENCE_MS = 60_000;

/** How often the silence is checked. */
const CHECK_MS = 5_000;

/** The worker could not finish within its capped heap; convert again without the cap. */
export class WorkerOutOfMemory extends Error {
  /** The line too long for the worker, when that was the reason. */
  readonly line?: number;

  /**
   * Creates the error.
   *
   * @param message What happened.
   * @param line The line too long for the worker, when that was the reason.
   */
  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
    this.name = "WorkerOutOfMemory";
  }
}

/** Options of {@link convertFolderInWorker}. */
export interface WorkerRunOptions {
  /** The backup's bytes, when the job's source is `messages` (read here, sent in chunks). */
  source?: ReadableStream<Uint8Array>;
  /** Receives the conversion's progress. */
  onProgress(event: ProgressEvent): void;
  /** Stops the conversion: the worker removes its files, and the promise rejects with the reason. */
  signal?: AbortSignal;
  /** The worker's old generation in MiB ({@link WORKER_HEAP_MB}). */
  heapMb?: number;
  /** How long a silent worker is waited for, in milliseconds (60 s). */
  silenceMs?: number;
}

/**
 * Converts a backup's bytes into a folder in a worker thread with a capped heap.
 *
 * @param job What to read, what to write, and where.
 * @param options Progress, the stop signal, the cap.
 * @returns What the worker wrote.
 * @throws {WorkerOutOfMemory} When the worker could not finish within its cap.
 * @throws {BackupError} The worker's own error (a damaged backup: {@link FormatError}), of the
 *   same class; the source's error when reading it failed; the signal's reason when stopped.
 *
 * @example Convert a file to Parquet
 * ```ts ignore
 * import { convertFolderInWorker, WORKER_LINE_BYTES } from "./folder_in_worker.ts";
 * const result = await convertFolderInWorker({
 *   source: { file: "backup.jsonl.gz" }, format: "parquet", folder: "/tmp/out",
 *   targetVersion: "5.26", compression: "zstd", maxLineBytes: WORKER_LINE_BYTES,
 * }, { onProgress: () => {} });
 * console.log(result.counts);
 * ```
 */
export function convertFolderInWorker(
  job: FolderJob,
  options: WorkerRunOptions,
): Promise<FolderResult> {
  if ("messages" in job.source !== (options.source !== undefined)) {
    throw new TypeError("A worker reading from messages needs a source, and only it");
  }
  const thread = startWorker(import.meta.url, "./folder_worker.ts", {
    youngGenerationMb: 16,
    oldGenerationMb: options.heapMb ?? WORKER_HEAP_MB,
    data: job,
  });
  const reader = options.source?.getReader();
  const silenceMs = options.silenceMs ?? SILENCE_MS;
  const signal = options.signal;
  return new Promise<FolderResult>((resolve, reject) => {
    let settled = false;
    let stopReason: unknown;
    let heard = Date.now();
    let checked = heard;
    const settle = (error: unknown, result?: FolderResult) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      signal?.removeEventListener("abort", onAbort);
      if (error !== undefined) reader?.cancel(error).catch(() => {});
      reader?.releaseLock();
      // Not awaited: under Deno a worker that reached its cap never ends.
      thread.terminate().catch(() => {});
      if (error === undefined) resolve(result!);
      else reject(error);
    };
    const stop = (reason: unknown) => {
      stopReason ??= reason;
      thread.post({ type: "stop" });
    };
    const onAbort = () => stop(signal!.reason);
    const feed = async () => {
      try {
        const { bytes, done } = await readBatch(reader!);
        if (stopReason !== undefined || settled) return;
        if (bytes) thread.post({ type: "chunk", bytes }, [bytes.buffer]);
        else if (done) thread.post({ type: "end" });
      } catch (e) {
        stop(e);
      }
    };
    const watchdog = setInterval(() => {
      const now = Date.now();
      // A check far later than due means the whole process was paused: start counting again.
      if (now - checked > 3 * CHECK_MS) heard = now;
      checked = now;
      if (now - heard > silenceMs) {
        settle(
          stopReason ??
            new WorkerOutOfMemory(
              `The conversion's worker stopped answering for ${silenceMs / 1000} s`,
            ),
        );
      }
    }, Math.min(CHECK_MS, silenceMs));
    thread.onMessage((data) => {
      heard = Date.now();
      const message = data as FromWorker;
      switch (message.type) {
        case "pull":
          return void feed();
        case "tick":
          return;
        case "out of memory":
          return settle(
            stopReason ?? new WorkerOutOfMemory("The conversion's worker ran out of memory"),
          );
        case "progress":
          return options.onProgress(message.event);
        case "done":
          return settle(undefined, message.result);
        case "failed":
          return settle(stopReason ?? revivedError(message.error));
        case "line too long":
          return settle(
            stopReason ??
              new WorkerOutOfMemory(
                `Line ${message.line} is longer than the worker decodes`,
                message.line,
              ),
          );
      }
    });
    thread.onFailure((e) => {
      const code = (e as { code?: unknown }).code;
      settle(
        stopReason ??
          (code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new WorkerOutOfMemory("The conversion's worker ran out of memory")
            : new BackupError("The conversion's worker thread failed", { cause: e })),
      );
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
