/**
 * The generated hostile-name test of issue 19: seeded random names and values (quotes,
 * backticks, line breaks of every kind, `//`, `/*`, `;`, `$`, NUL and other controls, lone
 * surrogates, XML and CSV specials, long strings) as labels, types, keys, values and schema
 * items, run through every writer and checked by each output's real consumer:
 *
 * - Cypher for Neo4j: cypher-shell's statement splitting and the one-statement-per-line rule,
 *   then a real Neo4j 5.26 runs it next to a sentinel node; the graph and the schema must equal
 *   the source's, names and values exact, but for what the loss report lists.
 * - admin-csv: `import-command.txt` read by bash, the real `neo4j-admin database import full`,
 *   then `schema.cypher` as cypher-shell splits it, on a server opened on the imported store.
 * - Cypher for FalkorDB: the line rule, then a real FalkorDB runs it line by line.
 * - GraphML: a strict XML 1.0 parser (Python's minidom) and NetworkX's `read_graphml`.
 *
 * Two backups go through: one exported from a real Neo4j that holds the graph (so every name
 * in it is one Neo4j accepts), and one crafted in-process that also holds what no server
 * exports (NUL and empty names, lone surrogates, Enterprise-only and unknown schema items).
 * What a format cannot carry must be escaped or listed in the loss report, never passed raw.
 *
 * Set `HOSTILE_SEED` to another integer for other names; the seed is in every test's name.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Driver } from "neo4j-driver";
import { writeAdminCsv } from "../lib/convert/admin_csv.ts";
import { CypherScriptStream } from "../lib/convert/cypher_script.ts";
import { writeGraphml } from "../lib/convert/graphml.ts";
import { type LossEntry, LossReport } from "../lib/convert/loss_report.ts";
import { exportBackup } from "../lib/export/export.ts";
import { decodeBackup } from "../lib/format/decoder_stream.ts";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import { startFalkorDB } from "../scripts/falkordb_server.ts";
import { runNeo4jAdmin, startServer } from "../scripts/neo4j_server.ts";
import { pythonEnv, runPython } from "../scripts/python_env.ts";
import { tempDir } from "./_cli.ts";
import { collect, streamOf } from "./_graph.ts";
import {
  backupRecords,
  clearServer,
  createOnServer,
  graphProblems,
  hasLoneSurrogate,
  type HostileGraph,
  hostileGraphs,
  hostileSeed,
  type HostileValue,
  injectionProblems,
  LINE_BREAKS,
  lineRuleProblems,
  Losses,
  type MayLose,
  plantSentinel,
  refusedName,
  schemaProblems,
  shellSplitProblems,
  show,
  splitStatements,
} from "./_hostile.ts";
import { connect, cypher, useServers } from "./_server.ts";

const seed = hostileSeed();
const SEED = `HOSTILE_SEED=${seed}`;
const { legal, crafted } = hostileGraphs(seed);
const servers = useServers(1);
const work = tempDir("neo4j-backup-hostile-");
let exported: Uint8Array;
let craftedBackup: Uint8Array;
let selfCheck: string[] = [];
let emptyCheck: string[] = [];

/** The two backups: exported from a real Neo4j that holds the legal graph, and crafted. */
const SOURCES = [
  { name: "exported", graph: legal, bytes: () => exported },
  { name: "crafted", graph: crafted, bytes: () => craftedBackup },
] as const;

const NOTHING: MayLose = { name: () => false, value: () => false };

/** Neo4j holds every string; it refuses empty and NUL names; Bolt and UTF-8 lose lone surrogates. */
const NEO4J: MayLose = {
  name: (_kind, name) => refusedName(name),
  value: (v) => someString(v, hasLoneSurrogate),
};

/**
 * neo4j-admin import (checked on 5.26): no U+001F (the array delimiter) in labels or list
 * elements; no empty key, no line break, `{` (options) or `(` (ID group) in a header's key; no
 * list of empty strings only (its field is empty, which the importer reads as no value).
 */
