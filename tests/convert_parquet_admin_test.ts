/**
 * `convert --to parquet` into Neo4j again through `neo4j-admin database import full
 * --input-type=parquet` of the same Maven jars as the test servers (5.26, plus the jars the
 * Parquet reader needs, scripts/neo4j_parquet_jars.ts): the command `import-command.txt` gives
 * imports the folder as it is, a server starts on the store, and the graph equals the source's,
 * typed, except what the loss report lists as left out for neo4j-admin.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ConvertSummaryDocument } from "../lib/cli/convert_command.ts";
import { LEFT_OUT_FOR_ADMIN } from "../lib/convert/parquet/admin_import.ts";
import type { ParquetManifest } from "../lib/convert/parquet/manifest.ts";
import { parquetImportJars } from "../scripts/neo4j_parquet_jars.ts";
import { runNeo4jAdmin, startServer } from "../scripts/neo4j_server.ts";
import { fingerprint, loadTestData } from "./_graph.ts";
import { connect, cypher, useServers } from "./_server.ts";
import { exportWithCli, runCli, tempDir } from "./_cli.ts";

const servers = useServers(1);
const work = tempDir("neo4j-backup-parquet-admin-");
const backup = join(work, "source.jsonl.gz");
const folder = join(work, "parquet");

before(async () => {
  await servers.ready();
  const driver = connect(servers[0]);
  try {
    await loadTestData(driver);
  } finally {
    await driver.close();
  }
  await exportWithCli(servers[0], backup);
}, { timeout: 600_000 });

after(() => rmSync(work, { recursive: true, force: true }));

/** The words of the command in `import-command.txt` after `neo4j-admin`, as a POSIX shell reads them. */
function commandWords(text: string): string[] {
  const command = text.split("\n").filter((l) => !l.startsWith("#")).join("\n")
    .replaceAll("\\\n", " ");
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (c === "\\") {
      word = (word ?? "") + command[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  assert.equal(words[0], "neo4j-admin");
  return words.slice(1);
}

/** A name as a Cypher identifier. */
const q = (name: string) => `\`${name.replaceAll("`", "``")}\``;

/** The source's graph without what the loss report says neo4j-admin leaves out. */
async function expectedGraph(summary: ConvertSummaryDocument, manifest: ParquetManifest) {
  const owners = [
    ...manifest.nodes.map((f) => f.labels.length ? f.labels.join(":") : "(no labels)"),
    ...manifest.relationships.map((f) => f.type),
  ];
  const driver = connect(servers[0]);
  try {
    for (const loss of summary.losses) {
      if (loss.where.startsWith(":") && loss.what.startsWith("label containing")) {
        await cypher(
          driver,
          `MATCH (n:${q(loss.where.slice(1))}) REMOVE n:${q(loss.where.slice(1))}`,
        );
        continue;
      }
      const owner = owners.find((o) => loss.where.startsWith(`${o}.`));
      if (owner === undefined) continue;
      const key = q(loss.where.slice(owner.length + 1));
      // The Parquet files' own losses ("left out (null)") and those of the headers.
      if (loss.action === LEFT_OUT_FOR_ADMIN || loss.action === "left out (null)") {
        await cypher(driver, `MATCH (n) REMOVE n.${key}`);
        await cypher(driver, `MATCH ()-[r]->() REMOVE r.${key}`);
      } else if (loss.what.startsWith("empty string")) {
        await cypher(driver, `MATCH (n) WHERE n.${key} = '' REMOVE n.${key}`);
        await cypher(driver, `MATCH ()-[r]->() WHERE r.${key} = '' REMOVE r.${key}`);
      }
    }
    return await fingerprint(driver);
  } finally {
    await driver.close();
  }
}

describe("convert --to parquet, imported by neo4j-admin", () => {
  test(
    "neo4j-admin 5.26 imports the folder with import-command.txt into the same graph, but for the losses",
    { timeout: 600_000 },
    async () => {
      const run = await runCli(["convert", backup, "--to", "parquet", "-o", folder, "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const summary: ConvertSummaryDocument = JSON.parse(run.stdout.toString());
      const manifest: ParquetManifest = JSON.parse(
        readFileSync(join(folder, "manifest.json"), "utf8"),
      );
      const whats = summary.losses.map((l) => `${l.where}: ${l.what}: ${l.action}`);
      for (
        const lost of [
          "Types.bytes: BYTE ARRAY",
          "Types.date_time_zone: ZONED DATETIME",
          "Types.duration: DURATION",
          "Types.list_date: LIST<DATE>",
          "TYPED.point_wgs84: POINT",
        ]
      ) {
        assert.ok(whats.some((w) => w.startsWith(lost)), `${lost} in\n${whats.join("\n")}`);
      }
      assert.ok(whats.some((w) => w.startsWith("Types.string_empty: empty string")));
      assert.ok(
        whats.includes(
          ":co:lon: label containing ':' (--nodes separates labels with it): left out of the neo4j-admin command",
        ),
        whats.join("\n"),
      );
      const header = readFileSync(join(folder, "neo4j-admin", "Types.header.csv"), "utf8");
      const [names, columns] = header.split("\n");
      assert.match(names, /^:ID,/);
      assert.ok(names.includes('"int_max:long"') && columns.includes('"int_max"'), header);
      const expected = await expectedGraph(summary, manifest);

      const home = tempDir("neo4j-backup-parquet-admin-home-");
      try {
        const words = commandWords(readFileSync(join(folder, "import-command.txt"), "utf8"));
        assert.ok(words.includes("--input-type=parquet"));
        const admin = runNeo4jAdmin("5.26", home, words, "512m", parquetImportJars());
        assert.equal(admin.status, 0, admin.output.slice(-3000));
        const server = await startServer({
          version: "5.26",
          dataDir: join(home, "data"),
          heap: "512m",
        });
        const driver = connect(server);
        try {
          const got = await fingerprint(driver);
          assert.equal(got.nodes.length, expected.nodes.length);
          assert.deepEqual(got.nodes, expected.nodes);
          assert.deepEqual(got.rels, expected.rels);
        } finally {
          await driver.close();
          await server.stop();
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
