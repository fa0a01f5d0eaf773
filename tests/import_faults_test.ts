/**
 * Import under faults, against real servers: a target with transaction limits, a client killed
 * with SIGKILL or Ctrl-C and resumed, a target killed and restarted, connections cut by a proxy,
 * and `--resume` refused where it cannot be exact. Every run ends with an exact typed
 * comparison of the target with the backup, plus its tokens and schema.
 *
 * @module
 */

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import neo4j, { type Driver } from "neo4j-driver";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import { Buffer } from "node:buffer";
import type { BodyRecord } from "../lib/format/records.ts";
import { importBackup } from "../lib/import/import.ts";
import type { RetryInfo } from "../lib/pipeline/retry.ts";
import { type Neo4jServer, startServer } from "../scripts/neo4j_server.ts";
import { startFaultProxy } from "../scripts/fault_proxy.ts";
import { catalog, fingerprint } from "./_graph.ts";
import { clear, patient } from "./_server.ts";
import { finished, startCli } from "./_cli.ts";

const NODES = 24_000;
const RELS = 48_000;
const PADDING = "x".repeat(300);

let limited: Neo4jServer; // db.memory.transaction.max=8m, db.transaction.timeout=2s
let other: Neo4jServer; // a second target, for "another database"
let dir: string;
let backup: string;
let expected: { nodes: string[]; rels: string[] };
let expectedCatalog: Record<string, unknown>;

/** The records of the test graph: people with padding, friendships, two schema items. */
function records(created: string): ReadableStream<BodyRecord> {
  let i = -3;
  return new ReadableStream<BodyRecord>({
    pull(controller) {
      if (i === -3) {
        controller.enqueue({
          kind: "header",
          format: "neo4j-backup",
          version: 1,
          tool: "neo4j-backup test",
          created,
          source: { version: "5.26.0", edition: "community", database: "neo4j" },
          counts: { nodes: NODES, relationships: RELS },
        });
      } else if (i === -2) {
        controller.enqueue({
          kind: "index",
          name: "person_i",
          type: "RANGE",
          entity: "NODE",
          labelsOrTypes: ["Person"],
          properties: ["i"],
          config: {},
        });
      } else if (i === -1) {
        controller.enqueue({
          kind: "constraint",
          name: "person_key",
          type: "UNIQUENESS",
          entity: "NODE",
          labelsOrTypes: ["Person"],
          properties: ["key"],
          config: {},
        });
      } else if (i < NODES) {
        controller.enqueue({
          kind: "node",
          id: i * 3, // sparse source ids
          labels: i % 2 ? ["Person", "Odd"] : ["Person"],
          props: { i: BigInt(i), key: `k${i}`, pad: PADDING, at: i / 7 },
        });
      } else if (i < NODES + RELS) {
        const k = i - NODES;
        controller.enqueue({
          kind: "rel",
          type: k % 3 ? "KNOWS" : "LIKES",
          start: (k % NODES) * 3,
          end: ((k * 7 + 1) % NODES) * 3,
          props: { k: BigInt(k) },
        });
      } else return controller.close();
      i++;
    },
  });
}

async function writeBackup(path: string, created: string): Promise<void> {
  const bytes = encodeBackup(records(created));
  const chunks: Uint8Array[] = [];
  for await (const c of bytes) chunks.push(c);
  writeFileSync(path, Buffer.concat(chunks));
}

function driverFor(server: Neo4jServer, uri = server.uri): Driver {
  return neo4j.driver(uri, neo4j.auth.basic(server.username, server.password), {
    useBigInt: true,
    logging: { level: "error", logger: () => {} },
    connectionAcquisitionTimeout: 5_000,
    connectionTimeout: 5_000,
  });
}

/** A driver for the test's own reads of the whole graph, past the target's 2 s timeout. */
function patientDriver(server: Neo4jServer): Driver {
  return patient(driverFor(server));
}

/** The graph and the tokens and schema of a target, to compare with the backup's. */
async function assertExact(server: Neo4jServer): Promise<void> {
  const driver = patientDriver(server);
  try {
    const got = await fingerprint(driver);
    assert.equal(got.nodes.length, NODES, "node count");
    assert.equal(got.rels.length, RELS, "relationship count");
    assert.deepEqual(got, expected, "the graph differs from the backup");
    assert.deepEqual(await catalog(driver), expectedCatalog, "tokens or schema differ");
  } finally {
    await driver.close();
  }
}

