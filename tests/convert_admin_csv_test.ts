/**
 * `convert --to admin-csv` against the real consumer: the `neo4j-admin` of the same Maven jars as
 * the test servers imports the folder into a fresh store (5.26 and 4.4), a server starts on that
 * store, `schema.cypher` runs as cypher-shell runs it, and the graph equals the source's, typed,
 * except what the loss report lists. The source holds the every-type graph with its schema,
 * Movies and Northwind, and schema items whose names try to add a statement to `schema.cypher`.
 */

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import type { Driver } from "neo4j-driver";
import type { ConvertSummaryDocument } from "../lib/cli/convert_command.ts";
import { loadNorthwind } from "../scripts/datasets.ts";
import { type Neo4jLine, runNeo4jAdmin, startServer } from "../scripts/neo4j_server.ts";
import { quote } from "../lib/neo4j/cypher.ts";
import { cypherShellStatements } from "./_cypher_shell.ts";
import { fingerprint, loadTestGraph } from "./_graph.ts";
import { connect, cypher, loadMovies, useServers } from "./_server.ts";
import { assertOneErrorLine, exportWithCli, runCli, tempDir } from "./_cli.ts";

/** Names that try to end a comment line of `schema.cypher` and add a statement of their own. */
const HOSTILE_LOOKUP = "x\nMATCH (n) DETACH DELETE n;\n//";
/** The same with `\u000A` written out, which Neo4j reads as a line break inside a comment. */
const HOSTILE_REL_LOOKUP = "y\\u000AMATCH (n) DETACH DELETE n;\\u000A//";
/** A vector index: not created for 4.4, so its name goes into a comment there. */
const HOSTILE_VECTOR = "v\r\nMATCH (n) DETACH DELETE n;\u2028\\u000A//";

/**
 * Replaces the source's lookup indexes with ones named {@link HOSTILE_LOOKUP} and
 * {@link HOSTILE_REL_LOOKUP}, and adds a vector index named {@link HOSTILE_VECTOR}; returns
 * what puts the source back (the test servers' own clean-up writes names raw).
 */
async function addHostileSchema(driver: Driver): Promise<() => Promise<void>> {
  const lookups = await cypher(
    driver,
    "SHOW INDEXES YIELD name, type, entityType WHERE type = 'LOOKUP' RETURN name, entityType",
  );
  const pattern = (entity: unknown) =>
    entity === "NODE" ? "FOR (n) ON EACH labels(n)" : "FOR ()-[r]-() ON EACH type(r)";
  const replace = async (from: string, to: string, entity: string) => {
    await cypher(driver, `DROP INDEX ${quote(from)}`);
    await cypher(driver, `CREATE LOOKUP INDEX ${quote(to)} ${pattern(entity)}`);
  };
  const original = new Map(lookups.map((l) => [String(l.entityType), String(l.name)]));
  await replace(original.get("NODE")!, HOSTILE_LOOKUP, "NODE");
  await replace(original.get("RELATIONSHIP")!, HOSTILE_REL_LOOKUP, "RELATIONSHIP");
  await cypher(
    driver,
    `CREATE VECTOR INDEX ${quote(HOSTILE_VECTOR)} FOR (n:Doc) ON (n.hostile) ` +
      "OPTIONS {indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'cosine'}}",
  );
  await cypher(driver, "CALL db.awaitIndexes(300)");
  return async () => {
    await cypher(driver, `DROP INDEX ${quote(HOSTILE_VECTOR)}`);
    await replace(HOSTILE_LOOKUP, original.get("NODE")!, "NODE");
    await replace(HOSTILE_REL_LOOKUP, original.get("RELATIONSHIP")!, "RELATIONSHIP");
    await cypher(driver, "CALL db.awaitIndexes(300)");
  };
}

const servers = useServers(1);
const work = tempDir("neo4j-backup-admin-csv-");
const backup = join(work, "source.jsonl.gz");
let expected: { nodes: string[]; rels: string[] };
let summary: ConvertSummaryDocument;

before(async () => {
  await servers.ready();
  const driver = connect(servers[0]);
  try {
    await loadTestGraph(driver);
    await loadMovies(driver);
    await loadNorthwind(driver);
    const restore = await addHostileSchema(driver);
    await exportWithCli(servers[0], backup);
    await restore();
  } finally {
    await driver.close();
  }
}, { timeout: 600_000 });

after(() => rmSync(work, { recursive: true, force: true }));

/** The words of the command `import-command.txt` gives for a syntax, after `neo4j-admin`. */
function commandWords(folder: string, line: Neo4jLine): string[] {
  const text = readFileSync(join(folder, "import-command.txt"), "utf8");
  const start = line === "4.4" ? "neo4j-admin import" : "neo4j-admin database import full";
  const block = text.split("\n\n").find((b) => b.includes(start))!;
  const command = block.split("\n").filter((l) => !l.startsWith("#")).join(" ").replaceAll(
    "\\ ",
    "",
  );
  return command.split(/\s+/).filter((w) => w !== "").slice(1).map((w) => w.replace(/^'|'$/g, ""));
}

/** The source's graph without the properties the loss report says were left out. */
async function expectedGraph(losses: ConvertSummaryDocument["losses"]) {
  const driver = connect(servers[0]);
  try {
    for (const loss of losses) {
      if (!loss.action.startsWith("left out") || !loss.where.includes(".")) continue;
      const key = loss.where.slice(loss.where.lastIndexOf(".") + 1).replaceAll("`", "``");
      await cypher(driver, `MATCH (n) REMOVE n.\`${key}\``);
      await cypher(driver, `MATCH ()-[r]->() REMOVE r.\`${key}\``);
    }
    return await fingerprint(driver);
  } finally {
    await driver.close();
  }
}

