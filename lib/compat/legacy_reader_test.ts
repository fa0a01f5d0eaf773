import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import neo4j from "neo4j-driver";
import { FileError, FormatError } from "../errors.ts";
import type {
  BackupRecord,
  NodeRecord,
  Properties,
  RelationshipRecord,
} from "../format/records.ts";
import { isLegacyBackup, LEGACY_TOOL, readLegacyBackup } from "./legacy_reader.ts";

const { Date: Neo4jDate, DateTime, Duration, LocalDateTime, LocalTime, Point, Time } = neo4j.types;

const FIXTURES = fileURLToPath(new URL("../../tests/fixtures/legacy/", import.meta.url));
const GZ = join(FIXTURES, "movies_gz");
const PLAIN = join(FIXTURES, "movies_plain");

async function collect(dir: string, warnings: string[] = []): Promise<BackupRecord[]> {
  const records: BackupRecord[] = [];
  for await (const record of readLegacyBackup(dir, { onWarning: (m) => warnings.push(m) })) {
    records.push(record);
  }
  return records;
}

const nodes = (records: BackupRecord[]) =>
  records.filter((r): r is NodeRecord => r.kind === "node");
const rels = (records: BackupRecord[]) =>
  records.filter((r): r is RelationshipRecord => r.kind === "rel");

function nodeNamed(records: BackupRecord[], name: string): NodeRecord {
  const found = nodes(records).filter((n) => n.props.name === name);
  assert.equal(found.length, 1, `one node named '${name}'`);
  return found[0];
}

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "legacy-reader-"));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A minimal legacy project directory with the given data files (name -> text). */
async function writeProject(dir: string, files: Record<string, string | Uint8Array>) {
  await mkdir(join(dir, "data"));
  await writeFile(join(dir, "compressed.json"), "false");
  await writeFile(join(dir, "uniqueness_constraints.json"), "[]");
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, "data", name), content);
  }
}

async function rejection(dir: string): Promise<unknown> {
  try {
    await collect(dir);
  } catch (error) {
    return error;
  }
  assert.fail("expected the read to fail");
}

// Tom Hanks after modify_node.cypher; modify_rel.cypher sets the same values on Cast Away.
const MODIFIED: Properties = {
  bool_example: false,
  born: 1956n,
  int_example: 1n,
  point_3d_example: new Point(9157n, 3, 0, 2),
  localdatetime_example: new DateTime(2015n, 7n, 4n, 19n, 32n, 24n, 0n, 0n),
  date_example: new Neo4jDate(1999n, 1n, 1n),
  point_2d_example: new Point(7203n, 3, 0),
  datetime_example: new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 556000000n, 3600n),
  point_geo_3d_example: new Point(4979n, 56, 12, 2),
  duration_example: new Duration(5n, 1n, 43200n, 0n),
  name: "Tom Hanks",
  localtime_example: new Time(12n, 50n, 35n, 556000000n, 0n),
  point_geo_2d_example: new Point(4326n, 56, 12),
  float_example: 0.334,
  time_example: new Time(21n, 40n, 32n, 142000000n, 3600n),
  array_example: [true, false],
};