const ADMIN_CSV: MayLose = {
  name: (kind, name) =>
    refusedName(name) || (kind === "label" && name.includes("\u001f")) ||
    (kind === "key" && /[{(\n\r]/.test(name)),
  value: (v) =>
    someString(v, hasLoneSurrogate) ||
    (Array.isArray(v) && (someString(v, (s) => s.includes("\u001f")) || v.join("") === "")),
};

/**
 * FalkorDB: no backtick and no line break in names; no NUL in strings (a query ends there), no
 * `\u` escape in its string literals, so no way to keep a line separator off the script line.
 */
const FALKORDB: MayLose = {
  name: (_kind, name) => refusedName(name) || name.includes("`") || LINE_BREAKS.test(name),
  value: (v) =>
    someString(v, (s) => hasLoneSurrogate(s) || s.includes("\u0000") || LINE_BREAKS.test(s)),
};

// deno-lint-ignore no-control-regex -- control characters are what XML 1.0 cannot hold
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

/** GraphML (XML 1.0): no C0 control but tab, newline and carriage return; no U+FFFE, U+FFFF. */
const GRAPHML: MayLose = {
  name: (_kind, name) => NOT_XML.test(name) || hasLoneSurrogate(name),
  value: (v) => someString(v, (s) => NOT_XML.test(s) || hasLoneSurrogate(s)),
};

function someString(v: HostileValue, test: (s: string) => boolean): boolean {
  if (typeof v === "string") return test(v);
  return Array.isArray(v) && v.some(test);
}

function assertNone(problems: string[], what: string): void {
  assert.ok(problems.length === 0, `${what} (${SEED}):\n  ${problems.join("\n  ")}`);
}

before(async () => {
  await servers.ready();
  craftedBackup = await collect(
    encodeBackup(ReadableStream.from(backupRecords(crafted)), { compress: false }),
  );
  const driver = connect(servers[0]);
  try {
    await createOnServer(driver, legal);
    const none = new Losses([], NOTHING);
    selfCheck = [
      ...await graphProblems(driver, legal, none),
      ...await schemaProblems(driver, legal, none),
    ];
    exported = await collect(exportBackup(driver));
    await clearServer(driver, [legal]);
    emptyCheck = await graphProblems(driver, legal, none);
  } finally {
    await driver.close();
  }
}, { timeout: 600_000 });

after(() => rmSync(work, { recursive: true, force: true }));

/** A writer's output and loss report, or the error it ended with. */
interface Converted {
  text: string;
  losses: LossEntry[];
  error?: string;
}

async function toCypher(
  bytes: Uint8Array,
  dialect: "neo4j" | "falkordb",
  targetVersion: string,
): Promise<Converted> {
  const loss = new LossReport();
  try {
    const out = await collect(
      decodeBackup(streamOf(bytes)).pipeThrough(
        new CypherScriptStream({ dialect, targetVersion, batchSize: 5 }, loss),
      ),
    );
    return { text: new TextDecoder().decode(out), losses: loss.entries() };
  } catch (e) {
    return { text: "", losses: loss.entries(), error: String(e) };
  }
}

async function toAdminCsv(bytes: Uint8Array, folder: string, targetVersion: string) {
  mkdirSync(folder, { recursive: true });
  const loss = new LossReport();
  try {
    await writeAdminCsv(decodeBackup(streamOf(bytes)), { folder, targetVersion, loss });
    return { schema: readFileSync(join(folder, "schema.cypher"), "utf8"), losses: loss.entries() };
  } catch (e) {
    return { schema: "", losses: loss.entries(), error: String(e) };
  }
}

async function toGraphml(bytes: Uint8Array, file: string): Promise<Converted> {
  const loss = new LossReport();
  try {
    const chunks: Uint8Array[] = [];
    await writeGraphml(decodeBackup(streamOf(bytes)), {
      loss,
      tempPath: `${file}.body`,
      sink: async (stream) => {
        for await (const c of stream) chunks.push(c);
      },
    });
    const all = await collect(ReadableStream.from(chunks));
    writeFileSync(file, all);
    return { text: new TextDecoder().decode(all), losses: loss.entries() };
  } catch (e) {
    return { text: "", losses: loss.entries(), error: String(e) };
  }
}

/** Runs statements one by one, each auto-committed; returns the failures. */
async function runAll(driver: Driver, statements: string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const [i, s] of statements.entries()) {
    // cypher-shell sends no empty statement (shellSplitProblems reports a stray semicolon).
    if (/^;?$/.test(s.replace(/\/\/[^\n]*/g, "").trim())) continue;
    await cypher(driver, s).catch((e: Error) => {
      failures.push(`statement ${i + 1} failed: ${e.message.split("\n")[0]}: ${show(s)}`);
    });
  }
  return failures;
}

/**
 * The statements a line runner sends, each with the comment lines before it, as cypher-shell 4.x
 * sends them: a script that keeps the line rule runs the same either way, and a comment that
 * the server could read as more than a comment (Neo4j reads `\u` escapes in comments) does.
 */
function statementLines(text: string): string[] {
  const statements: string[] = [];
  let comments: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("//")) comments.push(line);
    else if (line !== "") {
      statements.push([...comments, line].join("\n"));
      comments = [];
    }
  }
  return statements;
}

