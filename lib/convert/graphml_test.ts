import { test } from "node:test";
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import neo4j from "neo4j-driver";
import type { BackupRecord } from "../format/records.ts";
import { writeGraphml } from "./graphml.ts";
import { LossReport } from "./loss_report.ts";
import { xmlText } from "./xml_text.ts";

let files = 0;

/** Runs the writer; hands each chunk of the document to `chunk` (the whole text by default). */
async function graphml(
  records: BackupRecord[],
  loss = new LossReport(),
  chunk?: (bytes: Uint8Array) => void,
): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  await writeGraphml(ReadableStream.from(records), {
    loss,
    tempPath: join(tmpdir(), `graphml-unit-${process.pid}-${++files}.tmp`),
    sink: async (bytes) => {
      for await (const c of bytes) {
        if (chunk) chunk(c);
        else text += decoder.decode(c, { stream: true });
      }
    },
  });
  return text;
}

/** Characters XML 1.0 cannot hold anywhere in a document. */
const NOT_XML =
  // deno-lint-ignore no-control-regex -- control characters are what it looks for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const date = new neo4j.types.Date(2020n, 1n, 2n);

test("writeGraphml() writes a loss report comment that any XML 1.0 parser reads, whatever the names hold", async () => {
  const loss = new LossReport();
  const text = await graphml([
    {
      kind: "node",
      id: 0,
      labels: ["L---", "-->", "x\u0001"],
      props: { "k---": date, "c\u0001--": [1n], "-": "a\u0000b", "ends-": date, "--->": date },
    },
    { kind: "rel", type: "T---\u001b", start: 0, end: 0, props: { "---": date } },
  ], loss);
  assert.doesNotMatch(text, NOT_XML);
  const start = text.indexOf("</graphml>\n<!--") + "</graphml>\n<!--".length;
  assert.ok(text.endsWith("-->\n"));
  const comment = text.slice(start, -"-->\n".length);
  assert.doesNotMatch(comment, /--/);
  assert.ok(!comment.endsWith("-"));
  assert.match(comment, /^\nLoss report of the conversion to graphml\n/);
  assert.match(comment, /L- - -:- ->:x\\x\{01\}\.k- - -: Date: written as ISO 8601 text \(1\)/);
  assert.match(comment, /T- - -\\x\{1B\}\.- - -: Date/);
  assert.equal(comment.split("\n").length, loss.entries().length + 3);
});

test("writeGraphml() escapes a long value slice by slice exactly as it would whole", async () => {
  // An emoji across the first slice boundary, markup, and characters XML cannot hold.
  const value = "x".repeat((1 << 20) - 1) + ('🙂&<\u0001"' + "y".repeat(70_000)).repeat(30);
  const loss = new LossReport();
  const text = await graphml(
    [{ kind: "node", id: 0, labels: [], props: { [value]: value } }],
    loss,
  );
  assert.ok(text.includes(`<data key="d0">${xmlText(value).text}</data>`));
  assert.ok(text.includes(`attr.name="${xmlText(value, true).text}"`));
  assert.deepEqual(loss.entries().map((e) => e.count), [30, 30]);
});

test("writeGraphml() writes 108 Mi ampersands, escaped longer than any JavaScript string", async () => {
  const bytes = async (big: string) => {
    let n = 0;
    const record: BackupRecord = { kind: "node", id: 0, labels: ["A"], props: { big } };
    await graphml([record], new LossReport(), (c) => n += c.length);
    return n;
  };
  const length = 108 * 1024 * 1024;
  // Each `&` is `&amp;`: 540 Mi characters in all, more than the 512 Mi a string may hold.
  assert.equal(await bytes("&".repeat(length)), await bytes("&") + 5 * (length - 1));
});
