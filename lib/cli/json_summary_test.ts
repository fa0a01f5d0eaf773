import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { summaryFlags, writeSummary } from "./json_summary.ts";
import { verifyDocument } from "./summary_documents.ts";

test("summaryFlags() refuses --json while the data goes to stdout, unless --summary names a file", () => {
  assert.throws(() => summaryFlags("export", { json: true }, true), UsageError);
  assert.deepEqual(summaryFlags("export", { json: true, summary: "s.json" }, true), {
    json: true,
    summary: "s.json",
  });
  assert.deepEqual(summaryFlags("export", { summary: "s.json" }, true), {
    json: false,
    summary: "s.json",
  });
  assert.throws(() => summaryFlags("import", { summary: "" }, false), /needs a FILE/);
});

test("writeSummary() writes the file whole and leaves no partial file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "json-summary-"));
  try {
    const file = join(dir, "summary.json");
    const doc = verifyDocument({
      input: "a.jsonl",
      header: {
        kind: "header",
        format: "neo4j-backup",
        version: 1,
        tool: "neo4j-backup 0.1.0",
        created: "2026-11-24T07:00:00.000Z",
        source: { version: "5.26.29", edition: "community", database: "neo4j" },
      },
      footer: {
        kind: "footer",
        nodes: 2,
        relationships: 1,
        schema: 0,
        sha256: "ab",
        warnings: ["The database changed while it was exported"],
      },
      indexes: 0,
      constraints: 0,
      bytes: 10,
      seconds: 0.5,
    });
    await writeSummary({ json: false, summary: file }, doc);
    const read = JSON.parse(readFileSync(file, "utf8"));
    assert.deepEqual(read, doc);
    assert.deepEqual(read.warnings, ["The database changed while it was exported"]);
    assert.deepEqual(Object.keys(read).slice(0, 4), ["command", "ok", "seconds", "warnings"]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