test(`the comparison recognises the hostile graph built from parameters (${SEED})`, () => {
  assertNone(selfCheck, "a comparison of the graph with itself found differences");
  // And it is no comparison that cannot fail: on an empty database every entity is missing.
  assert.equal(emptyCheck.length, legal.nodes.length + legal.rels.length, emptyCheck.join("\n"));
});

test("the script checks catch a name written raw, as the writers once wrote them", () => {
  // Issue 19's example in a comment line: a well-formed line, but no statement of the writer's.
  const name = "x\nMATCH (n) DETACH DELETE n;\n//";
  const comment = `// ${name}: lookup index\n`;
  assert.deepEqual(splitStatements(comment).map((s) => s.text), ["MATCH (n) DETACH DELETE n"]);
  assert.notDeepEqual(lineRuleProblems(comment), []);
  // In a statement: cypher-shell reads one statement, a line runner three.
  const statement = `CREATE LOOKUP INDEX \`${name}\` FOR (n) ON EACH labels(n);\n`;
  assert.equal(splitStatements(statement).length, 1);
  assert.notDeepEqual(lineRuleProblems(statement), []);
  assert.notDeepEqual(shellSplitProblems(statement), []);
  // A backslash before the closing backtick, a client command, a separator Python splits at.
  assert.equal(splitStatements("CREATE (:`a\\`);\n")[0].complete, false);
  assert.ok(splitStatements("// x\n:exit\n")[0].command);
  assert.notDeepEqual(lineRuleProblems("CREATE (:`a\u2028b`);\n"), []);
  assert.deepEqual(lineRuleProblems("// x\nCREATE INDEX `a\\u000Ab` FOR (n:`;`) ON (n.x);\n"), []);
});

describe(`--to cypher --dialect neo4j with hostile names (${SEED})`, () => {
  for (const source of SOURCES) {
    describe(`the ${source.name} backup`, () => {
      let script: Converted;
      let failures: string[] = [];
      let injected: string[] = [];
      let graph: string[] = [];
      let schema: string[] = [];
      let ran = false;

      before(async () => {
        script = await toCypher(source.bytes(), "neo4j", "5.26");
        if (script.error) return;
        const driver = connect(servers[0]);
        try {
          await clearServer(driver, [legal, crafted]);
          await plantSentinel(driver);
          failures = await runAll(driver, statementLines(script.text));
          injected = await injectionProblems(driver);
          const losses = new Losses(script.losses, NEO4J);
          graph = await graphProblems(driver, source.graph, losses);
          schema = await schemaProblems(driver, source.graph, losses);
          ran = true;
        } finally {
          await driver.close();
        }
      }, { timeout: 300_000 });

      test("cypher-shell splits the script into exactly its statement lines", () => {
        assert.equal(script.error, undefined);
        assertNone(shellSplitProblems(script.text), "cypher-shell reads other statements");
      });

      test("every line is a // comment or one complete statement", () => {
        assert.equal(script.error, undefined);
        assertNone(lineRuleProblems(script.text), "lines break the rule");
      });

      test("no statement but the script's own ran: the sentinel survives, nothing injected", () => {
        assert.ok(ran, script.error ?? "the script did not run");
        assertNone(injected, "the run went wrong");
      });

      test("Neo4j 5.26 runs every statement", () => {
        assert.ok(ran, script.error ?? "the script did not run");
        assertNone(failures, "the run went wrong");
      });

      test(
        "Neo4j holds the graph, names and values exact, but for the loss report",
        () => {
          assert.ok(ran, script.error ?? "the script did not run");
          assertNone(graph, "the graph differs");
        },
      );

      test("Neo4j holds the schema items with their exact names, but for the loss report", () => {
        assert.ok(ran, script.error ?? "the script did not run");
        assertNone(schema, "the schema differs");
      });
    });
  }

  after(async () => {
    // A pool server goes on to the next test file: leave no hostile schema item behind.
    const driver = connect(servers[0]);
    try {
      await clearServer(driver, [legal, crafted]);
    } finally {
      await driver.close();
    }
  }, { timeout: 120_000 });

  test("the script for Neo4j 4.4 keeps the line rule too", async () => {
    const old = await toCypher(craftedBackup, "neo4j", "4.4");
    assert.equal(old.error, undefined);
    assertNone(
      [...lineRuleProblems(old.text), ...shellSplitProblems(old.text)],
      "the 4.4 script breaks the rules",
    );
  });
});

