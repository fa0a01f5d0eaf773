import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { BackupRecord } from "../format/records.ts";
import { writeAdminCsv } from "./admin_csv.ts";
import { LossReport } from "./loss_report.ts";

const HEADER: BackupRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "test",
  created: "2026-01-01T00:00:00.000Z",
  source: { version: "5.26.0", edition: "community", database: "neo4j" },
};

test("writeAdminCsv() splits a label set by property type and bounds the open files", async () => {
  const folder = mkdtempSync(join(tmpdir(), "admin-csv-unit-"));
  try {
    const records: BackupRecord[] = [
      HEADER,
      { kind: "node", id: 0, labels: ["P"], props: { a: 1n } },
      { kind: "node", id: 1, labels: ["Q"], props: {} },
      { kind: "node", id: 2, labels: ["P"], props: { a: "one", b: true } },
      { kind: "node", id: 3, labels: ["P"], props: { b: false } },
      { kind: "rel", type: "R", start: 0, end: 1, props: { w: [] } },
    ];
    const loss = new LossReport();
    const result = await writeAdminCsv(ReadableStream.from(records), {
      folder,
      targetVersion: "5.26",
      loss,
      maxOpenFiles: 1,
    });
    assert.equal(result.nodes, 4);
    const text = (name: string) => readFileSync(join(folder, name), "utf8");
    const data = (name: string) => gunzipSync(readFileSync(join(folder, name))).toString();
    assert.equal(text("nodes-1-header.csv"), ':ID,:LABEL,"a:long","b:boolean"\n');
    assert.equal(text("nodes-3-header.csv"), ':ID,:LABEL,"a:string","b:boolean"\n');
    assert.equal(data("nodes-1.csv.gz"), '0,"P",1\n');
    assert.equal(data("nodes-1.part2.csv.gz"), '3,"P",,false\n');
    assert.equal(data("relationships-4.csv.gz"), '0,1,"R"\n');
    assert.ok(readdirSync(folder).includes("schema.cypher"));
    assert.deepEqual(loss.lines(), [
      "R.w: empty list: left out (the importer stores no empty arrays) (1)",
    ]);
    assert.match(
      text("import-command.txt"),
      /nodes-1-header\.csv,.*nodes-1\.csv\.gz,.*nodes-1\.part2\.csv\.gz/,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
