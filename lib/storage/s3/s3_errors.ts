/**
 * S3's refusals as the tool's error family: each `<Error><Code>` (or a bare status) becomes a
 * one-line message saying what was wrong and what to do, with the exit code of its kind (a
 * missing bucket or object is a file error, wrong keys an authentication error, an unreachable
 * or failing service a connection error). Nothing secret is ever part of a message: the
 * server's own text is cut to one line and every credential in it is blanked.
 *
 * @module
 */

import {
  AuthenticationError,
  BackupError,
  ConnectionError,
  errorMessage,
  FileError,
  UsageError,
} from "../../errors.ts";
import { formatS3Url, type S3Location } from "./url.ts";
import { xmlText } from "./xml.ts";

/** What a failed response said. */
export interface S3Failure {
  /** The HTTP status. */
  status: number;
  /** S3's error code, e.g. `NoSuchKey`, when the body had one. */
  code?: string;
  /** S3's message, when the body had one. */
  message?: string;
  /** The bucket's region, from `x-amz-bucket-region` or the body's `<Region>`. */
  bucketRegion?: string;
}

/** What was being done, for the message. */
export interface S3ErrorContext {
  /** A verb: `read`, `write`, `list`, `delete`, `check`. */
  action: string;
  /** The object or prefix. */
  location: S3Location;
  /** The endpoint's base URL. */
  endpoint: string;
  /** The configured region. */
  region: string;
  /** Whether the request was unsigned (no credentials found). */
  anonymous: boolean;
  /** Strings to blank out of any text that is shown. */
  secrets: readonly string[];
}

/**
 * Reads a failed response's body: S3 answers `<Error><Code>..</Code><Message>..</Message>`
 * (HEAD answers carry no body, only the status).
 *
 * @param status The HTTP status.
 * @param body The body's text, `""` when none.
 * @param headers The response headers.
 * @returns What it said.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseS3Failure } from "./s3_errors.ts";
 * const f = parseS3Failure(404, "<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>");
 * assert.deepEqual(f, { status: 404, code: "NoSuchBucket", message: "gone", bucketRegion: undefined });
 * ```
 */
export function parseS3Failure(status: number, body: string, headers?: Headers): S3Failure {
  const error = /<Error[\s>]/.test(body) ? body : "";
  return {
    status,
    code: xmlText(error, "Code"),
    message: xmlText(error, "Message"),
    bucketRegion: headers?.get("x-amz-bucket-region") ?? xmlText(error, "Region"),
  };
}

const RETRIABLE_CODES = new Set([
  "SlowDown",
  "InternalError",
  "ServiceUnavailable",
  "RequestTimeout",
  "Throttling",
  "ThrottlingException",
  "TooManyRequests",
  "OperationAborted",
]);

/**
 * Whether trying the same request again may succeed: a 5xx, a 429, or a code that says so
 * (`SlowDown`, `InternalError`, `RequestTimeout` ...).
 *
 * @param failure What the server said.
 * @returns True to retry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRetriable } from "./s3_errors.ts";
 * assert.equal(isRetriable({ status: 503, code: "SlowDown" }), true);
 * assert.equal(isRetriable({ status: 400, code: "RequestTimeout" }), true);
 * assert.equal(isRetriable({ status: 404, code: "NoSuchKey" }), false);
 * ```
 */
export function isRetriable(failure: S3Failure): boolean {
  return failure.status >= 500 || failure.status === 429 ||
    (failure.code !== undefined && RETRIABLE_CODES.has(failure.code));
}

/**
 * Blanks every secret out of a text and cuts it to one short line.
 *
 * @param text Text from a server or a network error.
 * @param secrets What must not appear.
 * @returns The text, safe to show.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redact } from "./s3_errors.ts";
 * assert.equal(redact("key AKID123 refused\nmore", ["AKID123"]), "key *** refused");
 * ```
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.split(/\r?\n/)[0].trim();
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out.length > 200 ? `${out.slice(0, 197)}...` : out.replace(/\.$/, "");
}

/**
 * The error a failed request ends with (after any retries).
 *
 * @param failure What the server said.
 * @param context What was being done.
 * @returns An error of the family, with a one-line message.
 *
 * @example A missing object is a file error
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileError } from "../../errors.ts";
 * import { s3Error } from "./s3_errors.ts";
 * const e = s3Error({ status: 404, code: "NoSuchKey" }, {
 *   action: "read",
 *   location: { bucket: "b", key: "x.jsonl.gz" },
 *   endpoint: "https://s3.us-east-1.amazonaws.com",
 *   region: "us-east-1",
 *   anonymous: false,
 *   secrets: [],
 * });
 * assert.ok(e instanceof FileError);
 * assert.equal(e.message, "Cannot read 's3://b/x.jsonl.gz': there is no such object; check the key");
 * ```
 */