/** Reads `import-command.txt` with bash, `neo4j-admin` a function that prints its arguments. */
function importInvocations(folder: string): { invocations: string[][]; problems: string[] } {
  const stub =
    'set -u; PATH=/nonexistent; neo4j-admin() { printf "%s\\0" "$@"; printf "\\1"; }; . "$1"';
  const run = spawnSync("bash", ["-c", stub, "bash", join(folder, "import-command.txt")], {
    encoding: "utf8",
  });
  const problems: string[] = [];
  if (run.status !== 0 || run.stderr !== "") {
    problems.push(`bash: status ${run.status}: ${show(run.stderr)}`);
  }
  const invocations = run.stdout.split("\u0001").filter((s) => s !== "").map((s) =>
    s.split("\u0000").slice(0, -1)
  );
  if (invocations.length !== 2) problems.push(`${invocations.length} neo4j-admin commands, not 2`);
  for (const words of invocations) {
    for (const w of words) {
      const m = /^--(nodes|relationships)=(.*)$/.exec(w);
      for (const path of m ? m[2].split(",") : []) {
        if (!path.startsWith(folder + "/") || !existsSync(path)) {
          problems.push(`a file outside the folder or missing: ${show(path)}`);
        }
      }
    }
  }
  return { invocations, problems };
}

