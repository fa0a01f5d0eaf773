/**
 * The object-storage layer against a real S3 service (SeaweedFS, started by the harness, with an
 * identities file so that wrong keys are refused): multipart round trips byte for byte,
 * connections cut by the fault proxy during the upload and the download, aborted uploads that
 * leave nothing, the overwrite refusal, the errors of wrong keys and missing things, listings.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  AuthenticationError,
  BackupError,
  ConnectionError,
  FileError,
  RefusedError,
} from "../lib/errors.ts";
import { listMultipartUploads } from "../lib/storage/s3/operations.ts";
import { s3Delete, s3Head, s3List } from "../lib/storage/s3/objects.ts";
import { s3ReadableStream } from "../lib/storage/s3/read_stream.ts";
import { s3WritableStream } from "../lib/storage/s3/write_stream.ts";
import { startFaultProxy } from "../scripts/fault_proxy.ts";
import {
  chunked,
  readAll,
  recordingRetry,
  s3Client,
  type S3Server,
  seededBytes,
  useS3Server,
} from "./_s3.ts";

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const BUCKET = "backups";

const used = useS3Server({ auth: true, buckets: [BUCKET] });
const server = (): S3Server => used.server;

/** Byte-exact equality with a short message (never a 20 MiB diff). */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.length, expected.length);
  assert.equal(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), 0, "the bytes differ");
}

/** Writes `bytes` to `url` directly (no faults), replacing what is there. */
async function put(url: string, bytes: Uint8Array): Promise<void> {
  const out = await s3WritableStream(url, { client: await s3Client(server()), force: true });
  await chunked(bytes, 1).pipeTo(out);
}

/** Reads `url` directly (no faults). */
async function get(url: string): Promise<Uint8Array> {
  return await readAll(await s3ReadableStream(url, { client: await s3Client(server()) }));
}

/** What an error says everywhere it could be shown. */
function shown(e: unknown): string {
  const parts: string[] = [];
  for (let x = e, depth = 0; x != null && depth < 5; depth++) {
    parts.push(String(x), x instanceof Error ? x.message : "", JSON.stringify(x) ?? "");
    x = x instanceof Error ? x.cause : undefined;
  }
  return parts.join("\n");
}

test("a 20 MiB object written in 5 MiB parts reads back byte for byte", async () => {
  const client = await s3Client(server());
  const bytes = seededBytes(20 * MiB + 12_345, 20);
  let done: { size: number; parts: number } | undefined;
  const out = await s3WritableStream(`s3://${BUCKET}/round/trip.bin`, {
    client,
    partSize: PART,
    onComplete: (d) => done = d,
  });
  await chunked(bytes, 2).pipeTo(out);
  assert.deepEqual(done, { size: bytes.length, parts: 5 });
  assert.equal((await s3Head(`s3://${BUCKET}/round/trip.bin`, { client }))?.size, bytes.length);
  assertSameBytes(await get(`s3://${BUCKET}/round/trip.bin`), bytes);
  assert.deepEqual(await listMultipartUploads(client, BUCKET, "round/"), []);
});

test("a body smaller than one part and an empty body are written in one request", async () => {
  const small = seededBytes(100_000, 3);
  await put(`s3://${BUCKET}/small/one.bin`, small);
  await put(`s3://${BUCKET}/small/empty.bin`, new Uint8Array(0));
  assertSameBytes(await get(`s3://${BUCKET}/small/one.bin`), small);
  assertSameBytes(await get(`s3://${BUCKET}/small/empty.bin`), new Uint8Array(0));
});

