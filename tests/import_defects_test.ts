/**
 * The import's failure modes against a real server: schema failures told apart (skipped,
 * retried, fatal), duplicate node ids, items created with changes, what a failed or aborted
 * import says it left behind, node ids paired by row, backup text that tries to become Cypher,
 * and the exact progress events.
 */

import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import neo4j, { type Driver, type Session } from "neo4j-driver";
import { type ImportOptions, importRecords } from "../lib/import/import.ts";
import type { ProgressEvent } from "../lib/pipeline/progress_event.ts";
import { BackupError, ConnectionError, DatabaseError, FormatError } from "../lib/errors.ts";
import { EncoderStream } from "../lib/format/encoder_stream.ts";
import type { BackupRecord, BodyRecord, HeaderRecord, NodeRecord } from "../lib/format/records.ts";
import { Interrupted } from "../lib/cli/interrupt.ts";
import { quote } from "../lib/neo4j/cypher.ts";
import { connect, counts, cypher, useServers } from "./_server.ts";
import { cleanEnv, CLI } from "./_cli.ts";

const servers = useServers(1);
let driver: Driver;

before(async () => {
  await servers.ready();
  driver = connect(servers[0]);
}, { timeout: 600_000 });

after(async () => {
  await driver?.close();
});

beforeEach(async () => {
  await cypher(driver, "MATCH (n) DETACH DELETE n");
  for (const c of await cypher(driver, "SHOW CONSTRAINTS YIELD name")) {
    await cypher(driver, `DROP CONSTRAINT ${quote(String(c.name))}`);
  }
  for (const i of await cypher(driver, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")) {
    await cypher(driver, `DROP INDEX ${quote(String(i.name))}`);
  }
});

/** What a failed import threw, with the counts it says it left (undefined when none). */
type Failure = BackupError & {
  partialImport?: {
    database: string;
    nodes: number;
    relationships: number;
    totalNodes?: number;
    totalRelationships?: number;
    schemaCreated: number;
    unconfirmed: number;
  };
};

function header(counts?: { nodes: number; relationships: number }): HeaderRecord {
  return {
    kind: "header",
    format: "neo4j-backup",
    version: 1,
    tool: "import defects test",
    created: "2026-01-01T00:00:00.000Z",
    source: { version: "5.26.0", edition: "community", database: "neo4j" },
    ...(counts ? { counts } : {}),
  };
}

function node(id: number, labels: string[], props: NodeRecord["props"] = {}): NodeRecord {
  return { kind: "node", id, labels, props };
}

function importList(records: BackupRecord[], options: ImportOptions = {}) {
  return importRecords(driver, ReadableStream.from(records), options);
}

/** Runs an import that must fail and returns its error. */
async function failure(records: BackupRecord[], options: ImportOptions = {}): Promise<Failure> {
  try {
    await importList(records, options);
  } catch (e) {
    return e as Failure;
  }
  assert.fail("the import succeeded");
}

async function one(query: string): Promise<unknown> {
  return Object.values((await cypher(driver, query))[0])[0];
}

/**
 * A driver whose sessions throw `error` (a real error the server or driver produced) instead
 * of running the statements `when` picks; everything else runs on the real server.
 */
function throwingFor(error: unknown, when: (query: string, calls: number) => boolean): Driver {
  let calls = 0;
  const wrap = (session: Session) =>
    new Proxy(session, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key !== "run") return typeof value === "function" ? value.bind(target) : value;
        return (query: string, ...rest: unknown[]) => {
          if (when(query, ++calls)) return Promise.reject(error);
          return (value as (...a: unknown[]) => unknown).call(target, query, ...rest);
        };
      },
    });
  return new Proxy(driver, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (key === "session") {
        return (...args: unknown[]) =>
          wrap((value as (...a: unknown[]) => Session).apply(target, args));
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A real `DeadlockDetected` from the server: two transactions that wait for each other. */
async function deadlockError(): Promise<unknown> {
  const a = driver.session();
  const b = driver.session();
  const ta = await a.beginTransaction();
  const tb = await b.beginTransaction();
  try {
    await tb.run("CREATE INDEX deadlock_m FOR (n:DeadlockM) ON (n.k)");
    await ta.run("CREATE (:DeadlockL {k: 1})");
    const first = tb.run("CREATE INDEX deadlock_l FOR (n:DeadlockL) ON (n.k)").then(
      () => null,
      (e) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    const second = ta.run("CREATE (:DeadlockM {k: 1})").then(() => null, (e) => e);
    const error = await Promise.race([first, second]) ?? await first ?? await second;
    assert.match(String((error as { code?: string }).code), /DeadlockDetected/);
    return error;
  } finally {
    await tb.rollback().catch(() => {});
    await ta.rollback().catch(() => {});
    await a.close();
    await b.close();
  }
}

/** The error a real driver throws when nothing listens: what a lost server looks like. */
async function connectionError(): Promise<unknown> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });
  const dead = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic("neo4j", "x"));
  const session = dead.session();
  try {
    // An auto-commit query, not executeQuery: that one retries a refused connection for 30 s.
    await session.run("RETURN 1");
  } catch (e) {
    return e;
  } finally {
    await session.close();
    await dead.close();
  }
  assert.fail("expected the query to fail");
}

