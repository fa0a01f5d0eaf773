/**
 * The S3 operations the tool uses, one request each (retried by the client): HEAD, ranged GET,
 * PUT, the multipart upload (create, upload part, complete, abort), ListObjectsV2, the listing
 * of multipart uploads, DELETE, and creating a bucket (for tests and benchmarks).
 *
 * @module
 */

import { FileError } from "../../errors.ts";
import type { S3Client } from "./client.ts";
import type { HttpAnswer } from "./http.ts";
import { s3Error } from "./s3_errors.ts";
import { encodeXmlText, xmlBlocks, xmlText } from "./xml.ts";
import type { S3Location } from "./url.ts";

/** What a HEAD or GET says about an object. */
export interface S3ObjectInfo {
  /** Bytes. */
  size: number;
  /** The ETag, quotes included (as `If-Match` wants it). */
  etag: string;
  /** When it was last written. */
  lastModified?: Date;
}

/** An object of a listing. */
export interface S3ListedObject {
  /** The key. */
  key: string;
  /** Bytes. */
  size: number;
  /** When it was last written. */
  lastModified: Date;
  /** The ETag. */
  etag: string;
}

/** One page of a listing. */
export interface S3ListPage {
  /** Objects of this page, in key order. */
  objects: S3ListedObject[];
  /** The token of the next page; undefined on the last one. */
  next?: string;
}

/** A multipart upload in progress. */
export interface S3PendingUpload {
  /** The key it will write. */
  key: string;
  /** Its id. */
  uploadId: string;
  /** When it was started (the service's clock). */
  initiated: Date;
}

/** A part sent: its number and ETag, for the completion. */
export interface S3Part {
  /** 1 to 10,000. */
  partNumber: number;
  /** The ETag the server gave. */
  etag: string;
}

/** Per-request limits of the operations that send a body. */
const PART_TIMEOUT_MS = 10 * 60_000;
const SMALL_TIMEOUT_MS = 2 * 60_000;

function infoOf(headers: Headers): S3ObjectInfo {
  const range = /\/(\d+)$/.exec(headers.get("content-range") ?? "");
  const modified = headers.get("last-modified");
  return {
    size: Number(range?.[1] ?? headers.get("content-length") ?? 0),
    etag: headers.get("etag") ?? "",
    lastModified: modified ? new Date(modified) : undefined,
  };
}

/**
 * HEAD of an object.
 *
 * @param client The client.
 * @param location The object.
 * @param signal Stops the request.
 * @returns What it is, or undefined when there is no such object.
 */
export async function headObject(
  client: S3Client,
  location: S3Location,
  signal?: AbortSignal,
): Promise<S3ObjectInfo | undefined> {
  const res = await client.request(
    { method: "HEAD", location, signal, timeoutMs: SMALL_TIMEOUT_MS },
    { action: "check", accept: [403, 404] },
  );
  await res.body.cancel();
  if (res.status === 404) return undefined;
  if (res.status === 403) {
    // A HEAD answer has no body to say why: a one-byte GET gets the code (wrong key, wrong
    // secret, no permission) and fails with it.
    await client.requestText(
      {
        method: "GET",
        location,
        headers: { range: "bytes=0-0" },
        signal,
        timeoutMs: SMALL_TIMEOUT_MS,
      },
      { action: "check" },
    );
    throw s3Error({ status: 403 }, client.context("check", location));
  }
  return infoOf(res.headers);
}

/**
 * A GET of an object from byte `start` on, streaming. With `ifMatch`, a replaced object is
 * refused (412) instead of mixing two objects' bytes. An empty object read from 0 answers 200
 * with no bytes.
 *
 * @param client The client.
 * @param location The object.
 * @param start The first byte.
 * @param options `ifMatch` (an ETag) and the signal that stops the request and its body.
 * @returns The response (200 or 206) and what it says about the object.
 */
export async function getObject(
  client: S3Client,
  location: S3Location,
  start: number,
  options: { ifMatch?: string; signal?: AbortSignal } = {},
): Promise<{ response: HttpAnswer; info: S3ObjectInfo; start: number }> {
  const headers: Record<string, string> = {};
  if (start > 0) headers.range = `bytes=${start}-`;
  if (options.ifMatch) headers["if-match"] = options.ifMatch;
  const response = await client.request(
    { method: "GET", location, headers, signal: options.signal },
    { action: "read" },
  );
  const range = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
  return {
    response,
    info: infoOf(response.headers),
    start: response.status === 206 && range ? Number(range[1]) : 0,
  };
}

