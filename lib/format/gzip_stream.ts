/**
 * Gzip with a chosen compression level, as a web `TransformStream` (`CompressionStream` has no
 * level: it is always 6). On an export's JSON Lines, level 5 writes 1 % more bytes than level 6
 * in two thirds of the time (docs/BENCHMARKS.md), so it is the default.
 *
 * @module
 */

import { createGzip, type Gzip } from "node:zlib";
import { UsageError } from "../errors.ts";

/** The compression level of a backup when none is given: fast, and 1 % larger than level 6. */
export const DEFAULT_COMPRESSION_LEVEL = 5;

/**
 * Compresses bytes into one gzip member (RFC 1952), which any gunzip and `DecompressionStream`
 * read.
 *
 * @example Compress and decompress a text
 * ```ts
 * import assert from "node:assert/strict";
 * import { GzipStream } from "./gzip_stream.ts";
 * const text = "hello\n".repeat(1000);
 * const gz = ReadableStream.from([new TextEncoder().encode(text)]).pipeThrough(new GzipStream(9));
 * const back = await new Response(gz.pipeThrough(new DecompressionStream("gzip"))).text();
 * assert.equal(back, text);
 * ```
 */
export class GzipStream extends TransformStream<Uint8Array, Uint8Array<ArrayBuffer>> {
  /**
   * Creates a compressor.
   *
   * @param level 1 (fastest) to 9 (smallest); {@link DEFAULT_COMPRESSION_LEVEL} when omitted.
   * @throws {UsageError} When the level is not a whole number from 1 to 9.
   */
  constructor(level: number = DEFAULT_COMPRESSION_LEVEL) {
    checkLevel(level);
    let gzip: Gzip;
    let failure: unknown;
    // `cancel` is in the Streams standard and in Deno and Node, but not yet in every TypeScript
    // lib (the npm build's tsc), hence the widened type instead of a literal passed directly.
    const transformer: TransformerOf<Uint8Array, Uint8Array<ArrayBuffer>> & {
      cancel?: (reason: unknown) => void;
    } = {
      start(controller) {
        gzip = createGzip({ level });
        // zlib hands out views of its own output buffers, never reused once handed out.
        gzip.on("data", (d: Uint8Array) => controller.enqueue(d as Uint8Array<ArrayBuffer>));
        gzip.on("error", (e) => failure ??= e);
      },
      transform(chunk) {
        if (failure) throw failure;
        return new Promise((resolve, reject) => {
          gzip.write(chunk, (e) => (e ? reject(e) : resolve()));
        });
      },
      flush() {
        if (failure) throw failure;
        return new Promise((resolve, reject) => {
          gzip.once("end", resolve);
          gzip.once("error", reject);
          gzip.end();
        });
      },
      cancel() {
        gzip.destroy();
      },
    };
    super(transformer);
  }
}

/** The `Transformer` type, taken from the constructor because not every lib names it globally. */
type TransformerOf<I, O> = NonNullable<ConstructorParameters<typeof TransformStream<I, O>>[0]>;

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new UsageError(
      `Invalid compression level '${level}': expected a whole number from 1 (fastest) to 9 (smallest)`,
    );
  }
}