async function serverError(query: string, setup?: string): Promise<unknown> {
  if (setup) await cypher(driver, setup);
  try {
    await cypher(driver, query);
  } catch (e) {
    return e;
  }
  assert.fail(`expected ${query} to fail`);
}

// 1. Schema failures: skipped, retried, or fatal.

test("a constraint the data violates fails the import with exit code 5, not a skip", async () => {
  const e = await failure([
    header({ nodes: 4, relationships: 1 }),
    {
      kind: "constraint",
      name: "u_k",
      type: "UNIQUENESS",
      entity: "NODE",
      labelsOrTypes: ["U"],
      properties: ["k"],
      config: {},
    },
    node(1, ["U"], { k: 1n }),
    node(2, ["U"], { k: 2n }),
    node(3, ["U"], { k: 2n }),
    node(4, ["U"], { k: 3n }),
    { kind: "rel", type: "R", start: 1, end: 2, props: {} },
  ]);
  assert.ok(e instanceof DatabaseError, String(e));
  assert.equal(e.exitCode, 5);
  assert.match(e.message, /^Cannot create UNIQUENESS constraint 'u_k' on :`U`: .*Both Node/);
  assert.match(e.message, /database 'neo4j' now holds a partial import: 4 of 4 nodes, 1 of 1/);
  assert.deepEqual(await cypher(driver, "SHOW CONSTRAINTS YIELD name"), []);
});

