import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
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

const refuse = { overwrite: false, canPrompt: false };
const force = { overwrite: true, canPrompt: false };

test("checkOverwrite counts a link at the output, even a dangling one, as an existing file", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl.gz");
    symlinkSync(join(dir, "nowhere"), file);
    await assert.rejects(checkOverwrite(file, refuse), /already exists; pass --force/);
    assert.deepEqual(await checkOverwrite(file, force), { replace: true, replacePartial: true });
    rmSync(file);
    symlinkSync(dir, file);
    await assert.rejects(checkOverwrite(file, force), /it is not a file; name a file with -o/);
    rmSync(file);
    assert.deepEqual(await checkOverwrite(file, refuse), { replace: false, replacePartial: false });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("checkOverwrite refuses a partial file left by an interrupted run unless --force", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl.gz");
    symlinkSync(join(dir, "nowhere"), `${file}.partial`);
    await assert.rejects(checkOverwrite(file, refuse), (e) => {
      assert.ok(e instanceof RefusedError);
      assert.equal(
        e.message,
        `File '${file}.partial' exists: an earlier run was interrupted, or another one is writing it; remove it, or pass --force to replace it`,
      );
      return true;
    });
    assert.deepEqual(await checkOverwrite(file, force), { replace: true, replacePartial: true });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("writeAtomically never writes through a link planted at FILE.partial, with or without --force", async () => {
  const dir = tempDir();
  try {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    const file = join(dir, "b.jsonl");
    symlinkSync(victim, `${file}.partial`);
    await assert.rejects(writeAtomically(file, ReadableStream.from([bytes("new")])), FileError);
    assert.equal(readFileSync(victim, "utf8"), "precious");
    assert.equal(existsSync(file), false);
    const grant = await checkOverwrite(file, force);
    await writeAtomically(file, ReadableStream.from([bytes("new")]), undefined, grant);
    assert.equal(readFileSync(victim, "utf8"), "precious");
    assert.equal(readFileSync(file, "utf8"), "new");
    assert.deepEqual(readdirSync(dir).sort(), ["b.jsonl", "victim"]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("writeAtomically never overwrites a file without --force, and replaces a link itself with it", async () => {
  const dir = tempDir();
  try {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    const file = join(dir, "b.jsonl");
    const grant = await checkOverwrite(file, refuse);
    writeFileSync(file, "appeared meanwhile");
    await assert.rejects(
      writeAtomically(file, ReadableStream.from([bytes("new")]), undefined, grant),
      /^FileError: Cannot publish '.*b\.jsonl': something created it while it was written/,
    );
    assert.equal(readFileSync(file, "utf8"), "appeared meanwhile");
    assert.equal(readFileSync(`${file}.partial`, "utf8"), "new", "the complete output is kept");
    rmSync(`${file}.partial`);
    rmSync(file);
    symlinkSync(victim, file);
    const forced = await checkOverwrite(file, force);
    await writeAtomically(file, ReadableStream.from([bytes("new")]), undefined, forced);
    assert.ok(lstatSync(file).isFile());
    assert.equal(readFileSync(file, "utf8"), "new");
    assert.equal(readFileSync(victim, "utf8"), "precious");
  } finally {
    rmSync(dir, { recursive: true });
  }
});
