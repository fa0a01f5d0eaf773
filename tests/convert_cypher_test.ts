/**
 * `--to cypher` against its real consumers: the every-type graph, Movies and names that try to
 * break out of their quotes, their line or a comment, backed up from a real Neo4j, converted to a
 * script, run line by line (comment lines skipped) on a fresh Neo4j and on a real FalkorDB; then
 * compared with the source. The hostile names also go through `import` into a real Neo4j.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Driver } from "neo4j-driver";
import { type CypherScriptOptions, CypherScriptStream } from "../lib/convert/cypher_script.ts";
import { LossReport } from "../lib/convert/loss_report.ts";
import { exportBackup } from "../lib/export/export.ts";
import { importRecords } from "../lib/import/import.ts";
import { decodeBackup } from "../lib/format/decoder_stream.ts";
import type { BackupRecord } from "../lib/format/records.ts";
import { quote } from "../lib/neo4j/cypher.ts";
import { type FalkorServer, startFalkorDB } from "../scripts/falkordb_server.ts";
import { runPython } from "../scripts/python_env.ts";
import { cypherShellStatements } from "./_cypher_shell.ts";
import { catalog, collect, fingerprint, loadTestGraph, streamOf } from "./_graph.ts";
import { connect, cypher, loadMovies, useServers } from "./_server.ts";

/** Names Neo4j holds that try to end their quotes, their line or a comment. */
const HOSTILE_NAMES = [
  "x\nMATCH (n) DETACH DELETE n;\n//",
  "cr\r\nlf\u2028ls\u2029ps\u0085nel",
  "ctl\u0001\u001b[2J\u007f\u009b",
  "bs\\u000A\\u0060 //",
  "tick`;/* */",
];
/** Schema names, without backslashes: the test servers' own clean-up writes names raw. */
const HOSTILE_INDEX = "i\nMATCH (n) DETACH DELETE n;\r\n//\u2028";
const HOSTILE_CONSTRAINT = "c\u0085CREATE (:Injected);\u2029//";

/** A name in backticks for the test's own statements: raw but for backticks and backslashes. */
function q(name: string): string {
  return "`" + name.replaceAll("`", "``").replaceAll("\\", "\\u005C") + "`";
}

async function loadHostileNames(driver: Driver): Promise<void> {
  for (const name of HOSTILE_NAMES) {
    await cypher(
      driver,
      `CREATE (:Hostile:${q(name)} {${q(name)}: $name})-[:${q(name)} {${q(name)}: 1}]->(:Hostile)`,
      { name },
    );
  }
  const [a, b, c] = HOSTILE_NAMES.map(q);
  await cypher(driver, `CREATE INDEX ${q(HOSTILE_INDEX)} FOR (n:${a}) ON (n.${b})`);
  await cypher(
    driver,
    `CREATE CONSTRAINT ${q(HOSTILE_CONSTRAINT)} FOR (n:${c}) REQUIRE n.${c} IS UNIQUE`,
  );
}

const servers = useServers(2);
let source: Driver;
let target: Driver;
let backup: Uint8Array;
let want: Awaited<ReturnType<typeof fingerprint>>;

before(async () => {
  await servers.ready();
  source = connect(servers[0]);
  target = connect(servers[1]);
  await loadTestGraph(source);
  await loadMovies(source);
  await loadHostileNames(source);
  backup = await collect(exportBackup(source));
  // What a Neo4j target must hold: the source without its byte arrays (no Cypher literal).
  await cypher(source, "MATCH (n) REMOVE n.bytes, n.bytes_empty");
  await cypher(source, "MATCH ()-[r]->() REMOVE r.bytes, r.bytes_empty");
  want = await fingerprint(source);
}, { timeout: 600_000 });

after(async () => {
  await source?.close();
  await target?.close();
});

/** Converts the backup; returns the script's text and its loss report. */
async function convert(options: CypherScriptOptions): Promise<{ text: string; loss: LossReport }> {
  const loss = new LossReport();
  const bytes = await collect(
    decodeBackup(streamOf(backup)).pipeThrough(new CypherScriptStream(options, loss)),
  );
  return { text: new TextDecoder().decode(bytes), loss };
}

