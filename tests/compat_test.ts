import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DateTime, Driver } from "neo4j-driver";
import { Extractor } from "../lib/compat/extractor.ts";
import { Importer } from "../lib/compat/importer.ts";
import { RefusedError } from "../lib/errors.ts";
import type { Properties } from "../lib/format/records.ts";
import { clear, connect, counts, cypher, useServers } from "./_server.ts";
import { fingerprint } from "./_graph.ts";
import { runCli } from "./_cli.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "legacy");
/** The byte array the fixture's source graph holds (Cypher has no byte literal). */
const BYTES = new Int8Array([0x00, 0x01, 0x61, 0x62, 0x63, -2, -1]);

const servers = useServers(2);
let original: Driver;
let target: Driver;
const work = mkdtempSync(join(tmpdir(), "neo4j-backup-compat-"));

/** Loads the graph the Python fixtures were made from, as scripts/make_legacy_fixture.sh does. */
async function loadFixtureSource(driver: Driver): Promise<void> {
  const text = readFileSync(join(FIXTURES, "source.cypher"), "utf8");
  const statements = text.split(/;[ \t]*\n/).map((s) => s.trim()).filter((s) =>
    s && !s.split("\n").every((l) => l.startsWith("//"))
  );
  for (const s of statements) await driver.executeQuery(s, { bytes: BYTES });
}

before(async () => {
  await servers.ready();
  original = connect(servers[0]);
  target = connect(servers[1]);
  await loadFixtureSource(original);
}, { timeout: 300_000 });

after(async () => {
  await original?.close();
  await target?.close();
  rmSync(work, { recursive: true, force: true });
});

test("Extractor writes a backup into the project folder and will not replace it unasked", async () => {
  const file = await new Extractor({ projectDir: work, driver: original, database: "neo4j" })
    .extractData();
  assert.equal(file, join(work, "backup.jsonl.gz"));
  const size = statSync(file).size;
  await assert.rejects(
    () => new Extractor({ projectDir: work, driver: original }).extractData(),
    RefusedError,
  );
  assert.equal(statSync(file).size, size);
  await new Extractor({ projectDir: work, driver: original, inputYes: true }).extractData();
});

test("Importer restores an Extractor folder losslessly", async () => {
  const summary = await new Importer({ projectDir: work, driver: target, database: "neo4j" })
    .importData();
  assert.equal(summary.nodes, (await counts(original)).nodes);
  assert.deepStrictEqual(await fingerprint(target), await fingerprint(original));
});

async function dropSchema(driver: Driver): Promise<void> {
  for (const c of await cypher(driver, "SHOW CONSTRAINTS YIELD name RETURN name")) {
    await cypher(driver, `DROP CONSTRAINT \`${c.name}\``);
  }
  for (
    const i of await cypher(
      driver,
      "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
    )
  ) {
    await cypher(driver, `DROP INDEX \`${i.name}\``);
  }
}

type Row = { key: string; props: Properties };

/** Nodes keyed by labels and name or title (unique in this graph). */
async function nodesByKey(driver: Driver): Promise<Map<string, Properties>> {
  const rows = await cypher(
    driver,
    "MATCH (n) RETURN labels(n) AS l, coalesce(n.name, n.title) AS k, properties(n) AS p",
  );
  // Labels sorted: their order follows token ids, which differ between two databases.
  const key = (r: Record<string, unknown>) =>
    `${[...(r.l as string[])].sort().map((l) => `:${l}`).join("")}|${r.k}`;
  return new Map(rows.map((r) => [key(r), r.p as Properties]));
}

async function relsOf(driver: Driver): Promise<Row[]> {
  const rows = await cypher(
    driver,
    `MATCH (a)-[r]->(b) RETURN coalesce(a.name, a.title) + '-' + type(r) + '->' + coalesce(b.name, b.title) AS k,
     properties(r) AS p ORDER BY k`,
  );
  return rows.map((r) => ({ key: String(r.k), props: r.p as Properties }));
}