for (const [name, dir] of [["compressed", GZ], ["plain", PLAIN]]) {
  test(`readLegacyBackup() reads the ${name} fixture in header, schema, nodes, rels order`, async () => {
    const records = await collect(dir);
    const kinds = records.map((r) => r.kind);
    assert.equal(kinds[0], "header");
    assert.deepEqual(kinds.slice(1, 3), ["constraint", "constraint"]);
    assert.equal(nodes(records).length, 175); // 171 movies + Joe Doe + 3 edge-case nodes
    assert.equal(rels(records).length, 255); // 253 movies + EDGE + SELF
    assert.equal(kinds.length, 1 + 2 + 175 + 255);
    assert.equal(kinds.lastIndexOf("node") + 1, kinds.indexOf("rel"));
    assert.equal(new Set(nodes(records).map((n) => n.id)).size, 175);
  });

  test(`readLegacyBackup() gives the ${name} fixture a synthetic header`, async () => {
    const [header] = await collect(dir);
    const created = (await stat(join(dir, "compressed.json"))).mtime.toISOString();
    assert.deepStrictEqual(header, {
      kind: "header",
      format: "neo4j-backup",
      version: 1,
      tool: LEGACY_TOOL,
      created,
      source: { version: "unknown", edition: "unknown", database: "unknown" },
    });
  });

  test(`readLegacyBackup() turns the ${name} fixture's constraints into one record each`, async () => {
    const records = await collect(dir);
    assert.deepStrictEqual(records.filter((r) => r.kind === "constraint"), [
      {
        kind: "constraint",
        name: "movie_title_released",
        type: "UNIQUENESS",
        entity: "NODE",
        labelsOrTypes: ["Movie"],
        properties: ["title", "released"],
        config: {},
      },
      {
        kind: "constraint",
        name: "person_name",
        type: "UNIQUENESS",
        entity: "NODE",
        labelsOrTypes: ["Person"],
        properties: ["name"],
        config: {},
      },
    ]);
  });

  test(`readLegacyBackup() types the modified Tom Hanks node of the ${name} fixture`, async () => {
    const tom = nodeNamed(await collect(dir), "Tom Hanks");
    assert.deepStrictEqual(tom, {
      kind: "node",
      id: tom.id,
      labels: ["Person"],
      props: {
        ...MODIFIED,
        // hashed by the tool because it starts with "$time(": restored from hash_props
        example_hash_prop: "$time('21:40:32.142000000+01:00')",
        // no "$": never hashed, never a tag
        odd_prop: "time('21:40:32.142000000+01:00')",
      },
    });
  });

  test(`readLegacyBackup() types the Cast Away ACTED_IN relationship of the ${name} fixture`, async () => {
    const records = await collect(dir);
    const tom = nodeNamed(records, "Tom Hanks");
    const castAway = nodes(records).find((n) => n.props.title === "Cast Away");
    const acted = rels(records).filter((r) =>
      r.type === "ACTED_IN" && r.start === tom.id && r.end === castAway?.id
    );
    assert.deepStrictEqual(acted, [{
      kind: "rel",
      type: "ACTED_IN",
      start: tom.id,
      end: castAway?.id,
      props: {
        ...MODIFIED,
        roles: ["Chuck Noland"],
        odd_prop: "$time('21:40:32.142000000+01:00')",
      },
    }]);
  });

  test(`readLegacyBackup() keeps the two labels of the ${name} fixture's lonely node`, async () => {
    const joe = nodeNamed(await collect(dir), "Joe Doe");
    assert.deepStrictEqual(joe, {
      kind: "node",
      id: joe.id,
      labels: ["Person", "XX"],
      props: { name: "Joe Doe" },
    });
  });

  test(`readLegacyBackup() reads the unlabelled node of the ${name} fixture`, async () => {
    const nobody = nodeNamed(await collect(dir), "Nobody");
    assert.deepStrictEqual(nobody.labels, []);
    assert.deepStrictEqual(nobody.props, { note: "a node without labels", name: "Nobody" });
  });

  test(`readLegacyBackup() restores the edge-case values of the ${name} fixture`, async () => {
    const warnings: string[] = [];
    const records = await collect(dir, warnings);
    const extra = nodeNamed(records, "Edge cases");
    assert.deepStrictEqual(extra.labels, ["Edge Case", "Extra"]);
    assert.deepStrictEqual(extra.props, {
      max_int: 9223372036854775807n,
      big_float: 1e20,
      float_list: [1.5, NaN, Infinity, -Infinity],
      tiny_float: 1.5e-7,
      int_list: [1n, 9007199254740993n, -3n],
      empty_list: [],
      fake_date: "$date('1999-01-01')",
      localdatetime_example: new LocalDateTime(2015n, 7n, 4n, 19n, 32n, 24n, 123456789n),
      big_int: 9007199254740993n,
      inf_example: Infinity,
      point_list: [new Point(7203n, 1.5, -2), new Point(7203n, 0, 1e20)],
      neg_inf_example: -Infinity,
      "key with spaces": "value",
      localtime_list: [new LocalTime(0n, 0n, 0n, 0n), new LocalTime(23n, 59n, 59n, 999999999n)],
      datetime_list: [
        new DateTime(2020n, 1n, 1n, 0n, 0n, 0n, 0n, 0n),
        new DateTime(2020n, 6n, 1n, 12n, 30n, 0n, 0n, -18000n),
      ],
      // the source had [Europe/Berlin]: the Python tool kept only the offset
      zoned_datetime_example: new DateTime(2021n, 6n, 1n, 12n, 0n, 0n, 500000000n, 7200n),
      tricky_text: 'quote " backslash \\ NaN" Infinity ü 😀',
      date_list: [new Neo4jDate(2020n, 1n, 1n), new Neo4jDate(2020n, 12n, 31n)],
      integral_float: 1,
      min_int: -9223372036854775808n,
      tagged_looking_list: ["$date('2020-01-01')", "plain"],
      nan_text: "NaN and Infinity are words here, not numbers: -Infinity",
      nan_example: NaN,
      fake_tag: "$duration(not a duration",
      negative_zero: -0,
      duration_list: [
        new Duration(14n, 25n, 18367n, 123456789n),
        new Duration(0n, 0n, -2n, 500000000n),
      ],
      name: "Edge cases",
      negative_duration: new Duration(-3n, 2n, -7200n, 0n),
      bytes_example: "b'\\x00\\x01abc\\xfe\\xff'",
      string_list: ["a", "NaN", "Infinity"],
      localtime_example: new LocalTime(12n, 50n, 35n, 556000000n),
    });
    assert.equal(typeof extra.props.integral_float, "number"); // 1.0 stays a float
    assert.deepStrictEqual(warnings, [
      "Property 'bytes_example' held a byte array the Python tool stored as text; " +
      "it is restored as that text",
    ]);
  });

  test(`readLegacyBackup() restores the edge-case relationships of the ${name} fixture`, async () => {
    const records = await collect(dir);
    const extra = nodeNamed(records, "Edge cases");
    const edges = rels(records).filter((r) => r.start === extra.id);
    assert.deepStrictEqual(edges, [
      {
        kind: "rel",
        type: "EDGE",
        start: extra.id,
        end: nodeNamed(records, "Second extra").id,
        props: {
          zoned: new DateTime(2020n, 3n, 29n, 3n, 30n, 0n, 0n, 3600n),
          nan_example: NaN,
          hashed: "$point(not a point)",
          when: new LocalDateTime(2020n, 2n, 29n, 23n, 59n, 59n, 0n),
        },
      },
      { kind: "rel", type: "SELF", start: extra.id, end: extra.id, props: { note: "a loop" } },
    ]);
  });
}

