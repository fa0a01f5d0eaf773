import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AuthenticationError,
  BackupError,
  ConnectionError,
  FileError,
  UsageError,
} from "../../errors.ts";
import { S3Credentials } from "./credentials.ts";
import {
  connectionError,
  isRetriable,
  parseS3Failure,
  s3Error,
  type S3ErrorContext,
} from "./s3_errors.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN0123456789";
const KEY_ID = "AKIAEXAMPLEKEYID";
const credentials = new S3Credentials(KEY_ID, SECRET, TOKEN);

const context: S3ErrorContext = {
  action: "read",
  location: { bucket: "backups", key: "daily/neo4j.jsonl.gz" },
  endpoint: "https://s3.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  anonymous: false,
  secrets: credentials.secrets(),
};

function failure(status: number, code: string, message = "", headers?: Headers) {
  return parseS3Failure(
    status,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
      `<RequestId>1</RequestId></Error>`,
    headers,
  );
}

test("each S3 error code becomes the error of its kind", () => {
  const cases: [number, string, typeof BackupError, RegExp][] = [
    [
      404,
      "NoSuchBucket",
      FileError,
      /bucket 'backups' does not exist at s3\.eu-west-1\.amazonaws\.com/,
    ],
    [404, "NoSuchKey", FileError, /there is no such object; check the key$/],
    [404, "NoSuchUpload", FileError, /multipart upload is gone/],
    [412, "PreconditionFailed", FileError, /replaced while it was being read/],
    [
      403,
      "InvalidAccessKeyId",
      AuthenticationError,
      /does not know the access key id; check AWS_ACCESS_KEY_ID/,
    ],
    [
      403,
      "SignatureDoesNotMatch",
      AuthenticationError,
      /refused the request signature; check AWS_SECRET_ACCESS_KEY/,
    ],
    [400, "ExpiredToken", AuthenticationError, /session token is expired/],
    [403, "RequestTimeTooSkewed", AuthenticationError, /clock/],
    [
      403,
      "AccessDenied",
      AuthenticationError,
      /access denied \(Access Denied\); check that the credentials may read it/,
    ],
    [400, "InvalidBucketName", UsageError, /not a valid bucket name/],
    [
      503,
      "SlowDown",
      ConnectionError,
      /kept failing \(503 SlowDown Please reduce your request rate\); try again later$/,
    ],
    [500, "InternalError", ConnectionError, /kept failing/],
    [400, "EntityTooSmall", BackupError, /refused the request \(400 EntityTooSmall/],
  ];
  const messages: Record<string, string> = {
    AccessDenied: "Access Denied",
    SlowDown: "Please reduce your request rate.",
    EntityTooSmall: "Your proposed upload is smaller than the minimum allowed size",
  };
  for (const [status, code, kind, message] of cases) {
    const e = s3Error(failure(status, code, messages[code] ?? ""), context);
    assert.equal(e.constructor, kind, code);
    assert.match(e.message, /^Cannot read 's3:\/\/backups\/daily\/neo4j\.jsonl\.gz': /);
    assert.match(e.message, message, code);
    assert.doesNotMatch(e.message, /\n/);
  }
});

test("a bucket in another region names the region to set", () => {
  const e = s3Error(
    failure(301, "PermanentRedirect", "", new Headers({ "x-amz-bucket-region": "us-west-2" })),
    context,
  );
  assert.ok(e instanceof UsageError);
  assert.match(
    e.message,
    /bucket 'backups' is in region 'us-west-2', not 'eu-west-1'; set AWS_REGION=us-west-2$/,
  );
  const malformed = s3Error(
    parseS3Failure(
      400,
      "<Error><Code>AuthorizationHeaderMalformed</Code><Region>ap-east-1</Region></Error>",
    ),
    context,
  );
  assert.match(malformed.message, /set AWS_REGION=ap-east-1$/);
});

test("a HEAD's bare statuses are understood", () => {
  assert.ok(s3Error(parseS3Failure(404, ""), context) instanceof FileError);
  assert.ok(s3Error(parseS3Failure(403, ""), context) instanceof AuthenticationError);
  assert.ok(s3Error(parseS3Failure(502, ""), context) instanceof ConnectionError);
});

test("access denied without credentials says how to give them", () => {
  const e = s3Error(failure(403, "AccessDenied"), { ...context, anonymous: true });
  assert.match(
    e.message,
    /no credentials were found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE$/,
  );
});

test("throttling, server errors and timeouts are retried; refusals are not", () => {
  assert.equal(isRetriable({ status: 500 }), true);
  assert.equal(isRetriable({ status: 429 }), true);
  assert.equal(isRetriable({ status: 503, code: "SlowDown" }), true);
  assert.equal(isRetriable({ status: 400, code: "RequestTimeout" }), true);
  assert.equal(isRetriable({ status: 403, code: "SignatureDoesNotMatch" }), false);
  assert.equal(isRetriable({ status: 404 }), false);
});

test("no message shows a key, a secret or a token, even when the server repeats them", () => {
  const echoed = `The request signature we calculated does not match. AWSAccessKeyId ${KEY_ID} ` +
    `token ${TOKEN} secret ${SECRET}`;
  const codes = [
    "SignatureDoesNotMatch",
    "AccessDenied",
    "SlowDown",
    "WeirdCode",
    "InvalidAccessKeyId",
  ];
  const errors = codes.map((code) => s3Error(failure(403, code, echoed), context));
  errors.push(
    connectionError(
      new TypeError(`fetch failed for ${KEY_ID}`, { cause: new Error(SECRET) }),
      context,
    ),
  );
  for (const e of errors) {
    for (const secret of [SECRET, TOKEN, KEY_ID]) {
      assert.equal(e.message.includes(secret), false, `${e.name} shows ${secret}`);
      assert.equal(String(e).includes(secret), false);
    }
  }
});

test("a lost connection is a connection error naming the endpoint and the cause", () => {
  const cause = new TypeError("fetch failed", {
    cause: new Error("connect ECONNREFUSED 127.0.0.1:9"),
  });
  const e = connectionError(cause, { ...context, endpoint: "http://127.0.0.1:9", action: "write" });
  assert.ok(e instanceof ConnectionError);
  assert.equal(
    e.message,
    "Cannot write 's3://backups/daily/neo4j.jsonl.gz': cannot reach the service at 127.0.0.1:9 " +
      "(connect ECONNREFUSED 127.0.0.1:9); check the endpoint (AWS_ENDPOINT_URL_S3) and the network",
  );
});

test("credentials print as neither key nor secret", () => {
  for (
    const shown of [
      String(credentials),
      JSON.stringify(credentials),
      JSON.stringify({ credentials }),
    ]
  ) {
    for (const secret of [SECRET, TOKEN, KEY_ID]) assert.equal(shown.includes(secret), false);
  }
});
