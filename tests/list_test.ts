/**
 * `neo4j-backup list` as users run it: a child process, checked by exit code, stdout and stderr;
 * its counts compared with what a real server counts itself. Set NEO4J_BACKUP_CLI to run another
 * build (e.g. `node npm/bin/neo4j-backup.js`); the default is `deno run -A cli.ts`.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportBackup } from "../lib/export/export.ts";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import type { ListDocument } from "../lib/cli/summary_documents.ts";
import { loadNorthwind } from "../scripts/datasets.ts";
import { connect, cypher, loadMoviesWithEdgeCases, useServers } from "./_server.ts";
import { assertOneErrorLine, ROOT, runCli } from "./_cli.ts";

const LEGACY_FIXTURE = join(ROOT, "tests", "fixtures", "legacy", "movies_gz");

/** Runs the CLI to completion, with `input` on stdin; stdout as text. */
async function run(args: string[], input: Uint8Array | string = "") {
  const result = await runCli(args, { input });
  return { ...result, stdout: result.stdout.toString() };
}

/** Runs `list --json` and parses its document. */
async function listJson(args: string[], input?: Uint8Array): Promise<ListDocument> {
  const result = await run(["list", "--json", "--quiet", ...args], input);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const RECORDS: BodyRecord[] = [
  {
    kind: "header",
    format: "neo4j-backup",
    version: 1,
    tool: "neo4j-backup 0.1.0",
    created: "2026-11-24T07:00:00.000Z",
    source: { version: "5.26.29", edition: "community", database: "neo4j" },
  },
  {
    kind: "constraint",
    name: "movie_title",
    type: "UNIQUENESS",
    entity: "NODE",
    labelsOrTypes: ["Movie"],
    properties: ["title"],
    config: {},
  },
  { kind: "node", id: 0, labels: ["Movie"], props: { title: "The Matrix", released: 1999n } },
  { kind: "node", id: 1, labels: ["Person"], props: { name: "Keanu Reeves", born: 1964n } },
  { kind: "node", id: 2, labels: ["Person", "My Label"], props: { born: "1967", r: 0.5 } },
  { kind: "rel", type: "ACTED_IN", start: 1, end: 0, props: { roles: ["Neo"] } },
  { kind: "rel", type: "ACTED_IN", start: 2, end: 0, props: { roles: ["Trinity"] } },
];

const tiny = () => bytesOf(encodeBackup(ReadableStream.from(RECORDS)));

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-list-test-"));
  tempDirs.push(dir);
  return dir;
}

