/**
 * Export under faults, against real servers: a source with a short transaction timeout, a source
 * killed and restarted in the middle, connections cut by a proxy, and writes during the export.
 * Each faulted export must produce the same records as one made without faults.
 *
 * @module
 */

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import neo4j, { type Driver } from "neo4j-driver";
import { exportRecords } from "../lib/export/export.ts";
import { encodeValue } from "../lib/format/values.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import type { RetryInfo } from "../lib/pipeline/retry.ts";
import { type Neo4jServer, startServer } from "../scripts/neo4j_server.ts";
import { startFaultProxy } from "../scripts/fault_proxy.ts";
import { connect } from "./_server.ts";

const NODES = 30_000;
const RELS = 60_000;

let server: Neo4jServer;

before(async () => {
  server = await startServer({ settings: { "db.transaction.timeout": "3s" } });
  const driver = connect(server);
  try {
    await driver.executeQuery(
      "UNWIND range(1, $n) AS i CREATE (:Item {i: i, name: 'item ' + i, at: date('2020-01-01') + duration({days: i % 1000})})",
      { n: neo4j.int(NODES) },
      { transactionConfig: { timeout: 120_000 } }, // the server's own limit is 3 s
    );
    for (let j = 0; j < RELS / NODES; j++) {
      await driver.executeQuery(
        "UNWIND range(0, $n - 1) AS k MATCH (a) WHERE id(a) = k " +
          "MATCH (b) WHERE id(b) = (k * 7 + $j) % $n CREATE (a)-[:NEXT {j: $j, w: k / 3.0}]->(b)",
        { j: neo4j.int(j), n: neo4j.int(NODES) },
        { transactionConfig: { timeout: 120_000 } },
      );
    }
  } finally {
    await driver.close();
  }
}, { timeout: 600_000 });

after(async () => {
  await server?.stop();
}, { timeout: 120_000 });

/** A record as comparable text: the header's time stripped, values in their typed JSON form. */
function text(record: BodyRecord): string {
  if (record.kind === "header") return JSON.stringify({ ...record, created: undefined });
  if (record.kind === "node" || record.kind === "rel") {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record.props)) props[k] = encodeValue(v);
    return JSON.stringify({ ...record, props });
  }
  return JSON.stringify(record);
}

async function readAll(
  stream: ReadableStream<BodyRecord>,
  onRecord?: (record: BodyRecord, index: number) => Promise<void> | void,
): Promise<string[]> {
  const out: string[] = [];
  for await (const record of stream) {
    out.push(text(record));
    await onRecord?.(record, out.length);
  }
  return out;
}

let reference: string[];

function driverFor(uri: string): Driver {
  return neo4j.driver(uri, neo4j.auth.basic(server.username, server.password), {
    useBigInt: true,
    logging: { level: "error", logger: () => {} },
    connectionAcquisitionTimeout: 5_000,
    connectionTimeout: 5_000,
  });
}

test("an export of a source with a 3 s transaction timeout reads every record", async () => {
  const driver = connect(server);
  try {
    reference = await readAll(exportRecords(driver));
    assert.equal(reference.filter((r) => r.startsWith('{"kind":"node"')).length, NODES);
    assert.equal(reference.filter((r) => r.startsWith('{"kind":"rel"')).length, RELS);
  } finally {
    await driver.close();
  }
});

test("an export whose reader stalls past the transaction timeout halves its chunks and completes", async () => {
  const driver = connect(server);
  const warnings: string[] = [];
  try {
    let stalled = false;
    const records = await readAll(
      exportRecords(driver, { onWarning: (w) => warnings.push(w) }),
      async (record) => {
        // Hold the first node chunk open past db.transaction.timeout (3 s).
        if (record.kind === "node" && !stalled) {
          stalled = true;
          await new Promise((r) => setTimeout(r, 4_500));
        }
      },
    );
    assert.deepEqual(records, reference);
    assert.ok(warnings.some((w) => /smaller chunks/.test(w)), warnings.join("; "));
  } finally {
    await driver.close();
  }
});

