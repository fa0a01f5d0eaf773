import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { Buffer } from "node:buffer";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileError } from "../errors.ts";
import { entryKind } from "./files.ts";
import { fileError } from "./files.ts";
import { openAppend } from "./append_file.ts";
import { openRead } from "./files.ts";
import { openWrite } from "./files.ts";
import { pathKind } from "./files.ts";
import { removeFile } from "./files.ts";
import { renameFile } from "./files.ts";
import { writeFileAtomically } from "./atomic_write.ts";

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
  "openWrite writes every chunk in order and replaces an existing file",
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

test(
  "openWrite replaces a symbolic link itself and never writes to its target",
  withTempDir(async (dir) => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(dir, "out"));
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    for (const name of ["out", "dangling"]) {
      await ReadableStream.from([encode("new")]).pipeTo(await openWrite(join(dir, name)));
      assert.equal(await entryKind(join(dir, name)), "file");
      assert.equal(readFileSync(join(dir, name), "utf8"), "new");
    }
    assert.equal(readFileSync(victim, "utf8"), "precious");
    assert.equal(
      existsSync(join(dir, "nowhere")),
      false,
      "a dangling link's target is not created",
    );
    mkdirSync(join(dir, "folder"));
    await assert.rejects(
      openWrite(join(dir, "folder")),
      /^FileError: Cannot create .*: it is a folder$/,
    );
  }),
);

test(
  "openWrite with createNew fails when a file, a folder, a link or a dangling link is there",
  withTempDir(async (dir) => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(dir, "link"));
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    mkdirSync(join(dir, "folder"));
    for (const name of ["victim", "link", "dangling", "folder"]) {
      await assert.rejects(openWrite(join(dir, name), { createNew: true }), (e: unknown) => {
        assert.ok(e instanceof FileError);
        assert.equal(e.message, `Cannot create '${join(dir, name)}': it already exists`);
        return true;
      });
    }
    assert.equal(readFileSync(victim, "utf8"), "precious");
    assert.equal(existsSync(join(dir, "nowhere")), false);
    const fresh = join(dir, "fresh");
    await ReadableStream.from([encode("x")]).pipeTo(await openWrite(fresh, { createNew: true }));
    assert.equal(readFileSync(fresh, "utf8"), "x");
  }),
);

test(
  "entryKind tells a link, even a dangling one, from what it points to",
  withTempDir(async (dir) => {
    writeFileSync(join(dir, "f"), "");
    mkdirSync(join(dir, "d"));
    symlinkSync(join(dir, "f"), join(dir, "to-file"));
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    assert.equal(await entryKind(join(dir, "f")), "file");
    assert.equal(await entryKind(join(dir, "d")), "directory");
    assert.equal(await entryKind(join(dir, "to-file")), "link");
    assert.equal(await entryKind(join(dir, "dangling")), "link");
    assert.equal(await entryKind(join(dir, "nothing")), "missing");
  }),
);

test(
  "writeFileAtomically refuses a partial file that exists, even a link, and leaves its target untouched",
  withTempDir(async (dir) => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    const file = join(dir, "b.jsonl");
    for (
      const plant of [
        () => symlinkSync(victim, `${file}.partial`),
        () => writeFileSync(`${file}.partial`, "stale"),
      ]
    ) {
      plant();
      await assert.rejects(
        writeFileAtomically(file, ReadableStream.from([encode("new")])),
        (e: unknown) => {
          assert.ok(e instanceof FileError);
          assert.equal(
            e.message,
            `Cannot create '${file}.partial': it already exists, left by an interrupted run or written by another one; remove it and run again`,
          );
          return true;
        },
      );
      assert.equal(existsSync(file), false);
      rmSync(`${file}.partial`);
    }
    assert.equal(readFileSync(victim, "utf8"), "precious");
  }),
);

test(
  "writeFileAtomically with replacePartial removes a planted link itself, never its target",
  withTempDir(async (dir) => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    const file = join(dir, "b.jsonl");
    symlinkSync(victim, `${file}.partial`);
    await writeFileAtomically(file, ReadableStream.from([encode("new")]), { replacePartial: true });
    assert.equal(readFileSync(file, "utf8"), "new");
    assert.equal(readFileSync(victim, "utf8"), "precious");
    assert.deepEqual(readdirSync(dir).sort(), ["b.jsonl", "victim"]);
  }),
);

test(
  "writeFileAtomically replaces a link at the destination itself, never its target",
  withTempDir(async (dir) => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    const file = join(dir, "b.jsonl");
    symlinkSync(victim, file);
    await writeFileAtomically(file, ReadableStream.from([encode("new")]));
    assert.equal(await entryKind(file), "file");
    assert.equal(readFileSync(file, "utf8"), "new");
    assert.equal(readFileSync(victim, "utf8"), "precious");
  }),
);

test(
  "writeFileAtomically without replace keeps a file that appeared, and the complete partial file",
  withTempDir(async (dir) => {
    const file = join(dir, "b.jsonl");
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    for (const plant of [() => writeFileSync(file, "theirs"), () => symlinkSync(victim, file)]) {
      const source = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encode("mine"));
          plant(); // while the file is written
          controller.close();
        },
      });
      await assert.rejects(writeFileAtomically(file, source, { replace: false }), (e: unknown) => {
        assert.ok(e instanceof FileError);
        assert.equal(
          e.message,
          `Cannot publish '${file}': something created it while it was written; the complete file is in '${file}.partial'`,
        );
        return true;
      });
      assert.equal(readFileSync(`${file}.partial`, "utf8"), "mine");
      rmSync(`${file}.partial`);
      rmSync(file);
    }
    assert.equal(readFileSync(victim, "utf8"), "precious");
    await writeFileAtomically(file, ReadableStream.from([encode("mine")]), { replace: false });
    assert.deepEqual(readdirSync(dir).sort(), ["b.jsonl", "victim"]);
    assert.equal(readFileSync(file, "utf8"), "mine");
  }),
);

test(
  "openAppend refuses a symbolic link, even a dangling one, and never writes to its target",
  withTempDir(async (dir) => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(dir, "link"));
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling"));
    for (const name of ["link", "dangling"]) {
      await assert.rejects(openAppend(join(dir, name)), (e: unknown) => {
        assert.ok(e instanceof FileError);
        assert.equal(
          e.message,
          `Cannot open '${join(dir, name)}': it is a symbolic link; remove it`,
        );
        return true;
      });
    }
    assert.equal(readFileSync(victim, "utf8"), "precious");
    assert.equal(existsSync(join(dir, "nowhere")), false);
  }),
);

test(
  "openAppend creates a missing file, appends to an existing one, and with createNew refuses it",
  withTempDir(async (dir) => {
    const path = join(dir, "journal");
    for (const line of ["one\n", "two\n"]) {
      const file = await openAppend(path);
      await file.append(line, true);
      await file.close();
    }
    assert.equal(readFileSync(path, "utf8"), "one\ntwo\n");
    await assert.rejects(
      openAppend(path, { createNew: true }),
      /^FileError: Cannot create .*: it already exists$/,
    );
    await assert.rejects(openAppend(dir), /^FileError: Cannot open .*: it is a folder$/);
  }),
);