/** The statements of a script: every line but the comments (`//`) and the empty last one. */
function statements(text: string): string[] {
  return text.split("\n").filter((line) => line !== "" && !line.startsWith("//"));
}

/** Runs a script on Neo4j as a driver loop would: one line, one auto-committed statement. */
async function run(driver: Driver, text: string): Promise<void> {
  for (const [i, line] of statements(text).entries()) {
    await driver.executeQuery(line).catch((e) => {
      throw new Error(`Statement ${i + 1} failed: ${e.message}: ${line.slice(0, 300)}`);
    });
  }
}

describe("--to cypher --dialect neo4j", () => {
  let text: string;
  let loss: LossReport;

  before(async () => {
    ({ text, loss } = await convert({ dialect: "neo4j", targetVersion: "5.26", batchSize: 500 }));
    await run(target, text);
  }, { timeout: 600_000 });

  test("the script loads into a fresh Neo4j and equals the source but for byte arrays", async () => {
    const got = await fingerprint(target);
    assert.equal(got.nodes.length, want.nodes.length);
    assert.deepEqual(got, want);
  });

  test("the loss report lists the byte arrays and the temporary tokens, also as comments", () => {
    const lost = new Set(loss.entries().map((e) => `${e.where} ${e.what}`));
    for (const where of ["Types.bytes", "Types.bytes_empty", "TYPED.bytes", "TYPED.bytes_empty"]) {
      assert.ok(lost.has(`${where} ByteArray`), where);
    }
    const comments = text.split("\n").filter((l) => l.startsWith("// loss: "));
    assert.deepEqual(comments, loss.lines().map((l) => `// loss: ${l}`));
    assert.ok(comments.some((l) => l.includes("__neo4j_backup_id") && l.includes("tokens stay")));
  });

  test("no node keeps the temporary label or key, and the index is gone", async () => {
    const [row] = await cypher(
      target,
      "MATCH (n) WHERE n:__neo4j_backup_node OR n.__neo4j_backup_id IS NOT NULL RETURN count(n) AS c",
    );
    assert.equal(Number(row.c), 0);
    const names = (await cypher(target, "SHOW INDEXES YIELD name")).map((r) => r.name);
    assert.ok(!names.includes("__neo4j_backup_node_id"));
    // The one trace left, as the loss report says: Neo4j cannot drop a property-key token.
    assert.ok(((await catalog(target)).keys as string[]).includes("__neo4j_backup_id"));
  });

  test("the backup's indexes and constraints exist on the target", async () => {
    const named = async (driver: Driver) => {
      const c = await catalog(driver);
      return [...(c.indexes as string[]), ...(c.constraints as string[])]
        .map((s) => JSON.parse(s))
        .filter((s) => s.type !== "LOOKUP")
        .map((s) => `${s.name} ${s.type}`)
        .sort();
    };
    assert.deepEqual(await named(target), await named(source));
  });

  test("every line is one statement ending with a semicolon", () => {
    const lines = statements(text);
    assert.ok(lines.every((l) => l.endsWith(";")));
    assert.ok(lines.filter((l) => l.startsWith("UNWIND")).length > 10);
  });

  test("cypher-shell splits the script into the same statements, whatever the names hold", () => {
    const shell = cypherShellStatements(text).map((s) =>
      s.split("\n").filter((l) => !l.startsWith("//")).join("\n").trim()
    );
    assert.deepEqual(shell, statements(text).map((l) => l.slice(0, -1)));
    assert.ok(!shell.some((s) => s.startsWith("MATCH (n) DETACH")));
  });

  test("hostile labels, types, keys and schema names arrive exactly", async () => {
    for (const name of HOSTILE_NAMES) {
      const rows = await cypher(
        target,
        `MATCH (a:${q(name)})-[r:${q(name)}]->(:Hostile) RETURN a.${q(name)} AS v, r.${
          q(name)
        } AS w`,
      );
      assert.deepEqual(rows, [{ v: name, w: 1n }], JSON.stringify(name));
    }
    const names = [
      ...(await cypher(target, "SHOW INDEXES YIELD name")),
      ...(await cypher(target, "SHOW CONSTRAINTS YIELD name")),
    ].map((r) => r.name);
    assert.ok(names.includes(HOSTILE_INDEX) && names.includes(HOSTILE_CONSTRAINT), names.join());
  });
});

