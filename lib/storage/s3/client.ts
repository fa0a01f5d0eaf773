/**
 * A small S3 client over `node:http`: signed requests (SigV4), retried with backoff on a lost
 * connection, a 5xx, a 429 or `SlowDown`, and failures turned into the tool's error family.
 * The object operations built on it live in `operations.ts`.
 *
 * @module
 */

import { resolveS3Config, type S3Config, type S3ConfigSources, type S3Settings } from "./config.ts";
import {
  connectionError,
  isRetriable,
  parseS3Failure,
  redact,
  s3Error,
  type S3ErrorContext,
  type S3Failure,
} from "./s3_errors.ts";
import { canonicalQuery, EMPTY_SHA256, sha256Hex, signV4, uriEncode } from "./sigv4.ts";
import {
  abortReason,
  DEFAULT_S3_RETRY_FOR_MS,
  retryDelay,
  type S3RetryPolicy,
  wait,
} from "./retry.ts";
import { formatS3Url, type S3Location } from "./url.ts";
import { errorMessage } from "../../errors.ts";
import { type HttpAnswer, sendHttp } from "./http.ts";

/** One request. */
export interface S3Request {
  /** `GET`, `PUT`, `POST`, `HEAD`, `DELETE`. */
  method: string;
  /** The bucket, and the key (`""` for a request on the bucket). */
  location: S3Location;
  /** Query parameters (sorted and encoded when sent). */
  query?: Record<string, string>;
  /** Headers to send and sign. */
  headers?: Record<string, string>;
  /** The body, in memory. */
  body?: Uint8Array<ArrayBuffer>;
  /** Stops the request (and its retries). */
  signal?: AbortSignal;
  /** Gives up one attempt after this long (it is then retried). */
  timeoutMs?: number;
}

/** How {@link S3Client.request} treats the answers. */
export interface S3RequestHandling {
  /** The verb of error messages: `read`, `write`, `list`, `delete`, `check`. */
  action: string;
  /** What messages name, when not the request's location (a listing names its prefix). */
  subject?: S3Location;
  /** Statuses that are an answer, not a failure (beyond 2xx), e.g. 404 for a HEAD. */
  accept?: number[];
  /**
   * Called with a failure before it is retried or thrown; a value it returns is taken as the
   * answer's text instead (e.g. a retried "complete" that finds the upload already completed).
   */
  recover?: (failure: S3Failure, attempt: number) => Promise<string | undefined>;
}

/** Options of {@link createS3Client}. */
export interface S3ClientOptions extends S3Settings {
  /** Where the settings are read from; the process's environment and `~/.aws` by default. */
  sources?: S3ConfigSources;
  /** How requests are retried. */
  retry?: S3RetryPolicy;
}

/** An answer whose body was read as text. */
export interface S3TextAnswer {
  /** The HTTP status. */
  status: number;
  /** The headers. */
  headers: Headers;
  /** The body. */
  text: string;
  /** Attempts made: 1 when the first one was answered. */
  attempts: number;
}

/**
 * Resolves the configuration (flags, environment, `~/.aws`) and makes a client.
 *
 * @param options Settings and retry policy.
 * @returns The client.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createS3Client } from "./client.ts";
 * const client = await createS3Client({
 *   endpoint: "http://127.0.0.1:8333",
 *   sources: { env: () => undefined, readText: () => Promise.resolve(undefined) },
 * });
 * assert.equal(client.url({ bucket: "b", key: "a b.gz" }), "http://127.0.0.1:8333/b/a%20b.gz");
 * ```
 */
export async function createS3Client(options: S3ClientOptions = {}): Promise<S3Client> {
  return new S3Client(await resolveS3Config(options, options.sources), options.retry);
}

/** Requests to one S3 service with one configuration. */
export class S3Client {
  /** The configuration. */
  readonly config: S3Config;
  /** The retry policy. */
  readonly retry: S3RetryPolicy;

  /**
   * Makes a client.
   *
   * @param config The resolved configuration.
   * @param retry How requests are retried.
   */
  constructor(config: S3Config, retry: S3RetryPolicy = {}) {
    this.config = config;
    this.retry = retry;
  }

  /**
   * The URL of an object or bucket, path-style or virtual-hosted (virtual-hosted falls back to
   * path-style for bucket names that cannot be a host name, as the AWS SDKs do).
   *
   * @param location The bucket and key.
   * @param query Query parameters.
   * @returns The URL, encoded as it is signed.
   */
  url(location: S3Location, query: Record<string, string> = {}): string {
    const endpoint = new URL(this.config.endpoint);
    const base = endpoint.pathname.replace(/\/+$/, "");
    const key = uriEncode(location.key, true);
    const search = Object.keys(query).length > 0 ? `?${canonicalQuery(query)}` : "";
    const virtual = !this.config.pathStyle && location.bucket !== "" &&
      /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(location.bucket);
    if (virtual) {
      return `${endpoint.protocol}//${location.bucket}.${endpoint.host}${base}/${key}${search}`;
    }
    const path = location.key === "" ? `/${location.bucket}` : `/${location.bucket}/${key}`;
    return `${endpoint.protocol}//${endpoint.host}${base}${path}${search}`;
  }