async function wipe(server: Neo4jServer, removeState = true): Promise<void> {
  const driver = driverFor(server);
  try {
    // Small transactions: the limited target refuses large ones.
    const session = driver.session();
    try {
      await session.run(
        "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 200 ROWS",
        {},
        { timeout: 120_000 },
      );
    } finally {
      await session.close();
    }
    for (const name of ["person_i", "person_key"]) {
      await driver.executeQuery(`DROP CONSTRAINT ${name} IF EXISTS`);
      await driver.executeQuery(`DROP INDEX ${name} IF EXISTS`);
    }
  } finally {
    await driver.close();
  }
  if (removeState) rmSync(`${backup}.import-state`, { force: true });
}

async function targetCounts(server: Neo4jServer): Promise<{ nodes: number; rels: number }> {
  const driver = driverFor(server);
  try {
    const n = await driver.executeQuery("MATCH (n) RETURN count(n) AS c");
    const r = await driver.executeQuery("MATCH ()-[r]->() RETURN count(r) AS c");
    return { nodes: Number(n.records[0].get("c")), rels: Number(r.records[0].get("c")) };
  } finally {
    await driver.close();
  }
}

async function runCli(args: string[], server: Neo4jServer) {
  return await finished(startCli(args, server));
}

/** Starts an import and signals it as soon as its stderr shows `line`. */
async function interruptOnLine(server: Neo4jServer, signal: "SIGKILL", line: RegExp) {
  const child = startCli(["import", backup, "--batch-size", "1000"], server);
  child.stderr!.on("data", (d: Buffer) => {
    if (line.test(String(d))) child.kill(signal);
  });
  return await finished(child);
}

/** Starts an import and signals it once `ready` says so (polling the target's counts). */
async function interrupt(
  server: Neo4jServer,
  signal: "SIGKILL" | "SIGINT",
  ready: (c: { nodes: number; rels: number }) => boolean,
) {
  const child = startCli(["import", backup, "--batch-size", "1000"], server);
  const done = finished(child);
  for (;;) {
    const c = await targetCounts(server);
    if (ready(c)) break;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // process.kill rather than child.kill: Deno's child_process reports a child it signalled as
  // killed by that signal even when the child handled it and exited with its own code.
  if (signal === "SIGINT") process.kill(child.pid!, signal);
  else child.kill(signal);
  return await done;
}

before(async () => {
  limited = await startServer({
    settings: { "db.memory.transaction.max": "8m", "db.transaction.timeout": "2s" },
  });
  other = await startServer();
  dir = mkdtempSync(join(tmpdir(), "neo4j-backup-faults-"));
  backup = join(dir, "graph.jsonl.gz");
  await writeBackup(backup, "2026-12-01T00:00:00.000Z");
  // The reference: the same backup imported into a target without limits.
  const driver = driverFor(other);
  try {
    await importBackup(driver, fileBytes(backup));
    expected = await fingerprint(driver);
    expectedCatalog = await catalog(driver);
    await clear(driver);
    await driver.executeQuery("DROP CONSTRAINT person_key");
    await driver.executeQuery("DROP INDEX person_i");
  } finally {
    await driver.close();
  }
}, { timeout: 600_000 });

after(async () => {
  await limited?.stop();
  await other?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, { timeout: 120_000 });

function fileBytes(path: string): ReadableStream<Uint8Array> {
  // node:fs streams as a web stream, the same on Deno and Node.
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const { readFile } = await import("node:fs/promises");
      controller.enqueue(new Uint8Array(await readFile(path)));
      controller.close();
    },
  });
}

test("an import into a target with an 8 MiB transaction memory limit and a 2 s timeout is exact, in smaller batches", async () => {
  await wipe(limited);
  const driver = driverFor(limited);
  const warnings: string[] = [];
  try {
    const summary = await importBackup(driver, fileBytes(backup), {
      batchSize: 20_000,
      onWarning: (w) => warnings.push(w),
    });
    assert.match(summary.batchesReduced ?? "", /transaction memory limit/);
    assert.ok(warnings.some((w) => /smaller/.test(w)));
  } finally {
    await driver.close();
  }
  await assertExact(limited);
});

