import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileError, RefusedError } from "../errors.ts";
import { checkOverwrite, defaultOutputName, writeAtomically } from "./output_file.ts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "neo4j-backup-output-test-"));
}

const bytes = (text: string) => new TextEncoder().encode(text);

test("the default output name holds the database and a UTC timestamp", () => {
  const date = new Date("2026-11-24T07:00:00.123Z");
  assert.equal(defaultOutputName("neo4j", date, true), "neo4j-neo4j-20261124T070000Z.jsonl.gz");
  assert.equal(defaultOutputName("movies", date, false), "neo4j-movies-20261124T070000Z.jsonl");
  assert.equal(defaultOutputName("a/b c", date, false), "neo4j-a_b_c-20261124T070000Z.jsonl");
});

test("checkOverwrite refuses an existing file unless overwriting is allowed", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl.gz");
    await checkOverwrite(file, { overwrite: false, canPrompt: false });
    writeFileSync(file, "old");
    await assert.rejects(checkOverwrite(file, { overwrite: false, canPrompt: false }), (e) => {
      assert.ok(e instanceof RefusedError);
      assert.match(e.message, /already exists; pass --force/);
      return true;
    });
    await checkOverwrite(file, { overwrite: true, canPrompt: false });
    await assert.rejects(checkOverwrite(dir, { overwrite: true, canPrompt: false }), FileError);
    assert.equal(readFileSync(file, "utf8"), "old");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("writeAtomically publishes the file only when every byte is written", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl");
    await writeAtomically(file, ReadableStream.from([bytes("one\n"), bytes("two\n")]));
    assert.equal(readFileSync(file, "utf8"), "one\ntwo\n");
    assert.equal(existsSync(`${file}.partial`), false);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("writeAtomically removes the partial file and keeps the old file when the source fails", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl");
    writeFileSync(file, "old");
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("half"));
        controller.error(new Error("the server went away"));
      },
    });
    await assert.rejects(writeAtomically(file, failing), /the server went away/);
    assert.equal(readFileSync(file, "utf8"), "old");
    assert.equal(existsSync(`${file}.partial`), false);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("writeAtomically stops and cleans up when the signal aborts", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl");
    const controller = new AbortController();
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(bytes("x".repeat(1024)));
        return new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    setTimeout(() => controller.abort(new Error("Interrupted")), 50);
    await assert.rejects(writeAtomically(file, endless, controller.signal), /Interrupted/);
    assert.equal(existsSync(file), false);
    assert.equal(existsSync(`${file}.partial`), false);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("writeAtomically reports a folder that cannot be written as a file error", async () => {
  await assert.rejects(
    writeAtomically("/nonexistent-folder-xyz/b.jsonl", ReadableStream.from([bytes("x")])),
    (e) => {
      assert.ok(e instanceof FileError);
      assert.equal(e.exitCode, 7);
      assert.match(
        e.message,
        /^Cannot create '\/nonexistent-folder-xyz\/b\.jsonl\.partial': no such/,
      );
      return true;
    },
  );
});
