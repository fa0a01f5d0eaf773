import { createHash } from "node:crypto";
import { test } from "node:test";
import assert from "node:assert/strict";
import { FormatError } from "../errors.ts";
import { decodeBackup } from "./decoder_stream.ts";
import { IntegrityStream, type IntegrityStreamOptions } from "./integrity_stream.ts";
import type { BackupRecord } from "./records.ts";

const HEADER: BackupRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "test",
  created: "2026-01-01T00:00:00.000Z",
  source: { version: "5.26.0", edition: "community", database: "neo4j" },
};

function node(id: number): BackupRecord {
  return { kind: "node", id, labels: [], props: {} };
}

function rel(start: number, end: number): BackupRecord {
  return { kind: "rel", type: "R", start, end, props: {} };
}

/** Every item of a stream (Array.fromAsync is not in Node 20). */
async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

function check(records: BackupRecord[], options?: IntegrityStreamOptions) {
  return collect(ReadableStream.from(records).pipeThrough(new IntegrityStream(options)));
}

async function fails(
  records: BackupRecord[],
  message: RegExp,
  line: number | undefined,
  options?: IntegrityStreamOptions,
): Promise<void> {
  await assert.rejects(check(records, options), (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${e}`);
    assert.match(e.message, message);
    assert.equal(e.line, line);
    return true;
  });
}

test("IntegrityStream passes a sound backup through unchanged, loops and large ids included", async () => {
  const records = [
    HEADER,
    node(0),
    node(2 ** 52),
    node(-3),
    rel(0, 2 ** 52),
    rel(-3, -3),
    rel(2 ** 52, 0),
  ];
  const out = await check(records);
  assert.equal(out.length, records.length);
  out.forEach((record, i) => assert.equal(record, records[i]));
});

test("IntegrityStream refuses a node id seen before, naming the line of the second", async () => {
  await fails(
    [HEADER, node(1), node(2), node(1)],
    /^Backup is corrupt: the node at line 4 has id 1, which an earlier node has$/,
    4,
  );
});

test("IntegrityStream refuses a relationship to a missing start or end node, naming the line", async () => {
  await fails(
    [HEADER, node(1), rel(1, 1), rel(7, 1)],
    /^Backup is corrupt: the relationship at line 4 refers to node 7, which the backup does not hold$/,
    4,
  );
  await fails(
    [HEADER, node(1), rel(1, 2 ** 40)],
    /the relationship at line 3 refers to node 1099511627776, which/,
    3,
  );
  // Relationships before their nodes (the decoder refuses that order first) fail here too.
  await fails([HEADER, rel(1, 1), node(1)], /line 2 refers to node 1/, 2);
});

test("IntegrityStream counts records, not lines, for input that has none", async () => {
  await fails(
    [HEADER, node(5), node(5)],
    /^Backup is corrupt: the node at record 3 has id 5/,
    undefined,
    { position: "record" },
  );
});

test("decodeBackup with integrity on runs the same checks inline, naming the line", async () => {
  const lines = [
    JSON.stringify(HEADER),
    '{"kind":"node","id":4,"labels":[],"props":{}}',
    '{"kind":"rel","type":"R","start":4,"end":5,"props":{}}',
  ];
  const body = lines.map((l) => l + "\n").join("");
  const sha256 = createHash("sha256").update(body).digest("hex");
  const footer = JSON.stringify({ kind: "footer", nodes: 1, relationships: 1, schema: 0, sha256 });
  const bytes = () => ReadableStream.from([new TextEncoder().encode(body + footer + "\n")]);
  await assert.rejects(
    collect(decodeBackup(bytes(), { integrity: true })),
    { message: /^Backup is corrupt: the relationship at line 3 refers to node 5/, line: 3 },
  );
  // Off by default: import checks the same through its own id map.
  assert.equal((await collect(decodeBackup(bytes()))).length, 4);
});