  /**
   * What error messages about a request need to know.
   *
   * @param action The verb: `read`, `write`, `list`, `delete`, `check`.
   * @param location What the message names.
   * @returns The context, with the credentials' strings to blank out.
   */
  context(action: string, location: S3Location): S3ErrorContext {
    return {
      action,
      location,
      endpoint: this.config.endpoint,
      region: this.config.region,
      anonymous: !this.config.credentials,
      secrets: this.config.credentials?.secrets() ?? [],
    };
  }

  /**
   * Sends one attempt of a request, signed when there are credentials. Network failures are
   * thrown as the HTTP layer throws them.
   *
   * @param request The request.
   * @returns The response, body unread.
   */
  async send(request: S3Request): Promise<HttpAnswer> {
    const url = this.url(request.location, request.query);
    const body = request.body;
    const payloadHash = body && body.length > 0 ? sha256Hex(body) : EMPTY_SHA256;
    const credentials = this.config.credentials;
    const headers = credentials
      ? signV4({
        method: request.method,
        url: new URL(url),
        headers: request.headers,
        payloadHash,
        region: this.config.region,
        credentials,
      })
      : { ...request.headers, "x-amz-content-sha256": payloadHash };
    return await sendHttp(url, {
      method: request.method,
      headers,
      body,
      signal: request.signal,
      timeoutMs: request.timeoutMs,
    });
  }

  /**
   * Sends a request until it is answered, retrying lost connections and retriable failures for
   * the policy's time; the body of a successful answer is left unread.
   *
   * @param request The request.
   * @param handling The action for messages, accepted statuses, recovery.
   * @returns The response.
   * @throws {BackupError} Of the family (see `s3_errors.ts`), or the signal's reason.
   */
  async request(request: S3Request, handling: S3RequestHandling): Promise<HttpAnswer> {
    let answer: HttpAnswer | undefined;
    await this.#attempts(request, handling, async (res) => {
      answer = res;
      return await Promise.resolve(undefined);
    });
    return answer!;
  }

  /**
   * As {@link request}, and reads the body as text within the retries (a connection lost while
   * reading is retried too). A 200 whose body is an `<Error>` (S3 does this for a
   * CompleteMultipartUpload that failed late) counts as that error.
   *
   * @param request The request.
   * @param handling The action for messages, accepted statuses, recovery.
   * @returns The status, headers and text.
   */
  async requestText(request: S3Request, handling: S3RequestHandling): Promise<S3TextAnswer> {
    let answer: S3TextAnswer | undefined;
    const attempts = await this.#attempts(request, handling, async (res) => {
      const text = await res.text();
      if (res.status === 200 && /^\s*(<\?xml[^>]*>\s*)?<Error[\s>]/.test(text)) {
        return parseS3Failure(500, text, res.headers);
      }
      answer = { status: res.status, headers: res.headers, text, attempts: 0 };
      return undefined;
    }, (text, res) => {
      answer = {
        status: res?.status ?? 200,
        headers: res?.headers ?? new Headers(),
        text,
        attempts: 0,
      };
    });
    return { ...answer!, attempts };
  }

  async #attempts(
    request: S3Request,
    handling: S3RequestHandling,
    take: (res: HttpAnswer) => Promise<S3Failure | undefined>,
    recovered?: (text: string, res?: HttpAnswer) => void,
  ): Promise<number> {
    const policy = this.retry;
    const deadline = Date.now() + (policy.retryFor ?? DEFAULT_S3_RETRY_FOR_MS);
    const subject = handling.subject ?? request.location;
    const context = this.context(handling.action, subject);
    for (let attempt = 0;; attempt++) {
      let failure: S3Failure | undefined;
      let lost: unknown;
      let res: HttpAnswer | undefined;
      try {
        res = await this.send(request);
        if (res.ok || handling.accept?.includes(res.status)) {
          failure = await take(res);
          if (!failure) return attempt + 1;
        } else {
          const text = await res.text().catch(() => "");
          failure = parseS3Failure(res.status, text, res.headers);
        }
      } catch (e) {
        if (request.signal?.aborted) throw abortReason(request.signal);
        lost = e;
      }
      if (failure && handling.recover) {
        const text = await handling.recover(failure, attempt);
        if (text !== undefined) {
          recovered?.(text, res);
          return attempt + 1;
        }
      }
      const retriable = lost !== undefined || (failure !== undefined && isRetriable(failure));
      const delayMs = retryDelay(attempt + 1, policy.firstDelayMs ?? 500);
      if (!retriable || Date.now() + delayMs > deadline) {
        throw failure ? s3Error(failure, context) : connectionError(lost, context);
      }
      const reason = failure
        ? [failure.status, failure.code].filter((s) => s).join(" ")
        : redact(errorMessage(lost), context.secrets);
      policy.onRetry?.({
        action: `${handling.action.replace(/e$/, "")}ing ${formatS3Url(subject)}`,
        reason,
        attempt: attempt + 1,
        delayMs,
      });
      await wait(delayMs, request.signal);
    }
  }
}
