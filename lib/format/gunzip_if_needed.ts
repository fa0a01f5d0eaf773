/**
 * Detects a gzip-compressed input by its magic bytes and decompresses it, so that a reader takes
 * a backup file as it is, compressed or not.
 *
 * @module
 */

import { BackupError, FormatError } from "../errors.ts";
import { concat } from "./line_splitter.ts";

/**
 * The most bytes handed on at once. The decompressor gives chunks of up to about 600 KiB, about
 * 4,000 records, which a decoder would parse in one go and hold in its queue while a slow reader
 * (an import, a Parquet writer) takes them one by one: held that long, they outlive the young
 * generation's collections and are promoted, and V8 lets such garbage grow to several times the
 * data alive before it collects it. Slices of 64 KiB keep a few hundred records in flight.
 */
const MAX_SLICE = 64 * 1024;

/**
 * The input as it is, or decompressed when it starts with the gzip magic bytes `1f 8b`, in
 * slices of at most 64 KiB. A damaged or truncated gzip stream becomes a {@link FormatError};
 * an error of the input itself passes as it is.
 *
 * @param input The bytes of a file.
 * @returns The uncompressed bytes.
 */
export function gunzipIfNeeded(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const source = input.getReader();
  let inputFailed = false;
  let gzip = false;
  let output: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let rest: Uint8Array | undefined;
  const read = async () => {
    try {
      return await source.read();
    } catch (e) {
      inputFailed = true; // the input's own error, not the decompressor's: pass it on as it is
      throw e;
    }
  };
  return new ReadableStream<Uint8Array>({
    async start() {
      const head: Uint8Array[] = [];
      let length = 0;
      let done = false;
      while (length < 2 && !done) {
        const result = await read();
        if (result.done) done = true;
        else if (result.value.length > 0) {
          head.push(result.value);
          length += result.value.length;
        }
      }
      const first = concat(head, length);
      gzip = length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
      // Typed as ArrayBuffer-backed for DecompressionStream; byte streams never carry shared memory.
      const raw = new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(controller) {
          if (length > 0) controller.enqueue(first as Uint8Array<ArrayBuffer>);
          if (done) controller.close();
        },
        async pull(controller) {
          const result = await read();
          if (result.done) controller.close();
          else controller.enqueue(result.value as Uint8Array<ArrayBuffer>);
        },
        cancel: (reason) => source.cancel(reason),
      }, { highWaterMark: 0 });
      output = (gzip ? raw.pipeThrough(new DecompressionStream("gzip")) : raw).getReader();
    },
    async pull(controller) {
      try {
        let chunk = rest;
        rest = undefined;
        if (chunk === undefined) {
          const result = await output!.read();
          if (result.done) return controller.close();
          chunk = result.value;
        }
        if (chunk.length > MAX_SLICE) {
          rest = chunk.subarray(MAX_SLICE);
          chunk = chunk.subarray(0, MAX_SLICE);
        }
        controller.enqueue(chunk);
      } catch (e) {
        if (!gzip || inputFailed || e instanceof BackupError) throw e;
        throw new FormatError(
          "Backup is truncated or corrupt: the gzip stream ended early or is damaged; " +
            "the file was cut short or changed after it was written",
          { cause: e },
        );
      }
    },
    cancel: (reason) => (output ?? source).cancel(reason),
  }, { highWaterMark: 0 });
}
