/**
 * The JSON summaries (`--json`, `--summary FILE`) of export, verify and import as scripts read
 * them: each document parses, and its counts are what a real server counts itself. Set
 * NEO4J_BACKUP_CLI to run another build; the default is `deno run -A cli.ts`.
 */

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { connect, counts, loadMovies, useServers } from "./_server.ts";
import { as, assertOneErrorLine, runCli, tempDir } from "./_cli.ts";
import type {
  ExportSummaryDocument,
  ImportSummaryDocument,
  VerifySummaryDocument,
} from "../lib/cli/summary_documents.ts";

const servers = useServers(1, { heap: "512m" });
const dir = tempDir("neo4j-backup-json-");
const backup = join(dir, "movies.jsonl.gz");
let truth: { nodes: number; relationships: number };

before(async () => {
  await servers.ready();
  const driver = connect(servers[0]);
  try {
    await loadMovies(driver);
    truth = await counts(driver);
  } finally {
    await driver.close();
  }
}, { timeout: 600_000 });

test("export --json prints one document on stdout with the true counts", async () => {
  const result = await runCli(["export", "-o", backup, "--json", ...as(servers[0])]);
  assert.equal(result.code, 0, result.stderr);
  const doc: ExportSummaryDocument = JSON.parse(result.stdout.toString());
  assert.equal(doc.command, "export");
  assert.equal(doc.ok, true);
  assert.deepEqual({ nodes: doc.nodes, relationships: doc.relationships }, truth);
  assert.equal(doc.output, backup);
  assert.equal(doc.compressed, true);
  assert.equal(doc.bytes, statSync(backup).size);
  assert.ok(doc.seconds > 0);
  assert.deepEqual(doc.warnings, []);
  assert.match(result.stderr, /^nodes 171 done in /m, "progress still on stderr");
});

test("verify --json prints the document instead of the report", async () => {
  const result = await runCli(["verify", backup, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const doc: VerifySummaryDocument = JSON.parse(result.stdout.toString());
  assert.equal(doc.command, "verify");
  assert.deepEqual({ nodes: doc.nodes, relationships: doc.relationships }, truth);
  assert.equal(doc.sha256, doc.footer?.sha256);
  assert.match(doc.sha256 ?? "", /^[0-9a-f]{64}$/);
  assert.equal(doc.bytes, statSync(backup).size);
  assert.equal(doc.header.source.database, "neo4j");
});

test("import --clean --yes --json reports what it deleted and what it created", async () => {
  const result = await runCli(["import", backup, "--clean", "--yes", "--json", ...as(servers[0])]);
  assert.equal(result.code, 0, result.stderr);
  const doc: ImportSummaryDocument = JSON.parse(result.stdout.toString());
  assert.equal(doc.command, "import");
  assert.equal(doc.dryRun, false);
  assert.equal(doc.clean?.nodes, truth.nodes);
  assert.equal(doc.clean?.relationships, truth.relationships);
  assert.deepEqual({ nodes: doc.nodes, relationships: doc.relationships }, truth);
  assert.equal(doc.bytes, statSync(backup).size);
  assert.equal(doc.resumed, false);
  assert.equal(doc.jobs, 1);
  assert.equal(doc.deadlocks, 0);
  assert.deepEqual(doc.skipped, []);
  assert.match(doc.warnings[0], /keeps the label, relationship type and property key names/);
  const driver = connect(servers[0]);
  try {
    assert.deepEqual(await counts(driver), truth);
  } finally {
    await driver.close();
  }
});

test("export -o - takes its document with --summary FILE, and --json alone is a usage error", async () => {
  const refused = await runCli(["export", "-o", "-", "--json", ...as(servers[0])]);
  assert.equal(refused.code, 2);
  assertOneErrorLine(refused, /'--json' cannot print on stdout.*--summary FILE/);
  assert.equal(refused.stdout.length, 0);

  const summary = join(dir, "summary.json");
  const result = await runCli(["export", "-o", "-", "--summary", summary, ...as(servers[0])]);
  assert.equal(result.code, 0, result.stderr);
  const firstLine = gunzipSync(result.stdout).toString().split("\n")[0];
  assert.equal(JSON.parse(firstLine).kind, "header");
  const doc: ExportSummaryDocument = JSON.parse(readFileSync(summary, "utf8"));
  assert.equal(doc.output, "-");
  assert.equal(doc.bytes, result.stdout.length);
  assert.deepEqual({ nodes: doc.nodes, relationships: doc.relationships }, truth);
});
