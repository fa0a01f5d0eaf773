import { test } from "node:test";
import assert from "node:assert/strict";
import type { BackupRecord } from "../format/records.ts";
import { UsageError } from "../errors.ts";
import { type CypherScriptOptions, CypherScriptStream } from "./cypher_script.ts";
import { LossReport } from "./loss_report.ts";

async function script(records: BackupRecord[], options: CypherScriptOptions): Promise<string[]> {
  const loss = new LossReport();
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
