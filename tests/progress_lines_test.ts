/**
 * The progress lines people and logs read: with stderr not a terminal, every command prints one
 * `PHASE COUNT done in TIME` line per phase, in the order the phases run, with the true counts.
 * Runs the real CLI (NEO4J_BACKUP_CLI to run another build) against a real server.
 */

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Driver } from "neo4j-driver";
import { EncoderStream } from "../lib/format/encoder_stream.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import {
  connect,
  cypher,
  loadMovies,
  type Neo4jServer,
  useServers,
  wipe as wipeTarget,
} from "./_server.ts";
import { CLI, ROOT } from "./_cli.ts";

const servers = useServers(1);
const server = () => servers[0];

/** Movies plus 1,036 nodes and 345 relationships, so that counts pass a progress interval. */
const SETUP = [
  "UNWIND range(1, 1036) AS i CREATE (:Extra {i: i})",
  "MATCH (e:Extra) WHERE e.i % 3 = 0 MATCH (m:Movie {title: 'The Matrix'}) CREATE (e)-[:LIKES]->(m)",
  "CREATE INDEX extra_i FOR (e:Extra) ON (e.i)",
  "CREATE TEXT INDEX person_name FOR (p:Person) ON (p.name)",
  "CREATE CONSTRAINT movie_title FOR (m:Movie) REQUIRE m.title IS UNIQUE",
  "CALL db.awaitIndexes(300)",
];

before(async () => {
  await servers.ready();
  const driver = connect(server());
  try {
    await loadMovies(driver);
    for (const statement of SETUP) await cypher(driver, statement);
  } finally {
    await driver.close();
  }
}, { timeout: 120_000 });

/** Runs the CLI to completion with stderr on a pipe, so progress is in plain mode. */
function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { NO_COLOR: "1" };
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith("NEO4J_")) env[k] ??= v;
    }
    const child = spawn(CLI[0], [...CLI.slice(1), ...args], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

const PHASE_DONE = /^(schema|nodes|relationships|indexes) ([\d,]+) done in \d[\d. minhs]*$/;
const PHASE_RUNNING = /^(schema|nodes|relationships|indexes) [\d,]+(\/[\d,]+ \d+%)?( |$)/;

/**
 * The phases' closing lines as `[phase, count]`, in order; fails on any progress line that is
 * neither a closing line nor a running one.
 */
function phaseLines(stderr: string): [string, number][] {
  const done: [string, number][] = [];
  for (const line of stderr.split("\n")) {
    const match = PHASE_DONE.exec(line);
    if (match) done.push([match[1], Number(match[2].replaceAll(",", ""))]);
    else if (/^(schema|nodes|relationships|indexes) /.test(line)) {
      assert.match(line, PHASE_RUNNING, `odd progress line in:\n${stderr}`);
    }
  }
  return done;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "neo4j-backup-progress-test-"));
}

async function count(driver: Driver, query: string): Promise<number> {
  const [row] = await cypher(driver, query);
  return Number(row.c);
}

/** The graph's true counts, and the schema items an export writes (owned indexes left out). */
async function graphCounts(server: Neo4jServer) {
  const driver = connect(server);
  try {
    return {
      nodes: await count(driver, "MATCH (n) RETURN count(n) AS c"),
      relationships: await count(driver, "MATCH ()-[r]->() RETURN count(r) AS c"),
      constraints: await count(driver, "SHOW CONSTRAINTS YIELD name RETURN count(*) AS c"),
      lookups: await count(
        driver,
        "SHOW INDEXES YIELD type WHERE type = 'LOOKUP' RETURN count(*) AS c",
      ),
      indexes: await count(
        driver,
        "SHOW INDEXES YIELD type, owningConstraint " +
          "WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN count(*) AS c",
      ),
    };
  } finally {
    await driver.close();
  }
}

/** Removes every node, relationship, constraint and (non-lookup) index. */
async function wipe(server: Neo4jServer): Promise<void> {
  const driver = connect(server);
  try {
    await wipeTarget(driver);
  } finally {
    await driver.close();
  }
}

/** A plain backup of 1,207 nodes, 503 relationships and two schema items, written here. */
async function writeBackup(file: string): Promise<void> {
  const records: BodyRecord[] = [{
    kind: "header",
    format: "neo4j-backup",
    version: 1,
    tool: "progress test",
    created: "2026-12-01T08:00:00.000Z",
    source: { version: "5.26.0", edition: "community", database: "neo4j" },
    counts: { nodes: 1207, relationships: 503 },
  }, {
    kind: "index",
    name: "n_i",
    type: "RANGE",
    entity: "NODE",
    labelsOrTypes: ["N"],
    properties: ["i"],
    config: {},
  }, {
    kind: "constraint",
    name: "n_key",
    type: "UNIQUENESS",
    entity: "NODE",
    labelsOrTypes: ["N"],
    properties: ["key"],
    config: {},
  }];
  for (let i = 0; i < 1207; i++) {
    records.push({ kind: "node", id: i, labels: ["N"], props: { i: BigInt(i) } });
  }
  for (let i = 0; i < 503; i++) {
    records.push({ kind: "rel", type: "R", start: i, end: i + 1, props: {} });
  }
  const bytes = ReadableStream.from(records).pipeThrough(new EncoderStream());
  writeFileSync(file, new Uint8Array(await new Response(bytes).arrayBuffer()));
}

test("verify prints one line per phase with the backup's true counts, in file order", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl");
    await writeBackup(file);
    const result = await run(["verify", file]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(phaseLines(result.stderr), [
      ["schema", 2],
      ["nodes", 1207],
      ["relationships", 503],
    ], result.stderr);
    assert.equal((await run(["verify", file, "-q"])).stderr, "", "--quiet prints no progress");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("export and import print one line per phase with the graph's true counts, in order", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl.gz");
    const source = await graphCounts(server());
    assert.deepEqual([source.nodes, source.relationships], [1207, 598]);
    const flags = ["-a", server().uri, "-u", server().username, "-p", server().password];
    const exported = await run(["export", ...flags, "-o", file]);
    assert.equal(exported.code, 0, exported.stderr);
    const schema = source.constraints + source.lookups + source.indexes;
    assert.deepEqual(phaseLines(exported.stderr), [
      ["schema", schema],
      ["nodes", source.nodes],
      ["relationships", source.relationships],
    ], exported.stderr);

    await wipe(server());
    const imported = await run(["import", file, ...flags]);
    assert.equal(imported.code, 0, imported.stderr);
    const target = await graphCounts(server());
    assert.deepEqual(target, source, "the import restored the graph and its schema");
    // Every schema item is created (Community holds all of these); the lookup indexes the
    // target already had count as created and need no population, the other indexes do.
    assert.deepEqual(phaseLines(imported.stderr), [
      ["nodes", target.nodes],
      ["relationships", target.relationships],
      ["schema", schema],
      ["indexes", target.indexes],
    ], imported.stderr);
    assert.match(imported.stderr, new RegExp(` ${schema} schema items created in `));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
