import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { Properties } from "../../format/records.ts";
import { LossReport } from "../loss_report.ts";
import { OpenFiles } from "./part_file.ts";
import { ParquetTable } from "./table.ts";
import { columnValue } from "./values.ts";

const { Date: D, DateTime, LocalDateTime } = neo4j.types;

function newTable(dir: string): ParquetTable {
  let n = 0;
  return new ParquetTable("T", ["id"], {
    folder: dir,
    codec: "SNAPPY",
    openFiles: new OpenFiles(1),
    temporary: (stem) => join(dir, `.${stem}.${n++}.tmp`),
  });
}

async function read(path: string) {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return {
    metadata: parquetMetadata(file),
    rows: await parquetReadObjects({ file, utf8: true }),
  };
}

describe("ParquetTable", () => {
  test("columns that appear after a row group was written are joined into one file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parquet-table-"));
    try {
      const table = newTable(dir);
      const loss = new LossReport();
      table.add([0n], { a: 1n }, "T", loss);
      await table.flush();
      table.add([1n], { a: "text", b: new D(2020n, 1n, 2n) }, "T", loss);
      await table.flush();
      table.add([2n], { c: [], a: 2n }, "T", loss);
      const path = await table.finish();
      assert.deepEqual(table.columns().map((c) => c.name), ["id", "a", "a__string", "b", "c"]);
      const { metadata, rows } = await read(path);
      assert.equal(metadata.row_groups.length, 3);
      assert.equal(rows.length, 3);
      assert.deepEqual(rows.map((r) => r.id), [0n, 1n, 2n]);
      assert.deepEqual(rows.map((r) => r.a), [1n, undefined, 2n].map((v) => v ?? null));
      assert.deepEqual(rows.map((r) => r.a__string), [null, "text", null]);
      assert.equal((rows[1].b as Date).toISOString(), "2020-01-02T00:00:00.000Z");
      assert.deepEqual(rows[2].c, []);
      assert.equal(readFileSync(path).subarray(0, 4).toString(), "PAR1");
      assert.ok(loss.empty);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("booleans and lists keep every row across row groups, with gaps and empty lists", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parquet-table-"));
    try {
      const table = newTable(dir);
      const loss = new LossReport();
      const zoned = (h: bigint, offset: bigint) =>
        new DateTime(2020n, 1n, 1n, h, 0n, 0n, 0n, offset);
      const rows: Properties[] = [
        { ok: true, tags: ["a", "bc"], at: [zoned(1n, 3600n)] },
        { tags: [], n: [1n, 2n, 3n] },
        { ok: false, at: [zoned(2n, 0n), zoned(3n, -1800n)] },
        { ok: true, tags: ["é"], n: [] },
        { n: [4n] },
      ];
      // Flushed after 2 and 4 rows: the buffers are reused for the next row group.
      for (const [i, props] of rows.entries()) {
        table.add([BigInt(i)], props, "T", loss);
        if (i === 1 || i === 3) await table.flush();
      }
      const read_ = await read(await table.finish());
      assert.equal(read_.metadata.row_groups.length, 3);
      assert.deepEqual(read_.rows.map((r) => r.ok ?? null), [true, null, false, true, null]);
      assert.deepEqual(read_.rows.map((r) => r.tags ?? null), [["a", "bc"], [], null, ["é"], null]);
      assert.deepEqual(read_.rows.map((r) => r.n ?? null), [null, [1n, 2n, 3n], null, [], [4n]]);
      assert.deepEqual(read_.rows.map((r) => r.at__zone ?? null), [
        ["+01:00"],
        null,
        ["+00:00", "-00:30"],
        null,
        null,
      ]);
      assert.ok(loss.empty);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("values Parquet cannot hold are left out and reported, the rest of the row is kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parquet-table-"));
    try {
      const table = newTable(dir);
      const loss = new LossReport();
      table.add(
        [0n],
        {
          far: new D(-999999999n, 1n, 1n),
          late: new LocalDateTime(2300n, 1n, 1n, 0n, 0n, 0n, 0n),
          text: "a\ud800b",
          k: "kept",
        },
        "T",
        loss,
      );
      const { rows } = await read(await table.finish());
      assert.deepEqual(rows, [{ id: 0n, text: "a\ufffdb", k: "kept" }]);
      assert.deepEqual(loss.lines(), [
        "T.far: Date outside the range of Parquet DATE (32-bit days, about ±5.8 million years): left out (null) (1)",
        "T.late: LocalDateTime outside the range of Parquet TIMESTAMP(NANOS) (1677-09-21 to 2262-04-11): left out (null) (1)",
        "T.text: text with a lone surrogate (UTF-8 cannot encode one): written with U+FFFD in its place (1)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("columnValue", () => {
  test("a DateTime with a zone but no offset takes the zone's offset at that time", () => {
    const winter = new DateTime(2021n, 1n, 1n, 12n, 0n, 0n, 0n, undefined, "Europe/Berlin");
    assert.deepEqual(columnValue(winter), {
      kind: "datetime",
      value: BigInt(Date.UTC(2021, 0, 1, 11)) * 1_000_000n,
      zone: "Europe/Berlin",
    });
    const summer = new DateTime(2021n, 7n, 1n, 12n, 0n, 0n, 0n, undefined, "Europe/Berlin");
    assert.equal(
      (columnValue(summer) as { value: bigint }).value,
      BigInt(Date.UTC(2021, 6, 1, 10)) * 1_000_000n,
    );
  });

  test("a list of Times keeps each element's offset", () => {
    const { Time } = neo4j.types;
    const list = [new Time(1n, 0n, 0n, 5n, 3600n), new Time(2n, 0n, 0n, 0n, -1800n)];
    assert.deepEqual(columnValue(list), {
      kind: "list_time",
      value: [3_600_000_000_005n, 7_200_000_000_000n],
      zone: ["+01:00", "-00:30"],
    });
  });
});
