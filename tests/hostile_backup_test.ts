/**
 * Backups crafted to do harm, read by the commands that need no server: `verify`, `list` and
 * `convert` refuse what no export writes (exit 6, naming the line), never crash on a field of the
 * wrong type, and never print a backup's control characters raw on the terminal.
 */

import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertOneErrorLine, runCli, tempDir } from "./_cli.ts";

const dir = tempDir("neo4j-backup-hostile-test-");
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "neo4j-backup 0.1.0",
  created: "2026-11-24T07:00:00.000Z",
  source: { version: "5.26.29", edition: "community", database: "neo4j" },
};

let files = 0;

/**
 * Writes an uncompressed backup of the given records (the header first) with a footer whose
 * counts and checksum are right, plus `footer`'s fields; returns its path.
 */
function backup(records: object[], footer: Record<string, unknown> = {}): string {
  const body = records.map((r) => deep(JSON.stringify(r)) + "\n").join("");
  const count = (...kinds: string[]) =>
    records.filter((r) => kinds.includes((r as { kind: string }).kind)).length;
  const sha256 = createHash("sha256").update(body).digest("hex");
  const last = {
    kind: "footer",
    nodes: count("node"),
    relationships: count("rel"),
    schema: count("index", "constraint"),
    sha256,
    ...footer,
  };
  const path = join(dir, `b${++files}.jsonl`);
  writeFileSync(path, body + deep(JSON.stringify(last)) + "\n");
  return path;
}

/** Stands for an array nested 100,000 deep, which JSON.stringify on Node cannot write. */
const DEEP = "\u0000deep";
const DEEP_TEXT = "[".repeat(100_000) + "]".repeat(100_000);

function deep(line: string): string {
  return line.replaceAll(JSON.stringify(DEEP), DEEP_TEXT);
}

const node = (id: number, props: object = {}, labels: string[] = ["N"]) => ({
  kind: "node",
  id,
  labels,
  props,
});
const rel = (start: number, end: number, type = "R") => ({
  kind: "rel",
  type,
  start,
  end,
  props: {},
});

/** Every command that reads a backup without a server, each writing to a fresh output. */
function readers(file: string): string[][] {
  const out = join(dir, `out${++files}`);
  return [
    ["verify", "-q", file],
    ["list", "-q", file],
    ["convert", "-q", file, "--to", "cypher", "-o", `${out}.cypher`],
    ["convert", "-q", file, "--to", "graphml", "-o", `${out}.graphml`],
    ["convert", "-q", file, "--to", "admin-csv", "-o", `${out}-csv`],
  ];
}

/** Runs each command and asserts exit 6 with one error line matching `pattern`. */
async function refused(commands: string[][], pattern: RegExp): Promise<void> {
  for (const args of commands) {
    const result = await runCli(args);
    assert.equal(result.code, 6, `${args.join(" ")}: ${result.stderr}`);
    assertOneErrorLine(result, pattern);
    assert.equal(result.stdout.length, 0, `${args.join(" ")} printed a listing`);
    const output = args[args.indexOf("-o") + 1];
    if (args[0] === "convert" && !output.endsWith("-csv")) {
      assert.ok(!existsSync(output), `${args.join(" ")} left ${output}`);
    }
  }
}

test("a backup with a node id twice is refused by verify, list and convert, naming the line", async () => {
  const file = backup([HEADER, node(1), node(2), node(1), rel(1, 2)]);
  await refused(
    readers(file),
    /Backup is corrupt: the node at line 4 has id 1, which an earlier node has$/,
  );
});

test("a relationship to a node the backup lacks is refused by verify, list and convert", async () => {
  const file = backup([HEADER, node(1), node(2), rel(1, 2), rel(2, 99)]);
  await refused(
    readers(file),
    /Backup is corrupt: the relationship at line 5 refers to node 99, which the backup does not hold$/,
  );
});

test("footer warnings of the wrong type are refused naming the line, never a crash", async () => {
  const body = [HEADER, node(1)];
  const cases: [unknown, string[]][] = [
    [7, ["list", "convert-cypher"]],
    [{ a: 1 }, ["list", "convert-graphml"]],
    ["one warning", ["verify", "list"]],
  ];
  for (const [warnings, which] of cases) {
    const file = backup(body, { warnings });
    const commands = readers(file).filter((args) =>
      which.includes(args[0] === "convert" ? `convert-${args[4]}` : args[0])
    );
    assert.equal(commands.length, 2);
    await refused(
      commands,
      /Cannot read line 3: field 'warnings' must be a list of strings when present$/,
    );
  }
});

test("a list of mixed types is refused when read, naming the key and the line", async () => {
  const file = backup([HEADER, node(1, { ok: [1, 2] }), node(2, { tags: [1, "a", true] })]);
  const commands = readers(file).filter((a) => a[0] === "verify" || a.includes("admin-csv"));
  await refused(
    commands,
    /Cannot decode property 'tags' in 'props' on line 3: a list must hold values of one type: element 0 is Integer, element 1 is String$/,
  );
});

