/**
 * `convert --to graphml` against a real consumer: NetworkX (PyPI, in the cached virtual
 * environment of scripts/python_env.ts) reads the file with `read_graphml`, which honours the
 * declared `attr.type`s; counts and typed values are compared with the source server's. Names
 * that try to break the XML (dashes for the loss report comment, markup, control characters)
 * must come back from Python's XML 1.0 parser exactly or escaped.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ConvertSummaryDocument } from "../lib/cli/convert_command.ts";
import { pythonEnv, runPython } from "../scripts/python_env.ts";
import { loadTestData } from "./_graph.ts";
import { connect, counts, cypher, loadMovies, useServers } from "./_server.ts";
import { assertOneErrorLine, exportWithCli, ROOT, runCli, tempDir } from "./_cli.ts";

/** Names that try to end the loss report comment, or the markup around them. */
const HOSTILE_NAMES = ["a---b", "x--", "-", "c\u0001---", "-->", "<!-- x -->", "&amp;\"'<>]]>"];

/** A name in backticks for the test's own statements. */
function q(name: string): string {
  return "`" + name.replaceAll("`", "``") + "`";
}

const servers = useServers(1);
const work = tempDir("neo4j-backup-graphml-");
const backup = join(work, "source.jsonl.gz");
let expected: { nodes: number; relationships: number };

before(async () => {
  await servers.ready();
  const driver = connect(servers[0]);
  try {
    await loadTestData(driver);
    await loadMovies(driver);
    for (const name of HOSTILE_NAMES) {
      // Dates and lists are written as text: each makes a loss report line with the names.
      await cypher(
        driver,
        `CREATE (:${q(name)} {${q(name)}: date('2020-01-02'), ${q(`${name}s`)}: [1, 2], ` +
          `text: $text})-[:${q(name)} {${q(name)}: date('2020-01-02')}]->(:${q(name)})`,
        { text: `${name}\u0002` },
      );
    }
    expected = await counts(driver);
  } finally {
    await driver.close();
  }
  await exportWithCli(servers[0], backup);
}, { timeout: 600_000 });

after(() => rmSync(work, { recursive: true, force: true }));

/** Reads a GraphML file with NetworkX; returns counts and the typed attributes of samples. */
const READ = `
import json, sys, networkx as nx
g = nx.read_graphml(sys.argv[1])
def typed(d): return {k: [type(v).__name__, v if isinstance(v, str) else repr(v)] for k, v in d.items()}
types = [typed(d) for _, d in g.nodes(data=True) if d.get("k") == "types"]
edge = [typed(d) for _, _, d in g.edges(data=True) if d.get("label") == "TYPED"]
movie = [typed(d) for _, d in g.nodes(data=True) if d.get("title") == "The Matrix"]
print(json.dumps({"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
  "types": types, "edge": edge, "movie": movie}))
`;

/** Reads a GraphML file with Python's XML 1.0 parser: the labels, keys, texts and comments. */
const READ_HOSTILE = `
import json, sys
from xml.dom import minidom
doc = minidom.parse(sys.argv[1])
keys = [k.getAttribute("attr.name") for k in doc.getElementsByTagName("key")]
ids = {k.getAttribute("id"): k.getAttribute("attr.name") for k in doc.getElementsByTagName("key")}
data = [(ids[d.getAttribute("key")], "".join(t.data for t in d.childNodes)) for d in doc.getElementsByTagName("data")]
comments = [n.data for n in doc.childNodes if n.nodeType == n.COMMENT_NODE]
print(json.dumps({"keys": keys, "labels": [v for k, v in data if k == "labels"],
  "texts": [v for k, v in data if k == "text"], "comments": comments}))
`;

const NO_PYTHON = "no python3 here to run NetworkX (scripts/python_env.ts)";