test("an upload whose connections are cut part-way completes byte for byte", async () => {
  const proxy = await startFaultProxy(server().port);
  try {
    // Connections are cut after a few answers (a part's answer is about 250 bytes, a listing
    // about 1000), so that answers of requests the server carried out get lost; and each time a
    // part is handed on, the proxy stalls and cuts every connection while the part is sent.
    proxy.random({ cutAfterBytes: [300, 3000], seed: 11 });
    const retry = recordingRetry();
    const client = await s3Client(server(), { endpoint: `http://127.0.0.1:${proxy.port}`, retry });
    const bytes = seededBytes(18 * MiB, 21);
    const out = await s3WritableStream(`s3://${BUCKET}/cut/upload.bin`, { client, partSize: PART });
    let nextCut = PART;
    await chunked(bytes, 4, 300_000, (sent) => {
      if (sent > nextCut) {
        nextCut += PART;
        proxy.stall(300);
        setTimeout(() => proxy.cutAll(), 100);
      }
    }).pipeTo(out);
    assert.ok(proxy.cuts >= 3, `only ${proxy.cuts} connections were cut`);
    assert.ok(retry.seen.length >= 3, `only ${retry.seen.length} requests were retried`);
    assertSameBytes(await get(`s3://${BUCKET}/cut/upload.bin`), bytes);
    assert.deepEqual(await listMultipartUploads(await s3Client(server()), BUCKET, "cut/"), []);
  } finally {
    await proxy.close();
  }
});

test("a download whose connection is cut again and again resumes from the byte it reached", async () => {
  const bytes = seededBytes(20 * MiB, 22);
  await put(`s3://${BUCKET}/cut/download.bin`, bytes);
  const proxy = await startFaultProxy(server().port);
  try {
    proxy.random({ cutAfterBytes: [1 * MiB, 4 * MiB], seed: 12 });
    const retry = recordingRetry();
    const client = await s3Client(server(), { endpoint: `http://127.0.0.1:${proxy.port}`, retry });
    const read = await readAll(
      await s3ReadableStream(`s3://${BUCKET}/cut/download.bin`, { client }),
    );
    assertSameBytes(read, bytes);
    const resumed = retry.seen.filter((r) => / from byte [1-9]\d*$/.test(r.action));
    assert.ok(resumed.length >= 4, `resumed only ${resumed.length} times`);
  } finally {
    await proxy.close();
  }
});

test("an object replaced while it is read is refused when the read resumes", async () => {
  const url = `s3://${BUCKET}/cut/replaced.bin`;
  await put(url, seededBytes(12 * MiB, 23));
  const proxy = await startFaultProxy(server().port);
  try {
    const client = await s3Client(server(), { endpoint: `http://127.0.0.1:${proxy.port}` });
    const reader = (await s3ReadableStream(url, { client })).getReader();
    assert.ok(((await reader.read()).value?.length ?? 0) > 0);
    await put(url, seededBytes(12 * MiB, 24));
    proxy.cutAll();
    const e = await (async () => {
      for (;;) if ((await reader.read()).done) return undefined;
    })().catch((e: unknown) => e);
    assert.ok(e instanceof FileError, `got ${shown(e)}`);
    assert.match(e.message, /replaced while it was being read/);
  } finally {
    await proxy.close();
  }
});

test("a download stopped by its signal ends with the signal's reason", async () => {
  const stop = new AbortController();
  const stream = await s3ReadableStream(`s3://${BUCKET}/cut/download.bin`, {
    client: await s3Client(server()),
    signal: stop.signal,
  });
  const reader = stream.getReader();
  assert.ok(((await reader.read()).value?.length ?? 0) > 0);
  stop.abort(new BackupError("Interrupted"));
  await assert.rejects(
    (async () => {
      for (;;) if ((await reader.read()).done) return;
    })(),
    /^BackupError: Interrupted$/,
  );
});

test("an upload aborted by its writer leaves no object and no pending multipart upload", async () => {
  const client = await s3Client(server());
  const url = `s3://${BUCKET}/aborted/by-writer.bin`;
  const out = await s3WritableStream(url, { client, partSize: PART });
  const writer = out.getWriter();
  await writer.write(seededBytes(11 * MiB, 25));
  const pending = await listMultipartUploads(client, BUCKET, "aborted/");
  assert.deepEqual(pending.map((u) => u.key), ["aborted/by-writer.bin"]);
  await writer.abort(new Error("stopped"));
  assert.equal(await s3Head(url, { client }), undefined);
  assert.deepEqual(await listMultipartUploads(client, BUCKET, "aborted/"), []);
});

