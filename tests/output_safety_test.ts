/**
 * Output files and symbolic links: a link planted where `export` or `convert` writes (at
 * `OUT.partial`, at `OUT`, or inside an admin-csv folder) is never written through, a
 * `OUT.partial` left by an interrupted run is never overwritten without `--force`, and a file
 * is never replaced without `--force`. The convert tests read a backup built here; the export
 * tests use one server.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import { useServers } from "./_server.ts";
import { as, assertOneErrorLine, runCli, tempDir } from "./_cli.ts";

const work = tempDir("neo4j-backup-output-safety-");
after(() => rmSync(work, { recursive: true, force: true }));

const RECORDS: BodyRecord[] = [
  {
    kind: "header",
    format: "neo4j-backup",
    version: 1,
    tool: "neo4j-backup 0.1.0",
    created: "2026-11-24T07:00:00.000Z",
    source: { version: "5.26.29", edition: "community", database: "neo4j" },
  },
  {
    kind: "index",
    name: "person_name",
    type: "RANGE",
    entity: "NODE",
    labelsOrTypes: ["Person"],
    properties: ["name"],
    config: {},
  },
  { kind: "node", id: 0, labels: ["Movie"], props: { title: "The Matrix" } },
  { kind: "node", id: 1, labels: ["Person"], props: { name: "Keanu Reeves" } },
  { kind: "rel", type: "ACTED_IN", start: 1, end: 0, props: {} },
];

const backup = join(work, "source.jsonl.gz");
const VICTIM_TEXT = "the victim's own content\n";

before(async () => {
  const bytes = await new Response(encodeBackup(ReadableStream.from(RECORDS))).arrayBuffer();
  writeFileSync(backup, new Uint8Array(bytes));
});

function assertUntouched(victim: string): void {
  assert.equal(readFileSync(victim, "utf8"), VICTIM_TEXT, "the link's target is unchanged");
}

function isLink(path: string): boolean {
  return lstatSync(path).isSymbolicLink();
}

describe("convert to a file", () => {
  for (const format of ["cypher", "graphml"]) {
    test(`convert --to ${format} never writes through a link planted at OUT.partial, with or without --force`, async () => {
      const victim = join(work, `victim-${format}.txt`);
      writeFileSync(victim, VICTIM_TEXT);
      const out = join(work, `out.${format}`);
      symlinkSync(victim, `${out}.partial`);
      const refused = await runCli(["convert", backup, "--to", format, "-o", out]);
      assert.equal(refused.code, 8, refused.stderr);
      assertOneErrorLine(
        refused,
        /File '.*\.partial' exists: an earlier run was interrupted, or another one is writing it; remove it, or pass --force to replace it$/,
      );
      assertUntouched(victim);
      assert.equal(existsSync(out), false);
      const forced = await runCli(["convert", backup, "--to", format, "-o", out, "--force", "-q"]);
      assert.equal(forced.code, 0, forced.stderr);
      assertUntouched(victim);
      assert.equal(existsSync(`${out}.partial`), false, "the planted link was removed");
      assert.ok(!isLink(out));
      assert.match(readFileSync(out, "utf8"), /Keanu Reeves/);
    });
  }

  test("convert never overwrites a partial file left by an earlier run without --force", async () => {
    const out = join(work, "stale.cypher");
    writeFileSync(`${out}.partial`, "an earlier run's bytes");
    const refused = await runCli(["convert", backup, "--to", "cypher", "-o", out]);
    assert.equal(refused.code, 8, refused.stderr);
    assert.equal(readFileSync(`${out}.partial`, "utf8"), "an earlier run's bytes");
    const forced = await runCli(["convert", backup, "--to", "cypher", "-o", out, "--force", "-q"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(existsSync(`${out}.partial`), false);
    assert.match(readFileSync(out, "utf8"), /Keanu Reeves/);
  });

  test("convert --force replaces a link at OUT itself, never its target", async () => {
    const victim = join(work, "victim-out.txt");
    writeFileSync(victim, VICTIM_TEXT);
    const out = join(work, "linked.graphml");
    symlinkSync(victim, out);
    const refused = await runCli(["convert", backup, "--to", "graphml", "-o", out]);
    assert.equal(refused.code, 8, refused.stderr);
    const forced = await runCli(["convert", backup, "--to", "graphml", "-o", out, "--force", "-q"]);
    assert.equal(forced.code, 0, forced.stderr);
    assertUntouched(victim);
    assert.ok(!isLink(out));
    assert.match(readFileSync(out, "utf8"), /<graphml/);
  });
});

describe("convert --to admin-csv into a folder", () => {
  test("convert --to admin-csv --force replaces links planted in its folder, never their targets", async () => {
    const first = join(work, "csv-names");
    const plain = await runCli(["convert", backup, "--to", "admin-csv", "-o", first, "-q"]);
    assert.equal(plain.code, 0, plain.stderr);
    const names = readdirSync(first).sort();
    assert.ok(names.some((n) => n.endsWith(".csv.gz")), names.join(", "));
    assert.ok(names.includes("schema.cypher"), names.join(", "));

    const victim = join(work, "victim-csv.txt");
    writeFileSync(victim, VICTIM_TEXT);
    const dangling = join(work, "created-through-a-dangling-link");
    for (const target of [victim, dangling]) {
      const folder = join(work, `csv-planted-${target === victim ? "link" : "dangling"}`);
      mkdirSync(folder);
      for (const name of names) symlinkSync(target, join(folder, name));
      const forced = await runCli(
        ["convert", backup, "--to", "admin-csv", "-o", folder, "--force", "-q"],
      );
      assert.equal(forced.code, 0, forced.stderr);
      assertUntouched(victim);
      assert.equal(existsSync(dangling), false, "no file was created through a dangling link");
      assert.deepEqual(readdirSync(folder).sort(), names);
      for (const name of names) {
        assert.ok(!isLink(join(folder, name)), `${name} is a new file`);
        const expected = readFileSync(join(first, name), "latin1").replaceAll(first, folder);
        assert.equal(readFileSync(join(folder, name), "latin1"), expected, name);
      }
    }
  });

  test("convert --to admin-csv --force never writes through a link planted at a partial file", async () => {
    const folder = join(work, "csv-partial");
    const victim = join(work, "victim-csv-partial.txt");
    writeFileSync(victim, VICTIM_TEXT);
    mkdirSync(folder);
    for (const name of ["schema.cypher", "import-command.txt", "loss-report.txt"]) {
      symlinkSync(victim, join(folder, `${name}.partial`));
    }
    const run = await runCli([
      "convert",
      backup,
      "--to",
      "admin-csv",
      "-o",
      folder,
      "--force",
      "-q",
    ]);
    assertUntouched(victim);
    if (run.code !== 0) {
      assert.equal(run.code, 7, run.stderr);
      assertOneErrorLine(run, /\.partial': it already exists, left by an interrupted run/);
    }
  });
});

describe("export to a file", () => {
  const servers = useServers(1);

  test("export never writes through a link planted at FILE.partial, with or without --force", async () => {
    const file = join(work, "export.jsonl.gz");
    const victim = join(work, "victim-export.txt");
    writeFileSync(victim, VICTIM_TEXT);
    symlinkSync(victim, `${file}.partial`);
    const refused = await runCli(["export", ...as(servers[0]), "-o", file]);
    assert.equal(refused.code, 8, refused.stderr);
    assertOneErrorLine(refused, /File '.*export\.jsonl\.gz\.partial' exists: an earlier run/);
    assertUntouched(victim);
    assert.equal(existsSync(file), false);
    const forced = await runCli(["export", ...as(servers[0]), "-o", file, "--force", "-q"]);
    assert.equal(forced.code, 0, forced.stderr);
    assertUntouched(victim);
    assert.equal(existsSync(`${file}.partial`), false);
    assert.ok(!isLink(file));
    const verified = await runCli(["verify", file, "-q"]);
    assert.equal(verified.code, 0, verified.stderr);
  });

  test("export never overwrites a partial file left by an earlier run without --force", async () => {
    const file = join(work, "export-stale.jsonl.gz");
    writeFileSync(`${file}.partial`, "an earlier run's bytes");
    const refused = await runCli(["export", ...as(servers[0]), "-o", file]);
    assert.equal(refused.code, 8, refused.stderr);
    assert.equal(readFileSync(`${file}.partial`, "utf8"), "an earlier run's bytes");
    assert.equal(existsSync(file), false);
  });
});