describe("convert --to graphml", () => {
  const file = join(work, "graph.graphml");

  test("NetworkX reads the file with the declared types", async (t) => {
    const run = await runCli(["convert", backup, "--to", "graphml", "-o", file, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const summary: ConvertSummaryDocument = JSON.parse(run.stdout.toString());
    assert.equal(summary.nodes, expected.nodes);
    const whats = summary.losses.map((l) => `${l.where} ${l.what}: ${l.action}`);
    assert.ok(whats.includes("Types.date Date: written as ISO 8601 text"), whats.join("\n"));
    assert.ok(whats.some((w) => w.startsWith("Types.string_nul character XML")), whats.join("\n"));
    assert.match(
      readFileSync(file, "utf8"),
      /<\/graphml>\n<!--\nLoss report of the conversion to graphml\n/,
    );
    // Later tests read the file this one writes: write it even when NetworkX cannot run here.
    const env = pythonEnv(true);
    if (env === undefined) return t.skip(NO_PYTHON);
    const read = JSON.parse(runPython(env, READ, [file]));
    assert.equal(read.nodes, expected.nodes);
    assert.equal(read.edges, expected.relationships);
    const [node] = read.types;
    assert.deepEqual(node.labels, ["str", ":Types"]);
    assert.deepEqual(node.int_max, ["int", "9223372036854775807"]);
    assert.deepEqual(node.int_min, ["int", "-9223372036854775808"]);
    assert.deepEqual(node.float, ["float", "0.334"]);
    assert.deepEqual(node.float_integral, ["float", "1.0"]);
    assert.deepEqual(node.float_neg_zero, ["float", "-0.0"]);
    assert.deepEqual(node.float_nan, ["float", "nan"]);
    assert.deepEqual(node.float_neg_inf, ["float", "-inf"]);
    assert.deepEqual(node.bool_false, ["bool", "False"]);
    assert.deepEqual(node.string_newlines, ["str", "line 1\nline 2\r\nend"]);
    assert.deepEqual(node.string_nul, ["str", "a\\u0000b"]);
    assert.deepEqual(node.string_emoji, ["str", "🙂 👩‍👩‍👧 日本語 ünï"]);
    assert.deepEqual(node.string_empty, ["str", ""]);
    assert.deepEqual(node.date_time_zone, [
      "str",
      "2015-06-24T12:50:35.556000000+02:00[Europe/Stockholm]",
    ]);
    assert.deepEqual(node.point_wgs84, ["str", "SRID=4326;POINT (56.7 12.1)"]);
    assert.deepEqual(node.bytes, ["str", "AAH/f4A="]);
    assert.deepEqual(node.list_int, ["str", "[1,9007199254740993,-3]"]);
    assert.deepEqual(read.edge[0].int, ["int", "42"]);
    assert.deepEqual(read.movie[0].released, ["int", "1999"]);
  });

  test("Python's XML 1.0 parser reads hostile names back, and the loss report comment whole", (t) => {
    const env = pythonEnv(true);
    if (env === undefined) return t.skip(NO_PYTHON);
    const file = join(work, "graph.graphml");
    const read = JSON.parse(runPython(env, READ_HOSTILE, [file]));
    for (const name of HOSTILE_NAMES) {
      assert.ok(read.labels.includes(`:${name.replace("\u0001", "\\u0001")}`), name);
      assert.ok(read.keys.includes(name.replace("\u0001", "\\u0001")), name);
    }
    assert.ok(read.texts.includes("-->\\u0002"));
    const [comment] = read.comments;
    assert.match(comment, /^\nLoss report of the conversion to graphml\n/);
    assert.match(
      comment,
      /\nc\\x\{01\}- - -\.c\\x\{01\}- - -: Date: written as ISO 8601 text \(2\)\n/,
    );
    assert.match(comment, /\n- ->\.text: character XML 1\.0 cannot hold/);
  });

  test("convert writes GraphML to stdout and the summary to a file", async () => {
    const summaryFile = join(work, "summary.json");
    const run = await runCli([
      "convert",
      backup,
      "--to",
      "graphml",
      "-o",
      "-",
      "--json",
      "--summary",
      summaryFile,
      "--quiet",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.toString(), readFileSync(file, "utf8"));
    const summary = JSON.parse(readFileSync(summaryFile, "utf8"));
    assert.equal(summary.output, "-");
    assert.equal(summary.relationships, expected.relationships);
  });

  test("convert filters records with the filter flags", async () => {
    const filtered = join(work, "movies.graphml");
    const run = await runCli([
      "convert",
      backup,
      "--to",
      "graphml",
      "-o",
      filtered,
      "--labels",
      "Movie",
      "--exclude-properties",
      "tagline",
      "--json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const summary: ConvertSummaryDocument = JSON.parse(run.stdout.toString());
    assert.equal(summary.nodes, 38);
    assert.equal(summary.relationships, 0);
    assert.match(summary.warnings.join("\n"), /Left out by the filter/);
    assert.doesNotMatch(readFileSync(filtered, "utf8"), /tagline/);
  });

  test("convert reads a Python neo4j-backup folder", async (t) => {
    const env = pythonEnv(true);
    if (env === undefined) return t.skip(NO_PYTHON);
    const legacy = join(ROOT, "tests", "fixtures", "legacy", "movies_gz");
    const out = join(work, "legacy.graphml");
    const run = await runCli(["convert", legacy, "--to", "graphml", "-o", out, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const summary: ConvertSummaryDocument = JSON.parse(run.stdout.toString());
    const read = JSON.parse(runPython(env, READ, [out]));
    assert.equal(read.nodes, summary.nodes);
    assert.equal(read.edges, summary.relationships);
    assert.deepEqual(read.movie[0].released, ["int", "1999"]);
  });

  test("convert explains bad flags in one line with exit code 2", async () => {
    for (
      const [args, pattern] of [
        [[backup, "-o", "x"], /Missing --to/],
        [[backup, "--to", "csv", "-o", "x"], /Unknown format 'csv'/],
        [[backup, "--to", "graphml"], /Missing -o/],
        [[backup, "--to", "admin-csv", "-o", "-"], /writes a folder, not stdout/],
        [[backup, "--to", "graphml", "-o", "x", "--dialect", "falkordb"], /cypher only/],
        [[backup, "--to", "admin-csv", "-o", "x", "--target-version", "3.5"], /--target-version/],
      ] as const
    ) {
      const run = await runCli(["convert", ...args]);
      assert.equal(run.code, 2, run.stderr);
      assertOneErrorLine(run, pattern);
    }
  });

  test("convert refuses to overwrite the file without --force", async () => {
    const run = await runCli(["convert", backup, "--to", "graphml", "-o", file]);
    assert.equal(run.code, 8);
    assert.match(run.stderr, /already exists; pass --force/);
  });
});