test("a deeply nested unknown field in the header or footer does not crash --json", async () => {
  const file = backup([{ ...HEADER, extra: DEEP }, node(1)], { extra: DEEP });
  for (const command of ["list", "verify"]) {
    const result = await runCli([command, "--json", "-q", file]);
    assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    const doc = JSON.parse(result.stdout.toString());
    assert.equal(doc.header.tool, HEADER.tool);
    assert.equal("extra" in doc.header, false);
    assert.equal("extra" in doc.footer, false);
  }
});

/** The control characters a terminal acts on, escapes included. */
// deno-lint-ignore no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;

test("verify and list show control characters in a backup's text escaped, never raw", async () => {
  const esc = "\u001b";
  const file = backup([
    {
      ...HEADER,
      tool: `evil${esc}[2J`,
      source: { version: "5.26.29", edition: "community", database: "db\nneo4j-backup: OK" },
    },
    {
      kind: "index",
      name: `idx${esc}]0;title\u0007`,
      type: "RANGE",
      entity: "NODE",
      labelsOrTypes: ["A\rB"],
      properties: ["p\u202e"],
      config: {},
    },
    node(1, { [`key${esc}[31m`]: 1 }, [`Label${esc}[8m`]),
    node(2),
    rel(1, 2, "T\u0085YPE"),
  ], { warnings: [`warn${esc}[1A\nfake line`] });
  const verify = await runCli(["verify", file]); // -q would print no report
  assert.equal(verify.code, 0, verify.stderr);
  assert.doesNotMatch(verify.stderr, CONTROL);
  const list = await runCli(["list", "-q", file]);
  assert.equal(list.code, 0, list.stderr);
  for (const [name, out] of [["verify", verify.stdout], ["list", list.stdout]] as const) {
    const text = out.toString();
    for (const line of text.split("\n")) assert.doesNotMatch(line, CONTROL, `${name}: ${line}`);
    assert.match(text, /evil\\u001b\[2J/);
    assert.match(text, /db\\nneo4j-backup: OK/);
    assert.match(text, /warn\\u001b\[1A\\nfake line/);
    assert.doesNotMatch(text, /^neo4j-backup: OK/m);
    assert.doesNotMatch(text, /^fake line/m);
  }
  const listed = list.stdout.toString();
  assert.match(listed, /Label\\u001b\[8m/);
  assert.match(listed, /key\\u001b\[31m/);
  assert.match(listed, /T\\u0085YPE/);
  assert.match(listed, /idx\\u001b\]0;title\\u0007/);
  assert.match(listed, /A\\rB/);
  assert.match(listed, /p\\u202e/);
});

test("an error about a backup's text shows its control characters escaped", async () => {
  const file = backup([HEADER, node(1, { [`k\u001b[2J`]: { "$x\u001b[31m": 1 } })]);
  const result = await runCli(["verify", "-q", file]);
  assert.equal(result.code, 6, result.stderr);
  assertOneErrorLine(result, /property 'k\\u001b\[2J' .* unknown type tag '\$x\\u001b\[31m'$/);
  assert.doesNotMatch(result.stderr.trimEnd(), CONTROL);
});

test("a name no Neo4j holds (empty, or with a lone surrogate) is refused by every reader, naming the line", async () => {
  const index = (name: string, labels: string[], properties: string[]) => ({
    kind: "index",
    name,
    type: "RANGE",
    entity: "NODE",
    labelsOrTypes: labels,
    properties,
    config: {},
  });
  const cases: [object[], RegExp][] = [
    [[node(1, {}, ["N", ""])], /line 2: a name in 'labels' is empty/],
    [[node(1), node(2), rel(1, 2, "")], /line 4: the relationship type is empty/],
    [[node(1, { "": 1 })], /line 2: a key in 'props' is empty/],
    [[node(1, {}, ["N\ud800"])], /line 2: a name in 'labels' holds a lone surrogate \(U\+D800\)/],
    [[index("by_x", ["N"], [""])], /line 2: a name in 'properties' is empty/],
    [
      [index("\udc00by_x", ["N"], ["x"])],
      /line 2: the index name holds a lone surrogate \(U\+DC00\)/,
    ],
  ];
  for (const [records, where] of cases) {
    const file = backup([HEADER, ...records]);
    const pattern = new RegExp(
      `Cannot read ${where.source}: no Neo4j database holds such a name, so no export wrote ` +
        "this backup; it was made or changed by hand$",
    );
    // Every reader shares the decoder: one command of each kind is enough per case.
    await refused(readers(file).filter((_, i) => i < 3 || files % 2 === 0), pattern);
  }
});
