/**
 * Backups across Neo4j lines: a graph with every property type, awkward names, every shape and
 * the schema each line can hold is backed up on 4.4, 5.26 and 2026.x, and each backup is
 * restored into each line (3 x 3 directions, downgrades included). Every direction compares
 * typed values and schema, and lists exactly what the target had to skip.
 *
 * The 2026.x servers run with Cypher 25 as their default language, the harder case.
 * Slow (six JVM starts): run with `deno task test:versions`, not part of `deno task test`.
 *
 * @module
 */

import { after, test } from "node:test";
import process from "node:process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import assert from "node:assert/strict";
import neo4j, { type Driver } from "neo4j-driver";
import { exportBackup } from "../../lib/export/export.ts";
import { importBackup, type ImportSummary, partialImportOf } from "../../lib/import/import.ts";
import type { Properties, SchemaRecord } from "../../lib/format/records.ts";
import { readSchema } from "../../lib/neo4j/schema_read.ts";
import { KNOWN_LINES, type Neo4jLine, startServer } from "../../scripts/neo4j_server.ts";
import { connect, counts, cypher, type Neo4jServer, wipe } from "../_server.ts";
import { collect, fingerprint, loadTestData, streamOf, TYPED_VALUES } from "../_graph.ts";

/** Schema every line can hold (4.4 turns the plain indexes into BTREE indexes). */
const SCHEMA_ALL = [
  "CREATE INDEX range_composite FOR (n:Par) ON (n.k, n.w)",
  "CREATE INDEX `range on awkward` FOR (n:`back``tick`) ON (n.`co:lon`)",
  "CREATE INDEX rel_range FOR ()-[r:P]-() ON (r.w)",
  "CREATE TEXT INDEX text_idx FOR (n:Types) ON (n.string)",
  "CREATE TEXT INDEX text_rel FOR ()-[r:TYPED]-() ON (r.string)",
  "CREATE POINT INDEX point_idx FOR (n:Types) ON (n.point_wgs84) OPTIONS {indexConfig: {`spatial.wgs-84.min`: [-100.0, -80.0], `spatial.wgs-84.max`: [100.0, 80.0]}}",
  "CREATE FULLTEXT INDEX fulltext_idx FOR (n:Types|Par) ON EACH [n.string, n.k] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}",
  "CREATE FULLTEXT INDEX fulltext_rel FOR ()-[r:P|Q]-() ON EACH [r.w]",
  "CREATE CONSTRAINT unique_leaf FOR (n:Leaf) REQUIRE n.i IS UNIQUE",
  "CREATE CONSTRAINT unique_composite FOR (n:Wide) REQUIRE (n.p1, n.p2) IS UNIQUE",
];

/** Schema of one line only, or of the lines from 5.x on. */
const SCHEMA_OF: Record<Neo4jLine, string[]> = {
  // 4.4's own RANGE type (not used by its planner), which must stay RANGE on 4.4.
  "4.4": ["CREATE RANGE INDEX range_44 FOR (n:Types) ON (n.int)"],
  "5.26": [],
  "2026": [
    "CREATE VECTOR INDEX vector_2026 FOR (n:Doc) ON (n.other) OPTIONS {indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'cosine', `vector.quantization.type`: 'NONE', `vector.default_search_expansion_factor`: 2.0}}",
  ],
};
const SCHEMA_5 = [
  "CREATE CONSTRAINT unique_spoke FOR ()-[r:SPOKE]-() REQUIRE r.i IS UNIQUE",
  "CREATE VECTOR INDEX vector_idx FOR (n:Doc) ON (n.embedding) OPTIONS {indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'euclidean'}}",
  "CREATE VECTOR INDEX vector_rel FOR ()-[r:SIMILAR]-() ON (r.embedding) OPTIONS {indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'cosine', `vector.hnsw.m`: 24}}",
];

/** One expected entry of `summary.skipped`. */
interface Skip {
  name: string;
  partial?: true;
  reason: RegExp;
}

const skip = (name: string, reason: RegExp): Skip => ({ name, reason });
const partial = (name: string, reason: RegExp): Skip => ({ name, partial: true, reason });

