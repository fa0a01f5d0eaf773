/**
 * `import --dry-run` and `import --clean` as users run them, against one real server: a Movies
 * backup is made from it, then the same server serves as the target, empty or holding another
 * graph. Set NEO4J_BACKUP_CLI to run another build; the default is `deno run -A cli.ts`.
 */

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Driver } from "neo4j-driver";
import { connect, counts, cypher, loadMovies, useServers, wipe } from "./_server.ts";
import { catalog, fingerprint } from "./_graph.ts";
import { as, assertOneErrorLine, runCli, tempDir } from "./_cli.ts";

const servers = useServers(1, { heap: "512m" });
const dir = tempDir("neo4j-backup-plan-");
const backup = join(dir, "movies.jsonl.gz");
let expected: { graph: Awaited<ReturnType<typeof fingerprint>>; schema: unknown[] };

/** The index and constraint part of the catalog. */
async function schemaOf(driver: Driver): Promise<unknown[]> {
  const c = await catalog(driver);
  return [c.indexes, c.constraints];
}

async function withServer<T>(fn: (driver: Driver) => Promise<T>): Promise<T> {
  const driver = connect(servers[0]);
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

/** Another graph, with its own labels, keys, index and constraint. */
async function loadOther(driver: Driver): Promise<void> {
  await wipe(driver);
  await cypher(driver, "UNWIND range(1, 25) AS i CREATE (:Other {x: i})-[:LINKS {w: i}]->(:Other)");
  await cypher(driver, "CREATE INDEX other_x FOR (o:Other) ON (o.x)");
  await cypher(driver, "CREATE CONSTRAINT other_y FOR (o:Spare) REQUIRE o.y IS UNIQUE");
  await cypher(driver, "CALL db.awaitIndexes(300)");
}

before(async () => {
  await servers.ready();
  await withServer(async (driver) => {
    await loadMovies(driver);
    await cypher(driver, "CREATE INDEX person_name FOR (p:Person) ON (p.name)");
    await cypher(driver, "CREATE CONSTRAINT movie_title FOR (m:Movie) REQUIRE m.title IS UNIQUE");
    await cypher(driver, "CALL db.awaitIndexes(300)");
    expected = { graph: await fingerprint(driver), schema: await schemaOf(driver) };
  });
  const result = await runCli(["export", "-q", "-o", backup, ...as(servers[0])]);
  assert.equal(result.code, 0, result.stderr);
}, { timeout: 600_000 });

test("import --dry-run on an empty target prints the plan, writes nothing and exits 0", async () => {
  await withServer(wipe);
  const before = await withServer(catalog);
  const result = await runCli(["import", backup, "--dry-run", ...as(servers[0])]);
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout.toString();
  assert.match(out, /nothing was written/);
  assert.match(out, /Target: .*: empty/);
  assert.match(out, /171 nodes, 253 relationships, 4 schema items; counts and checksum verified/);
  assert.match(out, /exists +LOOKUP index/);
  assert.match(out, /create +RANGE index 'person_name'/);
  assert.match(out, /create +UNIQUENESS constraint 'movie_title'/);
  assert.match(out, /The import would run$/m);
  assert.deepEqual(await withServer(counts), { nodes: 0, relationships: 0 });
  assert.deepEqual(await withServer(catalog), before, "no new token, index or constraint");
  assert.ok(!existsSync(`${backup}.import-state`), "no state file");
});

test("import --dry-run reads stdin and, as JSON, says a non-empty target would be refused (exit 8)", async () => {
  await withServer(loadOther);
  const before = await withServer(catalog);
  const result = await runCli(["import", "-", "--dry-run", "--json", "-q", ...as(servers[0])], {
    input: readFileSync(backup),
  });
  assert.equal(result.code, 8, result.stderr);
  assertOneErrorLine(
    result,
    /not empty \(50 nodes, 25 relationships, 1 constraint, 1 index\).*--clean/,
  );
  const doc = JSON.parse(result.stdout.toString());
  assert.equal(doc.command, "import");
  assert.equal(doc.dryRun, true);
  assert.equal(doc.ok, false);
  assert.equal(doc.wouldRun, false);
  assert.equal(doc.input, "-");
  assert.equal(doc.nodes, 171);
  assert.equal(doc.target.nodes, 50);
  assert.equal(doc.target.empty, false);
  assert.deepEqual(doc.batches, { batchSize: 5000, nodes: 1, relationships: 1 });
  assert.deepEqual(doc.schema.map((s: { action: string }) => s.action), [
    "exists",
    "exists",
    "create",
    "create",
  ]);
  assert.deepEqual(await withServer(catalog), before);

  const clean = await runCli([
    "import",
    backup,
    "--dry-run",
    "--clean",
    "--yes",
    "--json",
    ...as(servers[0]),
  ]);
  assert.equal(clean.code, 0, clean.stderr);
  const plan = JSON.parse(clean.stdout.toString());
  assert.deepEqual(plan.clean, {
    nodes: 50,
    relationships: 25,
    constraints: ["other_y"],
    indexes: ["other_x"],
  });
  assert.equal(plan.wouldRun, true);
  assert.deepEqual(await withServer(counts), { nodes: 50, relationships: 25 });
});

test("import --clean without --yes and without a terminal refuses in one line and deletes nothing", async () => {
  await withServer(loadOther);
  const before = await withServer(fingerprint);
  const result = await runCli(["import", backup, "--clean", ...as(servers[0])]);
  assert.equal(result.code, 8);
  assertOneErrorLine(result, /Not emptying database 'neo4j' \(50 nodes.*pass --yes/);
  assert.deepEqual(await withServer(fingerprint), before);
  assert.ok(!existsSync(`${backup}.import-state`));
  const resume = await runCli(["import", backup, "--clean", "--resume", ...as(servers[0])]);
  assert.equal(resume.code, 2);
  assertOneErrorLine(resume, /'--clean' and '--resume' cannot be combined/);
});

test("import --clean --yes replaces another graph with exactly the backup's graph and schema", async () => {
  await withServer(loadOther);
  const result = await runCli(["import", backup, "--clean", "--yes", ...as(servers[0])]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^delete relationships 25 done in /m);
  assert.match(result.stderr, /^delete nodes 50 done in /m);
  assert.match(result.stderr, /^drop schema 2 done in /m);
  assert.match(result.stderr, /warning: Neo4j keeps the label, relationship type and property key/);
  assert.match(result.stderr, /Emptied the target first \(--clean\): 50 nodes, 25 relationships/);
  await withServer(async (driver) => {
    assert.deepEqual(await fingerprint(driver), expected.graph);
    assert.deepEqual(await schemaOf(driver), expected.schema);
  });
  rmSync(`${backup}.import-state`, { force: true });
});
