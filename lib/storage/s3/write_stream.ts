/**
 * Writing an object as a stream: a multipart upload with bounded memory (one part filling and
 * at most a few in flight), each part retried by the client, and the object appearing only when
 * the stream closes. A stream that errors or is aborted aborts its multipart upload, so nothing
 * is left behind: no object, no parts. A body smaller than one part goes up in one PUT on close.
 *
 * @module
 */

import { RefusedError } from "../../errors.ts";
import { createS3Client, S3Client, type S3ClientOptions } from "./client.ts";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  headObject,
  putObject,
  type S3Part,
  uploadPart,
} from "./operations.ts";
import { formatS3Url, type S3Location, toS3Location } from "./url.ts";

/** The default part size: 8 MiB. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** S3's smallest part (every part but the last): 5 MiB. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** Parts sent at the same time, by default. */
export const DEFAULT_PARTS_IN_FLIGHT = 2;
/** S3's largest part number. */
const MAX_PARTS = 10_000;
/** How long aborting an upload is retried. */
const CLEANUP_RETRY_MS = 20_000;
/** Parts between two doublings of the part size (see {@link partSizeFor}). */
const PARTS_PER_SIZE = 2_000;

/** Options of {@link s3WritableStream}. */
export interface S3WriteOptions extends S3ClientOptions {
  /** The client; one is made from the other options when omitted. */
  client?: S3Client;
  /** Replace an existing object (`--force`); without it an existing object is refused. */
  force?: boolean;
  /** Bytes per part, at least 5 MiB (default 8 MiB). */
  partSize?: number;
  /** Parts sent at the same time, 1 or more (default 2). */
  partsInFlight?: number;
  /** Aborts the upload (Ctrl-C): nothing is left. */
  signal?: AbortSignal;
  /** Called once the object is complete. */
  onComplete?: (done: { size: number; parts: number }) => void;
}

/**
 * The size of part `n`: the base size for the first 2,000 parts, then twice that for the next
 * 2,000, and so on, so that 10,000 parts of an 8 MiB base hold about 500 GB while memory stays
 * at the base size for backups under 16 GB.
 *
 * @param partNumber From 1.
 * @param base The first parts' size.
 * @returns Bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partSizeFor } from "./write_stream.ts";
 * assert.equal(partSizeFor(1, 8), 8);
 * assert.equal(partSizeFor(2000, 8), 8);
 * assert.equal(partSizeFor(2001, 8), 16);
 * ```
 */
export function partSizeFor(partNumber: number, base: number): number {
  return base * 2 ** Math.floor((partNumber - 1) / PARTS_PER_SIZE);
}

/**
 * Refuses to go on when the object exists, unless `force`: the check an export makes before it
 * starts reading the database, and again just before the object is made.
 *
 * @param client The client.
 * @param location The object.
 * @param force Whether replacing is allowed.
 * @param signal Stops the request.
 * @throws {RefusedError} When the object exists and `force` is not set.
 */
export async function checkS3Overwrite(
  client: S3Client,
  location: S3Location,
  force: boolean,
  signal?: AbortSignal,
): Promise<void> {
  if (force) return;
  if (await headObject(client, location, signal)) {
    throw new RefusedError(
      `Object '${
        formatS3Url(location)
      }' already exists; pass --force to replace it, or choose another key with -o`,
    );
  }
}

/**
 * Opens a stream that writes an object. The object appears when the stream closes, whole; when
 * the stream errors or is aborted (or `signal` fires) the multipart upload is aborted and no
 * object appears. Memory: at most `partsInFlight + 1` parts.
 *
 * @param target `s3://bucket/key` or a location.
 * @param options The client or its settings, `force`, part size and parallelism, signal.
 * @returns The stream (after the overwrite check).
 * @throws {RefusedError} When the object exists and `force` is not set.
 * @throws {UsageError} On a bad URL or configuration.
 *
 * @example Write an object
 * ```ts ignore
 * import { s3WritableStream } from "./write_stream.ts";
 * const out = await s3WritableStream("s3://backups/neo4j.jsonl.gz", { force: true });
 * await ReadableStream.from([new TextEncoder().encode("hello\n")]).pipeTo(out);
 * ```
 */
export async function s3WritableStream(
  target: string | S3Location,
  options: S3WriteOptions = {},
): Promise<WritableStream<Uint8Array>> {
  const location = toS3Location(target);
  const client = options.client ?? await createS3Client(options);
  const partSize = options.partSize ?? DEFAULT_PART_SIZE;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
    throw new RangeError(
      `The part size must be a whole number of bytes, at least ${MIN_PART_SIZE}`,
    );
  }
  await checkS3Overwrite(client, location, options.force ?? false, options.signal);
  const upload = new MultipartUpload(client, location, {
    ...options,
    partSize,
    partsInFlight: Math.max(1, options.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT),
  });
  return new WritableStream<Uint8Array>({
    write: (chunk) => upload.write(chunk),
    close: () => upload.close(),
    abort: (reason) => upload.abort(reason),
  });
}

