/**
 * Object storage (`s3://bucket/key`) as a place for backups: streams that write an object
 * through a multipart upload and read one with resuming ranged GETs, listing and deleting, over
 * any S3-compatible service (AWS S3, GCS, R2, MinIO, B2, Ceph, SeaweedFS). See docs/STORAGE.md.
 *
 * @module
 */

export { formatS3Url, isS3Prefix, isS3Url, parseS3Url, type S3Location } from "./url.ts";
export { resolveS3Config, type S3Config, type S3ConfigSources, type S3Settings } from "./config.ts";
export { S3Credentials } from "./credentials.ts";
export {
  createS3Client,
  S3Client,
  type S3ClientOptions,
  type S3Request,
  type S3RequestHandling,
  type S3TextAnswer,
} from "./client.ts";
export { HttpAnswer } from "./http.ts";
export type { S3ErrorContext, S3Failure } from "./s3_errors.ts";
export type { S3RetryInfo, S3RetryPolicy } from "./retry.ts";
export {
  checkS3Overwrite,
  DEFAULT_PART_SIZE,
  s3WritableStream,
  type S3WriteOptions,
} from "./write_stream.ts";
export { s3ReadableStream, type S3ReadOptions } from "./read_stream.ts";
export { s3Delete, type S3Entry, s3Head, s3List, type S3ObjectsOptions } from "./objects.ts";
export type { S3ObjectInfo } from "./operations.ts";
