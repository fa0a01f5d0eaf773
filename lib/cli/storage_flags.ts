/**
 * The flags of object storage, taken by every command that reads or writes a backup. Without
 * them the conventional environment (`AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL_S3`, `AWS_PROFILE`
 * and `~/.aws/`) decides; a flag wins over it.
 *
 * @module
 */

import type { S3Settings } from "../storage/s3/config.ts";
import type { OptionTable, ParsedFlags } from "./flags.ts";

/** `--s3-endpoint URL`, `--s3-region NAME`, `--s3-profile NAME`, `--s3-path-style`. */
export const STORAGE_OPTIONS: OptionTable = {
  "s3-endpoint": { type: "string" },
  "s3-region": { type: "string" },
  "s3-profile": { type: "string" },
  "s3-path-style": { type: "boolean" },
};

/**
 * Resolves the storage flags into S3 settings (only those given).
 *
 * @param values The parsed values.
 * @returns The settings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { storageFlags } from "./storage_flags.ts";
 * assert.deepEqual(storageFlags({ "s3-endpoint": "http://127.0.0.1:8333", "s3-path-style": true }), {
 *   endpoint: "http://127.0.0.1:8333",
 *   pathStyle: true,
 * });
 * assert.deepEqual(storageFlags({}), {});
 * ```
 */
export function storageFlags(values: ParsedFlags["values"]): S3Settings {
  const settings: S3Settings = {};
  if (typeof values["s3-endpoint"] === "string") settings.endpoint = values["s3-endpoint"];
  if (typeof values["s3-region"] === "string") settings.region = values["s3-region"];
  if (typeof values["s3-profile"] === "string") settings.profile = values["s3-profile"];
  if (values["s3-path-style"] === true) settings.pathStyle = true;
  return settings;
}

/** The help lines of {@link STORAGE_OPTIONS}. */
export const STORAGE_HELP =
  `Object storage (for s3://bucket/key; AWS_* variables and ~/.aws/ otherwise):
      --s3-endpoint URL     An S3-compatible service (GCS, R2, MinIO, B2, Ceph, SeaweedFS)
      --s3-region NAME      The signing region (default: AWS_REGION, the profile, us-east-1)
      --s3-profile NAME     A profile of ~/.aws/config and ~/.aws/credentials
      --s3-path-style       Address the bucket in the path (the default with an endpoint)`;