/**
 * PUT of a whole object in one request.
 *
 * @param client The client.
 * @param location The object.
 * @param body Its bytes.
 * @param signal Stops the request.
 * @returns The ETag.
 */
export async function putObject(
  client: S3Client,
  location: S3Location,
  body: Uint8Array<ArrayBuffer>,
  signal?: AbortSignal,
): Promise<string> {
  const answer = await client.requestText(
    { method: "PUT", location, body, signal, timeoutMs: PART_TIMEOUT_MS },
    { action: "write" },
  );
  return answer.headers.get("etag") ?? "";
}

/**
 * Starts a multipart upload. When the request had to be retried, an earlier attempt may have
 * started an upload whose answer was lost: such uploads of the same key, started just before
 * this one, are aborted, so that no orphaned parts stay behind.
 *
 * @param client The client.
 * @param location The object it will write.
 * @param signal Stops the request.
 * @returns The upload id.
 */
export async function createMultipartUpload(
  client: S3Client,
  location: S3Location,
  signal?: AbortSignal,
): Promise<string> {
  const answer = await client.requestText(
    {
      method: "POST",
      location,
      query: { uploads: "" },
      headers: { "content-type": "application/octet-stream" },
      signal,
      timeoutMs: SMALL_TIMEOUT_MS,
    },
    { action: "write" },
  );
  const id = xmlText(answer.text, "UploadId");
  if (!id) {
    throw new FileError(
      `Cannot write 's3://${location.bucket}/${location.key}': the service gave no upload id`,
    );
  }
  if (answer.attempts > 1) await abortOrphans(client, location, id, signal);
  return id;
}

/** How long before an upload its lost earlier attempts may have started. */
const ORPHAN_WINDOW_MS = 15 * 60_000;

/**
 * Aborts the uploads of the same key started within the window before `ownId`: earlier
 * attempts of a retried create whose answers were lost.
 */
async function abortOrphans(
  client: S3Client,
  location: S3Location,
  ownId: string,
  signal?: AbortSignal,
): Promise<void> {
  const uploads = (await listMultipartUploads(client, location.bucket, location.key, signal))
    .filter((u) => u.key === location.key);
  const own = uploads.find((u) => u.uploadId === ownId);
  if (!own) return;
  const until = own.initiated.getTime();
  for (const u of uploads) {
    const at = u.initiated.getTime();
    if (u.uploadId !== ownId && at >= until - ORPHAN_WINDOW_MS && at <= until) {
      await abortMultipartUpload(client, location, u.uploadId);
    }
  }
}

/**
 * Sends one part of a multipart upload (safe to repeat: the same number replaces the part).
 *
 * @param client The client.
 * @param location The object.
 * @param uploadId The upload.
 * @param partNumber 1 to 10,000.
 * @param body The part's bytes.
 * @param signal Stops the request.
 * @returns The part's ETag.
 */
export async function uploadPart(
  client: S3Client,
  location: S3Location,
  uploadId: string,
  partNumber: number,
  body: Uint8Array<ArrayBuffer>,
  signal?: AbortSignal,
): Promise<string> {
  const answer = await client.requestText(
    {
      method: "PUT",
      location,
      query: { partNumber: String(partNumber), uploadId },
      body,
      signal,
      timeoutMs: PART_TIMEOUT_MS,
    },
    { action: "write" },
  );
  return answer.headers.get("etag") ?? "";
}

/**
 * Completes a multipart upload: the object appears now, whole. A retry that finds the upload
 * gone checks whether the first attempt completed it (its answer was lost).
 *
 * @param client The client.
 * @param location The object.
 * @param uploadId The upload.
 * @param parts Every part, in order.
 * @param size The object's expected size, to recognise a completion whose answer was lost.
 * @param signal Stops the request.
 */
export async function completeMultipartUpload(
  client: S3Client,
  location: S3Location,
  uploadId: string,
  parts: S3Part[],
  size: number,
  signal?: AbortSignal,
): Promise<void> {
  const xml = `<CompleteMultipartUpload>${
    parts.map((p) =>
      `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${encodeXmlText(p.etag)}</ETag></Part>`
    ).join("")
  }</CompleteMultipartUpload>`;
  await client.requestText(
    {
      method: "POST",
      location,
      query: { uploadId },
      headers: { "content-type": "application/xml" },
      body: new TextEncoder().encode(xml),
      signal,
      timeoutMs: PART_TIMEOUT_MS,
    },
    {
      action: "write",
      recover: async (failure, attempt) => {
        if (attempt === 0 || failure.code !== "NoSuchUpload") return undefined;
        const info = await headObject(client, location, signal);
        return info?.size === size && info.etag.endsWith(`-${parts.length}"`) ? "" : undefined;
      },
    },
  );
}