/** What each direction must skip, and nothing else. Same-line and upgrades skip nothing. */
function expectedSkips(from: Neo4jLine, to: Neo4jLine): Skip[] {
  const down = `${from}->${to}`;
  const vectors = (why: RegExp) => ["vector_idx", "vector_rel"].map((n) => skip(n, why));
  switch (down) {
    case "5.26->4.4":
      return [
        ...vectors(/vector indexes need Neo4j 5\.15/),
        skip("unique_spoke", /relationship uniqueness needs Neo4j 5\.7/),
        partial("text_idx", /index provider 'text-2\.0'/),
        partial("text_rel", /index provider 'text-2\.0'/),
      ];
    case "2026->4.4":
      return [
        ...vectors(/vector indexes need Neo4j 5\.15/),
        skip("vector_2026", /vector indexes need Neo4j 5\.15/),
        skip("unique_spoke", /relationship uniqueness needs Neo4j 5\.7/),
        partial("text_idx", /index provider 'text-3\.0'/),
        partial("text_rel", /index provider 'text-3\.0'/),
      ];
    case "2026->5.26": {
      const vector =
        /index provider 'vector-2026\.\d+'.*setting 'vector\.default_search_expansion_factor'/;
      return [
        partial("text_idx", /index provider 'text-3\.0'/),
        partial("text_rel", /index provider 'text-3\.0'/),
        partial("vector_idx", vector),
        partial("vector_rel", vector),
        partial("vector_2026", vector),
      ];
    }
    default:
      return [];
  }
}

/** Fills an empty database with the test graph and the schema its line can hold. */
async function loadGraph(driver: Driver, line: Neo4jLine): Promise<void> {
  await loadTestData(driver, { serverSideOverlap: line === "4.4" });
  await cypher(
    driver,
    "CREATE (:Doc {embedding: [1.0, 2.0, 3.0], other: [0.5, 0.5, 0.5]})-[:SIMILAR {embedding: [3.0, 2.0, 1.0]}]->(:Doc)",
  );
  const five = line === "4.4" ? [] : SCHEMA_5;
  for (const s of [...SCHEMA_ALL, ...SCHEMA_OF[line], ...five]) await cypher(driver, s);
  await cypher(driver, "CALL db.awaitIndexes(300)");
}

/** Starts a server of a line; 2026.x runs with Cypher 25 as its default language. */
async function start(line: Neo4jLine): Promise<Neo4jServer> {
  const server = await startServer({ version: line });
  timings.push(`start ${server.version}: ${(server.startMs / 1000).toFixed(1)} s`);
  if (line === "2026") {
    const driver = connect(server);
    try {
      await cypher(driver, "ALTER DATABASE neo4j SET DEFAULT LANGUAGE CYPHER 25");
    } finally {
      await driver.close();
    }
  }
  return server;
}

async function schemaOf(driver: Driver): Promise<Map<string, SchemaRecord>> {
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  try {
    const records = await session.executeRead((tx) => readSchema(tx));
    return new Map(records.map((r) => [r.name, r]));
  } finally {
    await session.close();
  }
}

interface Backup {
  line: Neo4jLine;
  version: string;
  bytes: Uint8Array;
  graph: { nodes: string[]; rels: string[] };
  schema: Map<string, SchemaRecord>;
}

/** The lines to run: all, or those named in `NEO4J_BACKUP_LINES` (e.g. `4.4,2026`). */
const LINES = KNOWN_LINES.filter((l) =>
  (process.env.NEO4J_BACKUP_LINES ?? KNOWN_LINES.join(",")).split(",").includes(l)
);

const backups = new Map<Neo4jLine, Backup>();
const timings: string[] = [];