test("readLegacyBackup() reads data files in the numeric order of their running totals", async () => {
  // movies_plain has nodes_65, nodes_130, nodes_175: a name sort would put 130 first
  const ids = (records: BackupRecord[]) => nodes(records).map((n) => n.id);
  const relIds = (records: BackupRecord[]) => rels(records).map((r) => `${r.start}>${r.end}`);
  const [gz, plain] = [await collect(GZ), await collect(PLAIN)];
  assert.deepStrictEqual(ids(plain), ids(gz));
  assert.deepStrictEqual(relIds(plain), relIds(gz));
});

test("isLegacyBackup() recognises the fixtures and nothing else", async () => {
  assert.equal(await isLegacyBackup(GZ), true);
  assert.equal(await isLegacyBackup(PLAIN), true);
  assert.equal(await isLegacyBackup(FIXTURES), false);
  assert.equal(await isLegacyBackup(join(FIXTURES, "source.cypher")), false);
  assert.equal(await isLegacyBackup(join(FIXTURES, "no-such-dir")), false);
});

test("readLegacyBackup() fails with a FileError when the directory does not exist", async () => {
  const error = await rejection(join(FIXTURES, "no-such-dir"));
  assert.ok(error instanceof FileError);
  assert.match(error.message, /^Cannot read '.*no-such-dir': no such directory/);
});

test("readLegacyBackup() fails with a FormatError when data/ is missing", async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, "compressed.json"), "true");
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /^Cannot read '.*data'/);
  });
});

test("readLegacyBackup() names the file that is not valid JSON", async () => {
  await withTempDir(async (dir) => {
    await writeProject(dir, { "nodes_2.json": '[{"node_id": 1, NaNa}]' });
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /^Cannot parse '.*nodes_2\.json': /);
  });
});

test("readLegacyBackup() names the file that is a truncated gzip", async () => {
  await withTempDir(async (dir) => {
    const gz = gzipSync(new TextEncoder().encode("[]".padEnd(2000, " ")));
    await writeProject(dir, { "nodes_1.json.gz": gz.subarray(0, 20) });
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /^Cannot decompress '.*nodes_1\.json\.gz': /);
  });
});

test("readLegacyBackup() names the file and row of a malformed row", async () => {
  await withTempDir(async (dir) => {
    const row = { node_id: 3, node_labels: "A", node_props: {}, hash_props: {} };
    const broken = { node_labels: "A", node_props: {}, hash_props: {} };
    await writeProject(dir, { "nodes_2.json": JSON.stringify([row, broken]) });
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /^Cannot read row 2 of '.*nodes_2\.json': 'node_id' is missing/);
  });
});

