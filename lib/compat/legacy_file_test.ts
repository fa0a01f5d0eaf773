import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { FileError, FormatError } from "../errors.ts";
import { openLegacyText } from "./legacy_file.ts";

async function withFile(
  content: Uint8Array | string,
  run: (file: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "legacy-file-"));
  try {
    const file = join(dir, "nodes_1.json.gz");
    await writeFile(file, content);
    await run(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function chunks(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of await openLegacyText(file)) out.push(chunk);
  return out;
}

test("openLegacyText() reads plain and gzipped files alike", async () => {
  const text = '[{"s": "é\u20ac"}]';
  await withFile(text, async (file) => assert.equal((await chunks(file)).join(""), text));
  await withFile(gzipSync(text), async (file) => assert.equal((await chunks(file)).join(""), text));
  await withFile("", async (file) => assert.deepStrictEqual(await chunks(file), []));
});

test("openLegacyText() inflates a gzip bomb a few MiB at a time", async () => {
  const size = 24 * 1024 * 1024;
  const bomb = gzipSync(new Uint8Array(size).fill(0x61), { level: 9 });
  assert.ok(bomb.length < 64 * 1024, `${bomb.length} bytes`);
  await withFile(bomb, async (file) => {
    let total = 0;
    let largest = 0;
    for await (const chunk of await openLegacyText(file)) {
      total += chunk.length;
      largest = Math.max(largest, chunk.length);
    }
    assert.equal(total, size);
    assert.ok(largest <= 8 * 1024 * 1024, `a chunk of ${largest} characters`);
  });
});

test("openLegacyText() names the file and what is wrong with it", async () => {
  await assert.rejects(openLegacyText(join(tmpdir(), "no-such-legacy-file.json")), FileError);
  const gz = gzipSync("[]".padEnd(5000, " "));
  await withFile(gz.subarray(0, 30), async (file) => {
    await assert.rejects(chunks(file), (error: unknown) => {
      assert.ok(error instanceof FormatError);
      assert.match(
        error.message,
        /^Cannot decompress '.*nodes_1\.json\.gz': .*; the file was cut short or damaged$/,
      );
      return true;
    });
  });
  for (const bytes of [new Uint8Array([0x5b, 0xff, 0x5d]), new Uint8Array([0x5b, 0xc3])]) {
    await withFile(gzipSync(bytes), async (file) => {
      await assert.rejects(chunks(file), (error: unknown) => {
        assert.ok(error instanceof FormatError);
        assert.match(error.message, /^Cannot read '.*nodes_1\.json\.gz': it is not UTF-8 text/);
        return true;
      });
    });
  }
});
