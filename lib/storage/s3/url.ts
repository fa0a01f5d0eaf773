/**
 * `s3://bucket/key` locations: telling them from paths, parsing, and printing them back. A
 * location whose key is empty or ends in `/` is a prefix (a "folder" of objects).
 *
 * @module
 */

import { UsageError } from "../../errors.ts";

/** An object or a prefix in a bucket. */
export interface S3Location {
  /** The bucket name. */
  bucket: string;
  /** The object key, taken literally (no percent-decoding); `""` for the whole bucket. */
  key: string;
}

const SCHEME = /^s3:\/\//i;

/** S3 rejects keys over 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

/**
 * Whether a command-line path names object storage (`s3://...`) rather than a file.
 *
 * @param path A path or URL as given on the command line.
 * @returns True for `s3://` (any case).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isS3Url } from "./url.ts";
 * assert.equal(isS3Url("s3://backups/neo4j.jsonl.gz"), true);
 * assert.equal(isS3Url("./s3/neo4j.jsonl.gz"), false);
 * ```
 */
export function isS3Url(path: string): boolean {
  return SCHEME.test(path);
}

/**
 * Parses `s3://bucket/key` (or `s3://bucket/prefix/`, `s3://bucket`). The key is taken as
 * written, as the AWS CLI does: `%` and spaces are part of the key.
 *
 * @param url The URL.
 * @returns The bucket and key.
 * @throws {UsageError} When it is not an `s3://` URL, names no bucket, or the key is one S3
 *   or a URL cannot carry (over 1024 bytes, `.` or `..` segments, control characters).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseS3Url } from "./url.ts";
 * assert.deepEqual(parseS3Url("s3://backups/nightly/neo4j.jsonl.gz"), {
 *   bucket: "backups",
 *   key: "nightly/neo4j.jsonl.gz",
 * });
 * assert.deepEqual(parseS3Url("s3://backups"), { bucket: "backups", key: "" });
 * ```
 */
export function parseS3Url(url: string): S3Location {
  if (!isS3Url(url)) {
    throw new UsageError(`'${url}' is not an S3 URL: write it as 's3://BUCKET/KEY'`);
  }
  const rest = url.replace(SCHEME, "");
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? "" : rest.slice(slash + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{2,254}$/.test(bucket)) {
    throw new UsageError(
      `'${url}' names no valid bucket: write it as 's3://BUCKET/KEY' with a bucket name of letters, digits, '.', '-' or '_'`,
    );
  }
  checkKey(url, key);
  return { bucket, key };
}

function checkKey(url: string, key: string): void {
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) {
    throw new UsageError(`The key of '${url}' is longer than 1024 bytes: choose a shorter one`);
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw new UsageError(
      `The key of an object in bucket '${
        url.replace(SCHEME, "").split("/")[0]
      }' holds a control character: choose another key`,
    );
  }
  // A URL would fold these segments away, so the request would name another key.
  if (key.split("/").some((s) => s === "." || s === "..")) {
    throw new UsageError(
      `The key of '${url}' has a '.' or '..' segment, which an S3 request cannot carry: choose another key`,
    );
  }
}

/**
 * Whether a location names a prefix (a "folder"): its key is empty or ends in `/`.
 *
 * @param location A parsed location.
 * @returns True for `s3://bucket`, `s3://bucket/` and `s3://bucket/daily/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isS3Prefix, parseS3Url } from "./url.ts";
 * assert.equal(isS3Prefix(parseS3Url("s3://backups/daily/")), true);
 * assert.equal(isS3Prefix(parseS3Url("s3://backups/daily")), false);
 * ```
 */
export function isS3Prefix(location: S3Location): boolean {
  return location.key === "" || location.key.endsWith("/");
}

/**
 * Prints a location back as `s3://bucket/key`.
 *
 * @param location The location.
 * @returns The URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatS3Url } from "./url.ts";
 * assert.equal(formatS3Url({ bucket: "b", key: "daily/x.jsonl.gz" }), "s3://b/daily/x.jsonl.gz");
 * assert.equal(formatS3Url({ bucket: "b", key: "" }), "s3://b/");
 * ```
 */
export function formatS3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/**
 * A location given as a URL or already parsed.
 *
 * @param target `s3://...` or a location.
 * @returns The location.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toS3Location } from "./url.ts";
 * assert.deepEqual(toS3Location("s3://bkt/k"), { bucket: "bkt", key: "k" });
 * ```
 */
export function toS3Location(target: string | S3Location): S3Location {
  return typeof target === "string" ? parseS3Url(target) : target;
}
