import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { Buffer } from "node:buffer";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileError } from "../errors.ts";
import { fileError } from "./files.ts";
import { openRead } from "./files.ts";
import { openWrite } from "./files.ts";
import { pathKind } from "./files.ts";
import { removeFile } from "./files.ts";
import { renameFile } from "./files.ts";
import { writeFileAtomically } from "./files.ts";

function withTempDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-runtime-test-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "openRead streams a file larger than one chunk byte for byte",
  withTempDir(async (dir) => {
    const file = join(dir, "big.bin");
    const data = new Uint8Array(200_000).map((_, i) => i % 251);
    writeFileSync(file, data);
    const chunks: Uint8Array[] = [];
    for await (const chunk of await openRead(file)) chunks.push(chunk);
    assert.ok(chunks.length >= 3);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(data));
  }),
);

test(
  "openRead fails up front with a file error for a missing file or a folder",
  withTempDir(async (dir) => {
    await assert.rejects(openRead(join(dir, "missing.jsonl")), (e) => {
      assert.ok(e instanceof FileError);
      assert.equal(
        e.message,
        `Cannot read '${join(dir, "missing.jsonl")}': no such file or folder`,
      );
      return true;
    });
    await assert.rejects(openRead(dir), /it is a folder/);
  }),
);

test(
  "openWrite writes every chunk in order and creates or truncates the file",
  withTempDir(async (dir) => {
    const file = join(dir, "out.txt");
    writeFileSync(file, "something much longer than what follows");
    const out = await openWrite(file);
    const text = new TextEncoder();
    await ReadableStream.from([text.encode("a"), text.encode("bc"), text.encode("\n")]).pipeTo(out);
    assert.equal(readFileSync(file, "utf8"), "abc\n");
    await assert.rejects(openWrite(join(dir, "no", "such", "dir.txt")), FileError);
  }),
);

test(
  "pathKind tells files, folders and missing paths apart",
  withTempDir(async (dir) => {
    writeFileSync(join(dir, "f"), "");
    mkdirSync(join(dir, "d"));
    assert.equal(await pathKind(join(dir, "f")), "file");
    assert.equal(await pathKind(join(dir, "d")), "directory");
    assert.equal(await pathKind(join(dir, "nothing")), "missing");
  }),
);

test(
  "renameFile replaces the target and removeFile ignores missing files",
  withTempDir(async (dir) => {
    writeFileSync(join(dir, "a"), "new");
    writeFileSync(join(dir, "b"), "old");
    await renameFile(join(dir, "a"), join(dir, "b"));
    assert.equal(readFileSync(join(dir, "b"), "utf8"), "new");
    assert.equal(await removeFile(join(dir, "b")), true);
    assert.equal(await removeFile(join(dir, "b")), false);
    await assert.rejects(renameFile(join(dir, "a"), join(dir, "c")), FileError);
  }),
);

test("file errors name the action, the path and a readable reason", () => {
  const e = fileError(
    Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }),
    "read",
    "x",
  );
  assert.equal(e.message, "Cannot read 'x': permission denied");
  assert.equal(e.exitCode, 7);
  assert.equal(fileError(new Error("odd"), "write", "y").message, "Cannot write 'y': odd");
});

const encode = (text: string) => new TextEncoder().encode(text);

test(
  "writeFileAtomically publishes the file only once every byte is written",
  withTempDir(async (dir) => {
    const file = join(dir, "b.jsonl");
    writeFileSync(file, "old");
    const seen: string[][] = [];
    let sent = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        seen.push(readdirSync(dir).sort());
        if (sent++ === 3) return controller.close();
        controller.enqueue(encode(`line ${sent}\n`));
      },
    }, { highWaterMark: 0 });
    await writeFileAtomically(file, source);
    assert.equal(readFileSync(file, "utf8"), "line 1\nline 2\nline 3\n");
    assert.deepEqual(readdirSync(dir), ["b.jsonl"]);
    assert.deepEqual(seen.at(-1), ["b.jsonl", "b.jsonl.partial"], "written beside, then renamed");
  }),
);

test(
  "writeFileAtomically removes the partial file and keeps the old one when the source fails",
  withTempDir(async (dir) => {
    const file = join(dir, "b.jsonl");
    writeFileSync(file, "precious");
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encode("half"));
      },
      pull(controller) {
        controller.error(new Error("the server went away"));
      },
    });
    await assert.rejects(writeFileAtomically(file, failing), /the server went away/);
    assert.equal(readFileSync(file, "utf8"), "precious");
    assert.deepEqual(readdirSync(dir), ["b.jsonl"]);
  }),
);

test(
  "writeFileAtomically stops and cleans up when its signal aborts",
  withTempDir(async (dir) => {
    const file = join(dir, "b.jsonl");
    const controller = new AbortController();
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++pulls === 5) controller.abort(new Error("Interrupted"));
        c.enqueue(encode("x"));
      },
    });
    await assert.rejects(
      writeFileAtomically(file, endless, { signal: controller.signal }),
      /Interrupted/,
    );
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  "writeFileAtomically takes another suffix, and fails with a file error before reading",
  withTempDir(async (dir) => {
    const file = join(dir, "b.jsonl");
    await writeFileAtomically(file, ReadableStream.from([encode("x")]), { partialSuffix: ".tmp" });
    assert.equal(readFileSync(file, "utf8"), "x");
    mkdirSync(join(dir, "c.jsonl.partial"));
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    await assert.rejects(writeFileAtomically(join(dir, "c.jsonl"), source), (e: unknown) => {
      assert.ok(e instanceof FileError, `expected a FileError, got ${e}`);
      assert.match(e.message, /^Cannot create '.*c\.jsonl\.partial': it is a folder$/);
      return true;
    });
    assert.ok(cancelled, "the source is cancelled");
    assert.ok(!existsSync(join(dir, "c.jsonl")));
  }),
);