describe(`--to admin-csv with hostile names (${SEED})`, () => {
  const folders = { exported: join(work, "csv-exported"), crafted: join(work, "csv-crafted") };
  const results: Record<string, Awaited<ReturnType<typeof toAdminCsv>>> = {};
  let old: Awaited<ReturnType<typeof toAdminCsv>>;
  let imported: { status: number | null; output: string } | undefined;
  let failures: string[] = [];
  let injected: string[] = [];
  let graph: string[] = [];
  let schema: string[] = [];

  before(async () => {
    for (const source of SOURCES) {
      results[source.name] = await toAdminCsv(source.bytes(), folders[source.name], "5.26");
    }
    old = await toAdminCsv(craftedBackup, join(work, "csv-44"), "4.4");
    const result = results.crafted;
    if (result.error) return;
    const words = importInvocations(folders.crafted).invocations
      .find((w) => w[0] === "database");
    if (!words) return;
    const home = tempDir("neo4j-backup-hostile-home-");
    try {
      // The report goes beside the store, not into the working folder; --verbose tells the cause.
      const args = [
        ...words.slice(0, 3),
        `--report-file=${join(home, "import.report")}`,
        "--verbose",
        ...words.slice(3),
      ];
      imported = runNeo4jAdmin("5.26", home, args);
      if (imported.status !== 0) return;
      const server = await startServer({ dataDir: join(home, "data"), heap: "512m" });
      const driver = connect(server);
      try {
        await plantSentinel(driver);
        // As cypher-shell 4.x runs it: the comments before a statement are sent with it.
        const statements = splitStatements(result.schema, "cypher-shell", true)
          .filter((s) => !s.command && s.complete).map((s) => s.text);
        failures = await runAll(driver, statements);
        injected = await injectionProblems(driver);
        const losses = new Losses(result.losses, ADMIN_CSV);
        graph = await graphProblems(driver, crafted, losses);
        schema = await schemaProblems(driver, crafted, losses);
      } finally {
        await driver.close();
        await server.stop();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, { timeout: 600_000 });

  for (const source of SOURCES) {
    test(`schema.cypher of the ${source.name} backup: cypher-shell runs exactly its statement lines`, () => {
      const result = results[source.name];
      assert.equal(result.error, undefined);
      assertNone(shellSplitProblems(result.schema), "cypher-shell reads other statements");
    });

    test(`schema.cypher of the ${source.name} backup: every line is a comment or one statement`, () => {
      assert.equal(results[source.name].error, undefined);
      assertNone(lineRuleProblems(results[source.name].schema), "lines break the rule");
    });

    test(`import-command.txt of the ${source.name} backup runs only neo4j-admin on the folder's files`, () => {
      assertNone(
        importInvocations(folders[source.name]).problems,
        "the command is not as promised",
      );
    });
  }

  test("schema.cypher for Neo4j 4.4 keeps the rules too", () => {
    assert.equal(old.error, undefined);
    assertNone(
      [...lineRuleProblems(old.schema), ...shellSplitProblems(old.schema)],
      "the 4.4 schema.cypher breaks the rules",
    );
  });

  test("neo4j-admin 5.26 imports the crafted backup's folder", () => {
    assert.ok(imported, "neo4j-admin did not run: the conversion or import-command.txt failed");
    const causes = imported.output.split("\n").filter((l) => /^Caused by|IMPORT FAILED/.test(l));
    assert.equal(
      imported.status,
      0,
      `${SEED}: ${causes.join("\n") || imported.output.slice(-3000)}`,
    );
  });

  test("schema.cypher runs on the imported store without a failure, and nothing else ran", () => {
    assert.equal(imported?.status, 0, "not imported");
    assertNone([...failures, ...injected], "the run went wrong");
  });

  test("the imported graph equals the source, names and values exact, but for the loss report", () => {
    assert.equal(imported?.status, 0, "not imported");
    assertNone(graph, "the graph differs");
  });

  test(
    "the imported store holds the schema items with their exact names, but for the loss report",
    () => {
      assert.equal(imported?.status, 0, "not imported");
      assertNone(schema, "the schema differs");
    },
  );
});

/** A graph as a Python consumer read it back. */
interface Fetched {
  nodes: { hid: number; labels: string[] | string; props: Record<string, unknown> }[];
  rels: { hid: number; type: string; start: number; end: number; props: Record<string, unknown> }[];
}

/**
 * Compares a graph read back by FalkorDB or NetworkX with the source, by `hid`. GraphML holds
 * the labels as one text (`:A:B`) and lists as JSON text.
 */
function fetchedProblems(
  graph: HostileGraph,
  fetched: Fetched,
  losses: Losses,
  graphml: boolean,
): string[] {
  const problems: string[] = [];
  const expect = (v: HostileValue): unknown =>
    typeof v === "bigint" ? Number(v) : graphml && Array.isArray(v) ? JSON.stringify(v) : v;
  const props = (
    what: string,
    want: Record<string, HostileValue>,
    got: Record<string, unknown>,
  ) => {
    const kept = Object.entries(want).filter(([k, v]) => !losses.property(k, v));
    for (const [k, v] of kept) {
      if (!(k in got)) problems.push(`${what}: property ${show(k)} is missing`);
      else if (JSON.stringify(got[k]) !== JSON.stringify(expect(v))) {
        problems.push(`${what}: property ${show(k)} is ${show(got[k])}, not ${show(expect(v))}`);
      }
    }
    const count = Object.keys(got).length;
    if (kept.length === Object.keys(want).length && count !== kept.length) {
      problems.push(
        `${what}: ${count} properties, the source has ${kept.length} (${show(Object.keys(got))})`,
      );
    }
  };
  const hidOf = new Map(graph.nodes.map((n) => [n.id, Number(n.props.hid)]));
  for (const node of graph.nodes) {
    const what = `node hid=${node.props.hid} ${show(node.labels)}`;
    const lost = node.labels.some((l) => losses.name("label", l));
    const found = fetched.nodes.filter((n) => n.hid === Number(node.props.hid));
    if (found.length !== 1) {
      if (found.length > 1 || !lost) problems.push(`${what} is there ${found.length} times`);
      continue;
    }
    const [got] = found;
    if (graphml) {
      const text = node.labels.map((l) => `:${l}`).join("");
      if (!lost && got.labels !== text) problems.push(`${what}: labels are ${show(got.labels)}`);
    } else {
      const labels = got.labels as string[];
      for (const l of node.labels) {
        if (!losses.name("label", l) && !labels.includes(l)) {
          problems.push(`${what}: label ${show(l)} is not exact (has ${show(labels)})`);
        }
      }
      if (!lost && labels.length !== node.labels.length) {
        problems.push(`${what}: ${labels.length} labels (${show(labels)})`);
      }
    }
    props(what, node.props, got.props);
  }
  for (const rel of graph.rels) {
    const what = `relationship hid=${rel.props.hid} ${show(rel.type)}`;
    const lost = losses.name("type", rel.type);
    const found = fetched.rels.filter((r) => r.hid === Number(rel.props.hid));
    if (found.length !== 1) {
      if (found.length > 1 || !lost) problems.push(`${what} is there ${found.length} times`);
      continue;
    }
    const [got] = found;
    if (!lost && got.type !== rel.type) problems.push(`${what}: its type is ${show(got.type)}`);
    if (got.start !== hidOf.get(rel.start) || got.end !== hidOf.get(rel.end)) {
      problems.push(`${what} joins hid ${got.start} to ${got.end}`);
    }
    props(what, rel.props, got.props);
  }
  if (fetched.nodes.length > graph.nodes.length) {
    problems.push(`${fetched.nodes.length} nodes, the source has ${graph.nodes.length}`);
  }
  if (fetched.rels.length > graph.rels.length) {
    problems.push(`${fetched.rels.length} relationships, the source has ${graph.rels.length}`);
  }
  return problems;
}

/** Runs a script on FalkorDB line by line (comments skipped) and reads the graph back. */
const FALKOR_LOAD = `
import sys, json
from falkordb import FalkorDB
from redis.exceptions import ConnectionError
path, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
g = FalkorDB(host='127.0.0.1', port=port).select_graph(name)
errors = []
with open(path, encoding='utf-8', newline='\\n') as f:
    for i, line in enumerate(f, 1):
        line = line.rstrip('\\n')
        if not line or line.startswith('//'):
            continue
        try:
            g.query(line)
        except ConnectionError as e:
            errors.append('FalkorDB stopped (crashed) at line %d: %s' % (i, json.dumps(line[:200])))
            print(json.dumps({'errors': errors, 'crashed': True, 'nodes': [], 'rels': []}))
            sys.exit(0)
        except Exception as e:
            errors.append('line %d failed: %s: %s' % (i, str(e)[:200], json.dumps(line[:100])))
nodes = [{'hid': r[0], 'labels': r[1], 'props': r[2]}
         for r in g.query('MATCH (n) RETURN n.hid, labels(n), properties(n)').result_set]
rels = [{'hid': r[0], 'type': r[1], 'start': r[2], 'end': r[3], 'props': r[4]}
        for r in g.query('MATCH (a)-[r]->(b) RETURN r.hid, type(r), a.hid, b.hid, properties(r)').result_set]
print(json.dumps({'errors': errors, 'nodes': nodes, 'rels': rels}))
`;

describe(`--to cypher --dialect falkordb with hostile names (${SEED})`, () => {
  let falkor: string | undefined;
  const scripts: Record<string, Converted> = {};
  const loaded: Record<string, (Fetched & { errors: string[] }) | string> = {};

  before(async () => {
    for (const source of SOURCES) {
      scripts[source.name] = await toCypher(source.bytes(), "falkordb", "4.14");
    }
    for (const source of SOURCES) {
      // A server of its own per script: a script that crashes FalkorDB spoils no other.
      const server = await startFalkorDB();
      if (typeof server === "string") {
        falkor = server;
        return;
      }
      try {
        const file = join(work, `${source.name}.falkordb.cypherl`);
        writeFileSync(file, scripts[source.name].text);
        loaded[source.name] = JSON.parse(
          runPython(server.env, FALKOR_LOAD, [file, String(server.port), source.name]),
        );
      } catch (e) {
        loaded[source.name] = String(e).slice(0, 2000);
      } finally {
        await server.stop();
      }
    }
  }, { timeout: 300_000 });

  for (const source of SOURCES) {
    test(`the ${source.name} backup's script: every line is a comment or one statement, no NUL`, () => {
      assert.equal(scripts[source.name].error, undefined);
      assertNone(lineRuleProblems(scripts[source.name].text, "falkordb"), "lines break the rule");
    });

    test(`FalkorDB runs every line of the ${source.name} backup's script`, (t) => {
      if (falkor !== undefined) return t.skip(`no FalkorDB: ${falkor}`);
      const got = loaded[source.name];
      assert.equal(typeof got, "object", String(got));
      assertNone((got as { errors: string[] }).errors, "statements failed");
    });

    test(
      `FalkorDB holds the ${source.name} graph, names and values exact, but for the loss report`,
      (t) => {
        if (falkor !== undefined) return t.skip(`no FalkorDB: ${falkor}`);
        const got = loaded[source.name];
        assert.equal(typeof got, "object", String(got));
        assert.ok(!(got as { crashed?: boolean }).crashed, "FalkorDB crashed: nothing to compare");
        const losses = new Losses(scripts[source.name].losses, FALKORDB);
        assertNone(
          fetchedProblems(source.graph, got as Fetched, losses, false),
          "the graph differs",
        );
      },
    );
  }
});

/** Parses each GraphML file with minidom (expat, strict XML 1.0) and with NetworkX. */
const GRAPHML_READ = `
import sys, json
from xml.dom import minidom
import networkx as nx
out = {}
for path in sys.argv[1:]:
    r = {'xml': None, 'nx': None}
    try:
        minidom.parse(path)
    except Exception as e:
        r['xml'] = str(e)
    try:
        g = nx.read_graphml(path)
        hid = {n: d.get('hid') for n, d in g.nodes(data=True)}
        r['nodes'] = [{'hid': d.pop('hid', None), 'labels': d.pop('labels', ''), 'props': dict(d, hid=hid[n])}
                      for n, d in g.nodes(data=True)]
        rels = []
        for u, v, d in g.edges(data=True):
            d = dict(d)
            if isinstance(d.get('id'), str) and d['id'].startswith('e'):
                d.pop('id')
            rels.append({'hid': d.get('hid'), 'type': d.pop('label', None), 'start': hid[u], 'end': hid[v], 'props': d})
        r['rels'] = rels
    except Exception as e:
        r['nx'] = str(e)
    out[path] = r
print(json.dumps(out))
`;

describe(`--to graphml with hostile names (${SEED})`, () => {
  const files = {
    exported: join(work, "exported.graphml"),
    crafted: join(work, "crafted.graphml"),
  };
  const converted: Record<string, Converted> = {};
  let read: Record<string, { xml: string | null; nx: string | null } & Fetched> | string;
  let noPython: string | undefined;

  before(async () => {
    for (const source of SOURCES) {
      converted[source.name] = await toGraphml(source.bytes(), files[source.name]);
    }
    const env = pythonEnv(true);
    if (!env) return void (noPython = "no python3 here to run a Python XML parser and NetworkX");
    try {
      read = JSON.parse(runPython(env, GRAPHML_READ, [files.exported, files.crafted]));
    } catch (e) {
      read = String(e).slice(0, 2000);
    }
  }, { timeout: 300_000 });

  for (const source of SOURCES) {
    test(`a strict XML 1.0 parser reads the ${source.name} backup's GraphML`, (t) => {
      assert.equal(converted[source.name].error, undefined);
      if (noPython) return t.skip(noPython);
      assert.equal(typeof read, "object", String(read));
      const r = (read as Exclude<typeof read, string>)[files[source.name]];
      assert.equal(r.xml, null, `not well-formed XML (${SEED}): ${r.xml}`);
    });

    test(`NetworkX reads the ${source.name} graph, names and values exact, but for the loss report`, (t) => {
      if (noPython) return t.skip(noPython);
      assert.equal(typeof read, "object", String(read));
      const r = (read as Exclude<typeof read, string>)[files[source.name]];
      assert.equal(r.nx, null, `NetworkX cannot read it (${SEED}): ${r.nx}`);
      const losses = new Losses(converted[source.name].losses, GRAPHML);
      assertNone(fetchedProblems(source.graph, r, losses, true), "the graph differs");
    });
  }
});
