/**
 * The worker thread of `convert --to parquet` and `--to admin-csv`: it reads the backup (a
 * file or stdin itself, object storage as chunks the main thread sends when asked), decodes and
 * filters the records, counts them for progress and writes the folder. The whole conversion's heap lives here, in a worker whose old
 * generation is capped (`folder_in_worker.ts`), and V8 grows a capped heap by a smaller factor:
 * the garbage it holds between collections stays small.
 *
 * Started by `folder_in_worker.ts`; it runs {@link convertFolder} when it is a worker thread.
 *
 * @module
 */

import { getHeapStatistics } from "node:v8";
import { isLineTooLong } from "../../format/record_readers.ts";
import { decodeBackup } from "../../format/decoder_stream.ts";
import { FilterStream } from "../../pipeline/filter_stream.ts";
import { parentThread } from "../../runtime/workers.ts";
import { openRead } from "../../storage/files.ts";
import { stdin } from "../../storage/stdio.ts";
import { writeAdminCsv } from "../admin_csv.ts";
import { LossReport } from "../loss_report.ts";
import { writeParquet } from "../parquet/parquet.ts";
import { RecordProgressStream } from "../record_progress.ts";
import { type FolderJob, type FromWorker, plainError, type ToWorker } from "./protocol.ts";

/** A link to the main thread. */
interface Port {
  post(message: FromWorker): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** How often the worker says it is alive and within its heap (the main thread's watchdog). */
const TICK_MS = 2_000;

/** The least time between two progress messages. */
const PROGRESS_MS = 200;

/** Chunks asked for ahead of the decoder, when the main thread sends them. */
const AHEAD = 4;

/**
 * Converts the backup of `job` into its folder, then says `done` (or
 * `failed`, or `line too long`).
 *
 * @param port The link to the main thread.
 * @param job What to write.
 * @returns Resolves when the last message is sent.
 *
 * @example Convert in a worker thread (what this module does when it is one)
 * ```ts ignore
 * import { parentThread } from "../../runtime/workers.ts";
 * import { convertFolder } from "./folder_worker.ts";
 * const parent = parentThread()!;
 * await convertFolder(parent, parent.data as FolderJob);
 * ```
 */
export async function convertFolder(port: Port, job: FolderJob): Promise<void> {
  // Under Deno 2.9 a worker that reaches its heap cap is not ended: V8 raises the cap, the
  // conversion's code stops for good, and timers still run. A raised cap is how it shows.
  const cap = getHeapStatistics().heap_size_limit;
  const tick = setInterval(() => {
    if (getHeapStatistics().heap_size_limit <= cap) return port.post({ type: "tick" });
    clearInterval(tick);
    port.post({ type: "out of memory" });
  }, TICK_MS);
  const stop = new AbortController();
  let received: ((message: ToWorker) => void) | undefined;
  port.onMessage((data) => {
    const message = data as ToWorker;
    if (message.type === "stop") stop.abort(new Error("Stopped by the main thread"));
    else received?.(message);
  });
  try {
    const bytes = "file" in job.source
      ? await openRead(job.source.file)
      : "stdin" in job.source
      ? stdin()
      : new ReadableStream<Uint8Array>({
        pull(controller) {
          return new Promise<void>((resolve) => {
            received = (message) => {
              received = undefined;
              if (message.type === "chunk") controller.enqueue(message.bytes);
              else controller.close();
              resolve();
            };
            port.post({ type: "pull" });
          });
        },
      }, new CountQueuingStrategy({ highWaterMark: AHEAD }));
    const input = decodeBackup(bytes, { integrity: true, maxLineBytes: job.maxLineBytes });
    const filter = job.filter ? new FilterStream(job.filter) : undefined;
    let posted = 0;
    const counter = new RecordProgressStream((event) => {
      // Each message costs the main thread about a millisecond under Deno 2.9: a few per second.
      const now = Date.now();
      if (event.type === "advance" && now - posted < PROGRESS_MS) return;
      posted = now;
      port.post({ type: "progress", event });
    });
    const records = filter
      ? input.pipeThrough(filter, { signal: stop.signal }).pipeThrough(counter)
      : input.pipeThrough(counter, { signal: stop.signal });
    const loss = new LossReport();
    const { folder } = job;
    const written = job.format === "parquet"
      ? await writeParquet(records, {
        folder,
        loss,
        compression: job.compression,
        ...(job.rowGroupRows === undefined ? {} : { rowGroupRows: job.rowGroupRows }),
      })
      : await writeAdminCsv(records, { folder, targetVersion: job.targetVersion, loss });
    const { nodes, relationships, schema } = counter.counts;
    port.post({
      type: "done",
      result: {
        bytes: written.bytes,
        counts: { nodes, relationships, schema },
        losses: loss.entries(),
        ...(filter ? { filtered: filter.summary } : {}),
      },
    });
  } catch (e) {
    const line = isLineTooLong(e);
    port.post(
      line === undefined ? { type: "failed", error: plainError(e) } : {
        type: "line too long",
        line,
      },
    );
  } finally {
    clearInterval(tick);
  }
}

const parent = parentThread();
if (parent) await convertFolder(parent, parent.data as FolderJob);