for (
  const [when, kill] of [
    ["during the nodes", () => interrupt(limited, "SIGKILL", (c) => c.nodes >= 5_000)],
    ["during the relationships", () => interrupt(limited, "SIGKILL", (c) => c.rels >= 10_000)],
    // The line that ends the relationships phase: the schema phase starts right after it.
    [
      "during the schema phase",
      () => interruptOnLine(limited, "SIGKILL", /relationships [\d,]+ done/),
    ],
  ] as const
) {
  test(`a client killed with SIGKILL ${when} is continued by --resume, exactly`, async () => {
    await wipe(limited);
    const killed = await kill();
    assert.equal(killed.code, null, `the import ended before the kill: ${killed.stderr}`);
    assert.ok(existsSync(`${backup}.import-state`), "no state file after the kill");
    const again = await runCli(["import", backup], limited);
    assert.equal(again.code, 8, again.stderr);
    assert.match(again.stderr, /--resume/);
    const resumed = await runCli(["import", backup, "--resume"], limited);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /continued the interrupted one/);
    assert.ok(!existsSync(`${backup}.import-state`), "the state file is left after success");
    await assertExact(limited);
  });
}

test("Ctrl-C stops an import with what the target holds and --resume continues it", async () => {
  await wipe(limited);
  const stopped = await interrupt(limited, "SIGINT", (c) => c.nodes >= 3_000);
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /partial import: [\d,]+ of 24,000 nodes.*--resume/);
  const resumed = await runCli(["import", backup, "--resume"], limited);
  assert.equal(resumed.code, 0, resumed.stderr);
  await assertExact(limited);
});

test("a target killed with SIGKILL and restarted mid-import: the import retries and is exact", async () => {
  await wipe(other);
  const driver = driverFor(other);
  const retries: RetryInfo[] = [];
  let killed = false;
  try {
    await importBackup(driver, fileBytes(backup), {
      batchSize: 2_000,
      retryFor: 300_000,
      onRetry: (r) => retries.push(r),
      onProgress: (e) => {
        if (!killed && e.phase === "relationships" && e.done >= 10_000) {
          killed = true;
          other.kill().then(() => setTimeout(() => other.restart(), 1_000));
        }
      },
    });
  } finally {
    await driver.close();
  }
  assert.ok(killed && retries.length > 0, "the server was not killed, or nothing was retried");
  await assertExact(other);
});

test("an import through a proxy that cuts connections at random writes nothing twice", async () => {
  await wipe(other);
  const port = Number(other.uri.slice(other.uri.lastIndexOf(":") + 1));
  const proxy = await startFaultProxy(port);
  proxy.random({ cutAfterBytes: [30_000, 400_000], seed: 5 });
  const driver = driverFor(other, proxy.uri);
  try {
    await importBackup(driver, fileBytes(backup), {
      batchSize: 2_000,
      onRetry: () => {},
    });
    assert.ok(proxy.cuts > 0, "the proxy cut nothing: the test proves nothing");
  } finally {
    await driver.close();
    await proxy.close();
  }
  await assertExact(other);
});

test("--resume refuses another backup, another database, and a target changed meanwhile", async () => {
  await wipe(limited);
  const killed = await interrupt(limited, "SIGKILL", (c) => c.nodes >= 3_000);
  assert.equal(killed.code, null, killed.stderr);
  const state = `${backup}.import-state`;

  // Another backup (another export time) with this state file.
  const second = join(dir, "second.jsonl.gz");
  await writeBackup(second, "2026-12-02T00:00:00.000Z");
  const wrongBackup = await runCli(["import", second, "--state", state, "--resume"], limited);
  assert.equal(wrongBackup.code, 8, wrongBackup.stderr);
  assert.match(wrongBackup.stderr, /belongs to another backup/);

  // Another database.
  await wipe(other, false);
  const wrongTarget = await runCli(["import", backup, "--resume"], other);
  assert.equal(wrongTarget.code, 8, wrongTarget.stderr);
  assert.match(wrongTarget.stderr, /belongs to another database/);

  // The target changed since the import stopped.
  const driver = driverFor(limited);
  try {
    await driver.executeQuery("CREATE (:Intruder)");
  } finally {
    await driver.close();
  }
  const changed = await runCli(["import", backup, "--resume"], limited);
  assert.equal(changed.code, 8, changed.stderr);
  assert.match(changed.stderr, /something else wrote to it|changed outside this import/);

  // Nothing to resume.
  rmSync(state);
  const nothing = await runCli(["import", second, "--resume"], limited);
  assert.equal(nothing.code, 2, nothing.stderr);
  assert.match(nothing.stderr, /Nothing to resume/);
});
