import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import neo4j, { type Driver } from "neo4j-driver";
import { exportBackup } from "../lib/export/export.ts";
import { importBackup, type ImportSummary } from "../lib/import/import.ts";
import { loadMoviesWithEdgeCases, loadNorthwind, parseCsv } from "../scripts/datasets.ts";
import { connect, counts, cypher, useServers } from "./_server.ts";
import { catalog, collect, fingerprint, streamOf } from "./_graph.ts";

// New servers: the "no trace" test compares every token, and a pooled one keeps earlier files'.
const servers = useServers(2, { fresh: true });
let source: Driver;
let target: Driver;
let summary: ImportSummary;
let bytes = 0;

before(async () => {
  await servers.ready();
  source = connect(servers[0]);
  target = connect(servers[1]);
  await loadMoviesWithEdgeCases(source);
  await loadNorthwind(source);
  const backup = await collect(exportBackup(source));
  bytes = backup.length;
  summary = await importBackup(target, streamOf(backup));
}, { timeout: 600_000 });

after(async () => {
  await source?.close();
  await target?.close();
});

test("the CSV reader handles quotes, doubled quotes, commas and newlines in fields", () => {
  assert.deepStrictEqual(parseCsv('a,b,c\n1,"x, ""y""\nz",NULL\r\n2,,3\n'), [
    { a: "1", b: 'x, "y"\nz' },
    { a: "2", b: "", c: "3" },
  ]);
});

test("Movies with the Python tool's edge cases and Northwind come back identical", async () => {
  const [a, b] = await Promise.all([fingerprint(source), fingerprint(target)]);
  assert.deepStrictEqual(b, a);
  assert.deepStrictEqual(await counts(target), await counts(source));
  assert.equal(summary.nodes, (await counts(source)).nodes);
  assert.ok(bytes > 1000);
});

test("Northwind has its model: products, orders, details with typed values", async () => {
  const [r] = await cypher(
    target,
    `MATCH (:Customer)-[:PURCHASED]->(o:Order)-[d:ORDERS]->(p:Product)-[:PART_OF]->(:Category)
     RETURN count(DISTINCT o) AS orders, count(d) AS details, min(p.unitPrice) AS price, min(d.quantity) AS q`,
  );
  assert.equal(r.orders, 830n);
  assert.equal(r.details, 2155n);
  assert.equal(typeof r.price, "number");
  assert.equal(typeof r.q, "bigint");
});

test("the Python tool's edge cases keep their types after a round trip", async () => {
  const [r] = await cypher(target, "MATCH (p:Person {name: 'Tom Hanks'}) RETURN p AS p");
  const p = (r.p as { properties: Record<string, unknown> }).properties;
  assert.equal(p.example_hash_prop, "$time('21:40:32.142000000+01:00')");
  assert.equal(p.odd_prop, "time('21:40:32.142000000+01:00')");
  assert.deepStrictEqual(p.duration_example, new neo4j.types.Duration(5n, 1n, 43200n, 0n));
  assert.deepStrictEqual(p.point_3d_example, new neo4j.types.Point(9157n, 3, 0, 2));
  assert.equal(p.float_example, 0.334);
  assert.deepStrictEqual(p.array_example, [true, false]);
  const [lonely] = await cypher(target, "MATCH (n:Person:XX) RETURN n.name AS name");
  assert.equal(lonely.name, "Joe Doe");
});

test("Northwind's uniqueness constraints are recreated and nothing else is added", async () => {
  assert.deepStrictEqual(await catalog(target), await catalog(source));
  assert.deepStrictEqual(summary.skipped, []);
});