export function s3Error(failure: S3Failure, context: S3ErrorContext): BackupError {
  const { action, location } = context;
  const url = formatS3Url(location);
  const head = `Cannot ${action} '${url}'`;
  const code = failure.code ?? (failure.status === 404 ? "NotFound" : "");
  const server = failure.message ? redact(failure.message, context.secrets) : "";
  const host = hostOf(context.endpoint);
  switch (code) {
    case "NoSuchBucket":
      return new FileError(
        `${head}: bucket '${location.bucket}' does not exist at ${host}; check the bucket name, and AWS_ENDPOINT_URL_S3 or AWS_REGION`,
      );
    case "NoSuchKey":
    case "NotFound":
      return new FileError(`${head}: there is no such object; check the key`);
    case "NoSuchUpload":
      return new FileError(
        `${head}: its multipart upload is gone (aborted, or removed by a lifecycle rule); run the command again`,
      );
    case "PreconditionFailed":
      return new FileError(
        `${head}: the object was replaced while it was being read; read it again`,
      );
    case "InvalidAccessKeyId":
      return new AuthenticationError(
        `${head}: the service at ${host} does not know the access key id; check AWS_ACCESS_KEY_ID or the profile's aws_access_key_id`,
      );
    case "SignatureDoesNotMatch":
      return new AuthenticationError(
        `${head}: the service at ${host} refused the request signature; check AWS_SECRET_ACCESS_KEY or the profile's aws_secret_access_key`,
      );
    case "ExpiredToken":
    case "InvalidToken":
    case "TokenRefreshRequired":
      return new AuthenticationError(
        `${head}: the session token is expired or invalid; refresh the temporary credentials (AWS_SESSION_TOKEN)`,
      );
    case "RequestTimeTooSkewed":
      return new AuthenticationError(
        `${head}: the service refused the request because this machine's clock is off by minutes; correct the clock`,
      );
    case "AccessDenied":
    case "AllAccessDisabled":
    case "AccountProblem":
      return accessDenied(head, context, server);
    case "PermanentRedirect":
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
      return wrongRegion(head, failure, context);
    case "InvalidBucketName":
      return new UsageError(
        `${head}: '${location.bucket}' is not a valid bucket name; check the URL`,
      );
  }
  if (failure.status === 301 || failure.status === 307) return wrongRegion(head, failure, context);
  if (failure.status === 403) return accessDenied(head, context, server);
  const said = [failure.status, failure.code, server].filter((s) => s).join(" ");
  if (isRetriable(failure)) {
    return new ConnectionError(
      `${head}: the service at ${host} kept failing (${said}); try again later`,
    );
  }
  return new BackupError(`${head}: the service at ${host} refused the request (${said})`);
}

function accessDenied(head: string, context: S3ErrorContext, server: string): BackupError {
  const hint = context.anonymous
    ? "no credentials were found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
    : `check that the credentials may ${
      context.action === "check" ? "read" : context.action
    } it (a missing object also looks like this without the right to list the bucket)`;
  return new AuthenticationError(`${head}: access denied${server ? ` (${server})` : ""}; ${hint}`);
}

function wrongRegion(head: string, failure: S3Failure, context: S3ErrorContext): BackupError {
  const region = failure.bucketRegion;
  if (region && region !== context.region) {
    return new UsageError(
      `${head}: bucket '${context.location.bucket}' is in region '${region}', not '${context.region}'; set AWS_REGION=${region}`,
    );
  }
  return new UsageError(
    `${head}: the bucket must be addressed through another endpoint or region; set AWS_REGION to the bucket's region, or AWS_ENDPOINT_URL_S3`,
  );
}

/**
 * The error a request ends with when the service could not be reached (after any retries).
 *
 * @param cause What the HTTP layer threw.
 * @param context What was being done.
 * @returns A {@link ConnectionError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionError } from "./s3_errors.ts";
 * const e = connectionError(new TypeError("fetch failed"), {
 *   action: "write",
 *   location: { bucket: "b", key: "k" },
 *   endpoint: "http://127.0.0.1:9",
 *   region: "us-east-1",
 *   anonymous: false,
 *   secrets: [],
 * });
 * assert.equal(e.exitCode, 3);
 * assert.match(e.message, /^Cannot write 's3:\/\/b\/k': cannot reach the service at 127.0.0.1:9/);
 * ```
 */
export function connectionError(cause: unknown, context: S3ErrorContext): ConnectionError {
  const reasons: string[] = [];
  for (let e = cause, depth = 0; e != null && depth < 4; depth++) {
    reasons.push(errorMessage(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  const reason = redact(
    reasons.filter((r) => r && r !== "fetch failed").at(-1) ?? reasons[0] ?? "",
    context.secrets,
  );
  return new ConnectionError(
    `Cannot ${context.action} '${formatS3Url(context.location)}': cannot reach the service at ${
      hostOf(context.endpoint)
    } (${reason}); check the endpoint (AWS_ENDPOINT_URL_S3) and the network`,
    { cause },
  );
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
