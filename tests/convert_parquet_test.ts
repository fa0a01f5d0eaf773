/**
 * `convert --to parquet` against its real consumers (PyPI, in the cached environment of
 * scripts/python_env.ts): DuckDB reads every file with the declared types and every value of
 * the every-type node and relationship exactly; PySpark joins the relationships to the nodes and
 * gets the source's pattern counts; ladybug (Kuzu's maintained fork) loads the folder with
 * `COPY FROM` into tables declared from manifest.json and answers the same counts and values.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ConvertSummaryDocument } from "../lib/cli/convert_command.ts";
import { decompressors } from "../lib/convert/parquet/codecs.ts";
import type { ParquetManifest } from "../lib/convert/parquet/manifest.ts";
import type { Properties, ScalarValue } from "../lib/format/records.ts";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { parquetPythonEnv, runPython } from "../scripts/python_env.ts";
import { loadTestData, TYPED_VALUES } from "./_graph.ts";
import { DUCKDB_READ, LADYBUG_LOAD, SPARK_PATTERNS } from "./_parquet.ts";
import { connect, useServers } from "./_server.ts";
import { assertOneErrorLine, exportWithCli, runCli, tempDir } from "./_cli.ts";

const servers = useServers(1);
const work = tempDir("neo4j-backup-parquet-");
const backup = join(work, "source.jsonl.gz");
const folder = join(work, "parquet");
/** The source's relationship counts per (sorted start labels, type, sorted end labels). */
let patterns: [string[], string, string[], number][];
let summary: ConvertSummaryDocument;
let manifest: ParquetManifest;

before(async () => {
  await servers.ready();
  const driver = connect(servers[0]);
  try {
    await loadTestData(driver);
    const result = await driver.executeQuery(
      "MATCH (a)-[r]->(b) RETURN labels(a) AS s, type(r) AS t, labels(b) AS e, count(*) AS n",
    );
    patterns = result.records.map((r) => [
      [...r.get("s")].sort(),
      r.get("t"),
      [...r.get("e")].sort(),
      Number(r.get("n")),
    ]);
  } finally {
    await driver.close();
  }
  await exportWithCli(servers[0], backup);
  const run = await runCli(["convert", backup, "--to", "parquet", "-o", folder, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  summary = JSON.parse(run.stdout.toString());
  manifest = JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8"));
}, { timeout: 600_000 });

after(() => rmSync(work, { recursive: true, force: true }));

const NO_PYTHON = "no python3 here to run the Parquet consumers (scripts/python_env.ts)";

/** A value as the consumers' programs print it: exact text for what JSON cannot hold. */
function expected(value: ScalarValue | ScalarValue[]): unknown {
  if (Array.isArray(value)) return value.map((v) => expected(v));
  if (typeof value === "bigint") return String(value);
  if (typeof value === "number") return ["float", pythonRepr(value)];
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (value instanceof Int8Array || value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")
      .toUpperCase();
  }
  const v = value as unknown as Record<string, bigint | number | string | undefined>;
  if ("srid" in v) {
    const z = v.z === undefined ? null : ["float", pythonRepr(Number(v.z))];
    return {
      srid: Number(v.srid),
      x: ["float", pythonRepr(Number(v.x))],
      y: ["float", pythonRepr(Number(v.y))],
      z,
    };
  }
  if ("months" in v) {
    return {
      months: String(v.months),
      days: String(v.days),
      seconds: String(v.seconds),
      nanoseconds: Number(v.nanoseconds),
    };
  }
  const seconds = (x: Record<string, unknown>) =>
    (Number(x.hour) * 60 + Number(x.minute)) * 60 + Number(x.second);
  if (!("year" in v)) return String(BigInt(seconds(v)) * 1_000_000_000n + BigInt(v.nanosecond!));
  const epoch = Date.UTC(Number(v.year), Number(v.month) - 1, Number(v.day)) / 1000;
  if (!("hour" in v)) {
    return `${String(v.year).padStart(4, "0")}-${String(v.month).padStart(2, "0")}-${
      String(v.day).padStart(2, "0")
    }`;
  }
  const offset = Number(v.timeZoneOffsetSeconds ?? 0);
  return String(BigInt(epoch + seconds(v) - offset) * 1_000_000_000n + BigInt(v.nanosecond!));
}

/** Python's `repr` of a float. */
function pythonRepr(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (Object.is(n, -0)) return "-0.0";
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n);
}

/** The zone column a consumer reads beside a Time or DateTime (or a list of them). */
function expectedZone(value: ScalarValue | ScalarValue[]): unknown {
  if (Array.isArray(value)) return value.map((v) => expectedZone(v));
  const v = value as unknown as { timeZoneId?: string; timeZoneOffsetSeconds: bigint };
  if (v.timeZoneId) return v.timeZoneId;
  const s = Number(v.timeZoneOffsetSeconds);
  const abs = Math.abs(s);
  const two = (n: number) => String(Math.floor(n)).padStart(2, "0");
  const text = `${s < 0 ? "-" : "+"}${two(abs / 3600)}:${two((abs / 60) % 60)}`;
  return abs % 60 ? `${text}:${two(abs % 60)}` : text;
}

/** What a column of the every-type entity must hold, key by key (date_far is in the loss report). */
function expectedRow(props: Properties): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key === "date_far") continue;
    row[key] = expected(value);
    const zoned = /^(list_)?(time|date_time)/.test(key) && !key.startsWith("list_local");
    if (zoned) row[`${key}__zone`] = expectedZone(value);
  }
  return row;
}