test("statements the target cannot express are still skipped, each with the server's reason", async () => {
  const warnings: string[] = [];
  const index = (name: string, type: string, labels: string[], config = {}) => ({
    kind: "index" as const,
    name,
    type,
    entity: "NODE" as const,
    labelsOrTypes: labels,
    properties: ["k"],
    config,
  });
  const summary = await importList([
    header(),
    index("point_bogus", "POINT", ["P"], { "spatial.bogus": 1 }),
    index("range_two_labels", "RANGE", ["A", "B"]),
    index("fulltext_bogus", "FULLTEXT", ["F"], { "fulltext.analyzer": "no-such-analyzer" }),
    index("range_fine", "RANGE", ["A"]),
    node(1, ["A"], { k: 1n }),
  ], { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(summary.skipped.map((s) => s.name), [
    "point_bogus",
    "range_two_labels",
    "fulltext_bogus",
  ]);
  for (const s of summary.skipped) assert.match(s.reason, /^the target refused it: /);
  assert.equal(summary.schemaCreated, 1);
  assert.equal(warnings.length, 3);
});

test("a transient schema error is retried, and the statement then runs on the server", async () => {
  const deadlock = await deadlockError();
  let creates = 0;
  const flaky = throwingFor(deadlock, (q) => q.startsWith("CREATE RANGE") && ++creates === 1);
  const summary = await importRecords(
    flaky,
    ReadableStream.from<BackupRecord>([
      header(),
      {
        kind: "index",
        name: "retried",
        type: "RANGE",
        entity: "NODE",
        labelsOrTypes: ["T"],
        properties: ["k"],
        config: {},
      },
      node(1, ["T"], { k: 1n }),
    ]),
  );
  assert.deepEqual(summary.skipped, []);
  assert.equal(creates, 2, "one failed attempt, one that ran");
  assert.deepEqual(
    await cypher(driver, "SHOW INDEXES YIELD name, state WHERE name = 'retried'"),
    [{ name: "retried", state: "ONLINE" }],
  );
});

test("a lost connection during the schema fails the import with exit code 3, not a skip", async () => {
  const lost = await connectionError();
  const e = await (async () => {
    try {
      await importRecords(
        throwingFor(lost, (q) => q.startsWith("CREATE RANGE")),
        ReadableStream.from<BackupRecord>([
          header(),
          {
            kind: "index",
            name: "never",
            type: "RANGE",
            entity: "NODE",
            labelsOrTypes: ["T"],
            properties: ["k"],
            config: {},
          },
          node(1, ["T"], { k: 1n }),
        ]),
      );
    } catch (e) {
      return e as Failure;
    }
    assert.fail("the import succeeded");
  })();
  assert.ok(e instanceof ConnectionError, String(e));
  assert.equal(e.exitCode, 3);
  assert.match(e.message, /^Lost the connection to the server: /);
  assert.equal(e.partialImport?.nodes, 1);
});

test("schema failures are decided on the server's own error codes", async () => {
  const { schemaFailure } = await import("../lib/neo4j/driver_errors.ts");
  const cases: [string, unknown, string][] = [
    ["deadlock", await deadlockError(), "retry"],
    ["syntax", await serverError("CREATE RANGE INDEX x FOR (n:A|B) ON (n.k)"), "skip"],
    [
      "unknown provider",
      await serverError("CREATE TEXT INDEX x FOR (n:A) ON (n.k) OPTIONS {indexProvider: 'x-9'}"),
      "skip",
    ],
    [
      "Enterprise only",
      await serverError("CREATE CONSTRAINT x FOR (n:A) REQUIRE n.k IS NOT NULL"),
      "skip",
    ],
    [
      "already exists",
      await serverError(
        "CREATE RANGE INDEX same FOR (n:S) ON (n.k)",
        "CREATE RANGE INDEX same FOR (n:S) ON (n.k)",
      ),
      "skip",
    ],
    [
      "violated by the data",
      await serverError(
        "CREATE CONSTRAINT dup FOR (n:D) REQUIRE n.k IS UNIQUE",
        "UNWIND [1, 1] AS k CREATE (:D {k: k})",
      ),
      "fail",
    ],
    ["connection refused", await connectionError(), "fail"],
  ];
  for (const [what, error, expected] of cases) {
    assert.equal(schemaFailure(error), expected, `${what}: ${String(error)}`);
  }
});

// 2. Duplicate node ids.

test("a duplicate node id is a format error naming the line of the second occurrence", async () => {
  const e = await failure([
    header({ nodes: 4, relationships: 1 }),
    node(1, ["N"]),
    node(2, ["N"]),
    node(3, ["N"]),
    node(2, ["N"]),
    { kind: "rel", type: "R", start: 1, end: 2, props: {} },
  ], { batchSize: 2 });
  assert.ok(e instanceof FormatError, String(e));
  assert.equal((e as FormatError).line, 5);
  assert.match(
    e.message,
    /^Backup is corrupt: the node at line 5 has id 2, which an earlier node has/,
  );
  assert.equal(e.partialImport?.nodes, (await counts(driver)).nodes);
});

// 3. Items created with changes.

test("an item created without its index provider counts as created, not as skipped", async () => {
  const warnings: string[] = [];
  const summary = await importList([
    header(),
    {
      kind: "index",
      name: "text_future",
      type: "TEXT",
      entity: "NODE",
      labelsOrTypes: ["Doc"],
      properties: ["text"],
      provider: "text-9.0",
      config: {},
    },
    node(1, ["Doc"], { text: "hello" }),
  ], { onWarning: (w) => warnings.push(w) });
  assert.equal(summary.schemaCreated, 1);
  assert.deepEqual(summary.skipped, []);
  assert.equal(summary.createdWithChanges.length, 1);
  assert.equal(summary.createdWithChanges[0].name, "text_future");
  assert.equal(summary.createdWithChanges[0].partial, true);
  assert.match(summary.createdWithChanges[0].reason, /index provider 'text-9\.0'/);
  assert.equal(await one("SHOW INDEXES YIELD name WHERE name = 'text_future' RETURN count(*)"), 1n);
  assert.equal(warnings.length, 1);
});

test("a schema name Neo4j trims is created trimmed, and the import says so", async () => {
  const warnings: string[] = [];
  const summary = await importList([
    header(),
    {
      kind: "index",
      name: "\u0007 by_title\t",
      type: "RANGE",
      entity: "NODE",
      labelsOrTypes: ["Doc"],
      properties: ["title"],
      config: {},
    },
    node(1, ["Doc"], { title: "hello" }),
  ], { onWarning: (w) => warnings.push(w) });
  assert.equal(summary.schemaCreated, 1);
  assert.deepEqual(summary.createdWithChanges.map((c) => [c.name, c.reason]), [
    [
      "\u0007 by_title\t",
      "named 'by_title': Neo4j trims spaces and control characters at either end",
    ],
  ]);
  assert.equal(await one("SHOW INDEXES YIELD name WHERE name = 'by_title' RETURN count(*)"), 1n);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /named 'by_title'/);
});

// 4. What a failed or aborted import says it left.

test("a batch the target refuses stops the import, which reports the counts the target holds", async () => {
  await cypher(driver, "CREATE CONSTRAINT pre_u FOR (n:P) REQUIRE n.k IS UNIQUE");
  const records: BackupRecord[] = [header({ nodes: 12, relationships: 0 })];
  for (let i = 0; i < 12; i++) records.push(node(i, ["P"], { k: BigInt(i === 9 ? 2 : i) }));
  const e = await failure(records, { batchSize: 4 });
  assert.ok(e instanceof DatabaseError, String(e));
  assert.equal(e.exitCode, 5);
  const held = await counts(driver);
  assert.equal(held.nodes, 8);
  assert.deepEqual(
    { nodes: e.partialImport?.nodes, relationships: e.partialImport?.relationships },
    held,
  );
  assert.equal(e.partialImport?.totalNodes, 12);
  assert.match(
    e.message,
    /; database 'neo4j' now holds a partial import: 8 of 12 nodes, 0 of 0 relationships; empty it \(MATCH \(n\) CALL \{ WITH n DETACH DELETE n \} IN TRANSACTIONS\) or use a fresh database, then import again$/,
  );
});

test("an abort through the signal stops after the batch in flight, with exact counts", async () => {
  const records: BackupRecord[] = [header({ nodes: 20, relationships: 0 })];
  for (let i = 0; i < 20; i++) records.push(node(i, ["A"], { i: BigInt(i) }));
  for (const reason of [undefined, new Interrupted("Interrupted by the user")]) {
    await cypher(driver, "MATCH (n) DETACH DELETE n");
    const controller = new AbortController();
    const e = await failure(records, {
      batchSize: 5,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === "nodes" && event.type === "advance") controller.abort(reason);
      },
    });
    const held = await counts(driver);
    assert.equal(held.nodes, 5, "the first batch, and nothing after it");
    assert.equal(e.partialImport?.nodes, held.nodes);
    if (reason) {
      assert.ok(e instanceof Interrupted);
      assert.equal(e.exitCode, 130);
      assert.match(
        e.message,
        /^Interrupted by the user; database 'neo4j' now holds a partial import: 5 of 20 nodes/,
      );
    } else {
      assert.equal(e.constructor, BackupError);
      assert.match(
        e.message,
        /^The import was aborted; database 'neo4j' now holds a partial import: 5 of 20 nodes/,
      );
    }
  }
});