function tempFile(name: string, bytes: Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

test("list prints the table of contents of a backup on stdout", async () => {
  const result = await run(["list", tempFile("tiny.jsonl.gz", await tiny())]);
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout;
  assert.match(out, /^Backup '.*tiny\.jsonl\.gz'\n/);
  assert.match(
    out,
    /complete: +yes: 3 nodes, 2 relationships, 1 schema item; checksum sha256 [0-9a-f]{64} verified/,
  );
  assert.match(out, /^ +2 +:Person$/m);
  assert.match(out, /^ +1 +:`My Label`:Person$/m);
  assert.match(out, /^ +1 +\(:Person\)-\[:ACTED_IN\]->\(:Movie\)$/m);
  assert.match(out, /^ +1 +\(:`My Label`:Person\)-\[:ACTED_IN\]->\(:Movie\)$/m);
  assert.match(out, /^ +born +1 +String 1$/m);
  assert.match(out, /^ +roles +2 +List of String 2$/m);
  assert.match(out, /^ +movie_title +constraint UNIQUENESS +\(:Movie \{title\}\)$/m);
  assert.doesNotMatch(result.stderr, /error/);
});

test("list --json reads stdin, compressed or not, and gives every tally", async () => {
  for (const input of [await tiny(), gunzipSync(await tiny())]) {
    const doc = await listJson(["-"], input);
    assert.equal(doc.input, "-");
    assert.equal(doc.layout, "neo4j-backup");
    assert.equal(doc.verified, true);
    assert.equal(doc.footer?.nodes, 3);
    assert.equal(doc.header.source.database, "neo4j");
    assert.deepEqual(doc.labels, [
      { label: "Person", nodes: 2 },
      { label: "Movie", nodes: 1 },
      { label: "My Label", nodes: 1 },
    ]);
    assert.deepEqual(doc.patterns, [
      { start: ["My Label", "Person"], type: "ACTED_IN", end: ["Movie"], relationships: 1 },
      { start: ["Person"], type: "ACTED_IN", end: ["Movie"], relationships: 1 },
    ]);
    const mixed = doc.labelSets.find((s) => s.labels.includes("My Label"));
    assert.deepEqual(mixed?.properties, [
      { key: "born", count: 1, types: { String: 1 } },
      { key: "r", count: 1, types: { Float: 1 } },
    ]);
    assert.equal(doc.schema[0].name, "movie_title");
  }
});

test("list of a truncated backup exits 6 with the decoder's one-line error (progress off)", async () => {
  const plain = gunzipSync(await tiny());
  const cut = plain.subarray(0, plain.lastIndexOf(0x0a, plain.length - 2) + 1); // no footer
  const result = await run(["list", "-q", tempFile("cut.jsonl", cut)]);
  assert.equal(result.code, 6);
  assertOneErrorLine(result, /truncated/);
  assert.equal(result.stdout, "");

  const gz = await tiny();
  const damaged = await run(["list", "-q", "-"], gz.subarray(0, gz.length - 20));
  assert.equal(damaged.code, 6);
  assertOneErrorLine(damaged, /.+/);
});

test("list of a missing file exits 7, and of a non-backup folder 6", async () => {
  const missing = await run(["list", join(tmpdir(), "no-such-backup.jsonl.gz")]);
  assert.equal(missing.code, 7);
  assertOneErrorLine(missing, /no-such-backup/);
  const folder = await run(["list", tempDir()]);
  assert.equal(folder.code, 6);
  assertOneErrorLine(folder, /Not a backup/);
});

test("list reads a Python neo4j-backup folder and says it has no checksum", async () => {
  const result = await run(["list", LEGACY_FIXTURE]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /complete: +unknown: .*no footer and no checksum/);
  assert.match(result.stdout, /^ +172 +\(:Person\)-\[:ACTED_IN\]->\(:Movie\)$/m);
  const doc = await listJson([LEGACY_FIXTURE]);
  assert.equal(doc.layout, "python");
  assert.equal(doc.footer, null);
  assert.equal(doc.verified, false);
  assert.equal(doc.nodes, 175);
  assert.equal(doc.relationships, 255);
});

test("verify reads a Python neo4j-backup folder whole, and fails on a damaged one", async () => {
  const result = await run(["verify", LEGACY_FIXTURE]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /: OK, read whole \(a Python neo4j-backup folder has no checksum/);
  assert.match(result.stdout, /contents: 175 nodes, 255 relationships, 0 indexes, 2 constraints/);
  const json = await run(["verify", LEGACY_FIXTURE, "--json"]);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.layout, "python");
  assert.equal(doc.footer, null);
  assert.equal(doc.sha256, null);
  assert.equal(doc.relationships, 255);
  const damaged = join(tempDir(), "damaged");
  cpSync(LEGACY_FIXTURE, damaged, { recursive: true });
  const data = join(damaged, "data");
  const file = join(data, readdirSync(data).find((f) => f.startsWith("relationships_"))!);
  writeFileSync(file, gzipSync(gunzipSync(readFileSync(file)).subarray(0, 300)));
  const bad = await run(["verify", damaged, "-q"]);
  assert.equal(bad.code, 6);
  // The reader's warning about the fixture's text-stored bytes comes first, then the error.
  const stderr = bad.stderr.toString().trimEnd().split("\n");
  assert.match(
    stderr.at(-1)!,
    /^neo4j-backup: error: Cannot parse .*relationships_.*: the file ends inside row/,
  );
  assert.ok(stderr.every((line) => line.startsWith("neo4j-backup: ")), stderr.join("\n"));
});

test("list --help prints its usage and extra arguments are refused", async () => {
  const help = await run(["list", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: neo4j-backup list /);
  const extra = await run(["list", "a", "b"]);
  assert.equal(extra.code, 2);
  assertOneErrorLine(extra, /Unexpected argument 'b'/);
});

/** Counts from the server, as `count` by a key. */
async function countsBy(
  driver: ReturnType<typeof connect>,
  query: string,
): Promise<Map<string, number>> {
  const rows = await cypher(driver, query);
  return new Map(rows.map((r) => [String(r.key), Number(r.c)]));
}

/** A label set as a key: sorted, in JSON. */
const setKey = (labels: string[] | null) =>
  JSON.stringify(labels === null ? null : [...labels].sort());

describe("list of a real server's backup", () => {
  const servers = useServers(1);
  let doc: ListDocument;
  let driver: ReturnType<typeof connect>;

  before(async () => {
    await servers.ready();
    driver = connect(servers[0]);
    await loadMoviesWithEdgeCases(driver);
    await loadNorthwind(driver);
    const backup = await bytesOf(exportBackup(driver));
    doc = await listJson([tempFile("graph.jsonl.gz", backup)]);
  }, { timeout: 300_000 });

  after(async () => {
    await driver?.close();
  });

  test("nodes per label and per label set match the server's counts", async () => {
    const labels = await countsBy(
      driver,
      "MATCH (n) UNWIND labels(n) AS key RETURN key, count(*) AS c",
    );
    assert.deepEqual(new Map(doc.labels.map((l) => [l.label, l.nodes])), labels);
    const sets = await cypher(driver, "MATCH (n) RETURN labels(n) AS ls, count(*) AS c");
    assert.deepEqual(
      new Map(doc.labelSets.map((s) => [setKey(s.labels), s.nodes])),
      new Map(sets.map((r) => [setKey(r.ls as string[]), Number(r.c)])),
    );
    const [total] = await cypher(driver, "MATCH (n) RETURN count(n) AS c");
    assert.equal(doc.nodes, Number(total.c));
  });

  test("relationships per type and per pattern match the server's counts", async () => {
    const types = await countsBy(
      driver,
      "MATCH ()-[r]->() RETURN type(r) AS key, count(*) AS c",
    );
    assert.deepEqual(new Map(doc.types.map((t) => [t.type, t.relationships])), types);
    const patterns = await cypher(
      driver,
      "MATCH (a)-[r]->(b) RETURN labels(a) AS s, type(r) AS t, labels(b) AS e, count(*) AS c",
    );
    const key = (s: string[] | null, t: string, e: string[] | null) =>
      `${setKey(s)} ${t} ${setKey(e)}`;
    assert.deepEqual(
      new Map(doc.patterns.map((p) => [key(p.start, p.type, p.end), p.relationships])),
      new Map(patterns.map((r) => [
        key(r.s as string[], r.t as string, r.e as string[]),
        Number(r.c),
      ])),
    );
  });

  test("property key counts per label and per type match the server's counts", async () => {
    for (const { label } of doc.labels) {
      const keys = new Map<string, number>();
      for (const set of doc.labelSets.filter((s) => s.labels.includes(label))) {
        for (const p of set.properties) keys.set(p.key, (keys.get(p.key) ?? 0) + p.count);
      }
      for (const [k, count] of keys) {
        const [row] = await cypher(
          driver,
          "MATCH (n) WHERE $label IN labels(n) AND n[$k] IS NOT NULL RETURN count(n) AS c",
          { label, k },
        );
        assert.equal(count, Number(row.c), `:${label} .${k}`);
      }
      const [all] = await cypher(
        driver,
        "MATCH (n) WHERE $label IN labels(n) UNWIND keys(n) AS k RETURN count(DISTINCT k) AS c",
        { label },
      );
      assert.equal(keys.size, Number(all.c), `keys of :${label}`);
    }
    const relKeys = await countsBy(
      driver,
      "MATCH ()-[r]->() UNWIND keys(r) AS k RETURN type(r) + '.' + k AS key, count(*) AS c",
    );
    assert.deepEqual(
      new Map(doc.types.flatMap((t) => t.properties.map((p) => [`${t.type}.${p.key}`, p.count]))),
      relKeys,
    );
  });

  test("value types are those the datasets stored", () => {
    /** The value types seen for each key of a label set or type, without the counts. */
    const typesOf = (owner?: { properties: { key: string; types: object }[] }) =>
      new Map(owner?.properties.map((p) => [p.key, Object.keys(p.types).join()]));
    const person = typesOf(doc.labelSets.find((s) => setKey(s.labels) === setKey(["Person"])));
    const expected: Record<string, string> = {
      born: "Integer",
      name: "String",
      date_example: "Date",
      datetime_example: "DateTime",
      localdatetime_example: "DateTime",
      duration_example: "Duration",
      point_3d_example: "Point",
      time_example: "Time",
      float_example: "Float",
      bool_example: "Boolean",
    };
    for (const [key, type] of Object.entries(expected)) assert.equal(person.get(key), type, key);
    const product = typesOf(doc.labelSets.find((s) => setKey(s.labels) === setKey(["Product"])));
    assert.equal(product.get("unitPrice"), "Float");
    assert.equal(product.get("unitsInStock"), "Integer");
    assert.equal(product.get("discontinued"), "Boolean");
    assert.equal(
      typesOf(doc.types.find((t) => t.type === "ACTED_IN")).get("roles"),
      "List of String",
    );
  });

  test("schema items are the server's constraints and indexes", async () => {
    const constraints = await cypher(driver, "SHOW CONSTRAINTS YIELD name RETURN name");
    assert.deepEqual(
      doc.schema.filter((s) => s.kind === "constraint").map((s) => s.name).sort(),
      constraints.map((c) => String(c.name)).sort(),
    );
    const indexes = await cypher(
      driver,
      "SHOW INDEXES YIELD name, owningConstraint WHERE owningConstraint IS NULL RETURN name",
    );
    assert.deepEqual(
      doc.schema.filter((s) => s.kind === "index").map((s) => s.name).sort(),
      indexes.map((i) => String(i.name)).sort(),
    );
    assert.ok(doc.schema.every((s) => s.labelsOrTypes.length > 0 || s.type === "LOOKUP"));
    assert.equal(doc.verified, true);
  });
});
