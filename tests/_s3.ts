/**
 * Test helpers around the S3 harness (scripts/s3_server.ts): a real SeaweedFS for a test file,
 * clients configured as the environment would configure them (never from the machine's own
 * `~/.aws` or variables), and seeded bytes.
 *
 * @module
 */

import { after, before } from "node:test";
import { createS3Client, type S3Client } from "../lib/storage/s3/client.ts";
import type { S3RetryInfo, S3RetryPolicy } from "../lib/storage/s3/retry.ts";
import { type S3Server, type S3ServerOptions, startS3Server } from "../scripts/s3_server.ts";
import { prng } from "../scripts/prng.ts";

export type { S3Server };

/** The server of a test file, set once `before` has run. */
export interface UsedS3Server {
  /** The running server (after `before`). */
  server: S3Server;
}

/**
 * Starts one SeaweedFS before the calling file's tests and stops it after them.
 *
 * @param options Identities (`auth`) and buckets.
 * @returns A holder whose `server` is set before the first test.
 */
export function useS3Server(options: S3ServerOptions = {}): UsedS3Server {
  const used = {} as UsedS3Server;
  before(async () => {
    used.server = await startS3Server(options);
  }, { timeout: 120_000 });
  after(async () => {
    await used.server?.stop();
  }, { timeout: 60_000 });
  return used;
}

/** Options of {@link s3Client}. */
export interface TestClientOptions {
  /** Another endpoint (a fault proxy in front of the server). */
  endpoint?: string;
  /** Other keys than the server's. */
  accessKeyId?: string;
  /** Another secret than the server's. */
  secretAccessKey?: string;
  /** The retry policy; fast retries for tests by default. */
  retry?: S3RetryPolicy;
}

/**
 * A client for a test server, configured through the variables a user would set
 * (`AWS_ENDPOINT_URL_S3`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`) and no files.
 *
 * @param server The server.
 * @param options Another endpoint, other keys, a retry policy.
 * @returns The client.
 */
export async function s3Client(
  server: S3Server,
  options: TestClientOptions = {},
): Promise<S3Client> {
  const vars: Record<string, string> = {
    AWS_ENDPOINT_URL_S3: options.endpoint ?? server.endpoint,
    AWS_ACCESS_KEY_ID: options.accessKeyId ?? server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.secretAccessKey ?? server.secretAccessKey,
  };
  return await createS3Client({
    sources: { env: (name) => vars[name], readText: () => Promise.resolve(undefined) },
    retry: options.retry ?? { firstDelayMs: 50, retryFor: 30_000 },
  });
}

/** A retry policy that records each retry; fast waits. */
export function recordingRetry(retryFor = 30_000): S3RetryPolicy & { seen: S3RetryInfo[] } {
  const seen: S3RetryInfo[] = [];
  return { firstDelayMs: 50, retryFor, onRetry: (info) => seen.push(info), seen };
}

/**
 * `size` pseudo-random bytes from a seed (the same seed, the same bytes).
 *
 * @param size Bytes.
 * @param seed The seed.
 * @returns The bytes.
 */
export function seededBytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const next = prng(seed);
  const words = new Uint32Array(Math.ceil(size / 4));
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(next() * 0x1_0000_0000);
  return new Uint8Array(words.buffer, 0, size);
}

/**
 * A stream of `bytes` in chunks of seeded, uneven sizes (up to `maxChunk`), as a gzip stream
 * would hand them on.
 *
 * @param bytes The bytes.
 * @param seed The seed of the chunk sizes.
 * @param maxChunk The largest chunk.
 * @param onChunk Called after each chunk is handed on, with the bytes handed on so far.
 * @returns The stream.
 */
export function chunked(
  bytes: Uint8Array,
  seed: number,
  maxChunk = 300_000,
  onChunk?: (sent: number) => void,
): ReadableStream<Uint8Array> {
  const next = prng(seed);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      const n = 1 + Math.floor(next() * maxChunk);
      controller.enqueue(bytes.slice(at, at + n));
      at = Math.min(bytes.length, at + n);
      onChunk?.(at);
    },
  }, { highWaterMark: 0 });
}

/**
 * Reads a whole stream.
 *
 * @param stream The bytes.
 * @returns Them, joined.
 */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