test("an export survives a source killed with SIGKILL and restarted in the middle", async () => {
  const driver = driverFor(server.uri);
  const retries: RetryInfo[] = [];
  try {
    let killed = false;
    const records = await readAll(
      exportRecords(driver, { onRetry: (r) => retries.push(r), retryFor: 300_000 }),
      async (record, index) => {
        if (!killed && record.kind === "node" && index > NODES / 2) {
          killed = true;
          await server.kill();
          setTimeout(() => server.restart(), 2_000);
        }
      },
    );
    assert.deepEqual(records, reference);
    assert.ok(retries.length > 0, "no retry was reported");
  } finally {
    await driver.close();
  }
});

test("an export through a proxy that cuts connections at random completes, equal", async () => {
  const port = Number(server.uri.slice(server.uri.lastIndexOf(":") + 1));
  const proxy = await startFaultProxy(port);
  proxy.random({ cutAfterBytes: [200_000, 2_000_000], seed: 11 });
  const driver = driverFor(proxy.uri);
  try {
    const records = await readAll(exportRecords(driver, { onRetry: () => {} }));
    assert.deepEqual(records, reference);
    assert.ok(proxy.cuts > 0, "the proxy cut nothing: the test proves nothing");
  } finally {
    await driver.close();
    await proxy.close();
  }
});

test("writes during an export are noticed: a warning, and no relationship to a node not written", async () => {
  const driver = connect(server);
  const writer = connect(server);
  const warnings: string[] = [];
  try {
    let wrote = false;
    const records = await readAll(
      exportRecords(driver, { onWarning: (w) => warnings.push(w) }),
      async (record) => {
        if (!wrote && record.kind === "rel") {
          wrote = true;
          // A new node (with an id past those read) and a relationship to it.
          await writer.executeQuery(
            "MATCH (a:Item {i: 1}) CREATE (a)-[:NEXT {j: -1}]->(:Item {i: -1})",
          );
        }
      },
    );
    const nodeIds = new Set(
      records.filter((r) => r.startsWith('{"kind":"node"')).map((r) => JSON.parse(r).id),
    );
    for (const r of records.filter((r) => r.startsWith('{"kind":"rel"'))) {
      const rel = JSON.parse(r);
      assert.ok(nodeIds.has(rel.start) && nodeIds.has(rel.end), `dangling relationship ${r}`);
    }
    assert.ok(warnings.some((w) => /changed while it was exported/.test(w)), warnings.join("; "));
  } finally {
    await writer.executeQuery("MATCH (n:Item {i: -1}) DETACH DELETE n");
    await driver.close();
    await writer.close();
  }
});

test("an export that gives up says the connection was lost, without a TLS hint, and writes nothing", async () => {
  // Last in this file: it leaves the source stopped.
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const cli = process.env.NEO4J_BACKUP_CLI?.split(" ") ??
    ["deno", "run", "-A", "--quiet", join(root, "cli.ts")];
  const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-giveup-"));
  try {
    const file = join(dir, "out.jsonl.gz");
    const child = spawn(cli[0], [
      ...cli.slice(1),
      "export",
      "-a",
      server.uri,
      "-o",
      file,
      "--retry-for",
      "3s",
    ], {
      env: { ...process.env, NO_COLOR: "1", NEO4J_PASSWORD: server.password },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let killed = false;
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      stderr += d;
      if (!killed && /schema \d+ done/.test(stderr)) {
        killed = true;
        server.kill();
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 3, stderr);
    assert.match(stderr, /retrying in/);
    assert.match(stderr, /Lost the connection to .*no backup was written/);
    assert.doesNotMatch(stderr, /TLS|neo4j\+s/);
    assert.deepEqual(readdirSync(dir), [], "a file or a partial file was left");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
