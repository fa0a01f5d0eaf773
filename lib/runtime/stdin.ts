/**
 * Standard input as a web stream.
 *
 * @module
 */

import process from "node:process";
import { Readable } from "node:stream";

/**
 * Returns standard input as a stream of bytes, read on demand.
 *
 * @returns The bytes of stdin.
 *
 * @example Count the bytes piped in
 * ```ts ignore
 * import { stdin } from "./stdin.ts";
 * let n = 0;
 * for await (const chunk of stdin()) n += chunk.length;
 * console.log(n);
 * ```
 */
export function stdin(): ReadableStream<Uint8Array> {
  return Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>;
}
