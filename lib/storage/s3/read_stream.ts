/**
 * Reading an object as a stream that survives lost connections: one GET streams the object, and
 * when its connection is lost (or stalls) a ranged GET continues from the byte reached, with
 * `If-Match` on the first answer's ETag so that an object replaced meanwhile is refused rather
 * than spliced. A body that ends short of the object's size counts as a lost connection.
 *
 * @module
 */

import { ConnectionError, errorMessage } from "../../errors.ts";
import { createS3Client, type S3Client, type S3ClientOptions } from "./client.ts";
import { getObject, type S3ObjectInfo } from "./operations.ts";
import { redact } from "./s3_errors.ts";
import { abortReason, DEFAULT_S3_RETRY_FOR_MS, retryDelay, wait } from "./retry.ts";
import { formatS3Url, type S3Location, toS3Location } from "./url.ts";

/** Options of {@link s3ReadableStream}. */
export interface S3ReadOptions extends S3ClientOptions {
  /** The client; one is made from the other options when omitted. */
  client?: S3Client;
  /** Stops the download. */
  signal?: AbortSignal;
  /** The first byte to read (default 0). */
  start?: number;
  /** A connection that brings no byte for this long is dropped and resumed (default 60 s). */
  idleTimeoutMs?: number;
  /** Told what the object is once the first answer arrives (size, ETag). */
  onInfo?: (info: S3ObjectInfo) => void;
}

/** The default of {@link S3ReadOptions.idleTimeoutMs}. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * Opens a stream of an object's bytes. The first request is made before this resolves, so a
 * missing bucket or object, or refused credentials, fail here.
 *
 * @param target `s3://bucket/key` or a location.
 * @param options The client or its settings, the signal, where to start.
 * @returns The bytes from `start` to the end.
 * @throws {FileError} When the bucket or object does not exist.
 * @throws {AuthenticationError} When the credentials are refused.
 * @throws {ConnectionError} When the service cannot be reached for the retry time.
 *
 * @example Read an object
 * ```ts ignore
 * import { s3ReadableStream } from "./read_stream.ts";
 * const bytes = await s3ReadableStream("s3://backups/neo4j.jsonl.gz");
 * for await (const chunk of bytes) console.log(chunk.length);
 * ```
 */
export async function s3ReadableStream(
  target: string | S3Location,
  options: S3ReadOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const location = toS3Location(target);
  const client = options.client ?? await createS3Client(options);
  const reader = new ResumingReader(client, location, options);
  await reader.open(options.start ?? 0);
  return new ReadableStream<Uint8Array>({
    pull: (controller) => reader.pull(controller),
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

/** One object being read: where it is, and the connection bringing its bytes. */
class ResumingReader {
  readonly #client: S3Client;
  readonly #location: S3Location;
  readonly #options: S3ReadOptions;
  #position = 0;
  #info: S3ObjectInfo | undefined;
  #body: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #request: AbortController | undefined;
  #unlink: (() => void) | undefined;
  /** Bytes the server sent again because it ignored the range (answered 200). */
  #skip = 0;

  constructor(client: S3Client, location: S3Location, options: S3ReadOptions) {
    this.#client = client;
    this.#location = location;
    this.#options = options;
  }

  /** Makes a GET from `position`; the first one learns the object's size and ETag. */
  async open(position: number): Promise<void> {
    const request = this.#linked();
    const { response, info, start } = await getObject(this.#client, this.#location, position, {
      ifMatch: this.#info?.etag || undefined,
      signal: request.signal,
    });
    if (!this.#info) {
      this.#info = info;
      this.#options.onInfo?.(info);
    }
    this.#position = position;
    this.#skip = position - start;
    this.#body = response.body.getReader();
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    const retryFor = this.#client.retry.retryFor ?? DEFAULT_S3_RETRY_FOR_MS;
    let deadline = Date.now() + retryFor;
    for (let attempt = 0;; attempt++) {
      let lost: unknown;
      try {
        const chunk = await this.#read();
        if (chunk === undefined) {
          if (this.#position >= this.#info!.size) {
            this.#unlink?.();
            controller.close();
            return;
          }
          throw new Error(
            `the connection ended at byte ${this.#position} of ${this.#info!.size}`,
          );
        }
        if (chunk.length > 0) {
          controller.enqueue(chunk);
          return;
        }
        attempt = -1;
        deadline = Date.now() + retryFor;
        continue;
      } catch (e) {
        if (this.#options.signal?.aborted) throw abortReason(this.#options.signal);
        lost = e;
      }
      await this.#resume(lost, attempt, deadline);
    }
  }

  /** A controller for the next request that the caller's signal aborts too. */
  #linked(): AbortController {
    this.#unlink?.();
    const request = new AbortController();
    this.#request = request;
    const outer = this.#options.signal;
    if (outer) {
      const abort = () => request.abort(outer.reason);
      if (outer.aborted) abort();
      outer.addEventListener("abort", abort, { once: true });
      this.#unlink = () => outer.removeEventListener("abort", abort);
    }
    return request;
  }

  /** The next bytes past the position (after skipping bytes sent again), undefined at the end. */
  async #read(): Promise<Uint8Array | undefined> {
    if (!this.#body) return undefined;
    const idle = this.#options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const request = this.#request;
    const timer = setTimeout(
      () => request?.abort(new Error(`no byte arrived for ${idle / 1000} s`)),
      idle,
    );
    try {
      const { done, value } = await this.#body.read();
      if (done) return undefined;
      let bytes = value;
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, bytes.length);
        this.#skip -= n;
        bytes = bytes.subarray(n);
      }
      this.#position += bytes.length;
      return bytes;
    } finally {
      clearTimeout(timer);
    }
  }

  /** After a lost connection: waits, then reopens from the position, or gives up. */
  async #resume(lost: unknown, attempt: number, deadline: number): Promise<void> {
    this.#request?.abort();
    this.#body = undefined;
    const delayMs = retryDelay(attempt + 1, this.#client.retry.firstDelayMs ?? 500);
    const secrets = this.#client.config.credentials?.secrets() ?? [];
    const reason = redact(errorMessage(lost), secrets);
    const url = formatS3Url(this.#location);
    if (Date.now() + delayMs > deadline) {
      throw new ConnectionError(
        `Cannot read '${url}': the connection was lost at byte ${this.#position} and could not be resumed (${reason}); check the network and try again`,
        { cause: lost },
      );
    }
    this.#client.retry.onRetry?.({
      action: `reading ${url} from byte ${this.#position}`,
      reason,
      attempt: attempt + 1,
      delayMs,
    });
    await wait(delayMs, this.#options.signal);
    if (this.#position >= this.#info!.size) return;
    // A failure to reopen (the object replaced, credentials revoked) ends the stream with it.
    await this.open(this.#position);
  }

  async cancel(reason: unknown): Promise<void> {
    this.#unlink?.();
    this.#request?.abort(reason);
    await this.#body?.cancel(reason).catch(() => {});
    this.#body = undefined;
  }
}
