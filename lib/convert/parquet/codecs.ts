/**
 * The compression codecs of `convert --to parquet`: Snappy (hyparquet-writer's own, pure
 * JavaScript), gzip and zstd (the runtime's `node:zlib`; zstd needs Deno, or Node 22.15 or later),
 * or none.
 *
 * @module
 */

import zlib from "node:zlib";
import type { CompressionCodec } from "hyparquet";

/** Compressors by codec, as hyparquet-writer takes them. */
export type Compressors = Partial<Record<CompressionCodec, (input: Uint8Array) => Uint8Array>>;

/** The `--compression` values. */
export const COMPRESSIONS = ["zstd", "snappy", "gzip", "none"] as const;

/** A `--compression` value. */
export type Compression = typeof COMPRESSIONS[number];

type ZstdZlib = {
  zstdCompressSync?: (input: Uint8Array) => Uint8Array;
  zstdDecompressSync?: (input: Uint8Array) => Uint8Array;
};

const zstd = zlib as unknown as ZstdZlib;

/**
 * Whether the runtime compresses zstd (Deno does; Node from 22.15 and 23.8).
 *
 * @returns `true` when `node:zlib` has zstd.
 *
 * @example
 * ```ts
 * import { hasZstd } from "./codecs.ts";
 * console.log(hasZstd() ? "zstd by default" : "snappy by default");
 * ```
 */
export function hasZstd(): boolean {
  return typeof zstd.zstdCompressSync === "function" &&
    typeof zstd.zstdDecompressSync === "function";
}

/**
 * The compression used when `--compression` is not given: zstd where the runtime has it,
 * Snappy otherwise.
 *
 * @returns The default.
 */
export function defaultCompression(): Compression {
  return hasZstd() ? "zstd" : "snappy";
}

/**
 * The Parquet codec of a `--compression` value.
 *
 * @param compression The value.
 * @returns The codec as the Parquet footer names it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parquetCodec } from "./codecs.ts";
 * assert.equal(parquetCodec("none"), "UNCOMPRESSED");
 * assert.equal(parquetCodec("zstd"), "ZSTD");
 * ```
 */
export function parquetCodec(compression: Compression): CompressionCodec {
  return compression === "none" ? "UNCOMPRESSED" : compression.toUpperCase() as CompressionCodec;
}

/**
 * The compressors hyparquet-writer is given (it has Snappy itself).
 *
 * @returns gzip, and zstd where the runtime has it.
 */
export function compressors(): Compressors {
  const out: Compressors = { GZIP: (input) => new Uint8Array(zlib.gzipSync(input)) };
  if (hasZstd()) out.ZSTD = (input) => new Uint8Array(zstd.zstdCompressSync!(input));
  return out;
}

/**
 * The decompressors hyparquet (the reader) is given to read back a file this tool wrote.
 *
 * @returns gzip, and zstd where the runtime has it.
 */
export function decompressors(): Record<string, (input: Uint8Array, length: number) => Uint8Array> {
  const out: Record<string, (input: Uint8Array, length: number) => Uint8Array> = {
    GZIP: (input) => new Uint8Array(zlib.gunzipSync(input)),
  };
  if (hasZstd()) out.ZSTD = (input) => new Uint8Array(zstd.zstdDecompressSync!(input));
  return out;
}
