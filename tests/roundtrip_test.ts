import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import type { Driver } from "neo4j-driver";
import { exportBackup } from "../lib/export/export.ts";
import { importBackup, importRecords, type ImportSummary } from "../lib/import/import.ts";
import { FormatError, RefusedError } from "../lib/errors.ts";
import type { BackupRecord } from "../lib/format/records.ts";
import { VERSION } from "../lib/version.ts";
import { clear, connect, counts, cypher, useServers } from "./_server.ts";
import {
  AWKWARD_NAMES,
  catalog,
  collect,
  fingerprint,
  loadTestGraph,
  streamOf,
  TYPED_VALUES,
} from "./_graph.ts";

// New servers: the "no trace" test compares every token, and a pooled one keeps earlier files'.
const servers = useServers(2, { fresh: true });
let source: Driver;
let target: Driver;
let backup: Uint8Array;
let summary: ImportSummary;

before(async () => {
  await servers.ready();
  source = connect(servers[0]);
  target = connect(servers[1]);
  await loadTestGraph(source);
  backup = await collect(exportBackup(source));
  summary = await importBackup(target, streamOf(backup));
}, { timeout: 600_000 });

test("every property type comes back with its type and value", async () => {
  const [n] = await cypher(target, "MATCH (n:Types {k: 'types'}) RETURN properties(n) AS p");
  assert.deepStrictEqual(n.p, { k: "types", ...TYPED_VALUES });
  const [r] = await cypher(target, "MATCH ()-[r:TYPED]->() RETURN properties(r) AS p");
  assert.deepStrictEqual(r.p, TYPED_VALUES);
});

test("awkward labels, relationship types and property keys survive", async () => {
  for (const name of AWKWARD_NAMES) {
    const q = "`" + name.replaceAll("`", "``") + "`";
    const rows = await cypher(
      target,
      `MATCH (a:${q})-[r:${q}]->(b:Awkward:${q}) RETURN a.${q} AS v, r.${q} AS w`,
    );
    assert.deepStrictEqual(rows, [{ v: name, w: 1n }], name);
  }
});

test("the whole graph is the same: every node, relationship, shape and value", async () => {
  const [a, b] = await Promise.all([fingerprint(source), fingerprint(target)]);
  assert.equal(b.nodes.length, a.nodes.length);
  assert.equal(b.rels.length, a.rels.length);
  assert.deepStrictEqual(b, a);
  assert.deepStrictEqual(await counts(target), await counts(source));
});

test("shapes survive: self-loop, parallel relationships, hub, wide node, megabyte string, empty node", async () => {
  const one = async (q: string) => Object.values((await cypher(target, q))[0])[0];
  assert.equal(await one("MATCH (n:Loop)-[:SELF]->(n) RETURN count(*)"), 1n);
  assert.equal(
    await one("MATCH (:Par {k: 'pa'})-[r:P {w: 1}]->(:Par {k: 'pb'}) RETURN count(r)"),
    2n,
  );
  assert.equal(await one("MATCH (:Par)-[r]-(:Par) RETURN count(DISTINCT r)"), 5n);
  assert.equal(await one("MATCH (:Hub)-[r:SPOKE]->() RETURN count(r)"), 3000n);
  assert.equal(await one("MATCH (n:Wide) RETURN size(keys(n))"), 301n);
  assert.equal(
    await one("MATCH (n:Big) RETURN size(n.s)"),
    BigInt([..."🙂 megabyte "].length * 80_000),
  );
  assert.equal(
    await one("MATCH (n) WHERE size(labels(n)) = 0 AND size(keys(n)) = 0 RETURN count(n)"),
    1n,
  );
  assert.equal(await one("MATCH (n:Isolated) WHERE NOT (n)--() RETURN count(n)"), 1n);
});

test("the import leaves no trace: tokens, indexes and constraints are exactly the source's", async () => {
  assert.deepStrictEqual(await catalog(target), await catalog(source));
});

