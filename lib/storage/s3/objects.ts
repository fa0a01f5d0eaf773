/**
 * Objects by URL: what is under a prefix (every page), what one object is, deleting one. What a
 * `list` of a prefix and the pruning of `--keep` need.
 *
 * @module
 */

import { createS3Client, type S3Client, type S3ClientOptions } from "./client.ts";
import { deleteObject, headObject, listObjectsPage, type S3ObjectInfo } from "./operations.ts";
import { formatS3Url, type S3Location, toS3Location } from "./url.ts";

/** Options of the functions here. */
export interface S3ObjectsOptions extends S3ClientOptions {
  /** The client; one is made from the other options when omitted. */
  client?: S3Client;
  /** Objects per listing request, 1 to 1000 (default 1000). */
  pageSize?: number;
  /** Stops a listing between pages. */
  signal?: AbortSignal;
}

/** An object under a prefix. */
export interface S3Entry {
  /** `s3://bucket/key`. */
  url: string;
  /** The key. */
  key: string;
  /** Bytes. */
  size: number;
  /** When it was last written. */
  lastModified: Date;
}

/**
 * Every object whose key starts with the location's key, in key order, page after page.
 *
 * @param prefix `s3://bucket/prefix/` (or any key prefix, or a bucket).
 * @param options The client or its settings, the page size.
 * @returns The objects, lazily.
 * @throws {FileError} When the bucket does not exist.
 *
 * @example List a prefix
 * ```ts ignore
 * import { s3List } from "./objects.ts";
 * for await (const o of s3List("s3://backups/nightly/")) console.log(o.key, o.size);
 * ```
 */
export async function* s3List(
  prefix: string | S3Location,
  options: S3ObjectsOptions = {},
): AsyncGenerator<S3Entry> {
  const location = toS3Location(prefix);
  const client = options.client ?? await createS3Client(options);
  let token: string | undefined;
  do {
    options.signal?.throwIfAborted();
    const page = await listObjectsPage(client, location.bucket, {
      prefix: location.key,
      continuationToken: token,
      maxKeys: options.pageSize,
      signal: options.signal,
    });
    for (const o of page.objects) {
      yield {
        url: formatS3Url({ bucket: location.bucket, key: o.key }),
        key: o.key,
        size: o.size,
        lastModified: o.lastModified,
      };
    }
    token = page.next;
  } while (token);
}

/**
 * What an object is: its size, ETag and time, or undefined when it does not exist.
 *
 * @param target `s3://bucket/key`.
 * @param options The client or its settings.
 * @returns The object's facts.
 */
export async function s3Head(
  target: string | S3Location,
  options: S3ObjectsOptions = {},
): Promise<S3ObjectInfo | undefined> {
  const client = options.client ?? await createS3Client(options);
  return await headObject(client, toS3Location(target), options.signal);
}

/**
 * Deletes an object; a missing one is no error (as S3 answers).
 *
 * @param target `s3://bucket/key`.
 * @param options The client or its settings.
 */
export async function s3Delete(
  target: string | S3Location,
  options: S3ObjectsOptions = {},
): Promise<void> {
  const client = options.client ?? await createS3Client(options);
  await deleteObject(client, toS3Location(target));
}
