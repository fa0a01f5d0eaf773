import { test } from "node:test";
import assert from "node:assert/strict";
import type { BackupRecord, FooterRecord, SchemaRecord } from "../format/records.ts";
import { isEmptyFilter, type RecordFilter, RecordSelector } from "./filter.ts";
import { FilterStream } from "./filter_stream.ts";

const HEADER: BackupRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "neo4j-backup 0.1.0",
  created: "2026-11-24T07:00:00.000Z",
  source: { version: "5.26.29", edition: "community", database: "neo4j" },
  counts: { nodes: 5, relationships: 4 },
};

function schema(
  name: string,
  entity: "NODE" | "RELATIONSHIP",
  labelsOrTypes: string[],
  properties: string[],
): SchemaRecord {
  return { kind: "index", name, type: "RANGE", entity, labelsOrTypes, properties, config: {} };
}

const RECORDS: BackupRecord[] = [
  HEADER,
  schema("person_email", "NODE", ["Person"], ["email"]),
  schema("movie_title", "NODE", ["Movie"], ["title"]),
  schema("lookup", "NODE", [], []),
  schema("knows_since", "RELATIONSHIP", ["KNOWS"], ["since"]),
  { kind: "node", id: 0, labels: ["Person"], props: { name: "Ann", email: "a@x" } },
  { kind: "node", id: 1, labels: ["Person", "Actor"], props: { name: "Bo", email: "b@x" } },
  { kind: "node", id: 2, labels: ["Movie"], props: { title: "M", embedding: [0.5, 1.5] } },
  { kind: "node", id: 3, labels: [], props: { note: "bare" } },
  { kind: "node", id: 4, labels: ["Robot"], props: {} },
  { kind: "rel", type: "KNOWS", start: 0, end: 1, props: { since: 2020n } },
  { kind: "rel", type: "ACTED_IN", start: 1, end: 2, props: { roles: ["X"], email: "r" } },
  { kind: "rel", type: "OWNS", start: 0, end: 4, props: {} },
  { kind: "rel", type: "KNOWS", start: 3, end: 0, props: {} },
  { kind: "footer", nodes: 5, relationships: 4, schema: 4, sha256: "0".repeat(64) },
];

async function run(filter: RecordFilter, records = RECORDS) {
  const stream = new FilterStream(filter);
  const kept: BackupRecord[] = [];
  for await (const record of ReadableStream.from(records).pipeThrough(stream)) kept.push(record);
  return { kept, summary: stream.summary, footer: kept.at(-1) as FooterRecord };
}

const ids = (records: BackupRecord[]) =>
  records.flatMap((r): (number | string)[] =>
    r.kind === "node" ? [r.id] : r.kind === "rel" ? [`${r.start}-${r.end}`] : []
  );

const names = (records: BackupRecord[]) =>
  records.flatMap((r) => r.kind === "index" || r.kind === "constraint" ? [r.name] : []);

test("FilterStream keeps a node with any wanted label and drops unlabelled nodes", async () => {
  const { kept, summary } = await run({ labels: ["Person", "Movie"] });
  assert.deepEqual(ids(kept), [0, 1, 2, "0-1", "1-2"]);
  assert.deepEqual(names(kept), ["person_email", "movie_title", "lookup", "knows_since"]);
  assert.deepEqual(summary, { nodes: 2, relationships: 2, properties: 0, schema: [] });
});

test("FilterStream keeps unlabelled nodes when only labels are excluded", async () => {
  const { kept, summary } = await run({ excludeLabels: ["Actor", "Robot"] });
  assert.deepEqual(ids(kept), [0, 2, 3, "3-0"]);
  assert.equal(summary.nodes, 2);
  assert.equal(summary.relationships, 3);
  assert.deepEqual(summary.schema, []);
});

