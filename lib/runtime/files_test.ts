import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