test("Importer reads the Python tool's layout: every value typed, only what the layout lost differs", async () => {
  await clear(target);
  await dropSchema(target);
  const warnings: string[] = [];
  const summary = await new Importer({
    projectDir: join(FIXTURES, "movies_gz"),
    driver: target,
    onWarning: (w) => warnings.push(w),
  }).importData();
  assert.deepStrictEqual(await counts(target), await counts(original));
  assert.equal(summary.nodes, 175);
  assert.equal(summary.relationships, 255);

  const [a, b] = [await nodesByKey(original), await nodesByKey(target)];
  assert.deepStrictEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [key, props] of a) {
    const got = { ...b.get(key)! };
    const want = { ...props };
    if ("zoned_datetime_example" in want) {
      // The layout kept the offset of a named zone, not the zone.
      const z = got.zoned_datetime_example as DateTime<bigint>;
      assert.equal(z.timeZoneId, undefined);
      assert.equal(z.timeZoneOffsetSeconds, 7200n);
      assert.deepStrictEqual([z.year, z.month, z.day, z.hour, z.nanosecond], [
        2021n,
        6n,
        1n,
        12n,
        500000000n,
      ]);
      // Byte arrays were written as Python text; they come back as that text, with a warning.
      assert.equal(got.bytes_example, "b'\\x00\\x01abc\\xfe\\xff'");
      for (const k of ["zoned_datetime_example", "bytes_example"]) {
        delete got[k];
        delete want[k];
      }
    }
    assert.deepStrictEqual(got, want, key);
  }
  assert.ok(warnings.some((w) => w.includes("bytes_example")), warnings.join("\n"));

  const [ra, rb] = [await relsOf(original), await relsOf(target)];
  assert.equal(rb.length, ra.length);
  for (let i = 0; i < ra.length; i++) {
    const want = { ...ra[i].props };
    const got = { ...rb[i].props };
    if ("zoned" in want) {
      assert.equal((got.zoned as { timeZoneId?: string }).timeZoneId, undefined);
      delete want.zoned;
      delete got.zoned;
    }
    assert.deepStrictEqual(rb[i].key, ra[i].key);
    assert.deepStrictEqual(got, want, ra[i].key);
  }

  // Only node uniqueness survived in the layout; the composite one is one constraint again.
  const constraints = await cypher(
    target,
    "SHOW CONSTRAINTS YIELD name, properties RETURN name, properties ORDER BY name",
  );
  assert.deepStrictEqual(constraints, [
    { name: "movie_title_released", properties: ["title", "released"] },
    { name: "person_name", properties: ["name"] },
  ]);
});

/** A Python-layout folder under `work` with the given data files (name -> text). */
function pythonFolder(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "compressed.json"), "false");
  writeFileSync(join(dir, "uniqueness_constraints.json"), "[]");
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, "data", file), text);
  return dir;
}

test("Importer restores a Python value of every private-use character, which its old reader refused", async () => {
  const value = Array.from({ length: 0xf900 - 0xe000 }, (_, i) => String.fromCharCode(0xe000 + i))
    .join("");
  // As Python writes it: every private-use character escaped, NaN bare.
  const escaped = JSON.stringify(value).replace(
    /[\ue000-\uf8ff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  const dir = pythonFolder("private_use", {
    "nodes_2.json":
      `[{"node_id": 7, "node_labels": "Glyphs", "node_props": {"v": ${escaped}, "f": NaN}, ` +
      `"hash_props": {}}, {"node_id": 8, "node_labels": "", "node_props": {}, "hash_props": {}}]`,
    "relationships_1.json":
      `[{"rel_id": 0, "start_node_id": 7, "end_node_id": 8, "rel_type": "R", "rel_props": {}, ` +
      `"hash_props": {}}]`,
  });
  await clear(target);
  await dropSchema(target);
  const summary = await new Importer({ projectDir: dir, driver: target }).importData();
  assert.equal(summary.nodes, 2);
  assert.equal(summary.relationships, 1);
  const [row] = await cypher(target, "MATCH (g:Glyphs)-[:R]->() RETURN g.v AS v, g.f AS f");
  assert.equal(row.v, value);
  assert.ok(Number.isNaN(row.f));
});

test("list and convert name the file and row of a damaged Python folder, never 'not a backup'", async () => {
  const dir = pythonFolder("damaged", {
    "nodes_2.json": '[{"node_id": 1, "node_labels": "A", "node_props": {}, "hash_props": {}}, ' +
      '{"node_id": 2, "node_labels": "A", "node_props": {"v": ',
  });
  for (const args of [["list", dir], ["convert", dir, "--to", "cypher", "-o", "-"]]) {
    const run = await runCli(args);
    assert.equal(run.code, 6, run.stderr);
    assert.match(
      run.stderr,
      /Cannot parse '.*nodes_2\.json': the file ends inside row 2; it was cut short/,
    );
    assert.doesNotMatch(run.stderr, /not a backup|not UTF-8/i);
  }
});