describe("import with hostile names", () => {
  /**
   * Schema names with backslashes too: this test drops them itself, quoted by quote(). Neo4j
   * trims white space and control characters from both ends of a schema name: none is there.
   */
  const index = "y\\u000AMATCH (n) DETACH DELETE n;\\u000A//\n//";
  const records: BackupRecord[] = [
    {
      kind: "header",
      format: "neo4j-backup",
      version: 1,
      tool: "convert cypher test",
      created: "2026-01-01T00:00:00.000Z",
      source: { version: "5.26.0", edition: "community", database: "neo4j" },
    },
    {
      kind: "index",
      name: index,
      type: "RANGE",
      entity: "NODE",
      labelsOrTypes: [HOSTILE_NAMES[0]],
      properties: [HOSTILE_NAMES[3]],
      config: {},
    },
    {
      kind: "constraint",
      name: HOSTILE_NAMES[1],
      type: "UNIQUENESS",
      entity: "NODE",
      labelsOrTypes: [HOSTILE_NAMES[2]],
      properties: [HOSTILE_NAMES[4]],
      config: {},
    },
    ...HOSTILE_NAMES.map((name, id): BackupRecord => ({
      kind: "node",
      id,
      labels: [name],
      props: { [name]: name },
    })),
    ...HOSTILE_NAMES.map((type, i): BackupRecord => ({
      kind: "rel",
      type,
      start: i,
      end: (i + 1) % HOSTILE_NAMES.length,
      props: { [type]: 1n },
    })),
  ];

  /** Drops everything, every name quoted by the code under test. */
  const empty = async () => {
    await cypher(target, "MATCH (n) DETACH DELETE n");
    for (const c of await cypher(target, "SHOW CONSTRAINTS YIELD name")) {
      await cypher(target, `DROP CONSTRAINT ${quote(String(c.name))}`);
    }
    for (const i of await cypher(target, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")) {
      await cypher(target, `DROP INDEX ${quote(String(i.name))}`);
    }
  };

  before(async () => {
    await empty();
    await importRecords(target, ReadableStream.from(records));
  }, { timeout: 120_000 });

  after(empty);

  test("import into Neo4j 5.26 keeps labels, types, keys and schema names exactly", async () => {
    for (const [i, name] of HOSTILE_NAMES.entries()) {
      const rows = await cypher(
        target,
        `MATCH (a:${q(name)})-[r:${q(name)}]->(b) RETURN a.${q(name)} AS v, r.${q(name)} AS w, ` +
          "labels(b) AS l",
      );
      const next = HOSTILE_NAMES[(i + 1) % HOSTILE_NAMES.length];
      assert.deepEqual(rows, [{ v: name, w: 1n, l: [next] }], JSON.stringify(name));
    }
    const [indexRow] = await cypher(
      target,
      "SHOW INDEXES YIELD name, labelsOrTypes, properties WHERE name = $name " +
        "RETURN labelsOrTypes, properties",
      { name: index },
    );
    assert.deepEqual(indexRow, {
      labelsOrTypes: [HOSTILE_NAMES[0]],
      properties: [HOSTILE_NAMES[3]],
    });
    const [constraint] = await cypher(
      target,
      "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties WHERE name = $name " +
        "RETURN labelsOrTypes, properties",
      { name: HOSTILE_NAMES[1] },
    );
    assert.deepEqual(constraint, {
      labelsOrTypes: [HOSTILE_NAMES[2]],
      properties: [HOSTILE_NAMES[4]],
    });
  });
});

describe("--to cypher --target-version 4.4", () => {
  const old = useServers(1, { version: "4.4", heap: "512m" });
  let loss: LossReport;
  let driver: Driver;

  before(async () => {
    await old.ready();
    driver = connect(old[0]);
    const converted = await convert({ dialect: "neo4j", targetVersion: "4.4" });
    loss = converted.loss;
    await run(driver, converted.text);
  }, { timeout: 600_000 });

  after(() => driver?.close());

  test("the script loads into Neo4j 4.4 and equals the source but for byte arrays", async () => {
    assert.deepEqual(await fingerprint(driver), want);
  });

  test("what 4.4 cannot hold of the schema is in the loss report", () => {
    const lost = loss.lines().join("\n");
    assert.match(lost, /vector_idx: VECTOR index .*not created: vector indexes need Neo4j 5\.15/);
    assert.match(lost, /unique_spoke: RELATIONSHIP_UNIQUENESS constraint .*not created/);
  });
});

describe("--to cypher --dialect falkordb", () => {
  let falkor: FalkorServer | string;
  let loaded: Loaded;
  let loss: LossReport;
  let expected: { labels: Record<string, number>; types: Record<string, number> };

  before(async () => {
    falkor = await startFalkorDB();
    if (typeof falkor === "string") return;
    const converted = await convert({ dialect: "falkordb", targetVersion: "4.14" });
    loss = converted.loss;
    const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-cypher-"));
    try {
      const file = join(dir, "script.cypherl");
      writeFileSync(file, converted.text);
      loaded = JSON.parse(runPython(falkor.env, LOAD_AND_READ, [file, String(falkor.port)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expected = { labels: {}, types: {} };
    const add = (m: Record<string, number>, name: string) => {
      // deno-lint-ignore no-control-regex -- control characters are what it looks for
      const key = name.replace(/[`\n\v\f\r\u001c-\u001e\u0085\u2028\u2029]/g, "_");
      m[key] = (m[key] ?? 0) + 1;
    };
    for await (const r of decodeBackup(streamOf(backup))) {
      if (r.kind === "node") { for (const l of r.labels) add(expected.labels, l); }
      if (r.kind === "rel") add(expected.types, r.type);
    }
  }, { timeout: 300_000 });

  after(async () => {
    if (typeof falkor !== "string") await falkor?.stop();
  });

  test("FalkorDB loads the script: counts per label and type match", (t) => {
    if (typeof falkor === "string") return t.skip(`no FalkorDB: ${falkor}`);
    const { __neo4j_backup_node: temporaryLabel, ...labels } = loaded.labels;
    assert.ok(!temporaryLabel, "no node keeps the temporary label");
    assert.deepEqual(labels, expected.labels);
    assert.deepEqual(loaded.types, expected.types);
    assert.equal(loaded.temporary, 0);
  });

  test("FalkorDB keeps entities whose names hold a NUL, under names with '_' (reported)", async (t) => {
    if (typeof falkor === "string") return t.skip(`no FalkorDB: ${falkor}`);
    const records: BackupRecord[] = [
      { kind: "node", id: 0, labels: ["a\u0000b"], props: { "k\u0000": "v\u0000w" } },
      { kind: "node", id: 1, labels: ["c"], props: {} },
      { kind: "rel", type: "R\u0000", start: 0, end: 1, props: { "w\u0000": 1n } },
    ];
    const loss = new LossReport();
    const script = new CypherScriptStream({ dialect: "falkordb", targetVersion: "" }, loss);
    const text = new TextDecoder().decode(
      await collect(ReadableStream.from(records).pipeThrough(script)),
    );
    const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-cypher-"));
    try {
      const file = join(dir, "nul.cypherl");
      writeFileSync(file, text);
      const read = JSON.parse(runPython(falkor.env, LOAD_AND_DUMP, [file, String(falkor.port)]));
      assert.deepEqual(read, [[["a_b"], { "k_": "vw" }, "R_", { "w_": 1 }, ["c"]]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const nul = loss.lines().filter((l) => l.includes("NUL character"));
    assert.equal(nul.length, 5, nul.join("\n"));
  });

  test("FalkorDB holds the typed values; what it cannot is in the loss report", (t) => {
    if (typeof falkor === "string") return t.skip(`no FalkorDB: ${falkor}`);
    const p = loaded.props;
    assert.deepEqual(p.int_max, ["int", "9223372036854775807"]);
    assert.deepEqual(p.int_min, ["int", "-9223372036854775808"]);
    assert.deepEqual(p.float_neg_zero, ["float", "-0.0"]);
    assert.deepEqual(p.float_nan, ["float", "nan"]);
    assert.deepEqual(p.float_integral, ["float", "1.0"]);
    assert.deepEqual(p.string_newlines, ["str", "line 1\nline 2\r\nend"]);
    assert.deepEqual(p.string_emoji, ["str", "🙂 👩‍👩‍👧 日本語 ünï"]);
    assert.deepEqual(p.string_nul, ["str", "ab"]);
    assert.deepEqual(p.date, ["date", "2020-02-29"]);
    assert.deepEqual(p.date_far, ["str", "-999999999-01-01"]);
    assert.deepEqual(p.local_time, ["time", "12:50:35"]);
    assert.deepEqual(p.date_time_zone, [
      "str",
      "2015-06-24T12:50:35.556000000+02:00[Europe/Stockholm]",
    ]);
    assert.deepEqual(p.list_int, [["int", "1"], ["int", "9007199254740993"], ["int", "-3"]]);
    assert.deepEqual(p.list_empty, []);
    assert.equal(p.bytes, undefined);
    const lost = loss.lines().join("\n");
    for (
      const what of [
        "ByteArray",
        "NUL character",
        "Types.date_time_zone: DateTime: written as ISO 8601 text",
        "LocalTime fraction",
        "Duration",
        "constraint",
      ]
    ) {
      assert.ok(lost.includes(what), what);
    }
  });
});

/** Loads a script into a FalkorDB graph of its own line by line, then prints every edge. */
const LOAD_AND_DUMP = `
import sys, json
from falkordb import FalkorDB
path, port = sys.argv[1], int(sys.argv[2])
g = FalkorDB(host='127.0.0.1', port=port).select_graph('nul')
with open(path, encoding='utf-8', newline='\\n') as f:
    for i, line in enumerate(f, 1):
        line = line.rstrip('\\n')
        if line and not line.startswith('//'):
            g.query(line)
rows = g.query('MATCH (a)-[r]->(b) RETURN labels(a), properties(a), type(r), properties(r), labels(b)')
print(json.dumps(rows.result_set))
`;

interface Loaded {
  labels: Record<string, number>;
  types: Record<string, number>;
  temporary: number;
  props: Record<string, unknown>;
}

/** Loads a script into FalkorDB line by line (comments skipped) and reads back what it holds. */
const LOAD_AND_READ = `
import sys, json
from falkordb import FalkorDB
path, port = sys.argv[1], int(sys.argv[2])
g = FalkorDB(host='127.0.0.1', port=port).select_graph('converted')
with open(path, encoding='utf-8', newline='\\n') as f:
    for i, line in enumerate(f, 1):
        line = line.rstrip('\\n')
        if not line or line.startswith('//'):
            continue
        try:
            g.query(line)
        except Exception as e:
            sys.exit(f'line {i}: {e}: {line[:300]}')
q = lambda s: g.query(s).result_set
def esc(name):
    return '\`' + name + '\`'
labels = {r[0]: q('MATCH (n:%s) RETURN count(n)' % esc(r[0]))[0][0] for r in q('CALL db.labels()')}
types = {r[0]: q('MATCH ()-[r:%s]->() RETURN count(r)' % esc(r[0]))[0][0] for r in q('CALL db.relationshipTypes()')}
def enc(v):
    if isinstance(v, list):
        return [enc(x) for x in v]
    return [type(v).__name__, repr(v) if isinstance(v, float) else str(v)]
props = q("MATCH (n:Types {k: 'types'}) RETURN properties(n)")[0][0]
temporary = q('MATCH (n) WHERE n.__neo4j_backup_id IS NOT NULL RETURN count(n)')[0][0]
print(json.dumps({'labels': labels, 'types': types, 'temporary': temporary,
                  'props': {k: enc(v) for k, v in props.items()}}))
`;
