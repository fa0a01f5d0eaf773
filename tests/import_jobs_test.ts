/**
 * `import --jobs N` against a real server: batches in flight together stay exact through a
 * round trip of every property type, deadlocks on dense hub nodes, a client killed with SIGKILL
 * and resumed, and the target killed and restarted. Every run ends with an exact typed
 * comparison of the graph.
 *
 * @module
 */

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import type { Driver } from "neo4j-driver";
import { exportBackup } from "../lib/export/export.ts";
import { importBackup } from "../lib/import/import.ts";
import { readJournal } from "../lib/import/journal.ts";
import type { RetryInfo } from "../lib/pipeline/retry.ts";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import { type Neo4jServer, startServer } from "../scripts/neo4j_server.ts";
import { collect, fingerprint, loadTestData, streamOf } from "./_graph.ts";
import { clear, connect } from "./_server.ts";
import type { ImportSummaryDocument } from "../lib/cli/summary_documents.ts";
import { finished, startCli } from "./_cli.ts";

const NODES = 12_000;
const HUBS = 4;
const RELS = 30_000;

let server: Neo4jServer;
let dir: string;
let hubBackup: string;
let hubExpected: { nodes: string[]; rels: string[] };

/** Nodes, most relationships from one of a few hubs: concurrent batches share those nodes. */
function hubRecords(): ReadableStream<BodyRecord> {
  let i = -1;
  return new ReadableStream<BodyRecord>({
    pull(controller) {
      if (i === -1) {
        controller.enqueue({
          kind: "header",
          format: "neo4j-backup",
          version: 1,
          tool: "neo4j-backup test",
          created: "2026-12-01T00:00:00.000Z",
          source: { version: "5.26.0", edition: "community", database: "neo4j" },
          counts: { nodes: NODES, relationships: RELS },
        });
      } else if (i < NODES) {
        controller.enqueue({
          kind: "node",
          id: i * 2 + 1,
          labels: i < HUBS ? ["Hub"] : i % 2 ? ["Leaf", "Odd"] : ["Leaf"],
          props: { i: BigInt(i), name: `n${i}` },
        });
      } else if (i < NODES + RELS) {
        const k = i - NODES;
        const hub = (k % HUBS) * 2 + 1;
        const leaf = (HUBS + (k * 7919) % (NODES - HUBS)) * 2 + 1;
        controller.enqueue({
          kind: "rel",
          type: k % 5 ? "SPOKE" : "BACK",
          start: k % 5 ? hub : leaf,
          end: k % 5 ? leaf : hub,
          props: { k: BigInt(k) },
        });
      } else return controller.close();
      i++;
    },
  });
}

function fileBytes(path: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(new Uint8Array(await readFile(path)));
      controller.close();
    },
  });
}

function driver(): Driver {
  return connect(server);
}

async function withDriver<T>(use: (driver: Driver) => Promise<T>): Promise<T> {
  const d = driver();
  try {
    return await use(d);
  } finally {
    await d.close();
  }
}

async function wipe(): Promise<void> {
  await withDriver((d) => clear(d));
}

async function assertHubGraph(): Promise<void> {
  const got = await withDriver((d) => fingerprint(d));
  assert.equal(got.nodes.length, NODES, "node count");
  assert.equal(got.rels.length, RELS, "relationship count");
  assert.deepEqual(got, hubExpected, "the graph differs from the backup");
}

before(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), "neo4j-backup-jobs-"));
  hubBackup = join(dir, "hubs.jsonl.gz");
  writeFileSync(hubBackup, Buffer.from(await collect(encodeBackup(hubRecords()))));
  // The reference: the same backup imported one batch at a time.
  await withDriver(async (d) => {
    await importBackup(d, fileBytes(hubBackup));
    hubExpected = await fingerprint(d);
    await clear(d);
  });
}, { timeout: 600_000 });

after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, { timeout: 120_000 });

test("importBackup() with jobs 2 and 4 gives back every property type and shape exactly", async () => {
  await wipe();
  const backup = await withDriver(async (d) => {
    await loadTestData(d);
    return await collect(exportBackup(d));
  });
  const expected = await withDriver((d) => fingerprint(d));
  for (const jobs of [2, 4]) {
    await wipe();
    const summary = await withDriver((d) =>
      importBackup(d, streamOf(backup), { jobs, batchSize: 300 })
    );
    assert.equal(summary.nodes, expected.nodes.length);
    assert.equal(summary.relationships, expected.rels.length);
    assert.deepEqual(await withDriver((d) => fingerprint(d)), expected, `jobs ${jobs}`);
  }
});

test("relationships on a few dense hubs with jobs 4 are exact, any deadlock retried", async () => {
  await wipe();
  const done: number[] = [];
  const summary = await withDriver((d) =>
    importBackup(d, fileBytes(hubBackup), {
      jobs: 4,
      batchSize: 500,
      onProgress: (e) => {
        if (e.phase === "relationships" && e.type === "advance") done.push(e.done);
      },
    })
  );
  console.log(`jobs 4 on ${HUBS} hubs: ${summary.deadlocks ?? 0} deadlocks retried`);
  assert.equal(summary.relationships, RELS);
  assert.equal(summary.jobs, 4);
  assert.deepEqual(done, [...done].sort((a, b) => a - b), "progress went backwards");
  assert.ok(done.at(-1)! <= RELS);
  await assertHubGraph();
});