/** The state of one upload. */
class MultipartUpload {
  readonly #client: S3Client;
  readonly #location: S3Location;
  readonly #options: S3WriteOptions & { partSize: number; partsInFlight: number };
  /** Stops requests in flight when a part fails, the stream is aborted, or `signal` fires. */
  readonly #stop = new AbortController();
  #buffer: Uint8Array<ArrayBuffer>;
  #filled = 0;
  #size = 0;
  #partNumber = 0;
  #uploadId: Promise<string> | undefined;
  readonly #parts: S3Part[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #free: Uint8Array<ArrayBuffer>[] = [];
  #failure: unknown;
  #completed = false;
  #cleaning: Promise<void> | undefined;

  constructor(
    client: S3Client,
    location: S3Location,
    options: S3WriteOptions & { partSize: number; partsInFlight: number },
  ) {
    this.#client = client;
    this.#location = location;
    this.#options = options;
    this.#buffer = new Uint8Array(options.partSize);
    const signal = options.signal;
    if (signal) {
      // Cleaned up at once: the source may be stuck and never write again.
      const stop = () => void this.#cleanUp(signal.reason);
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    try {
      this.#throwIfFailed();
      let at = 0;
      while (at < chunk.length) {
        const n = Math.min(chunk.length - at, this.#buffer.length - this.#filled);
        this.#buffer.set(chunk.subarray(at, at + n), this.#filled);
        this.#filled += n;
        this.#size += n;
        at += n;
        if (this.#filled === this.#buffer.length) await this.#sendPart();
      }
    } catch (e) {
      await this.#cleanUp(e);
      throw e;
    }
  }

  async close(): Promise<void> {
    const signal = this.#stop.signal;
    try {
      this.#throwIfFailed();
      if (this.#uploadId === undefined) {
        await this.#checkStillAbsent();
        await putObject(
          this.#client,
          this.#location,
          this.#buffer.subarray(0, this.#filled),
          signal,
        );
      } else {
        if (this.#filled > 0) await this.#sendPart();
        await Promise.all(this.#inFlight);
        this.#throwIfFailed();
        await this.#checkStillAbsent();
        const parts = this.#parts.filter((p) => p !== undefined);
        await completeMultipartUpload(
          this.#client,
          this.#location,
          await this.#uploadId,
          parts,
          this.#size,
          signal,
        );
      }
      this.#completed = true;
      this.#options.onComplete?.({ size: this.#size, parts: Math.max(1, this.#partNumber) });
    } catch (e) {
      await this.#cleanUp(e);
      throw this.#failure ?? e;
    }
  }

  async abort(reason: unknown): Promise<void> {
    await this.#cleanUp(reason);
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #fail(error: unknown): void {
    this.#failure ??= error;
    if (!this.#stop.signal.aborted) this.#stop.abort(error);
  }

  /** Checks again that no object appeared at the key while the upload ran (unless `force`). */
  async #checkStillAbsent(): Promise<void> {
    if (this.#options.force) return;
    await checkS3Overwrite(this.#client, this.#location, false, this.#stop.signal);
  }

  /** Sends the full buffer as the next part, waiting first while too many are in flight. */
  async #sendPart(): Promise<void> {
    const full = this.#buffer;
    const body = full.subarray(0, this.#filled);
    const partNumber = ++this.#partNumber;
    if (partNumber > MAX_PARTS) {
      throw new RangeError(`The object is too large for ${MAX_PARTS} parts`);
    }
    while (this.#inFlight.size >= this.#options.partsInFlight) {
      await Promise.race(this.#inFlight);
    }
    this.#buffer = this.#takeBuffer(partSizeFor(partNumber + 1, this.#options.partSize));
    this.#filled = 0;
    this.#throwIfFailed();
    const signal = this.#stop.signal;
    this.#uploadId ??= createMultipartUpload(this.#client, this.#location, signal);
    const uploadId = await this.#uploadId;
    const sending = uploadPart(this.#client, this.#location, uploadId, partNumber, body, signal)
      .then((etag) => {
        this.#parts[partNumber - 1] = { partNumber, etag };
        this.#free.push(full);
      }, (e) => this.#fail(e))
      .finally(() => this.#inFlight.delete(sending));
    this.#inFlight.add(sending);
  }

  /**
   * A part buffer: one whose part was sent, or a new one. Reusing them keeps the memory at a
   * few parts: buffers left to the garbage collector pile up far beyond that before it runs.
   */
  #takeBuffer(size: number): Uint8Array<ArrayBuffer> {
    const reused = this.#free.pop();
    return reused?.length === size ? reused : new Uint8Array(size);
  }

  /** After a failure or an abort: stops the parts in flight and aborts the upload, once. */
  #cleanUp(reason: unknown): Promise<void> {
    if (this.#completed) return Promise.resolve();
    this.#cleaning ??= this.#abortUpload(reason);
    return this.#cleaning;
  }

  async #abortUpload(reason: unknown): Promise<void> {
    this.#fail(reason);
    await Promise.allSettled(this.#inFlight);
    if (this.#uploadId === undefined) return;
    try {
      const uploadId = await this.#uploadId;
      // Retried briefly: a service that stays unreachable should not hold the exit for minutes.
      const client = new S3Client(this.#client.config, {
        ...this.#client.retry,
        retryFor: Math.min(this.#client.retry.retryFor ?? CLEANUP_RETRY_MS, CLEANUP_RETRY_MS),
      });
      await abortMultipartUpload(client, this.#location, uploadId);
    } catch {
      // The upload was never created, or cannot be aborted now; the first error is what counts.
    }
  }
}
