/**
 * `export --jobs N` against a real server: with several chunk reads in flight (worker threads,
 * or sessions sharing the one driver) the backup holds the same lines in the same order as with
 * one, survives a server killed mid-way, round-trips the every-type graph, and a cancel leaves
 * no worker or transaction behind.
 *
 * @module
 */

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import neo4j, { type Driver } from "neo4j-driver";
import { exportBackup, type ExportOptions } from "../lib/export/export.ts";
import { importBackup } from "../lib/import/import.ts";
import { clear, connect, cypher, type Neo4jServer, useServers } from "./_server.ts";
import { collect, fingerprint, loadTestData, streamOf } from "./_graph.ts";
import { as, interruptWhen, tempDir } from "./_cli.ts";

const servers = useServers(1, { fresh: true }); // a test kills it
/** Past two chunks of 20,000 ids, so that reads overlap. */
const ITEMS = 45_000;
let server: Neo4jServer;
let driver: Driver;
let reference: Uint8Array;

before(async () => {
  await servers.ready();
  server = servers[0];
  driver = connect(server);
  await loadTestData(driver);
  await cypher(
    driver,
    "UNWIND range(1, $n) AS i CREATE (:Item {i: i, at: date('2020-01-01') + duration({days: i % 900})})",
    { n: neo4j.int(ITEMS) },
  );
  await cypher(
    driver,
    "MATCH (a:Item) MATCH (b:Item {i: (a.i * 7) % $n + 1}) CREATE (a)-[:NEXT {w: a.i / 3.0}]->(b)",
    { n: neo4j.int(ITEMS) },
  );
  reference = gunzipSync(await collect(exportBackup(driver)));
}, { timeout: 600_000 });

/** The options that make the workers connect to the test server. */
function workers(jobs: number, uri = server.uri): ExportOptions {
  return { jobs, connection: { uri, username: server.username, password: server.password } };
}

/** The lines between the header (its time differs) and the footer (its checksum covers it). */
function body(backup: Uint8Array): string[] {
  const lines = new TextDecoder().decode(backup).split("\n");
  assert.equal(lines.pop(), "", "the backup does not end with a newline");
  return lines.slice(1, -1);
}

/** Checks the footer's counts and checksum against the lines before it. */
function assertValid(backup: Uint8Array): void {
  const end = backup.lastIndexOf(0x0a, backup.length - 2) + 1;
  const footer = JSON.parse(new TextDecoder().decode(backup.subarray(end)));
  const lines = body(backup);
  assert.equal(footer.sha256, createHash("sha256").update(backup.subarray(0, end)).digest("hex"));
  assert.equal(footer.nodes, lines.filter((l) => l.startsWith('{"kind":"node"')).length);
  assert.equal(footer.relationships, lines.filter((l) => l.startsWith('{"kind":"rel"')).length);
}

test("an export with -j 2 and -j 4 writes the lines of -j 1, in the same order", async () => {
  assertValid(reference);
  const expected = body(reference);
  assert.ok(expected.length > 2 * ITEMS);
  for (const options of [workers(2), workers(4), { jobs: 2 }, { jobs: 4 }]) {
    const backup = gunzipSync(await collect(exportBackup(driver, options)));
    assertValid(backup);
    const what = `jobs ${options.jobs}${options.connection ? " in workers" : ""}`;
    assert.deepEqual(body(backup), expected, what);
  }
});

test("an export with -j 2 survives a source killed and restarted in the middle", async () => {
  const reader = exportBackup(driver, { ...workers(2), compress: false, retryFor: 300_000 })
    .getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let killed = false;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    bytes += r.value.length;
    if (!killed && bytes > reference.length / 3) {
      killed = true;
      await server.kill();
      setTimeout(() => server.restart(), 2_000);
    }
  }
  assert.ok(killed);
  const backup = await collect(ReadableStream.from(chunks));
  assertValid(backup);
  assert.deepEqual(body(backup), body(reference));
});

test("a cancelled export with -j 2 leaves no transaction open on the server", async () => {
  const reader = exportBackup(driver, workers(2)).getReader();
  await reader.read();
  await reader.read();
  await reader.cancel(new Error("enough"));
  const deadline = Date.now() + 30_000;
  let open = -1;
  while (open !== 0 && Date.now() < deadline) {
    const rows = await cypher(
      driver,
      "SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' RETURN count(*) AS c",
    );
    open = Number(rows[0].c);
    if (open !== 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(open, 0);
});

test("neo4j-backup export -j 2 stopped with Ctrl-C exits, and leaves no file", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "jobs.jsonl.gz");
    // The workers start as the nodes phase does, right after the schema.
    const { ready, code, stderr } = await interruptWhen(
      ["export", ...as(server), "-j", "2", "-o", file],
      (e) => /schema \d+ done/.test(e) && existsSync(`${file}.partial`),
      { pause: 300 },
    );
    assert.ok(ready, `the export wrote no partial file:\n${stderr}`);
    assert.equal(code, 130, stderr); // a worker left running would keep the process alive
    assert.doesNotMatch(stderr, /nodes [\d,]+ done/, "the export ended before it was interrupted");
    assert.match(stderr, /Interrupted by the user/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("writes during an export with -j 2 are noticed, and no relationship to a node not written", async () => {
  const warnings: string[] = [];
  const options = { ...workers(2), compress: false, onWarning: (w: string) => warnings.push(w) };
  const chunks: Uint8Array[] = [];
  let wrote = false;
  try {
    for await (const chunk of exportBackup(driver, options)) {
      chunks.push(chunk);
      if (!wrote && new TextDecoder().decode(chunk).includes('{"kind":"rel"')) {
        wrote = true;
        // A new node (with an id past those read) and a relationship to it.
        await cypher(driver, "MATCH (a:Item {i: 1}) CREATE (a)-[:NEXT {w: -1}]->(:Item {i: -1})");
      }
    }
  } finally {
    await cypher(driver, "MATCH (n:Item {i: -1}) DETACH DELETE n");
  }
  const backup = await collect(ReadableStream.from(chunks));
  assertValid(backup);
  const records = body(backup).map((line) => JSON.parse(line));
  const ids = new Set(records.filter((r) => r.kind === "node").map((r) => r.id));
  for (const r of records.filter((r) => r.kind === "rel")) {
    assert.ok(ids.has(r.start) && ids.has(r.end), `dangling relationship ${JSON.stringify(r)}`);
  }
  assert.ok(warnings.some((w) => /changed while it was exported/.test(w)), warnings.join("; "));
  assert.ok(warnings.some((w) => /1 relationship was left out/.test(w)), warnings.join("; "));
});

test("a backup made with -j 2 restores the every-type graph exactly", async () => {
  // Last: it replaces the graph with the restored one.
  const source = await fingerprint(driver);
  const backup = await collect(exportBackup(driver, workers(2)));
  await clear(driver);
  await importBackup(driver, streamOf(backup));
  assert.deepEqual(await fingerprint(driver), source);
});