test("readLegacyBackup() refuses a name no Neo4j holds, naming the file and row", async () => {
  const rows: [string, object, RegExp][] = [
    [
      "nodes_1.json",
      { node_id: 1, node_labels: "A::B", node_props: {} },
      /a label in 'node_labels' is empty/,
    ],
    [
      "nodes_1.json",
      { node_id: 1, node_labels: "A", node_props: { "": 1 } },
      /a key in 'node_props' is empty/,
    ],
    [
      "relationships_1.json",
      { start_node_id: 1, end_node_id: 1, rel_type: "R\ud800", rel_props: {} },
      /'rel_type' holds a lone surrogate \(U\+D800\)/,
    ],
  ];
  for (const [file, row, pattern] of rows) {
    await withTempDir(async (dir) => {
      await writeProject(dir, { [file]: JSON.stringify([row]) });
      const error = await rejection(dir);
      assert.ok(error instanceof FormatError);
      assert.match(error.message, /^Cannot read row 1 of '.*_1\.json': /);
      assert.match(error.message, pattern);
    });
  }
});

test("readLegacyBackup() names the property that holds a map", async () => {
  await withTempDir(async (dir) => {
    const row = {
      start_node_id: 1,
      end_node_id: 2,
      rel_type: "R",
      rel_props: { bad: { a: 1 } },
      hash_props: {},
    };
    await writeProject(dir, { "relationships_1.json": JSON.stringify([row]) });
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /row 1 of '.*relationships_1\.json': Property 'bad' holds a map/);
  });
});

test("readLegacyBackup() refuses a 0.x layout with advice", async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "compressed.json"), "true");
    await writeFile(join(dir, "constraints.json"), "[]");
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /written by a 0\.x release/);
  });
});

test("readLegacyBackup() reads a backup without constraints and ignores foreign files", async () => {
  await withTempDir(async (dir) => {
    const row = { node_id: 0, node_labels: "", node_props: { v: 1.0 }, hash_props: {} };
    await writeProject(dir, {
      "nodes_1.json": JSON.stringify([row]).replace("1}", "1.0}"),
      "notes.txt": "not data",
    });
    await rm(join(dir, "uniqueness_constraints.json"));
    const records = await collect(dir);
    assert.deepStrictEqual(records.slice(1), [{
      kind: "node",
      id: 0,
      labels: [],
      props: { v: 1 },
    }]);
  });
});

test("readLegacyBackup() stops reading when the stream is cancelled", async () => {
  const reader = readLegacyBackup(GZ).getReader();
  assert.equal((await reader.read()).value?.kind, "header");
  await reader.cancel();
  assert.equal((await reader.read()).done, true);
});

// hostile folders (issue 19, defect 6)

/** Every private-use character of the Basic Multilingual Plane, as Python escapes them. */
const PRIVATE_USE = Array.from(
  { length: 0xf900 - 0xe000 },
  (_, i) => String.fromCharCode(0xe000 + i),
)
  .join("");

function nodeRow(id: number, props: string): string {
  return `{"node_id": ${id}, "node_labels": "A", "node_props": ${props}, "hash_props": {}}`;
}