test("an upload whose source fails or whose signal fires leaves nothing behind", async () => {
  const client = await s3Client(server());
  const failing = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(seededBytes(12 * MiB, 26));
      controller.error(new Error("the database went away"));
    },
  });
  const first = `s3://${BUCKET}/aborted/source-failed.bin`;
  await assert.rejects(
    failing.pipeTo(await s3WritableStream(first, { client, partSize: PART })),
    /the database went away/,
  );
  const stop = new AbortController();
  const second = `s3://${BUCKET}/aborted/interrupted.bin`;
  const out = await s3WritableStream(second, { client, partSize: PART, signal: stop.signal });
  const writing = chunked(seededBytes(30 * MiB, 27), 5, 300_000, (sent) => {
    if (sent > 12 * MiB) stop.abort(new BackupError("Interrupted"));
  }).pipeTo(out);
  await assert.rejects(writing, /Interrupted/);
  assert.equal(await s3Head(first, { client }), undefined);
  assert.equal(await s3Head(second, { client }), undefined);
  assert.deepEqual(await listMultipartUploads(client, BUCKET, "aborted/"), []);
});

test("an existing object is refused without force and replaced with it", async () => {
  const client = await s3Client(server());
  const url = `s3://${BUCKET}/exists/backup.bin`;
  await put(url, seededBytes(1000, 28));
  const e = await s3WritableStream(url, { client }).catch((e: unknown) => e);
  assert.ok(e instanceof RefusedError);
  assert.equal(e.exitCode, 8);
  assert.equal(
    e.message,
    `Object '${url}' already exists; pass --force to replace it, or choose another key with -o`,
  );
  const replacement = seededBytes(2000, 29);
  await chunked(replacement, 6).pipeTo(await s3WritableStream(url, { client, force: true }));
  assertSameBytes(await get(url), replacement);
});

test("an object that appears during an upload is not replaced", async () => {
  const client = await s3Client(server());
  const url = `s3://${BUCKET}/exists/raced.bin`;
  const out = await s3WritableStream(url, { client, partSize: PART });
  const first = seededBytes(3000, 30);
  await put(url, first);
  await assert.rejects(chunked(seededBytes(6 * MiB, 31), 7).pipeTo(out), RefusedError);
  assertSameBytes(await get(url), first);
  assert.deepEqual(await listMultipartUploads(client, BUCKET, "exists/"), []);
});

test("wrong keys are authentication errors of one line that show no key", async () => {
  const url = `s3://${BUCKET}/round/trip.bin`;
  const wrongSecret = "wrong-secret-0123456789abcdefghijklmnop";
  const cases = [
    { accessKeyId: server().accessKeyId, secretAccessKey: wrongSecret, code: /signature/ },
    { accessKeyId: "AKWRONGKEYID0000", secretAccessKey: wrongSecret, code: /access key id/ },
  ];
  for (const keys of cases) {
    const client = await s3Client(server(), keys);
    const attempts = [
      () => s3ReadableStream(url, { client }),
      () => s3WritableStream(`s3://${BUCKET}/auth/new.bin`, { client }),
      () => s3List(`s3://${BUCKET}/`, { client }).next(),
    ];
    for (const attempt of attempts) {
      const e = await attempt().then(() => undefined, (e: unknown) => e);
      assert.ok(e instanceof AuthenticationError, `got ${shown(e)}`);
      assert.equal(e.exitCode, 4);
      assert.match(e.message, keys.code);
      assert.doesNotMatch(e.message, /\n/);
      for (const secret of [wrongSecret, server().secretAccessKey, keys.accessKeyId]) {
        assert.equal(shown(e).includes(secret), false, "a key is shown");
      }
    }
  }
});