describe("convert --to parquet", () => {
  test("the folder holds a file per label set and per type, described by manifest.json", () => {
    assert.equal(summary.format, "parquet");
    assert.equal(summary.nodes, manifest.nodes.reduce((n, f) => n + f.rows, 0));
    assert.equal(summary.relationships, manifest.relationships.reduce((n, f) => n + f.rows, 0));
    const types = manifest.nodes.find((f) => f.labels.join() === "Types")!;
    assert.equal(types.file, "nodes/Types.parquet");
    const byName = Object.fromEntries(types.columns.map((c) => [c.name, c]));
    assert.deepEqual(byName.date_time_zone, {
      name: "date_time_zone",
      role: "property",
      key: "date_time_zone",
      cypherType: "ZONED DATETIME",
      parquetType: "TIMESTAMP(NANOS, UTC)",
      zoneColumn: "date_time_zone__zone",
    });
    assert.equal(byName.list_duration.cypherType, "LIST<DURATION>");
    const spoke = manifest.relationships.find((f) => f.type === "SPOKE")!;
    assert.deepEqual(spoke.endpoints, [{ start: "Hub", end: "Leaf", rows: 3000 }]);
    const whats = summary.losses.map((l) => `${l.where}: ${l.what}: ${l.action}`);
    assert.ok(
      whats.includes(
        "Types.date_far: Date outside the range of Parquet DATE (32-bit days, about ±5.8 million years): left out (null)",
      ),
      whats.join("\n"),
    );
    assert.match(
      readFileSync(join(folder, "loss-report.txt"), "utf8"),
      /^Loss report of the conversion to parquet\n/,
    );
    for (const file of [...manifest.nodes, ...manifest.relationships]) {
      assert.ok(existsSync(join(folder, file.file)), file.file);
    }
  });

  test("DuckDB reads every file with the declared types, and every value as the source's", (t) => {
    const env = parquetPythonEnv(true);
    if (env === undefined) return t.skip(NO_PYTHON);
    const picks = [
      ["nodes/Types.parquet", "k", "types"],
      ["relationships/TYPED.parquet", "int", "42"],
    ];
    const read = JSON.parse(runPython(env, DUCKDB_READ, [folder, JSON.stringify(picks)]));
    const duckType: Record<string, string> = {
      INT64: "BIGINT",
      DOUBLE: "DOUBLE",
      STRING: "VARCHAR",
      BOOLEAN: "BOOLEAN",
      BINARY: "BLOB",
      DATE: "DATE",
      "TIME(NANOS, local)": "TIME_NS",
      "TIMESTAMP(NANOS, local)": "TIMESTAMP_NS",
      "TIMESTAMP(NANOS, UTC)": "TIMESTAMPTZ_NS",
      "STRUCT(months INT64, days INT64, seconds INT64, nanoseconds INT32)":
        'STRUCT("months" BIGINT, "days" BIGINT, "seconds" BIGINT, nanoseconds INTEGER)',
      "STRUCT(srid INT32, x DOUBLE, y DOUBLE, z DOUBLE)":
        "STRUCT(srid INTEGER, x DOUBLE, y DOUBLE, z DOUBLE)",
    };
    const declared = (t: string): string =>
      t.startsWith("LIST<") ? `${declared(t.slice(5, -1))}[]` : duckType[t];
    for (const file of [...manifest.nodes, ...manifest.relationships]) {
      const seen = read.files[file.file];
      assert.equal(seen.rows, file.rows, file.file);
      assert.deepEqual(
        seen.types,
        file.columns.map((c) => [c.name, declared(c.parquetType)]),
        file.file,
      );
    }
    const [[node], [rel]] = read.rows;
    const want = expectedRow(TYPED_VALUES);
    for (const row of [node, rel]) {
      for (const [key, value] of Object.entries(want)) assert.deepEqual(row[key], value, key);
      assert.equal(row.date_far, undefined);
    }
    assert.equal(node.k, "types");
  });

  test("PySpark joins the relationships to the nodes and gets the source's pattern counts", (t) => {
    const env = parquetPythonEnv(true);
    if (env === undefined) return t.skip(NO_PYTHON);
    const read = JSON.parse(
      runPython(env, SPARK_PATTERNS, [folder, "relationships/TYPED.parquet"]),
    );
    const sorted = [...patterns].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
    const got = [...read.patterns].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
    assert.deepEqual(got, sorted);
    assert.equal(read.nodes, summary.nodes);
    assert.equal(read.relationships, summary.relationships);
    const schema = Object.fromEntries(read.typed.schema);
    assert.equal(schema.int_max, "bigint");
    assert.equal(schema.local_time, "time(9)");
    assert.equal(schema.date, "date");
    assert.equal(schema.list_point, "array<struct<srid:int,x:double,y:double,z:double>>");
  });

  test("ladybug loads the folder into tables declared from manifest.json, with the same counts and values", (t) => {
    const env = parquetPythonEnv(true);
    if (env === undefined) return t.skip(NO_PYTHON);
    const picks = [["Types", "k", "types"]];
    const read = JSON.parse(
      runPython(env, LADYBUG_LOAD, [folder, join(work, "ladybug.db"), JSON.stringify(picks)]),
    );
    for (const file of [...manifest.nodes, ...manifest.relationships]) {
      assert.equal(read.counts[file.table], file.rows, file.table);
    }
    const [[node]] = read.samples;
    assert.equal(node.int_max, "9223372036854775807");
    assert.deepEqual(node.float_neg_zero, ["float", "-0.0"]);
    assert.equal(node.string_emoji, "🙂 👩‍👩‍👧 日本語 ünï");
    assert.deepEqual(node.bytes, ["bytes", "0001FF7F80"]);
    assert.equal(node.date, "2020-02-29");
    assert.equal(node.local_date_time, "1436038344999999999");
    assert.deepEqual(node.list_int, [1, "9007199254740993", -3]);
    assert.deepEqual(node.duration, { months: 5, days: 1, seconds: 43200, nanoseconds: 5 });
    assert.equal(node.date_time_zone__zone, "Europe/Stockholm");
  });

  test("convert refuses stdout and a folder that is not empty, and writes Snappy when asked", async () => {
    const stdout = await runCli(["convert", backup, "--to", "parquet", "-o", "-"]);
    assert.equal(stdout.code, 2);
    assertOneErrorLine(stdout, /--to parquet writes a folder, not stdout/);
    const again = await runCli(["convert", backup, "--to", "parquet", "-o", folder]);
    assert.equal(again.code, 8);
    assertOneErrorLine(again, /is not empty; pass --force/);
    const snappy = join(work, "snappy");
    const run = await runCli([
      "convert",
      backup,
      "--to",
      "parquet",
      "-o",
      snappy,
      "--compression",
      "snappy",
      "--labels",
      "Types",
      "--quiet",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const written: ParquetManifest = JSON.parse(
      readFileSync(join(snappy, "manifest.json"), "utf8"),
    );
    assert.equal(written.compression, "snappy");
    assert.deepEqual(written.nodes.map((f) => f.table), ["Types"]);
    const bad = await runCli([
      "convert",
      backup,
      "--to",
      "graphml",
      "-o",
      "-",
      "--compression",
      "zstd",
    ]);
    assertOneErrorLine(bad, /--compression applies to --to parquet only/);
    writeFileSync(join(work, "not-a-folder"), "");
    const file = await runCli([
      "convert",
      backup,
      "--to",
      "parquet",
      "-o",
      join(work, "not-a-folder"),
    ]);
    assertOneErrorLine(file, /Cannot write the Parquet files to .*: it is not a folder/);
  });

  test("small row groups (--row-group-rows) hold the same rows as the default ones", async () => {
    const small = join(work, "small-groups");
    const run = await runCli([
      "convert",
      backup,
      "--to",
      "parquet",
      "-o",
      small,
      "--row-group-rows",
      "2",
      "--quiet",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const read = async (path: string) => {
      const bytes = readFileSync(path);
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return {
        groups: parquetMetadata(file).row_groups.length,
        rows: await parquetReadObjects({ file, compressors: decompressors() }),
      };
    };
    let split = 0;
    for (const entry of [...manifest.nodes, ...manifest.relationships]) {
      const one = await read(join(folder, entry.file));
      const many = await read(join(small, entry.file));
      assert.equal(many.groups, Math.ceil(entry.rows / 2), entry.file);
      assert.deepEqual(many.rows, one.rows, entry.file);
      if (many.groups > 1) split++;
    }
    assert.ok(split > 0, "no table had more than one row group");
    const bad = await runCli([
      "convert",
      backup,
      "--to",
      "admin-csv",
      "-o",
      join(work, "x"),
      "--row-group-rows",
      "2",
    ]);
    assertOneErrorLine(bad, /--row-group-rows applies to --to parquet only/);
    const zero = await runCli([
      "convert",
      backup,
      "--to",
      "parquet",
      "-o",
      join(work, "y"),
      "--row-group-rows",
      "0",
    ]);
    assertOneErrorLine(zero, /Invalid value '0' for '--row-group-rows'/);
  });
});
