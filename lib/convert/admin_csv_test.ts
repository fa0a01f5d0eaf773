import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { BackupRecord } from "../format/records.ts";
import { writeAdminCsv } from "./admin_csv.ts";
import { LossReport } from "./loss_report.ts";

const HEADER: BackupRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "test",
  created: "2026-01-01T00:00:00.000Z",
  source: { version: "5.26.0", edition: "community", database: "neo4j" },
};

test("writeAdminCsv() splits a label set by property type and bounds the open files", async () => {
  const folder = mkdtempSync(join(tmpdir(), "admin-csv-unit-"));
  try {
    const records: BackupRecord[] = [
      HEADER,
      { kind: "node", id: 0, labels: ["P"], props: { a: 1n } },
      { kind: "node", id: 1, labels: ["Q"], props: {} },
      { kind: "node", id: 2, labels: ["P"], props: { a: "one", b: true } },
      { kind: "node", id: 3, labels: ["P"], props: { b: false } },
      { kind: "rel", type: "R", start: 0, end: 1, props: { w: [] } },
    ];
    const loss = new LossReport();
    const result = await writeAdminCsv(ReadableStream.from(records), {
      folder,
      targetVersion: "5.26",
      loss,
      maxOpenFiles: 1,
    });
    assert.equal(result.nodes, 4);
    const text = (name: string) => readFileSync(join(folder, name), "utf8");
    const data = (name: string) => gunzipSync(readFileSync(join(folder, name))).toString();
    assert.equal(text("nodes-1-header.csv"), ':ID,:LABEL,"a:long","b:boolean"\n');
    assert.equal(text("nodes-3-header.csv"), ':ID,:LABEL,"a:string","b:boolean"\n');
    assert.equal(data("nodes-1.csv.gz"), '0,"P",1\n');
    assert.equal(data("nodes-1.part2.csv.gz"), '3,"P",,false\n');
    assert.equal(data("relationships-4.csv.gz"), '0,1,"R"\n');
    assert.ok(readdirSync(folder).includes("schema.cypher"));
    assert.deepEqual(loss.lines(), [
      "R.w: empty list: left out (the importer stores no empty arrays) (1)",
    ]);
    assert.match(
      text("import-command.txt"),
      /nodes-1-header\.csv,.*nodes-1\.csv\.gz,.*nodes-1\.part2\.csv\.gz/,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

/** A name that tries to end a comment line and add a statement of its own. */
const INJECT = "x\nMATCH (n) DETACH DELETE n;\n//";
/** The same with `\u000A` written out, which Neo4j reads as a line break even in a comment. */
const INJECT_ESCAPED = "y\\u000AMATCH (n) DETACH DELETE n;\\u000A//";
/** Characters some reader ends a line at, besides the line feed the lines are split at. */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const OTHER_BREAKS = /[\r\v\f\u001c-\u001e\u0085\u2028\u2029]/;
/** A `\u` escape Neo4j would read: a backslash not itself escaped by one before it, then `u`. */
const READ_ESCAPE = /(^|[^\\])(\\\\)*\\u/;

const HOSTILE_SCHEMA: BackupRecord[] = [
  {
    kind: "index",
    name: INJECT,
    type: "LOOKUP",
    entity: "NODE",
    labelsOrTypes: [],
    properties: [],
    config: {},
  },
  {
    kind: "index",
    name: INJECT_ESCAPED,
    type: "LOOKUP",
    entity: "RELATIONSHIP",
    labelsOrTypes: [],
    properties: [],
    config: {},
  },
  {
    kind: "constraint",
    name: INJECT,
    type: "NODE_KEY",
    entity: "NODE",
    labelsOrTypes: [INJECT],
    properties: [INJECT_ESCAPED],
    config: {},
  },
  {
    kind: "index",
    name: INJECT,
    type: "FANCY\nMATCH (n) DETACH DELETE n;\n//",
    entity: "NODE",
    labelsOrTypes: ["L"],
    properties: ["p"],
    config: {},
  },
  {
    kind: "index",
    name: INJECT_ESCAPED,
    type: "VECTOR",
    entity: "NODE",
    labelsOrTypes: ["Doc\u2028"],
    properties: ["e\u0085"],
    config: {
      "vector.dimensions": 3n,
      "vector.similarity_function": "cosine\nMATCH (n) DETACH DELETE n;",
    },
  },
  {
    kind: "index",
    name: `${INJECT}\r`,
    type: "RANGE",
    entity: "RELATIONSHIP",
    labelsOrTypes: ["T\r"],
    properties: ["p\u2029", "q\u0000"],
    config: {},
  },
  {
    kind: "constraint",
    name: INJECT_ESCAPED,
    type: "NODE_PROPERTY_TYPE",
    entity: "NODE",
    labelsOrTypes: ["L"],
    properties: ["p"],
    propertyType: "STRING\nMATCH (n) DETACH DELETE n",
    config: {},
  },
];

/**
 * Checks that each line of a script is a whole statement or a `//` comment that stays one,
 * even after Neo4j reads the `\u` escapes in it; returns the statements.
 */
function scriptStatements(text: string): string[] {
  assert.ok(text.endsWith("\n"));
  const lines = text.slice(0, -1).split("\n");
  for (const line of lines) {
    assert.doesNotMatch(line, OTHER_BREAKS, JSON.stringify(line));
    if (line.startsWith("//")) assert.doesNotMatch(line, READ_ESCAPE, line);
    else assert.match(line, /^(CREATE|CALL|DROP|MATCH|UNWIND) .*;$/s, line);
  }
  return lines.filter((l) => !l.startsWith("//"));
}

test("writeAdminCsv() keeps every line of schema.cypher a statement or a comment, whatever the names hold", async () => {
  for (const targetVersion of ["5.26", "4.4"]) {
    const folder = mkdtempSync(join(tmpdir(), "admin-csv-unit-"));
    try {
      const loss = new LossReport();
      await writeAdminCsv(ReadableStream.from([HEADER, ...HOSTILE_SCHEMA]), {
        folder,
        targetVersion,
        loss,
      });
      const script = readFileSync(join(folder, "schema.cypher"), "utf8");
      const statements = scriptStatements(script);
      assert.ok(!statements.some((s) => s.startsWith("MATCH")), script);
      if (targetVersion === "5.26") {
        assert.ok(statements.some((s) => s.startsWith("CREATE VECTOR INDEX `y\\u005Cu000A")));
      }
      assert.match(script, /^\/\/ Neo4j Enterprise only: CREATE CONSTRAINT `x\\\\u000AMATCH/m);
      const report = readFileSync(join(folder, "loss-report.txt"), "utf8");
      assert.equal(report.split("\n").length, loss.entries().length + 2);
      assert.doesNotMatch(report, OTHER_BREAKS);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
});

test("writeAdminCsv() quotes a long value, label, key and byte array piece by piece exactly as whole", async () => {
  const folder = mkdtempSync(join(tmpdir(), "admin-csv-unit-"));
  try {
    // A quote and an emoji across the first slice boundary, then more of both.
    const long = "x".repeat((1 << 20) - 1) + ('🙂"' + "y".repeat(70_000)).repeat(30);
    const bytes = Int8Array.from({ length: 200_000 }, (_, i) => (i % 256) - 128);
    const records: BackupRecord[] = [
      HEADER,
      {
        kind: "node",
        id: 0,
        labels: [long, 'B"'],
        props: { [long]: long, list: ['a"', long], bytes },
      },
    ];
    await writeAdminCsv(ReadableStream.from(records), {
      folder,
      targetVersion: "5.26",
      loss: new LossReport(),
    });
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const header = readFileSync(join(folder, "nodes-1-header.csv"), "utf8");
    assert.equal(header, `:ID,:LABEL,${quote(`${long}:string`)},"list:string[]","bytes:byte[]"\n`);
    const data = gunzipSync(readFileSync(join(folder, "nodes-1.csv.gz"))).toString();
    const row = [
      "0",
      quote(`${long}\u001fB"`),
      quote(long),
      quote(`a"\u001f${long}`),
      quote(Array.from(bytes).join("\u001f")),
    ];
    assert.equal(data, `${row.join(",")}\n`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
