import { test } from "node:test";
import assert from "node:assert/strict";
import type { BackupRecord } from "../format/records.ts";
import { RefusedError, UsageError } from "../errors.ts";
import { type CypherScriptOptions, CypherScriptStream } from "./cypher_script.ts";
import { LossReport } from "./loss_report.ts";

async function script(
  records: BackupRecord[],
  options: CypherScriptOptions,
  loss = new LossReport(),
): Promise<string[]> {
  const stream = new ReadableStream<BackupRecord>({
    start(c) {
      for (const r of records) c.enqueue(r);
      c.close();
    },
  });
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream.pipeThrough(new CypherScriptStream(options, loss))) {
    text += decoder.decode(chunk, { stream: true });
  }
  assert.ok(text.endsWith("\n"));
  return text.slice(0, -1).split("\n");
}

const nodes = (n: number, labels = ["A"]): BackupRecord[] =>
  Array.from({ length: n }, (_, i) => ({ kind: "node", id: i, labels, props: { i: BigInt(i) } }));

const neo4j: CypherScriptOptions = { dialect: "neo4j", targetVersion: "5.26", batchSize: 2 };

test("CypherScriptStream writes full batches as they fill and nodes before relationships", async () => {
  const lines = await script([
    ...nodes(3),
    { kind: "node", id: 3, labels: ["B"], props: {} },
    { kind: "rel", type: "R", start: 0, end: 3, props: {} },
  ], neo4j);
  const unwinds = lines.filter((l) => l.startsWith("UNWIND"));
  assert.equal(unwinds.length, 4);
  assert.match(
    unwinds[0],
    /^UNWIND \[\{i: 0, .*\{i: 1, .*\] AS row CREATE \(n:`__neo4j_backup_node`:`A`/,
  );
  assert.match(unwinds[3], /MATCH \(a:.*CREATE \(a\)-\[r:`R`\]->\(b\) SET r \+= row\.p;$/);
  const removals = lines.filter((l) => l.startsWith("MATCH (n:`__neo4j_backup_node`)"));
  assert.deepEqual(removals.map((l) => l.match(/>= (\d+) AND .* <= (\d+)/)!.slice(1).join("-")), [
    "0-1",
    "2-3",
  ]);
  assert.equal(lines.filter((l) => l.startsWith("DROP INDEX")).length, 1);
});

test("CypherScriptStream keeps a statement within its byte bound, a larger row alone", async () => {
  const big = "x".repeat(3000);
  const records: BackupRecord[] = Array.from({ length: 4 }, (_, i) => ({
    kind: "node",
    id: i,
    labels: [],
    props: { s: i === 2 ? big + big : big },
  }));
  const lines = await script(records, { ...neo4j, batchSize: 100, maxStatementBytes: 7000 });
  const unwinds = lines.filter((l) => l.startsWith("UNWIND"));
  assert.deepEqual(unwinds.map((l) => (l.match(/\{i: /g) ?? []).length), [2, 1, 1]);
});

test("CypherScriptStream writes only comments for an empty backup", async () => {
  const lines = await script([], neo4j);
  assert.ok(lines.every((l) => l.startsWith("// ")));
});

test("CypherScriptStream reports FalkorDB's missing constraints and the temporary tokens", async () => {
  const lines = await script([
    {
      kind: "constraint",
      name: "u",
      type: "UNIQUENESS",
      entity: "NODE",
      labelsOrTypes: ["A"],
      properties: ["i"],
      config: {},
    },
    ...nodes(1),
  ], { dialect: "falkordb", targetVersion: "" });
  const losses = lines.filter((l) => l.startsWith("// loss: "));
  assert.ok(losses.some((l) => l.startsWith("// loss: u: UNIQUENESS constraint")));
  assert.ok(losses.some((l) => l.includes("temporary label and key")));
  assert.ok(!lines.some((l) => l.startsWith("CREATE CONSTRAINT")));
});

test("CypherScriptStream refuses unknown dialects, targets and batch sizes", () => {
  const loss = new LossReport();
  const make = (o: Partial<CypherScriptOptions>) => () =>
    new CypherScriptStream({ ...neo4j, ...o } as CypherScriptOptions, loss);
  assert.throws(make({ dialect: "memgraph" as "neo4j" }), UsageError);
  assert.throws(make({ targetVersion: "3.5" }), UsageError);
  assert.throws(make({ batchSize: 0 }), UsageError);
});

/** A name that tries to end its line and add a statement of its own. */
const INJECT = "x\nMATCH (n) DETACH DELETE n;\n//";
/** The same with `\u000A` written out, which Neo4j reads as a line break even in a comment. */
const INJECT_ESCAPED = "y\\u000AMATCH (n) DETACH DELETE n;\\u000A//";
/** Characters some line-by-line reader ends a line at, besides the line feed. */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const OTHER_BREAKS = /[\r\v\f\u001c-\u001e\u0085\u2028\u2029]/;
/** A `\u` escape Neo4j would read: a backslash not itself escaped by one before it, then `u`. */
const READ_ESCAPE = /(^|[^\\])(\\\\)*\\u/;

/**
 * Asserts that every line is a whole statement or a comment that stays one; returns the
 * statements. FalkorDB has no escape for U+2028 and the like in a string, which keeps them raw:
 * a FalkorDB script is split at line feeds only, so its string literals are not checked.
 */
function statementsOf(lines: string[], dialect = "neo4j"): string[] {
  for (const line of lines) {
    const names = dialect === "neo4j" ? line : line.replace(/'(?:[^'\\]|\\.)*'/g, "''");
    assert.doesNotMatch(names, OTHER_BREAKS, JSON.stringify(line));
    if (line.startsWith("//")) assert.doesNotMatch(line, READ_ESCAPE, line);
    else assert.match(line, /^(CREATE|CALL|DROP|MATCH|UNWIND) .*;$/s, line);
  }
  return lines.filter((l) => !l.startsWith("//"));
}

const HOSTILE: BackupRecord[] = [
  {
    kind: "header",
    format: "neo4j-backup",
    version: 1,
    tool: "test\nMATCH (n) DETACH DELETE n;",
    created: "2026-01-01T00:00:00.000Z",
    source: { version: "5.26.0", edition: "community", database: INJECT },
  },
  {
    kind: "index",
    name: INJECT,
    type: "RANGE",
    entity: "NODE",
    labelsOrTypes: [INJECT],
    properties: [INJECT_ESCAPED, "p\u2028"],
    config: {},
  },
  {
    kind: "index",
    name: INJECT_ESCAPED,
    type: "LOOKUP",
    entity: "NODE",
    labelsOrTypes: [],
    properties: [],
    config: {},
  },
  {
    kind: "index",
    name: INJECT,
    type: "FULLTEXT",
    entity: "RELATIONSHIP",
    labelsOrTypes: ["T\r", "U\u0085"],
    properties: ["a\u0000b"],
    config: { "fulltext.analyzer": "english\nMATCH (n) DETACH DELETE n;" },
  },
  {
    kind: "constraint",
    name: `${INJECT}\u2029`,
    type: "UNIQUENESS",
    entity: "NODE",
    labelsOrTypes: ["L\u000b"],
    properties: ["k\u000c"],
    config: {},
  },
  {
    kind: "index",
    name: INJECT,
    type: "FANCY\nMATCH (n) DETACH DELETE n;",
    entity: "NODE",
    labelsOrTypes: ["L"],
    properties: ["p"],
    config: {},
  },
  { kind: "node", id: 0, labels: [INJECT, "nul\u0000"], props: { [INJECT_ESCAPED]: "v\u2028" } },
  { kind: "node", id: 1, labels: ["L\u001c\u001d\u001e"], props: { "k\u0000\r": [INJECT] } },
  { kind: "rel", type: `${INJECT}\u0000`, start: 0, end: 1, props: { [INJECT]: 1n } },
  { kind: "footer", nodes: 2, relationships: 1, schema: 5, sha256: "", warnings: [INJECT] },
];

test("CypherScriptStream keeps every line a statement or a comment, whatever the names hold", async () => {
  for (const dialect of ["neo4j", "falkordb"] as const) {
    for (const targetVersion of ["5.26", "4.4", "2025"]) {
      const loss = new LossReport();
      const lines = await script(HOSTILE, { dialect, targetVersion }, loss);
      const statements = statementsOf(lines, dialect);
      assert.ok(statements.some((s) => s.startsWith("CREATE ") && s.includes("INDEX")));
      assert.ok(!lines.some((l) => l.startsWith("MATCH (n) DETACH")), lines.join("\n"));
      assert.ok(lines.some((l) => l.startsWith("// backup warning: x\\nMATCH")));
      if (dialect === "neo4j" && targetVersion !== "4.4") {
        assert.ok(
          statements.includes(
            "CREATE RANGE INDEX `x\\u000AMATCH (n) DETACH DELETE n;\\u000A//` " +
              "FOR (n:`x\\u000AMATCH (n) DETACH DELETE n;\\u000A//`) " +
              "ON (n.`y\\u005Cu000AMATCH (n) DETACH DELETE n;\\u005Cu000A//`,n.`p\\u2028`);",
          ),
          statements.join("\n"),
        );
      }
    }
  }
});

test("CypherScriptStream replaces a NUL in a name and reports it: FalkorDB would cut the query there", async () => {
  for (const dialect of ["falkordb", "neo4j"] as const) {
    const loss = new LossReport();
    const lines = await script(HOSTILE, { dialect, targetVersion: "5.26" }, loss);
    assert.ok(!lines.some((l) => l.includes("\u0000")), dialect);
    assert.ok(lines.some((l) => l.includes("`nul_`")), dialect);
    const nul = loss.entries().filter((e) => e.what === "NUL character in a name");
    assert.deepEqual(
      nul.map((e) => e.where).sort(),
      [`${INJECT}:nul\u0000`, `${INJECT}\u0000`, "L\u001c\u001d\u001e.k\u0000\r", INJECT].sort(),
      dialect,
    );
  }
});

test("CypherScriptStream refuses a record whose statement would be too long, naming it", async () => {
  const node = (id: number, s: string): BackupRecord => ({
    kind: "node",
    id,
    labels: ["A"],
    props: { small: "ok", big: s },
  });
  for (const dialect of ["neo4j", "falkordb"] as const) {
    const options = { dialect, targetVersion: "5.26", maxStatementChars: 2000 };
    // 1200 control characters: 1200 characters as the bound guesses, 7200 escaped for Neo4j.
    const control = "\u007f".repeat(1200);
    const quotes = "'".repeat(1400);
    await assert.rejects(
      script([node(7, dialect === "neo4j" ? control : quotes)], options),
      (e: Error) => {
        assert.ok(e instanceof RefusedError, String(e));
        assert.match(
          e.message,
          /^Cannot write node 7 as a Cypher statement: its property 'big' needs \d+/,
        );
        assert.match(e.message, /more than the 2000 a statement may have; leave the property out/);
        return true;
      },
    );
    // Text just within the limit is written.
    const lines = await script([node(8, "x".repeat(1200))], options);
    assert.ok(lines.some((l) => l.includes("x".repeat(1200))));
  }
});

test("CypherScriptStream refuses a 100 MiB string of control characters at once, not after gigabytes", async () => {
  const big = "\u007f".repeat(100 * 1024 * 1024);
  await assert.rejects(
    script([{ kind: "node", id: 1, labels: ["A"], props: { big } }], neo4j),
    (e: Error) =>
      e instanceof RefusedError && /its property 'big' needs 629145611 /.test(e.message),
  );
  const rel: BackupRecord = { kind: "rel", type: big, start: 0, end: 0, props: {} };
  await assert.rejects(
    script([rel], { dialect: "falkordb", targetVersion: "", maxStatementChars: 1 << 20 }),
    (e: Error) =>
      e instanceof RefusedError &&
      /relationship from node 0 to node 0.*its type need/.test(e.message),
  );
});
