/**
 * Where a backup's bytes live, behind one door for the commands: a local file (written through
 * `FILE.partial` and a rename) or an S3 object (`s3://bucket/key`, written by a multipart upload
 * that appears only when complete, read by ranged GETs that resume). Standard input and output
 * (`-`) stay with the commands, which know when a terminal is there.
 *
 * @module
 */

import { FileError } from "../errors.ts";
import { openRead } from "./files.ts";
import {
  checkOverwrite,
  type OverwriteGrant,
  type OverwritePolicy,
  writeAtomically,
} from "./output_file.ts";
import { createS3Client, type S3Client } from "./s3/client.ts";
import type { S3Settings } from "./s3/config.ts";
import { s3ReadableStream } from "./s3/read_stream.ts";
import { isS3Url, parseS3Url } from "./s3/url.ts";
import { checkS3Overwrite, s3WritableStream } from "./s3/write_stream.ts";

/** How to reach object storage: the flags, and where the environment is read. */
export interface PlaceOptions {
  /** `--s3-endpoint`, `--s3-region`, `--s3-path-style`, `--s3-profile`. */
  s3?: S3Settings;
  /** Reads an environment variable (the command's context). */
  env?: (name: string) => string | undefined;
  /** Stops a transfer. */
  signal?: AbortSignal;
}

/**
 * Whether a backup argument names an object in object storage.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRemote } from "./place.ts";
 * assert.equal(isRemote("s3://backups/neo4j.jsonl.gz"), true);
 * assert.equal(isRemote("./s3:/x"), false);
 * ```
 */
export function isRemote(target: string): boolean {
  return isS3Url(target);
}

/** One client per process and settings: its credentials are resolved once. */
const clients = new Map<string, Promise<S3Client>>();

/**
 * The S3 client for these options, made once per process and settings.
 *
 * @param options The flags and the environment.
 * @returns The client.
 */
export function s3ClientFor(options: PlaceOptions): Promise<S3Client> {
  const key = JSON.stringify(options.s3 ?? {});
  let client = clients.get(key);
  if (client === undefined) {
    const env = options.env;
    client = createS3Client({ ...options.s3, sources: env ? { env } : undefined });
    clients.set(key, client);
    client.catch(() => clients.delete(key));
  }
  return client;
}

/**
 * Opens a backup's bytes for reading: a local file, or an S3 object (the first request is made
 * here, so a missing object or refused credentials fail before any work).
 *
 * @param target A path or `s3://bucket/key`.
 * @param options How to reach object storage.
 * @returns The bytes.
 * @throws {FileError} When the file, bucket or object does not exist.
 */
export async function openSource(
  target: string,
  options: PlaceOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  if (!isRemote(target)) return await openRead(target);
  const location = parseS3Url(target);
  if (location.key === "" || location.key.endsWith("/")) {
    throw new FileError(`Cannot read '${target}': it names a prefix, not an object`);
  }
  const client = await s3ClientFor(options);
  return await s3ReadableStream(location, { client, signal: options.signal });
}

/** What {@link writeTarget} may replace, decided by {@link checkTarget}. */
export type TargetGrant = OverwriteGrant;

/**
 * Checks, before any work, that a backup may be written to a target: for a file, see
 * {@link checkOverwrite}; for an object, that none is there unless overwriting was allowed (no
 * prompt: an object store is often written by a schedule).
 *
 * @param target A path or `s3://bucket/key`.
 * @param policy Whether to overwrite, and whether asking is possible.
 * @param options How to reach object storage.
 * @returns What {@link writeTarget} may replace.
 */
export async function checkTarget(
  target: string,
  policy: OverwritePolicy,
  options: PlaceOptions = {},
): Promise<TargetGrant> {
  if (!isRemote(target)) return await checkOverwrite(target, policy);
  const location = parseS3Url(target);
  if (location.key === "" || location.key.endsWith("/")) {
    throw new FileError(`Cannot write the backup to '${target}': it names a prefix, not an object`);
  }
  await checkS3Overwrite(await s3ClientFor(options), location, policy.overwrite, options.signal);
  return { replace: policy.overwrite, replacePartial: policy.overwrite };
}

/**
 * Writes a backup to a target so that it appears only when complete: a file through
 * `FILE.partial` and a rename; an object through a multipart upload that is aborted on any
 * failure or interruption, leaving nothing.
 *
 * @param target A path or `s3://bucket/key`.
 * @param bytes The backup's bytes.
 * @param grant What may be replaced, from {@link checkTarget}.
 * @param options How to reach object storage, and the signal that stops the write.
 */
export async function writeTarget(
  target: string,
  bytes: ReadableStream<Uint8Array>,
  grant: TargetGrant,
  options: PlaceOptions = {},
): Promise<void> {
  if (!isRemote(target)) return await writeAtomically(target, bytes, options.signal, grant);
  const sink = await s3WritableStream(parseS3Url(target), {
    client: await s3ClientFor(options),
    force: grant.replace,
    signal: options.signal,
  });
  await bytes.pipeTo(sink, { signal: options.signal });
}
