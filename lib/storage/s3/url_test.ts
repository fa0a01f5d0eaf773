import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../../errors.ts";
import { formatS3Url, isS3Prefix, isS3Url, parseS3Url } from "./url.ts";

test("an s3 URL parses into its bucket and its literal key", () => {
  assert.deepEqual(parseS3Url("s3://my-backups/a b/%20x.jsonl.gz"), {
    bucket: "my-backups",
    key: "a b/%20x.jsonl.gz",
  });
  assert.deepEqual(parseS3Url("S3://Legacy_Bucket.1/k"), { bucket: "Legacy_Bucket.1", key: "k" });
  assert.deepEqual(parseS3Url("s3://b12/"), { bucket: "b12", key: "" });
});

test("prefixes are the bucket itself and keys that end in a slash", () => {
  for (const url of ["s3://bkt", "s3://bkt/", "s3://bkt/daily/", "s3://bkt/a/b/"]) {
    assert.equal(isS3Prefix(parseS3Url(url)), true, url);
  }
  assert.equal(isS3Prefix(parseS3Url("s3://bkt/daily")), false);
});

test("a parsed URL prints back as it was written", () => {
  for (const url of ["s3://bkt/daily/x.jsonl.gz", "s3://bkt/", "s3://bkt/雪 1.gz"]) {
    assert.equal(formatS3Url(parseS3Url(url)), url);
  }
});

test("paths that are not s3 URLs are told apart", () => {
  assert.equal(isS3Url("s3://b/k"), true);
  assert.equal(isS3Url("backup.jsonl.gz"), false);
  assert.equal(isS3Url("-"), false);
  assert.equal(isS3Url("s3:/b/k"), false);
  assert.equal(isS3Url("https://b.s3.amazonaws.com/k"), false);
});

test("URLs S3 cannot serve are usage errors of one line", () => {
  const cases: [string, RegExp][] = [
    ["s3://", /names no valid bucket/],
    ["s3:///key", /names no valid bucket/],
    ["s3://b/k", /names no valid bucket/],
    ["s3://bad bucket/k", /names no valid bucket/],
    ["gs://b/k", /is not an S3 URL/],
    [`s3://bkt/${"k".repeat(1025)}`, /longer than 1024 bytes/],
    ["s3://bkt/a/../b", /'\.' or '\.\.' segment/],
    ["s3://bkt/./b", /'\.' or '\.\.' segment/],
    ["s3://bkt/a\nb", /control character/],
  ];
  for (const [url, message] of cases) {
    assert.throws(() => parseS3Url(url), (e: unknown) => {
      assert.ok(e instanceof UsageError, url);
      assert.match(e.message, message);
      assert.equal(e.message.split("\n").length, 1);
      return true;
    });
  }
});