test("schema is recreated with its names and options, none skipped", async () => {
  assert.deepStrictEqual(summary.skipped, []);
  const [s] = await cypher(
    target,
    "SHOW INDEXES YIELD name, options WHERE name = 'fulltext_idx' RETURN options",
  );
  assert.deepStrictEqual((s.options as { indexConfig: unknown }).indexConfig, {
    "fulltext.analyzer": "english",
    "fulltext.eventually_consistent": true,
  });
  const [v] = await cypher(
    target,
    "SHOW INDEXES YIELD name, options WHERE name = 'vector_idx' RETURN options",
  );
  const config = (v.options as { indexConfig: Record<string, unknown> }).indexConfig;
  assert.equal(config["vector.dimensions"], 3n);
  assert.equal(config["vector.similarity_function"], "EUCLIDEAN");
  const online = await cypher(
    target,
    "SHOW INDEXES YIELD state WHERE state <> 'ONLINE' RETURN state",
  );
  assert.deepStrictEqual(online, []);
});

test("the backup is gzip-compressed JSON Lines a person can read", () => {
  const lines = new TextDecoder().decode(gunzipSync(backup)).trimEnd().split("\n");
  const records = lines.map((l) => JSON.parse(l));
  assert.equal(records[0].kind, "header");
  assert.equal(records[0].format, "neo4j-backup");
  assert.equal(records[0].tool, `neo4j-backup ${VERSION}`);
  assert.equal(records[0].source.edition, "community");
  assert.equal(records.at(-1).kind, "footer");
  assert.equal(records.at(-1).nodes, summary.nodes);
  assert.equal(records.at(-1).relationships, summary.relationships);
  const kinds = records.map((r) => r.kind);
  assert.ok(kinds.indexOf("node") > kinds.lastIndexOf("constraint"));
  assert.ok(kinds.indexOf("rel") > kinds.lastIndexOf("node"));
  assert.ok(lines.some((l) => l.includes('"string_tag_like":"$date(\'2020-01-01\')"')));
});

test("importing into a database that holds data is refused and writes nothing", async () => {
  const before = await counts(target);
  await assert.rejects(() => importBackup(target, streamOf(backup)), RefusedError);
  let asked = 0;
  await assert.rejects(
    () =>
      importBackup(target, streamOf(backup), {
        confirmNonEmpty: (info) => {
          asked++;
          assert.equal(info.nodes, before.nodes);
          return Promise.resolve(false);
        },
      }),
    /is not empty/,
  );
  assert.equal(asked, 1);
  assert.deepStrictEqual(await counts(target), before);
});

test("a truncated backup stops the import with the line and says the import is partial", async () => {
  await clear(target);
  const plain = gunzipSync(backup);
  const cut = plain.subarray(0, Math.floor(plain.length * 0.9));
  await assert.rejects(
    () => importBackup(target, streamOf(cut, 4096), { batchSize: 500 }),
    (e: unknown) =>
      e instanceof FormatError && /truncated/i.test(e.message) && /partial import/.test(e.message),
  );
});

test("Enterprise-only constraints are skipped on Community with one warning each", async () => {
  await clear(target);
  const records: BackupRecord[] = [
    {
      kind: "header",
      format: "neo4j-backup",
      version: 1,
      tool: "test",
      created: new Date().toISOString(),
      source: { version: "5.26.0", edition: "enterprise", database: "neo4j" },
    },
    {
      kind: "constraint",
      name: "person_key",
      type: "NODE_KEY",
      entity: "NODE",
      labelsOrTypes: ["KeyPerson"],
      properties: ["id"],
      config: {},
    },
    {
      kind: "constraint",
      name: "person_exists",
      type: "NODE_PROPERTY_EXISTENCE",
      entity: "NODE",
      labelsOrTypes: ["KeyPerson"],
      properties: ["id"],
      config: {},
    },
    { kind: "node", id: 1, labels: ["KeyPerson"], props: { id: 1n } },
  ];
  const warnings: string[] = [];
  const result = await importRecords(target, ReadableStream.from(records), {
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(result.nodes, 1);
  assert.deepStrictEqual(result.skipped.map((s) => s.name), ["person_key", "person_exists"]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /person_key.*Enterprise/);
});

after(async () => {
  await source?.close();
  await target?.close();
});
