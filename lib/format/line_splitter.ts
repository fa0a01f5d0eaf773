/**
 * Bytes -> newline-ended lines: hands on runs of complete lines where they lie in a chunk, and
 * keeps (copied) the start of a line that goes on in a later chunk, joining its parts once it
 * is complete. The user decides how long an unfinished line may grow.
 *
 * @module
 */

/** The byte that ends a line. */
export const NEWLINE = 0x0a;

/**
 * What a {@link LineSplitter} hands its lines to, synchronously and in order; `context` is what
 * the caller passed to {@link LineSplitter.push}.
 */
export interface LineHandler<C> {
  /** Reads the complete lines in `chunk[start, end)`, each ended by a newline. */
  lines(chunk: Uint8Array, start: number, end: number, context: C): void;
  /** Reads one complete line, joined from several chunks, given without its newline. */
  line(bytes: Uint8Array, context: C): void;
  /**
   * Throws when an unfinished line may not grow to `length` bytes by adding `bytes`; it is
   * called before the bytes are kept.
   */
  limit(length: number, bytes: Uint8Array): void;
}

/**
 * Splits chunks of bytes into lines for a {@link LineHandler}.
 *
 * @example Split lines that cross chunks
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineSplitter } from "./line_splitter.ts";
 * const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
 * const seen: string[] = [];
 * const splitter = new LineSplitter<string>({
 *   lines: (chunk, start, end, from) => seen.push(`${from}: ${text(chunk.subarray(start, end))}`),
 *   line: (bytes, from) => seen.push(`${from}: ${text(bytes)}`),
 *   limit: (length) => assert.ok(length <= 10),
 * });
 * const bytes = new TextEncoder().encode("a\nb\nlong\nend");
 * splitter.push(bytes.subarray(0, 6), "first");
 * splitter.push(bytes.subarray(6), "second");
 * assert.deepEqual(seen, ["first: a\nb\n", "second: long"]);
 * assert.equal(text(splitter.rest()!), "end");
 * ```
 */
export class LineSplitter<C> {
  #handler: LineHandler<C>;
  #carry: Uint8Array[] = [];
  #carryLength = 0;

  /**
   * Creates a splitter.
   *
   * @param handler Where the lines go, and how long an unfinished line may grow.
   */
  constructor(handler: LineHandler<C>) {
    this.#handler = handler;
  }

  /**
   * Hands on the lines that end in `chunk` and keeps the start of the one that does not.
   *
   * @param chunk The next bytes of the input.
   * @param context Passed on to the handler with each line.
   */
  push(chunk: Uint8Array, context: C): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (newline === -1) return this.#keep(chunk);
    if (this.#carryLength > 0) {
      // The line began in an earlier chunk: join its parts once, now that it is complete.
      this.#keep(chunk.subarray(0, newline));
      this.#handler.line(this.#take(), context);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (newline !== -1) {
      const end = chunk.lastIndexOf(NEWLINE) + 1;
      this.#handler.lines(chunk, start, end, context);
      start = end;
    }
    if (start < chunk.length) this.#keep(chunk.subarray(start));
  }

  /**
   * Takes the unfinished last line, at the end of the input.
   *
   * @returns The bytes after the last newline, or `undefined` when there are none.
   */
  rest(): Uint8Array | undefined {
    return this.#carryLength > 0 ? this.#take() : undefined;
  }

  /** Keeps the start of an unfinished line, copied: the producer may reuse its buffers. */
  #keep(bytes: Uint8Array): void {
    const length = this.#carryLength + bytes.length;
    this.#handler.limit(length, bytes);
    this.#carry.push(bytes.slice());
    this.#carryLength = length;
  }

  #take(): Uint8Array {
    const line = concat(this.#carry, this.#carryLength);
    this.#carry = [];
    this.#carryLength = 0;
    return line;
  }
}

/**
 * Joins byte arrays.
 *
 * @param parts The arrays, in order.
 * @param length The sum of their lengths.
 * @returns The only part itself when there is one, else a new array.
 */
export function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
