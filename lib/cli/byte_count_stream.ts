/**
 * Counting the bytes that flow through a pipe, for the summary.
 *
 * @module
 */

/**
 * Passes bytes through unchanged and counts them.
 *
 * @example Count bytes
 * ```ts
 * import assert from "node:assert/strict";
 * import { ByteCountStream } from "./byte_count_stream.ts";
 * const counter = new ByteCountStream();
 * await ReadableStream.from([new Uint8Array(3), new Uint8Array(4)])
 *   .pipeThrough(counter)
 *   .pipeTo(new WritableStream());
 * assert.equal(counter.bytes, 7);
 * ```
 */
export class ByteCountStream extends TransformStream<Uint8Array, Uint8Array> {
  #bytes = 0;

  /** Creates a counter at zero. */
  constructor() {
    super({
      transform: (chunk, controller) => {
        this.#bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }
}