for (const line of LINES) {
  test(`a backup is made on ${line}`, { timeout: 600_000 }, async () => {
    const server = await start(line);
    const driver = connect(server);
    try {
      await loadGraph(driver, line);
      const t = performance.now();
      const bytes = await collect(exportBackup(driver));
      timings.push(`export ${line}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      // --jobs 2 in worker threads, in chunks of 7 ids so that many are in flight: same lines.
      const parallel = await collect(exportBackup(driver, {
        jobs: 2,
        chunkSize: 7,
        connection: { uri: server.uri, username: server.username, password: server.password },
      }));
      assert.deepStrictEqual(body(parallel), body(bytes), `export -j 2 on ${line}`);
      backups.set(line, {
        line,
        version: server.version,
        bytes,
        graph: await fingerprint(driver),
        schema: await schemaOf(driver),
      });
    } finally {
      await driver.close();
      keep(line, server);
    }
  });
}

/** The lines between the header (its time differs) and the footer (its checksum covers it). */
function body(backup: Uint8Array): string[] {
  const lines = new TextDecoder().decode(gunzipSync(backup)).split("\n");
  assert.equal(lines.pop(), "", "the backup does not end with a newline");
  return lines.slice(1, -1);
}

/** The type a source index must have on the target. */
function expectedType(r: SchemaRecord, from: Neo4jLine, to: Neo4jLine): string {
  if (r.kind !== "index") return r.type;
  if (to === "4.4" && from !== "4.4" && r.type === "RANGE") return "BTREE";
  if (to !== "4.4" && r.type === "BTREE") return "RANGE";
  return r.type;
}

/** Settings that must arrive unchanged wherever the target holds the item. */
const KEPT_SETTINGS = [
  "fulltext.analyzer",
  "fulltext.eventually_consistent",
  "spatial.wgs-84.min",
  "spatial.wgs-84.max",
  "vector.dimensions",
  "vector.similarity_function",
  "vector.hnsw.m",
];

function assertSchema(
  source: Map<string, SchemaRecord>,
  target: Map<string, SchemaRecord>,
  summary: ImportSummary,
  from: Neo4jLine,
  to: Neo4jLine,
): void {
  const skipped = new Set(summary.skipped.filter((s) => !s.partial).map((s) => s.name));
  const expected = [...source.keys()].filter((n) => !skipped.has(n)).sort();
  assert.deepStrictEqual([...target.keys()].sort(), expected, "schema item names");
  for (const name of expected) {
    const s = source.get(name)!;
    const t = target.get(name)!;
    const shape = (r: SchemaRecord, type: string) => ({
      kind: r.kind,
      type,
      entity: r.entity,
      labelsOrTypes: r.labelsOrTypes,
      properties: r.properties,
    });
    assert.deepStrictEqual(shape(t, t.type), shape(s, expectedType(s, from, to)), name);
    const keys = KEPT_SETTINGS.filter((k) => k in s.config);
    const kept = (c: Properties) => Object.fromEntries(keys.map((k) => [k, c[k]]));
    if (s.kind === "index" && !(s.type === "BTREE" && to !== "4.4")) {
      assert.deepStrictEqual(kept(t.config), kept(s.config), `${name} settings`);
    }
  }
}

/**
 * Checks a restored target exactly: typed values, fingerprint, counts, what was skipped or
 * created with changes (one warning each), schema, and every index online.
 */
async function assertRestored(
  driver: Driver,
  backup: Backup,
  summary: ImportSummary,
  warnings: string[],
  to: Neo4jLine,
): Promise<void> {
  const from = backup.line;
  const skips = expectedSkips(from, to);
  const [n] = await cypher(driver, "MATCH (n:Types {k: 'types'}) RETURN properties(n) AS p");
  assert.deepStrictEqual(n.p, { k: "types", ...TYPED_VALUES });
  const [r] = await cypher(driver, "MATCH ()-[r:TYPED]->() RETURN properties(r) AS p");
  assert.deepStrictEqual(r.p, TYPED_VALUES);
  assert.deepStrictEqual(await fingerprint(driver), backup.graph);
  assert.deepStrictEqual(await counts(driver), {
    nodes: summary.nodes,
    relationships: summary.relationships,
  });

  // Items created with changes are listed apart from the skipped ones, never in both.
  assert.ok(summary.createdWithChanges.every((s) => s.partial), "created with changes");
  assert.ok(summary.skipped.every((s) => !s.partial), "skipped items exist nowhere");
  const listed = [...summary.skipped, ...summary.createdWithChanges];
  const got = listed.map((s) => ({ name: s.name, partial: s.partial ?? false }));
  const want = skips.map((s) => ({ name: s.name, partial: s.partial ?? false }));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  assert.deepStrictEqual(got.sort(byName), want.sort(byName), "skipped items");
  for (const s of skips) {
    const entry = listed.find((x) => x.name === s.name)!;
    assert.match(entry.reason, s.reason, s.name);
  }
  assert.equal(warnings.length, skips.length, "one warning per skipped item");
  assertSchema(backup.schema, await schemaOf(driver), summary, from, to);
  const offline = await cypher(
    driver,
    "SHOW INDEXES YIELD name, state WHERE state <> 'ONLINE'",
  );
  assert.deepStrictEqual(offline, []);
}

/** Where the resume test of each target aborts its import: both positions are covered. */
const ABORT_IN: Record<Neo4jLine, "nodes" | "relationships"> = {
  "4.4": "relationships",
  "5.26": "nodes",
  "2026": "relationships",
};

for (const to of LINES) {
  for (const from of LINES) {
    const skips = expectedSkips(from, to);
    const what = skips.length
      ? `skips exactly ${skips.map((s) => s.name).join(", ")}`
      : "skips nothing";
    test(`a backup from ${from} restores into ${to}: same typed values and schema, ${what}`, {
      timeout: 600_000,
    }, async () => {
      const summary = await restore(from, to, {});
      timings.push(
        `import ${from} -> ${to}: ${summary.seconds.toFixed(1)} s, ` +
          `skipped ${JSON.stringify(summary.skipped.map((s) => s.name))}`,
      );
      report.push({ from, to, skipped: summary.skipped });
    });
  }

  const from: Neo4jLine = LINES.includes("5.26") ? "5.26" : to;
  test(`a backup from ${from} restores into ${to} at -j 2 in batches of 7: exact`, {
    timeout: 600_000,
  }, async () => {
    const summary = await restore(from, to, { jobs: 2, batchSize: 7 });
    timings.push(`import -j 2 ${from} -> ${to}: ${summary.seconds.toFixed(1)} s`);
    assert.equal(summary.jobs, 2);
  });

  for (const jobs of [1, 2]) {
    // -j 2 aborts in the other phase than -j 1, so that each target covers both at each.
    const phase = jobs === 1 ? ABORT_IN[to] : ABORT_IN[to] === "nodes" ? "relationships" : "nodes";
    resumeTest(from, to, phase, jobs);
  }
}

/** Imports the backup of `from` into an emptied `to` and compares it exactly. */
async function restore(
  from: Neo4jLine,
  to: Neo4jLine,
  options: { jobs?: number; batchSize?: number },
): Promise<ImportSummary> {
  const backup = backups.get(from);
  assert.ok(backup, `the ${from} backup was not made (see its test)`);
  const driver = await targetDriver(to);
  await wipe(driver);
  const warnings: string[] = [];
  const summary = await importBackup(driver, streamOf(backup.bytes), {
    ...options,
    onWarning: (w) => warnings.push(w),
  });
  await assertRestored(driver, backup, summary, warnings, to);
  return summary;
}

/** An import aborted during `phase` at `jobs` in flight, then resumed at `jobs`. */
function resumeTest(
  from: Neo4jLine,
  to: Neo4jLine,
  phase: "nodes" | "relationships",
  jobs: number,
): void {
  const at = jobs === 1 ? "" : ` at -j ${jobs}`;
  test(`an import from ${from} into ${to} aborted during ${phase}${at} resumes exactly`, {
    timeout: 600_000,
  }, async () => {
    const backup = backups.get(from);
    assert.ok(backup, `the ${from} backup was not made (see its test)`);
    const driver = await targetDriver(to);
    await wipe(driver);
    const dir = await mkdtemp(join(tmpdir(), "neo4j-backup-resume-"));
    const state = join(dir, "import.state");
    try {
      const controller = new AbortController();
      const t = performance.now();
      const error = await importBackup(driver, streamOf(backup.bytes), {
        state,
        batchSize: 50,
        jobs,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === "advance" && e.phase === phase) controller.abort();
        },
      }).then(() => assert.fail("the aborted import completed"), (e: unknown) => e);
      const aborted = (performance.now() - t) / 1000;
      assert.match(String((error as Error).message), /The import was aborted/);
      const partial = partialImportOf(error);
      assert.ok(partial, `no partialImport on ${error}`);
      const held = await counts(driver);
      assert.deepStrictEqual({ nodes: partial.nodes, relationships: partial.relationships }, held);
      assert.equal(partial.state, state);
      const total = backup.graph.nodes.length;
      if (phase === "nodes") {
        assert.ok(held.nodes > 0 && held.nodes < total, `${held.nodes} of ${total} nodes`);
        assert.equal(held.relationships, 0);
      } else {
        assert.equal(held.nodes, total);
        const rels = backup.graph.rels.length;
        assert.ok(held.relationships > 0 && held.relationships < rels, `${held.relationships}`);
      }
      assert.ok((await stat(state)).isFile(), "the state file is kept");

      const warnings: string[] = [];
      const summary = await importBackup(driver, streamOf(backup.bytes), {
        state,
        resume: true,
        jobs,
        onWarning: (w) => warnings.push(w),
      });
      timings.push(
        `resume${at} ${from} -> ${to} (aborted in ${phase} at ${held.nodes} nodes, ` +
          `${held.relationships} relationships after ${aborted.toFixed(1)} s): ` +
          `${summary.seconds.toFixed(1)} s`,
      );
      assert.equal(summary.resumed, true);
      await assertRestored(driver, backup, summary, warnings, to);
      await assert.rejects(stat(state), { code: "ENOENT" }, "the state file is removed");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

/** The server of each line: made for its backup, then the target of every restore into it. */
const running = new Map<Neo4jLine, { server: Neo4jServer; driver: Driver }>();
const report: { from: Neo4jLine; to: Neo4jLine; skipped: ImportSummary["skipped"] }[] = [];

function keep(line: Neo4jLine, server: Neo4jServer): void {
  running.set(line, { server, driver: connect(server) });
}

/** The driver of the server of a line (every restore wipes it first), starting it when needed. */
async function targetDriver(line: Neo4jLine): Promise<Driver> {
  if (!running.has(line)) keep(line, await start(line));
  return running.get(line)!.driver;
}

after(async () => {
  for (const { server, driver } of running.values()) {
    await driver.close();
    await server.stop();
  }
  console.log(`\n${timings.join("\n")}`);
  for (const { from, to, skipped } of report) {
    for (const s of skipped) {
      console.log(`${from} -> ${to}: ${s.partial ? "partly " : ""}skipped ${s.name}: ${s.reason}`);
    }
  }
}, { timeout: 120_000 });