test("a missing bucket and a missing object are file errors of one line", async () => {
  const client = await s3Client(server());
  const noBucket = await s3ReadableStream("s3://no-such-bucket/x.jsonl.gz", { client })
    .catch((e: unknown) => e);
  assert.ok(noBucket instanceof FileError, `got ${shown(noBucket)}`);
  assert.equal(noBucket.exitCode, 7);
  assert.match(
    noBucket.message,
    /^Cannot read 's3:\/\/no-such-bucket\/x.jsonl.gz': bucket 'no-such-bucket' does not exist at 127\.0\.0\.1:\d+; check/,
  );
  const noObject = await s3ReadableStream(`s3://${BUCKET}/nothing/here.jsonl.gz`, { client })
    .catch((e: unknown) => e);
  assert.ok(noObject instanceof FileError);
  assert.equal(
    noObject.message,
    `Cannot read 's3://${BUCKET}/nothing/here.jsonl.gz': there is no such object; check the key`,
  );
  // (SeaweedFS makes a missing bucket on a write, where S3 refuses: a listing shows the error.)
  const list = await s3List("s3://no-such-bucket/daily/", { client }).next()
    .catch((e: unknown) => e);
  assert.ok(list instanceof FileError, `got ${shown(list)}`);
  assert.match(
    list.message,
    /^Cannot list 's3:\/\/no-such-bucket\/daily\/': bucket 'no-such-bucket' does not exist/,
  );
  for (const e of [noBucket, noObject, list]) {
    assert.equal(shown(e).includes(server().secretAccessKey), false);
  }
});

test("an endpoint that does not answer is a connection error once the retries run out", async () => {
  const proxy = await startFaultProxy(server().port);
  const port = proxy.port;
  await proxy.close();
  const retry = recordingRetry(1_500);
  const client = await s3Client(server(), { endpoint: `http://127.0.0.1:${port}`, retry });
  const e = await s3ReadableStream(`s3://${BUCKET}/round/trip.bin`, { client })
    .catch((e: unknown) => e);
  assert.ok(e instanceof ConnectionError, `got ${shown(e)}`);
  assert.equal(e.exitCode, 3);
  assert.match(e.message, new RegExp(`cannot reach the service at 127\\.0\\.0\\.1:${port} \\(`));
  assert.ok(retry.seen.length >= 2);
});

test("a listing of a prefix returns every object across pages, and nothing else", async () => {
  const client = await s3Client(server());
  const keys = ["a/1.bin", "a/2.bin", "a/3.bin", "a/4.bin", "a/5.bin", "a/sub/6.bin", "a/7.bin"];
  for (const [i, key] of keys.entries()) {
    await put(`s3://${BUCKET}/list/${key}`, seededBytes(100 + i, 40 + i));
  }
  await put(`s3://${BUCKET}/list/ab.bin`, seededBytes(5, 50));
  await put(`s3://${BUCKET}/list/b/1.bin`, seededBytes(5, 51));
  const listed = [];
  for await (const o of s3List(`s3://${BUCKET}/list/a/`, { client, pageSize: 2 })) listed.push(o);
  assert.deepEqual(
    listed.map((o) => [o.url, o.size]),
    [...keys].sort().map((k) => [`s3://${BUCKET}/list/${k}`, 100 + keys.indexOf(k)]),
  );
  assert.ok(listed.every((o) => o.lastModified.getTime() > Date.UTC(2020, 0, 1)));
});

test("a deleted object is gone and deleting it again is no error", async () => {
  const client = await s3Client(server());
  const url = `s3://${BUCKET}/delete/me.bin`;
  await put(url, seededBytes(10, 60));
  await s3Delete(url, { client });
  assert.equal(await s3Head(url, { client }), undefined);
  await s3Delete(url, { client });
});

test("keys with spaces, unicode and reserved characters round-trip", async () => {
  const client = await s3Client(server());
  const url = `s3://${BUCKET}/odd keys/雪 + $ & = ~ (1).bin`;
  const bytes = seededBytes(1234, 61);
  await put(url, bytes);
  assertSameBytes(await get(url), bytes);
  const listed = [];
  for await (const o of s3List(`s3://${BUCKET}/odd keys/`, { client })) listed.push(o.url);
  assert.deepEqual(listed, [url]);
});