/** Imports the folder with the real neo4j-admin of a line, starts a server on it, runs the schema. */
async function importAndCompare(folder: string, line: Neo4jLine): Promise<void> {
  const home = tempDir(`neo4j-backup-admin-home-${line}-`);
  try {
    const admin = runNeo4jAdmin(line, home, commandWords(folder, line));
    assert.equal(admin.status, 0, admin.output.slice(-3000));
    const server = await startServer({ version: line, dataDir: join(home, "data"), heap: "512m" });
    const driver = connect(server);
    try {
      // As cypher-shell -f runs it: each comment goes to the server with the next statement.
      const script = readFileSync(join(folder, "schema.cypher"), "utf8");
      for (const statement of cypherShellStatements(script)) await cypher(driver, statement);
      const got = await fingerprint(driver);
      assert.equal(got.nodes.length, expected.nodes.length);
      assert.deepEqual(got.nodes, expected.nodes);
      assert.deepEqual(got.rels, expected.rels);
      const names = (await cypher(driver, "SHOW CONSTRAINTS YIELD name")).map((r) => r.name);
      assert.ok(names.includes("unique_leaf"), `constraints: ${names.join(", ")}`);
      assert.ok(names.includes("Product_productID"), `constraints: ${names.join(", ")}`);
      const indexes = (await cypher(driver, "SHOW INDEXES YIELD name")).map((r) => r.name);
      assert.equal(indexes.includes(HOSTILE_VECTOR), line === "5.26", indexes.join(", "));
    } finally {
      await driver.close();
      await server.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe("convert --to admin-csv", () => {
  const folder = join(work, "csv");

  test("convert writes a folder with typed headers, the commands, the schema and the losses", async () => {
    const run = await runCli(["convert", backup, "--to", "admin-csv", "-o", folder, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    summary = JSON.parse(run.stdout.toString());
    assert.equal(summary.command, "convert");
    assert.equal(summary.format, "admin-csv");
    assert.ok(summary.nodes > 4000);
    const files = readdirSync(folder);
    for (const f of ["import-command.txt", "schema.cypher", "loss-report.txt"]) {
      assert.ok(files.includes(f), f);
    }
    const headers = files.filter((f) => f.endsWith("-header.csv"));
    const all = headers.map((f) => readFileSync(join(folder, f), "utf8")).join("");
    for (const type of ["long", "double", "string[]", "datetime", "point", "duration", "byte[]"]) {
      assert.ok(all.includes(`:${type}"`), type);
    }
    const whats = summary.losses.map((l) => `${l.where} ${l.what}`);
    assert.ok(whats.includes("Types.list_empty empty list"), whats.join("\n"));
    assert.ok(whats.includes("Types.bytes_empty empty byte array"), whats.join("\n"));
    assert.match(run.stderr, /Loss report:/);
    assert.match(readFileSync(join(folder, "loss-report.txt"), "utf8"), /list_empty/);
    expected = await expectedGraph(summary.losses);
  });

  test(
    "neo4j-admin 5.26 imports the folder into the same graph",
    { timeout: 600_000 },
    async () => {
      await importAndCompare(folder, "5.26");
    },
  );

  test("neo4j-admin 4.4 imports the folder into the same graph", { timeout: 600_000 }, async () => {
    const old = join(work, "csv44");
    const run = await runCli([
      "convert",
      backup,
      "--to",
      "admin-csv",
      "-o",
      old,
      "--target-version",
      "4.4",
      "--quiet",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(readFileSync(join(old, "schema.cypher"), "utf8"), /vector_idx: not created/);
    await importAndCompare(old, "4.4");
  });

  test("convert refuses a folder that is not empty, and reads stdin", async () => {
    const refused = await runCli(["convert", backup, "--to", "admin-csv", "-o", folder]);
    assert.equal(refused.code, 8);
    assertOneErrorLine(refused, /is not empty; pass --force/);
    const piped = await runCli(
      ["convert", "-", "--to", "admin-csv", "-o", folder, "--force", "--quiet"],
      { input: readFileSync(backup) },
    );
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, "");
  });

  test("convert fails on a damaged backup with one line and the format exit code", async () => {
    const bad = join(work, "bad.jsonl");
    writeFileSync(bad, '{"kind":"header"\n');
    const run = await runCli(["convert", bad, "--to", "admin-csv", "-o", join(work, "x")]);
    assert.equal(run.code, 6);
    assertOneErrorLine(run, /line 1/i);
    assert.equal(existsSync(join(work, "x", "import-command.txt")), false);
  });

  test("a conversion that fails part way removes every file it wrote", async () => {
    // The backup cut after its first 300 lines: nodes are written before the cut is found.
    const lines = gunzipSync(readFileSync(backup)).toString().split("\n");
    const cut = join(work, "cut.jsonl");
    writeFileSync(cut, lines.slice(0, 300).join("\n") + "\n");
    const folder = join(work, "cut-csv");
    const run = await runCli(["convert", cut, "--to", "admin-csv", "-o", folder]);
    assert.equal(run.code, 6);
    assert.match(run.stderr.toString(), /truncated|footer/i);
    assert.deepEqual(readdirSync(folder), []);
  });
});