async function targetCounts(): Promise<{ nodes: number; rels: number }> {
  return await withDriver(async (d) => {
    const n = await d.executeQuery("MATCH (n) RETURN count(n) AS c");
    const r = await d.executeQuery("MATCH ()-[r]->() RETURN count(r) AS c");
    return { nodes: Number(n.records[0].get("c")), rels: Number(r.records[0].get("c")) };
  });
}

/**
 * Makes a killed import's state file hold several unresolved batches: the outcome lines of its
 * last two committed batches go (as if the client died while they committed), and a batch that
 * never committed (ids that do not exist, lines no batch wrote) is added.
 */
function unresolveLastBatches(path: string): void {
  const text = readFileSync(path, "utf8");
  const lines = text.slice(0, text.lastIndexOf("\n") + 1).split("\n").filter((l) => l);
  const committed = lines.flatMap((l, i) => JSON.parse(l).kind === "committed" ? [i] : []);
  const drop = new Set(committed.slice(-2));
  assert.equal(drop.size, 2, "fewer than two committed batches");
  const seq = Math.max(...lines.map((l) => JSON.parse(l).seq ?? 0)) + 1;
  const ids = Array.from({ length: 100 }, (_, k) => [NODES * 2 + 1 + k * 2, 1e9 + k]).flat();
  const never = {
    kind: "batch",
    seq,
    phase: "nodes",
    first: NODES - 98, // the last 100 node lines: header on line 1, nodes from line 2
    line: NODES + 1,
    size: 100,
    before: { nodes: 0, relationships: 0 },
    ids,
  };
  const kept = lines.filter((_, i) => !drop.has(i));
  writeFileSync(path, [...kept, JSON.stringify(never)].join("\n") + "\n");
}

for (
  const [when, ready, resumeJobs, edit] of [
    ["during the nodes", (c: { nodes: number }) => c.nodes >= 4_000, "2", false],
    ["during the relationships", (c: { rels: number }) => c.rels >= 8_000, "1", false],
    [
      "during the nodes, three batches unresolved,",
      (c: { nodes: number }) => c.nodes >= 3_000,
      "2",
      true,
    ],
  ] as const
) {
  test(`a client killed with SIGKILL ${when} at -j 2 is resumed exactly with -j ${resumeJobs}`, async () => {
    await wipe();
    const child = startCli(["import", hubBackup, "-j", "2", "--batch-size", "500"], server);
    const done = finished(child);
    for (;;) {
      const c = await targetCounts();
      if (ready({ nodes: c.nodes, rels: c.rels }) || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    const killed = await done;
    assert.equal(killed.code, null, `the import ended before the kill: ${killed.stderr}`);
    assert.ok(existsSync(`${hubBackup}.import-state`), "no state file after the kill");
    const state = await readJournal(`${hubBackup}.import-state`);
    assert.ok(state && state.committed.length > 0, "nothing committed before the kill");
    const batches = [...state.committed, ...state.unresolved];
    assert.ok(batches.every((b) => b.first !== undefined), "a -j 2 batch without its first line");
    console.log(`killed with ${state.unresolved.length} batches unresolved`);
    if (edit) {
      unresolveLastBatches(`${hubBackup}.import-state`);
      const edited = await readJournal(`${hubBackup}.import-state`);
      assert.ok(edited && edited.unresolved.length >= 3, "the state file was not edited");
    }
    const resumed = await finished(
      startCli(["import", hubBackup, "--resume", "-j", resumeJobs, "--json"], server),
    );
    assert.equal(resumed.code, 0, resumed.stderr);
    const doc: ImportSummaryDocument = JSON.parse(resumed.stdout.toString());
    assert.equal(doc.resumed, true);
    assert.equal(doc.jobs, Number(resumeJobs));
    assert.ok(Number.isInteger(doc.deadlocks) && doc.deadlocks >= 0, `deadlocks ${doc.deadlocks}`);
    if (resumeJobs === "1") assert.equal(doc.deadlocks, 0);
    assert.ok(!existsSync(`${hubBackup}.import-state`), "the state file is left after success");
    await assertHubGraph();
  });
}

test("a target killed with SIGKILL and restarted mid-import at jobs 2: retried, exact", async () => {
  await wipe();
  const retries: RetryInfo[] = [];
  let killed = false;
  await withDriver((d) =>
    importBackup(d, fileBytes(hubBackup), {
      jobs: 2,
      batchSize: 500,
      retryFor: 300_000,
      onRetry: (r) => retries.push(r),
      onProgress: (e) => {
        if (!killed && e.phase === "relationships" && e.type === "advance" && e.done >= 6_000) {
          killed = true;
          server.kill().then(() => setTimeout(() => server.restart(), 1_000));
        }
      },
    })
  );
  assert.ok(killed && retries.length > 0, "the server was not killed, or nothing was retried");
  await assertHubGraph();
});