test("FilterStream drops the schema items of labels it does not select", async () => {
  const { kept, summary } = await run({ labels: ["Movie"] });
  assert.deepEqual(names(kept), ["movie_title", "lookup", "knows_since"]);
  assert.deepEqual(summary.schema, ["person_email"]);
  const excluded = await run({ excludeLabels: ["Movie"], excludeTypes: ["KNOWS"] });
  assert.deepEqual(excluded.summary.schema, ["movie_title", "knows_since"]);
});

test("FilterStream keeps relationships by type, between kept nodes only", async () => {
  const { kept, summary } = await run({ types: ["KNOWS", "OWNS"], excludeTypes: ["OWNS"] });
  assert.deepEqual(ids(kept).slice(5), ["0-1", "3-0"]);
  assert.equal(summary.relationships, 2);
  assert.equal(summary.nodes, 0);
});

test("FilterStream strips bare and owned property keys and counts the values", async () => {
  const { kept, summary } = await run({
    excludeProperties: ["embedding", { owner: "Actor", key: "email" }, {
      owner: "ACTED_IN",
      key: "roles",
    }],
  });
  const props = kept.flatMap((r) => r.kind === "node" || r.kind === "rel" ? [r.props] : []);
  assert.deepEqual(props[0], { name: "Ann", email: "a@x" });
  assert.deepEqual(props[1], { name: "Bo" });
  assert.deepEqual(props[2], { title: "M" });
  assert.deepEqual(props[6], { email: "r" });
  assert.equal(summary.properties, 3);
  assert.deepEqual(summary.schema, []);
  // The input records are not changed.
  assert.deepEqual((RECORDS[7] as { props: object }).props, { title: "M", embedding: [0.5, 1.5] });
});

test("FilterStream drops schema items on a property left out where they apply", async () => {
  const bare = await run({ excludeProperties: ["email", "since"] });
  assert.deepEqual(bare.summary.schema, ["person_email", "knows_since"]);
  const owned = await run({ excludeProperties: [{ owner: "Person", key: "email" }] });
  assert.deepEqual(owned.summary.schema, ["person_email"]);
  const elsewhere = await run({ excludeProperties: [{ owner: "Movie", key: "email" }] });
  assert.deepEqual(elsewhere.summary.schema, []);
});

test("FilterStream writes a footer with the kept counts and a note of what it left out", async () => {
  const { footer } = await run({ labels: ["Person"], excludeProperties: ["email"] });
  assert.equal(footer.kind, "footer");
  assert.deepEqual([footer.nodes, footer.relationships, footer.schema], [2, 1, 2]);
  assert.equal(footer.sha256, "0".repeat(64));
  assert.deepEqual(footer.warnings, [
    "Left out by the filter: 3 nodes, 3 relationships, 2 property values, schema items " +
    "'person_email', 'movie_title'",
  ]);
  const all = await run({ excludeTypes: ["NONE"] });
  assert.equal(all.footer.warnings, undefined);
  assert.deepEqual(all.kept, RECORDS);
});

test("FilterStream passes the header unchanged", async () => {
  const { kept } = await run({ labels: ["Robot"] });
  assert.equal(kept[0], HEADER);
});

test("isEmptyFilter() treats empty lists as no filter", () => {
  assert.ok(isEmptyFilter({}));
  assert.ok(isEmptyFilter({ labels: [], excludeProperties: [] }));
  assert.ok(!isEmptyFilter({ excludeProperties: ["x"] }));
});

test("RecordSelector.keepsSchema() keeps a multi-label index while one label is selected", () => {
  const selector = new RecordSelector({
    labels: ["A"],
    excludeProperties: [{ owner: "A", key: "k" }],
  });
  assert.ok(selector.keepsSchema(schema("ab", "NODE", ["A", "B"], ["j"])));
  assert.ok(!selector.keepsSchema(schema("abk", "NODE", ["A", "B"], ["k"])));
  assert.ok(!selector.keepsSchema(schema("b", "NODE", ["B"], ["j"])));
  assert.ok(selector.keepsSchema(schema("r", "RELATIONSHIP", ["R"], ["k"])));
});