/**
 * Aborts a multipart upload: its parts are deleted and no object appears. An upload already
 * gone counts as aborted.
 *
 * @param client The client.
 * @param location The object.
 * @param uploadId The upload.
 */
export async function abortMultipartUpload(
  client: S3Client,
  location: S3Location,
  uploadId: string,
): Promise<void> {
  await client.requestText(
    { method: "DELETE", location, query: { uploadId }, timeoutMs: SMALL_TIMEOUT_MS },
    { action: "write", accept: [404] },
  );
}

/**
 * One page of ListObjectsV2.
 *
 * @param client The client.
 * @param bucket The bucket.
 * @param options The key prefix, the previous page's token, the page size (1 to 1000).
 * @returns The page.
 */
export async function listObjectsPage(
  client: S3Client,
  bucket: string,
  options: { prefix?: string; continuationToken?: string; maxKeys?: number; signal?: AbortSignal } =
    {},
): Promise<S3ListPage> {
  const query: Record<string, string> = { "list-type": "2" };
  if (options.prefix) query.prefix = options.prefix;
  if (options.continuationToken) query["continuation-token"] = options.continuationToken;
  if (options.maxKeys) query["max-keys"] = String(options.maxKeys);
  const answer = await client.requestText(
    {
      method: "GET",
      location: { bucket, key: "" },
      query,
      signal: options.signal,
      timeoutMs: SMALL_TIMEOUT_MS,
    },
    { action: "list", subject: { bucket, key: options.prefix ?? "" } },
  );
  const objects = xmlBlocks(answer.text, "Contents").map((block) => ({
    key: xmlText(block, "Key") ?? "",
    size: Number(xmlText(block, "Size") ?? 0),
    lastModified: new Date(xmlText(block, "LastModified") ?? 0),
    etag: xmlText(block, "ETag") ?? "",
  }));
  const truncated = xmlText(answer.text, "IsTruncated") === "true";
  const next = truncated ? xmlText(answer.text, "NextContinuationToken") : undefined;
  return { objects, next: next || undefined };
}

/**
 * The multipart uploads in progress under a prefix (first 1000).
 *
 * @param client The client.
 * @param bucket The bucket.
 * @param prefix The key prefix.
 * @param signal Stops the request.
 * @returns The uploads.
 */
export async function listMultipartUploads(
  client: S3Client,
  bucket: string,
  prefix = "",
  signal?: AbortSignal,
): Promise<S3PendingUpload[]> {
  const query: Record<string, string> = { uploads: "" };
  if (prefix) query.prefix = prefix;
  const answer = await client.requestText(
    { method: "GET", location: { bucket, key: "" }, query, signal, timeoutMs: SMALL_TIMEOUT_MS },
    { action: "list", subject: { bucket, key: prefix } },
  );
  return xmlBlocks(answer.text, "Upload").map((block) => ({
    key: xmlText(block, "Key") ?? "",
    uploadId: xmlText(block, "UploadId") ?? "",
    initiated: new Date(xmlText(block, "Initiated") ?? 0),
  }));
}

/**
 * Deletes an object (deleting a missing one succeeds, as S3 answers).
 *
 * @param client The client.
 * @param location The object.
 */
export async function deleteObject(client: S3Client, location: S3Location): Promise<void> {
  await client.requestText(
    { method: "DELETE", location, timeoutMs: SMALL_TIMEOUT_MS },
    { action: "delete", accept: [404] },
  );
}

/**
 * Creates a bucket (an existing one of the same owner is fine).
 *
 * @param client The client.
 * @param bucket The name.
 */
export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  const region = client.config.region;
  const body = region === "us-east-1" ? undefined : new TextEncoder().encode(
    `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`,
  );
  await client.requestText(
    { method: "PUT", location: { bucket, key: "" }, body, timeoutMs: SMALL_TIMEOUT_MS },
    {
      action: "write",
      recover: (failure) =>
        Promise.resolve(failure.code === "BucketAlreadyOwnedByYou" ? "" : undefined),
    },
  );
}