test("readLegacyBackup() reads a value that holds every private-use character", async () => {
  await withTempDir(async (dir) => {
    // Python escapes them (ensure_ascii); one raw non-Latin-1 character makes the text two-byte
    const escaped = JSON.stringify(PRIVATE_USE).replace(
      /[\ue000-\uf8ff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16)}`,
    );
    const raw = JSON.stringify(PRIVATE_USE);
    await writeProject(dir, {
      "nodes_2.json": `[${nodeRow(1, `{"s": ${escaped}, "t": ${raw}, "euro": "\u20ac"}`)}]`,
    });
    const [node] = nodes(await collect(dir));
    assert.equal(node.props.s, PRIVATE_USE);
    assert.equal(node.props.t, PRIVATE_USE);
  });
});

test("readLegacyBackup() yields the first rows of a file before it reads the rest", async () => {
  await withTempDir(async (dir) => {
    await writeProject(dir, {
      "nodes_2.json": `[${nodeRow(1, "{}")}, ${nodeRow(2, "{}")}, {"node_id": 3, oops}]`,
    });
    const reader = readLegacyBackup(dir).getReader();
    assert.equal((await reader.read()).value?.kind, "header");
    assert.deepStrictEqual((await reader.read()).value, {
      kind: "node",
      id: 1,
      labels: ["A"],
      props: {},
    });
    assert.equal(((await reader.read()).value as NodeRecord).id, 2);
    const error = await reader.read().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof FormatError);
    assert.match(
      error.message,
      /^Cannot parse '.*nodes_2\.json': expected a key, found 'oops' at character 161, in row 3$/,
    );
  });
});

test("readLegacyBackup() refuses a row longer than the bound, naming the file and the row", async () => {
  await withTempDir(async (dir) => {
    const big = nodeRow(2, `{"s": "${"a".repeat(4096)}"}`);
    await writeProject(dir, {
      "nodes_2.json.gz": gzipSync(new TextEncoder().encode(`[${nodeRow(1, "{}")}, ${big}]`)),
    });
    const records: BackupRecord[] = [];
    const error = await (async () => {
      for await (const r of readLegacyBackup(dir, { maxRowChars: 1024 })) records.push(r);
    })().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof FormatError);
    assert.match(
      error.message,
      /^Cannot read row 2 of '.*nodes_2\.json\.gz': it is longer than 1,024 characters, the most this reader takes for one row$/,
    );
    assert.equal(nodes(records).length, 1);
  });
});

test("readLegacyBackup() refuses a row nested too deep, naming the file and the row", async () => {
  await withTempDir(async (dir) => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    await writeProject(dir, {
      "relationships_2.json": `[${nodeRow(1, `{"d": ${deep}}`)}]`,
    });
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(
      error.message,
      /^Cannot read row 1 of '.*relationships_2\.json': its lists and maps nest more than 16 deep/,
    );
  });
});

test("readLegacyBackup() names a file that ends inside a row", async () => {
  await withTempDir(async (dir) => {
    await writeProject(dir, { "nodes_2.json": `[${nodeRow(1, "{}")}, {"node_id": 2` });
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /^Cannot parse '.*nodes_2\.json': the file ends inside row 2/);
  });
});

test("readLegacyBackup() says a file is not UTF-8 only when its bytes are not", async () => {
  await withTempDir(async (dir) => {
    const bytes = new TextEncoder().encode(`[${nodeRow(1, '{"s": "x"}')}]`);
    bytes[bytes.indexOf(0x78)] = 0xff;
    await writeProject(dir, { "nodes_2.json": bytes });
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(error.message, /^Cannot read '.*nodes_2\.json': it is not UTF-8 text/);
  });
});

test("readLegacyBackup() reads uniqueness_constraints.json one entry at a time with the same bounds", async () => {
  await withTempDir(async (dir) => {
    await writeProject(dir, {});
    const deep = "[".repeat(40) + "]".repeat(40);
    await writeFile(
      join(dir, "uniqueness_constraints.json"),
      `[{"node_label": "A", "node_prop": "p", "constraint_name": "c"}, {"x": ${deep}}]`,
    );
    const error = await rejection(dir);
    assert.ok(error instanceof FormatError);
    assert.match(
      error.message,
      /^Cannot read entry 2 of '.*uniqueness_constraints\.json': its lists and maps nest more than 16 deep/,
    );
  });
});

test("readLegacyBackup() quotes at most 80 characters of a value in a warning", async () => {
  await withTempDir(async (dir) => {
    const long = `$date('${"9".repeat(10_000)}')`;
    await writeProject(dir, { "nodes_2.json": `[${nodeRow(1, JSON.stringify({ d: long }))}]` });
    const warnings: string[] = [];
    const [node] = nodes(await collect(dir, warnings));
    assert.equal(node.props.d, long);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].length < 300, warnings[0]);
    assert.match(
      warnings[0],
      /^Property 'd' holds "\$date\('9+…" \(10,009 characters\), which is not/,
    );
  });
});

test("readLegacyBackup() names at most 100 keys in warnings, then says that more were not named", async () => {
  await withTempDir(async (dir) => {
    const props = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`k${i}`, "$date(soon)"]),
    );
    await writeProject(dir, { "nodes_2.json": `[${nodeRow(1, JSON.stringify(props))}]` });
    const warnings: string[] = [];
    await collect(dir, warnings);
    assert.equal(warnings.length, 101);
    assert.match(warnings[99], /^Property 'k99' holds "\$date\(soon\)"/);
    assert.match(warnings[100], /^More than 100 properties hold values kept as text/);
  });
});
