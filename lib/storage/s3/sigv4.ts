/**
 * AWS Signature Version 4 for S3 requests, on `node:crypto` (Deno, Node and compiled binaries
 * alike): the canonical request, the string to sign, and the `Authorization` header. Headers are
 * signed as given; the payload is signed by its SHA-256 (every body this tool sends is in
 * memory), so a part damaged on the way is refused by the server.
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";
import type { S3Credentials } from "./credentials.ts";

/** The SHA-256 of an empty body. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** What to sign. */
export interface SignInput {
  /** `GET`, `PUT` ... */
  method: string;
  /** The request URL, its path and query already encoded by {@link uriEncode}. */
  url: URL;
  /** Headers to send and sign (any case); `host` is taken from the URL. */
  headers?: Record<string, string>;
  /** The hex SHA-256 of the body, see {@link sha256Hex}. */
  payloadHash: string;
  /** The signing region. */
  region: string;
  /** The credentials. */
  credentials: S3Credentials;
  /** The signing time, now by default. */
  date?: Date;
  /** The service, `s3` by default. */
  service?: string;
}

/**
 * Encodes a string the way SigV4 and S3 want it: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`
 * (upper-case hex), and `/` kept when `keepSlash` (object keys in a path).
 *
 * @param text The text.
 * @param keepSlash Whether `/` stays as is.
 * @returns The encoded text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uriEncode } from "./sigv4.ts";
 * assert.equal(uriEncode("daily/neo4j $1.jsonl.gz", true), "daily/neo4j%20%241.jsonl.gz");
 * assert.equal(uriEncode("a/b=c", false), "a%2Fb%3Dc");
 * ```
 */
export function uriEncode(text: string, keepSlash: boolean): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * The canonical query string: parameters encoded and sorted by name (then value); a parameter
 * without a value gets `=`. Use it as the request's query too, so that what is sent is what was
 * signed.
 *
 * @param params Names and values.
 * @returns E.g. `max-keys=2&prefix=J`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalQuery } from "./sigv4.ts";
 * assert.equal(canonicalQuery({ prefix: "J", "max-keys": "2" }), "max-keys=2&prefix=J");
 * assert.equal(canonicalQuery({ uploads: "" }), "uploads=");
 * ```
 */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)])
    .sort(([a, x], [b, y]) => a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0)
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/**
 * The hex SHA-256 of a body.
 *
 * @param body The bytes (or text, as UTF-8).
 * @returns 64 hex digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EMPTY_SHA256, sha256Hex } from "./sigv4.ts";
 * assert.equal(sha256Hex(new Uint8Array(0)), EMPTY_SHA256);
 * ```
 */
export function sha256Hex(body: Uint8Array | string): string {
  return createHash("sha256").update(body).digest("hex");
}

/** `20130524T000000Z`. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

/**
 * Signs a request: returns the headers to send, the given ones plus `x-amz-date`,
 * `x-amz-content-sha256`, `x-amz-security-token` (temporary credentials) and `authorization`.
 *
 * @param input The request.
 * @returns The headers, names in lower case.
 *
 * @example AWS's "GET Object" example
 * ```ts
 * import assert from "node:assert/strict";
 * import { S3Credentials } from "./credentials.ts";
 * import { EMPTY_SHA256, signV4 } from "./sigv4.ts";
 * const headers = signV4({
 *   method: "GET",
 *   url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
 *   headers: { Range: "bytes=0-9" },
 *   payloadHash: EMPTY_SHA256,
 *   region: "us-east-1",
 *   credentials: new S3Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
 *   date: new Date("2013-05-24T00:00:00Z"),
 * });
 * assert.match(headers.authorization, /Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41$/);
 * ```
 */
export function signV4(input: SignInput): Record<string, string> {
  const service = input.service ?? "s3";
  const stamp = amzDate(input.date ?? new Date());
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  headers["x-amz-date"] = stamp;
  headers["x-amz-content-sha256"] = input.payloadHash;
  const token = input.credentials.sessionToken;
  if (token) headers["x-amz-security-token"] = token;
  const signed: Record<string, string> = { ...headers, host: input.url.host };
  const names = Object.keys(signed).sort();
  const canonical = [
    input.method,
    input.url.pathname || "/",
    input.url.search.replace(/^\?/, ""),
    ...names.map((n) => `${n}:${signed[n].trim().replace(/\s+/g, " ")}`),
    "",
    names.join(";"),
    input.payloadHash,
  ].join("\n");
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", stamp, scope, sha256Hex(canonical)].join("\n");
  const key = input.credentials.signingKey(day, input.region, service);
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return headers;
}
