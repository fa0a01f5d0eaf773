import { test } from "node:test";
import assert from "node:assert/strict";
import neo4j from "neo4j-driver";
import type { BackupRecord } from "../format/records.ts";
import type { ProgressEvent } from "../pipeline/progress_event.ts";
import { valueTypeName } from "./property_tally.ts";
import { BackupTally, tallyBackup } from "./tally.ts";

const HEADER: BackupRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "neo4j-backup 0.1.0",
  created: "2026-11-24T07:00:00.000Z",
  source: { version: "5.26.29", edition: "community", database: "neo4j" },
  counts: { nodes: 5, relationships: 4 },
};

const RECORDS: BackupRecord[] = [
  HEADER,
  {
    kind: "constraint",
    name: "movie_title",
    type: "UNIQUENESS",
    entity: "NODE",
    labelsOrTypes: ["Movie"],
    properties: ["title"],
    config: {},
  },
  {
    kind: "index",
    name: "rel_since",
    type: "RANGE",
    entity: "RELATIONSHIP",
    labelsOrTypes: ["KNOWS"],
    properties: ["since"],
    config: {},
  },
  { kind: "node", id: 10, labels: ["Movie"], props: { title: "The Matrix", released: 1999n } },
  { kind: "node", id: 11, labels: ["Person", "Actor"], props: { name: "Keanu", born: 1964n } },
  { kind: "node", id: 12, labels: ["Actor", "Person"], props: { name: "Carrie", born: "1967" } },
  { kind: "node", id: 13, labels: ["Person"], props: { name: "Lana", born: 1965n } },
  { kind: "node", id: 2 ** 40, labels: [], props: {} },
  { kind: "rel", type: "ACTED_IN", start: 11, end: 10, props: { roles: ["Neo"] } },
  { kind: "rel", type: "ACTED_IN", start: 12, end: 10, props: { roles: [] } },
  { kind: "rel", type: "DIRECTED", start: 13, end: 10, props: {} },
  { kind: "rel", type: "KNOWS", start: 11, end: 99, props: { since: 1999.5 } },
  {
    kind: "footer",
    nodes: 5,
    relationships: 4,
    schema: 2,
    sha256: "0".repeat(64),
    warnings: ["The database changed while it was exported"],
  },
];

test("tallyBackup() counts nodes per label set and per label, labels in any order", async () => {
  const contents = await tallyBackup(ReadableStream.from(RECORDS));
  assert.equal(contents.nodes, 5);
  assert.equal(contents.relationships, 4);
  assert.deepEqual(contents.labelSets.map((s) => [s.labels, s.nodes]), [
    [["Actor", "Person"], 2],
    [[], 1],
    [["Movie"], 1],
    [["Person"], 1],
  ]);
  assert.deepEqual(contents.labels, [
    { label: "Person", nodes: 3 },
    { label: "Actor", nodes: 2 },
    { label: "Movie", nodes: 1 },
  ]);
});

test("tallyBackup() counts relationships per type and per pattern, unknown ends as null", async () => {
  const contents = await tallyBackup(ReadableStream.from(RECORDS));
  assert.deepEqual(contents.types.map((t) => [t.type, t.relationships]), [
    ["ACTED_IN", 2],
    ["DIRECTED", 1],
    ["KNOWS", 1],
  ]);
  assert.deepEqual(contents.patterns, [
    { start: ["Actor", "Person"], type: "ACTED_IN", end: ["Movie"], relationships: 2 },
    { start: ["Person"], type: "DIRECTED", end: ["Movie"], relationships: 1 },
    { start: ["Actor", "Person"], type: "KNOWS", end: null, relationships: 1 },
  ]);
});

test("tallyBackup() counts property keys with each value type, mixed types and lists", async () => {
  const contents = await tallyBackup(ReadableStream.from(RECORDS));
  const actors = contents.labelSets.find((s) => s.labels.join() === "Actor,Person");
  assert.deepEqual(actors?.properties, [
    { key: "born", count: 2, types: { Integer: 1, String: 1 } },
    { key: "name", count: 2, types: { String: 2 } },
  ]);
  assert.deepEqual(contents.labelSets.find((s) => s.labels.length === 0)?.properties, []);
  const actedIn = contents.types.find((t) => t.type === "ACTED_IN");
  assert.deepEqual(actedIn?.properties, [
    { key: "roles", count: 2, types: { "List of Nothing": 1, "List of String": 1 } },
  ]);
  assert.deepEqual(contents.types.find((t) => t.type === "KNOWS")?.properties, [
    { key: "since", count: 1, types: { Float: 1 } },
  ]);
});