test("Ctrl-C during a CLI import exits 130 and says how much the target holds", async () => {
  const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-defects-"));
  try {
    const file = join(dir, "big.jsonl");
    const total = 60_000;
    const records: BodyRecord[] = [header({ nodes: total, relationships: 0 })];
    for (let i = 0; i < total; i++) records.push(node(i, ["Big"], { i: BigInt(i), s: "pad " + i }));
    const bytes = ReadableStream.from(records).pipeThrough(new EncoderStream());
    writeFileSync(file, new Uint8Array(await new Response(bytes).arrayBuffer()));
    const server = servers[0];
    const child = spawn(CLI[0], [
      ...CLI.slice(1),
      "import",
      file,
      "-a",
      server.uri,
      "-u",
      server.username,
      "-p",
      server.password,
      "--batch-size",
      "500",
    ], { stdio: ["ignore", "ignore", "pipe"], env: cleanEnv() });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    const deadline = Date.now() + 60_000;
    while ((await counts(driver)).nodes === 0 && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 20));
    }
    process.kill(child.pid!, "SIGINT");
    const code = await closed;
    assert.equal(code, 130, stderr);
    const held = (await counts(driver)).nodes;
    assert.ok(held > 0 && held < total, `${held} nodes held`);
    const shown = held.toLocaleString("en-US");
    assert.match(
      stderr,
      new RegExp(
        `Interrupted by the user; database 'neo4j' now holds a partial import: ${shown} of 60,000 nodes`,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

// 5. Created nodes are paired with their rows by index, not by position.

test("relationships attach to the nodes their ids name, across label groups and batches", async () => {
  const records: BackupRecord[] = [header()];
  const labels = [["A"], ["B"], ["A", "B"], []];
  for (let i = 0; i < 40; i++) records.push(node(1000 - i * 7, labels[i % 4], { src: BigInt(i) }));
  for (let i = 0; i < 39; i++) {
    records.push({
      kind: "rel",
      type: "NEXT",
      start: 1000 - i * 7,
      end: 1000 - (i + 1) * 7,
      props: { from: BigInt(i) },
    });
  }
  await importList(records, { batchSize: 6 });
  const rows = await cypher(
    driver,
    "MATCH (a)-[r:NEXT]->(b) RETURN r.from AS f, a.src AS a, b.src AS b",
  );
  assert.equal(rows.length, 39);
  for (const row of rows) assert.deepEqual([row.a, row.b], [row.f, (row.f as bigint) + 1n]);
});

test("created ids are paired by the row index each result row carries, in any order", async () => {
  const { pairCreated } = await import("../lib/import/batch_queries.ts");
  const group = [node(10, ["A"]), node(20, ["A"]), node(30, ["A"])];
  const records = [
    new neo4j.Record(["i", "t"], [2n, 302n]),
    new neo4j.Record(["i", "t"], [0n, 100n]),
    new neo4j.Record(["i", "t"], [1n, 201n]),
  ];
  assert.deepEqual(pairCreated(group, records), [[30, 302], [10, 100], [20, 201]]);
  assert.throws(() => pairCreated(group, records.slice(1)), DatabaseError);
  assert.throws(() => pairCreated(group, [...records.slice(1), records[1]]), DatabaseError);
});

// 6. Backup text never becomes Cypher.

/** A label that, spliced between backticks as `\u0060`, would end them and delete the Keep nodes. */
const CRAFTED =
  "x\\u0060) WITH n, p CALL { MATCH (m:Keep) DETACH DELETE m } SET n = p RETURN id(n) AS t //";

test("a label that tries to close its backticks stays a label and runs no Cypher", async () => {
  const summary = await importList([
    header(),
    node(1, ["Keep"]),
    node(2, ["Keep"]),
    node(3, ["Keep"]),
    node(4, [CRAFTED]),
  ], { batchSize: 3 });
  assert.equal(summary.nodes, 4);
  assert.equal(await one("MATCH (n:Keep) RETURN count(n)"), 3n, "the Keep nodes are all there");
  assert.deepEqual(await cypher(driver, "MATCH (n) WHERE NOT n:Keep RETURN labels(n) AS l"), [
    { l: [CRAFTED] },
  ]);
});

test("labels, types, keys and schema names with backslashes and escapes survive as written", async () => {
  const names = [CRAFTED, "C:\\users", "back\\slash\\u0041"];
  const summary = await importList([
    header(),
    {
      kind: "index",
      name: "x\\u0060 FOR (n:Q) ON (n.q) //",
      type: "RANGE",
      entity: "NODE",
      labelsOrTypes: ["Keep"],
      properties: ["k\\u0060"],
      config: {},
    },
    node(1, ["Keep"]),
    ...names.map((name, i) => node(10 + i, [name], { [name]: name })),
    ...names.map((name, i) => ({
      kind: "rel" as const,
      type: name,
      start: 1,
      end: 10 + i,
      props: {},
    })),
  ]);
  assert.equal(summary.nodes, 4);
  assert.deepEqual(summary.skipped, []);
  const labels = await cypher(
    driver,
    "MATCH (n) WHERE NOT n:Keep RETURN labels(n)[0] AS l, keys(n)[0] AS k",
  );
  assert.deepEqual(labels.map((r) => r.l).sort(), [...names].sort());
  assert.deepEqual(labels.map((r) => r.k).sort(), [...names].sort());
  const types = await cypher(driver, "MATCH ()-[r]->() RETURN type(r) AS t");
  assert.deepEqual(types.map((r) => r.t).sort(), [...names].sort());
  assert.deepEqual(
    await cypher(
      driver,
      "SHOW INDEXES YIELD name, properties, type WHERE type = 'RANGE' RETURN name, properties",
    ),
    [{ name: "x\\u0060 FOR (n:Q) ON (n.q) //", properties: ["k\\u0060"] }],
  );
});

// 7. Progress events.

test("an import reports each phase once, in order: start, one advance per batch, end", async () => {
  const events: ProgressEvent[] = [];
  const records: BackupRecord[] = [
    header({ nodes: 10, relationships: 6 }),
    {
      kind: "index",
      name: "n_i",
      type: "RANGE",
      entity: "NODE",
      labelsOrTypes: ["N"],
      properties: ["i"],
      config: {},
    },
    {
      kind: "constraint",
      name: "n_key",
      type: "UNIQUENESS",
      entity: "NODE",
      labelsOrTypes: ["N"],
      properties: ["key"],
      config: {},
    },
  ];
  for (let i = 0; i < 10; i++) records.push(node(i, ["N"], { i: BigInt(i), key: BigInt(i) }));
  for (let i = 0; i < 6; i++) {
    records.push({ kind: "rel", type: "R", start: i, end: i + 1, props: {} });
  }
  await importList(records, { batchSize: 4, onProgress: (e) => events.push(e) });
  const e = (
    type: ProgressEvent["type"],
    phase: ProgressEvent["phase"],
    done: number,
    total: number,
  ) => ({ type, phase, done, total });
  assert.deepStrictEqual(events, [
    e("start", "nodes", 0, 10),
    e("advance", "nodes", 4, 10),
    e("advance", "nodes", 8, 10),
    e("advance", "nodes", 10, 10),
    e("end", "nodes", 10, 10),
    e("start", "relationships", 0, 6),
    e("advance", "relationships", 4, 6),
    e("advance", "relationships", 6, 6),
    e("end", "relationships", 6, 6),
    e("start", "schema", 0, 2),
    e("advance", "schema", 1, 2),
    e("advance", "schema", 2, 2),
    e("end", "schema", 2, 2),
    e("start", "indexes", 0, 1),
    e("end", "indexes", 1, 1),
  ]);
});
