/**
 * `convert --to parquet` and `--to admin-csv` run in a worker thread with a capped heap
 * (lib/convert/worker/): what happens at the edges of that cap. A line too long for the worker
 * makes a file convert again in the main thread, with the same output; stdin cannot be read
 * again, so it fails saying what to do, and leaves nothing behind; a worker that runs out of
 * heap is noticed (Node fails it; Deno 2.9 raises its cap, which it reports); Ctrl-C stops
 * the worker, which removes its files. No server: the backups are encoded here.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import {
  convertFolderInWorker,
  WORKER_LINE_BYTES,
  WorkerOutOfMemory,
} from "../lib/convert/worker/folder_in_worker.ts";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import { assertOneErrorLine, interruptWhen, runCli, tempDir } from "./_cli.ts";
import { decompressors } from "../lib/convert/parquet/codecs.ts";

const work = tempDir("neo4j-backup-convert-worker-");
after(() => rmSync(work, { recursive: true, force: true }));

const HEADER: BodyRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "neo4j-backup 0.1.0",
  created: "2026-12-04T00:00:00.000Z",
  source: { version: "5.26.29", edition: "community", database: "neo4j" },
};

/** A value longer than the worker decodes: it holds one line of its own. */
const HUGE = "x".repeat(WORKER_LINE_BYTES + 1024) + "end";

async function writeBackup(path: string, records: Iterable<BodyRecord>): Promise<void> {
  const bytes = await new Response(encodeBackup(ReadableStream.from(records))).arrayBuffer();
  writeFileSync(path, new Uint8Array(bytes));
}

function* hugeGraph(): Iterable<BodyRecord> {
  yield HEADER;
  yield { kind: "node", id: 0, labels: ["Small"], props: { name: "a" } };
  yield { kind: "node", id: 1, labels: ["Huge"], props: { text: HUGE } };
  yield { kind: "node", id: 2, labels: ["Small"], props: { name: "b" } };
  yield { kind: "rel", type: "TO", start: 0, end: 1, props: {} };
}

/** Enough records that a conversion takes seconds: time to interrupt it. */
function* bigGraph(nodes: number): Iterable<BodyRecord> {
  yield HEADER;
  for (let id = 0; id < nodes; id++) {
    yield { kind: "node", id, labels: ["Big"], props: { i: BigInt(id), s: `padding ${id}` } };
  }
  for (let id = 0; id < nodes; id++) {
    yield { kind: "rel", type: "NEXT", start: id, end: (id + 1) % nodes, props: {} };
  }
}

/** Every file under a folder, relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(folder.length + 1))
    .sort();
}

const hugeBackup = join(work, "huge.jsonl.gz");
const bigBackup = join(work, "big.jsonl.gz");

before(async () => {
  await writeBackup(hugeBackup, hugeGraph());
  await writeBackup(bigBackup, bigGraph(150_000));
});

describe("a line longer than the worker decodes", () => {
  test("from a file: converted again in the main thread, with every value", async () => {
    const folder = join(work, "huge-parquet");
    const run = await runCli(["convert", hugeBackup, "--to", "parquet", "-o", folder]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /Line 3 is larger than the memory-bounded conversion decodes \(64 MiB\): converting again without the bound/,
    );
    assert.match(run.stderr, /Converted 3 nodes, 1 relationship/);
    const rows = await parquetReadObjects({
      file: readFileSync(join(folder, "nodes", "Huge.parquet")).buffer,
      compressors: decompressors(),
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].text.length, HUGE.length);
    assert.ok(rows[0].text.endsWith("end"));
    assert.deepEqual(filesUnder(folder).filter((f) => f.endsWith(".tmp")), []);
  });

  test("from a file to admin-csv: the same", async () => {
    const folder = join(work, "huge-csv");
    const run = await runCli(["convert", hugeBackup, "--to", "admin-csv", "-o", folder]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /converting again without the bound/);
    assert.match(run.stderr, /Converted 3 nodes, 1 relationship/);
  });

  test("from stdin: one error line that says what to do, and nothing left behind", async () => {
    const folder = join(work, "huge-stdin");
    const run = await runCli(["convert", "-", "--to", "parquet", "-o", folder], {
      input: readFileSync(hugeBackup),
    });
    assert.equal(run.code, 1, run.stderr);
    assertOneErrorLine(
      run,
      /Line 3 is larger than .*: convert the backup from a file instead of stdin/,
    );
    assert.deepEqual(readdirSync(folder), []);
  });
});

// Deno's case: a worker that reaches its cap lives on with a raised cap (Deno 2.9), which it
// must report. Node fails such a worker itself (ERR_WORKER_OUT_OF_MEMORY, mapped to the same
// error), but its collector keeps these values within the cap: no heap filler was found that
// reaches a small cap under Node without one allocation far past it, which aborts the process.
const UNDER_NODE = "Deno" in globalThis ? false : "Node keeps this graph within a 16 MiB heap";

test(
  "a worker that runs out of heap is noticed, and the job converts with the default cap",
  { skip: UNDER_NODE },
  async () => {
    const path = join(work, "heavy.jsonl.gz");
    // 2 MiB values, 40 of them: more than a 16 MiB heap holds under Deno.
    const heavy: BodyRecord[] = [HEADER];
    for (let id = 0; id < 40; id++) {
      heavy.push({
        kind: "node",
        id,
        labels: ["Heavy"],
        props: { text: `${id}`.repeat(1 << 20) },
      });
    }
    await writeBackup(path, heavy);
    const folder = tempDir("neo4j-backup-heavy-");
    const job = {
      source: { file: path },
      format: "parquet" as const,
      folder,
      targetVersion: "5.26",
      compression: "snappy" as const,
      maxLineBytes: WORKER_LINE_BYTES,
    };
    try {
      const started = Date.now();
      await assert.rejects(
        convertFolderInWorker(job, { onProgress: () => {}, heapMb: 16, silenceMs: 3_000 }),
        WorkerOutOfMemory,
      );
      assert.ok(Date.now() - started < 30_000, "noticed within seconds");
      // The same job with the default cap: the heap was the reason.
      rmSync(folder, { recursive: true, force: true });
      const result = await convertFolderInWorker(job, { onProgress: () => {} });
      assert.equal(result.counts.nodes, 40);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
);

test("Ctrl-C during a Parquet conversion exits 130; the worker removes its files", async () => {
  const folder = join(work, "interrupted");
  // Interrupted once the worker has written a part file: the conversion is under way.
  const busy = () => {
    try {
      return filesUnder(folder).some((f) => f.endsWith(".tmp"));
    } catch {
      return false;
    }
  };
  const { ready, code, stderr } = await interruptWhen(
    ["convert", bigBackup, "--to", "parquet", "-o", folder],
    busy,
  );
  assert.ok(ready, `the conversion wrote no part file:\n${stderr}`);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /error: Interrupted by the user/);
  assert.deepEqual(filesUnder(folder), []);
});