test("tallyBackup() keeps the header, the footer and the schema items", async () => {
  const contents = await tallyBackup(ReadableStream.from(RECORDS));
  assert.equal(contents.header, HEADER);
  assert.deepEqual(contents.footer?.warnings, ["The database changed while it was exported"]);
  assert.deepEqual(contents.schema, [
    {
      kind: "constraint",
      name: "movie_title",
      type: "UNIQUENESS",
      entity: "NODE",
      labelsOrTypes: ["Movie"],
      properties: ["title"],
    },
    {
      kind: "index",
      name: "rel_since",
      type: "RANGE",
      entity: "RELATIONSHIP",
      labelsOrTypes: ["KNOWS"],
      properties: ["since"],
    },
  ]);
});

test("tallyBackup() reports each phase once, with the header's totals", async () => {
  const events: ProgressEvent[] = [];
  await tallyBackup(ReadableStream.from(RECORDS), { onProgress: (e) => events.push(e) });
  assert.deepEqual(events.map((e) => `${e.type} ${e.phase} ${e.done}/${e.total}`), [
    "start schema 0/undefined",
    "end schema 2/2",
    "start nodes 0/5",
    "end nodes 5/5",
    "start relationships 0/4",
    "end relationships 4/4",
  ]);
});

test("tallyBackup() of records without schema or relationships still ends every phase", async () => {
  const events: ProgressEvent[] = [];
  await tallyBackup(ReadableStream.from([HEADER]), { onProgress: (e) => events.push(e) });
  assert.deepEqual(events.filter((e) => e.type === "end").map((e) => `${e.phase} ${e.done}`), [
    "schema 0",
    "nodes 0",
    "relationships 0",
  ]);
});

test("tallyBackup() rejects with the error of its stream", async () => {
  const records = new ReadableStream<BackupRecord>({
    start(controller) {
      controller.enqueue(HEADER);
      controller.error(new Error("Backup is truncated"));
    },
  });
  await assert.rejects(tallyBackup(records), /Backup is truncated/);
});

test("BackupTally.contents() is a snapshot that later records do not change", () => {
  const tally = new BackupTally();
  tally.add({ kind: "node", id: 1, labels: ["A"], props: { k: 1n } });
  const before = tally.contents();
  tally.add({ kind: "node", id: 2, labels: ["A"], props: { k: 2n } });
  assert.equal(before.labelSets[0].nodes, 1);
  assert.equal(before.labelSets[0].properties[0].count, 1);
  assert.equal(tally.contents().labelSets[0].nodes, 2);
});

test("valueTypeName() names every Neo4j property type", () => {
  const { types } = neo4j;
  const cases: [Parameters<typeof valueTypeName>[0], string][] = [
    [1n, "Integer"],
    [neo4j.int(5), "Integer"],
    [1.5, "Float"],
    ["x", "String"],
    [false, "Boolean"],
    [new Int8Array([1, 2]), "ByteArray"],
    [new types.Date(2020n, 1n, 1n), "Date"],
    [new types.LocalTime(12n, 0n, 0n, 0n), "LocalTime"],
    [new types.Time(12n, 0n, 0n, 0n, 3600n), "Time"],
    [new types.LocalDateTime(2020n, 1n, 1n, 12n, 0n, 0n, 0n), "LocalDateTime"],
    [new types.DateTime(2020n, 1n, 1n, 12n, 0n, 0n, 0n, 0n), "DateTime"],
    [new types.DateTime(2020n, 1n, 1n, 12n, 0n, 0n, 0n, undefined, "Europe/Paris"), "DateTime"],
    [new types.Duration(1n, 2n, 3n, 4n), "Duration"],
    [new types.Point(7203n, 1, 2), "Point"],
    [[1n, 2n], "List of Integer"],
    [[new types.Point(4326n, 1, 2)], "List of Point"],
    [[], "List of Nothing"],
    [[1n, "x"], "List of mixed types"],
  ];
  for (const [value, name] of cases) assert.equal(valueTypeName(value), name, name);
});

test("BackupTally keeps one label set index per node, however sparse the ids", () => {
  const tally = new BackupTally();
  for (let i = 0; i < 10_000; i++) {
    tally.add({ kind: "node", id: i * 1_000_003, labels: [i % 2 ? "Odd" : "Even"], props: {} });
  }
  for (let i = 0; i < 9_999; i++) {
    tally.add({
      kind: "rel",
      type: "NEXT",
      start: i * 1_000_003,
      end: (i + 1) * 1_000_003,
      props: {},
    });
  }
  assert.deepEqual(tally.contents().patterns.map((p) => [p.start, p.end, p.relationships]), [
    [["Even"], ["Odd"], 5_000],
    [["Odd"], ["Even"], 4_999],
  ]);
});
