import { test } from "node:test";
import assert from "node:assert/strict";
import { S3Credentials } from "./credentials.ts";
import { canonicalQuery, EMPTY_SHA256, sha256Hex, signV4, uriEncode } from "./sigv4.ts";

// The examples of AWS's "Signature Calculations for the Authorization Header" page for S3.
const EXAMPLE = {
  region: "us-east-1",
  credentials: new S3Credentials(
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  ),
  date: new Date("2013-05-24T00:00:00Z"),
};
const HOST = "https://examplebucket.s3.amazonaws.com";

function signature(headers: Record<string, string>): string {
  return /Signature=([0-9a-f]{64})$/.exec(headers.authorization)?.[1] ?? "";
}

test("the signer reproduces AWS's GET Object example with a range", () => {
  const headers = signV4({
    ...EXAMPLE,
    method: "GET",
    url: new URL(`${HOST}/test.txt`),
    headers: { Range: "bytes=0-9" },
    payloadHash: EMPTY_SHA256,
  });
  assert.equal(
    headers.authorization,
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
  );
  assert.equal(headers["x-amz-date"], "20130524T000000Z");
});

test("the signer reproduces AWS's PUT Object example with an encoded key and a signed body", () => {
  const body = "Welcome to Amazon S3.";
  const hash = sha256Hex(body);
  assert.equal(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  const headers = signV4({
    ...EXAMPLE,
    method: "PUT",
    url: new URL(`${HOST}/${uriEncode("test$file.text", true)}`),
    headers: { Date: "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY" },
    payloadHash: hash,
  });
  assert.equal(
    signature(headers),
    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
  );
});

test("the signer reproduces AWS's GET Bucket Lifecycle example with a valueless parameter", () => {
  const headers = signV4({
    ...EXAMPLE,
    method: "GET",
    url: new URL(`${HOST}/?${canonicalQuery({ lifecycle: "" })}`),
    payloadHash: EMPTY_SHA256,
  });
  assert.equal(
    signature(headers),
    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
  );
});

test("the signer reproduces AWS's list objects example with sorted parameters", () => {
  const headers = signV4({
    ...EXAMPLE,
    method: "GET",
    url: new URL(`${HOST}/?${canonicalQuery({ prefix: "J", "max-keys": "2" })}`),
    payloadHash: EMPTY_SHA256,
  });
  assert.equal(
    signature(headers),
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
  );
});

test("temporary credentials send and sign their session token", () => {
  const headers = signV4({
    ...EXAMPLE,
    credentials: new S3Credentials("AKIDEXAMPLE", "secret", "the-token"),
    method: "GET",
    url: new URL(`${HOST}/test.txt`),
    payloadHash: EMPTY_SHA256,
  });
  assert.equal(headers["x-amz-security-token"], "the-token");
  assert.match(
    headers.authorization,
    /SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,/,
  );
});

test("keys are encoded byte by byte in UTF-8 with slashes kept in paths", () => {
  assert.equal(uriEncode("雪/a b+c~", true), "%E9%9B%AA/a%20b%2Bc~");
  assert.equal(uriEncode("雪/a", false), "%E9%9B%AA%2Fa");
  assert.equal(
    canonicalQuery({ "continuation-token": "a/b+c=", "list-type": "2" }),
    "continuation-token=a%2Fb%2Bc%3D&list-type=2",
  );
});

test("a signing key is never part of the headers", () => {
  const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const headers = signV4({
    ...EXAMPLE,
    method: "GET",
    url: new URL(`${HOST}/test.txt`),
    payloadHash: EMPTY_SHA256,
  });
  assert.equal(JSON.stringify(headers).includes(secret), false);
});
