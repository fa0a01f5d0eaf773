/**
 * The commands with backups in object storage, against a real Neo4j and a real S3-compatible
 * server (SeaweedFS, built by scripts/s3_server.ts) that checks signatures: export to
 * `s3://`, then verify, list, convert and import from it, compared exactly; `--keep` and
 * `prune` touching only the database's own backups; an interrupted upload leaving nothing; and
 * the errors a user meets, in one line without the secret.
 */

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listMultipartUploads, putObject } from "../lib/storage/s3/operations.ts";
import { s3List } from "../lib/storage/s3/objects.ts";
import { as, cleanEnv, CLI, finished, ROOT, runCli, tempDir } from "./_cli.ts";
import { fingerprint, loadTestGraph } from "./_graph.ts";
import { s3Client, useS3Server } from "./_s3.ts";
import { connect, cypher, useServers, wipe } from "./_server.ts";

const servers = useServers(1);
const s3 = useS3Server({ auth: true, buckets: ["backups"] });
const work = tempDir("neo4j-backup-s3-cli-");
after(() => rmSync(work, { recursive: true, force: true }));

let source: { nodes: string[]; rels: string[] };

before(async () => {
  await servers.ready();
  const driver = connect(servers[0]);
  try {
    await wipe(driver);
    await loadTestGraph(driver);
    source = await fingerprint(driver);
  } finally {
    await driver.close();
  }
}, { timeout: 300_000 });

/** The variables a user sets for an S3-compatible service; `secret` replaces the real one. */
function awsEnv(secret?: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: s3.server.endpoint,
    AWS_ACCESS_KEY_ID: s3.server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret ?? s3.server.secretAccessKey,
    AWS_REGION: "us-east-1",
    NEO4J_PASSWORD: servers[0].password,
  };
}

/** Runs the CLI with the S3 variables and the Neo4j password in the environment. */
function cli(args: string[], secret?: string) {
  return runCli(args, { env: awsEnv(secret) });
}

const target = () => ["-a", servers[0].uri, "-u", servers[0].username];

async function keys(prefix: string): Promise<string[]> {
  const client = await s3Client(s3.server);
  const found: string[] = [];
  for await (const e of s3List(`s3://backups/${prefix}`, { client })) found.push(e.key);
  return found.sort();
}

test("a backup exported to s3:// verifies, lists, converts and restores exactly", async () => {
  const url = "s3://backups/one/movies.jsonl.gz";
  const exported = await cli(["export", ...target(), "-o", url]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stderr, /written to 's3:\/\/backups\/one\/movies\.jsonl\.gz'/);

  const verified = await cli(["verify", url]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout.toString(), /^'s3:\/\/backups\/one\/movies\.jsonl\.gz': OK$/m);

  const listed = await cli(["list", url, "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(JSON.parse(listed.stdout.toString()).nodes, source.nodes.length);

  const graphml = join(work, "one.graphml");
  const converted = await cli(["convert", url, "--to", "graphml", "-o", graphml, "-q"]);
  assert.equal(converted.code, 0, converted.stderr);
  assert.match(readFileSync(graphml, "utf8"), /<graphml/);
  // A folder format converts in a worker thread, to which the main thread hands the object's
  // bytes in chunks: every node and relationship arrives.
  const parquet = join(work, "one-parquet");
  const tables = await cli(["convert", url, "--to", "parquet", "-o", parquet, "--json"]);
  assert.equal(tables.code, 0, tables.stderr);
  const summary = JSON.parse(tables.stdout.toString());
  assert.equal(summary.nodes, source.nodes.length);
  assert.equal(summary.relationships, source.rels.length);
  const manifest = JSON.parse(readFileSync(join(parquet, "manifest.json"), "utf8"));
  const rows = (files: { rows: number }[]) => files.reduce((n, f) => n + f.rows, 0);
  assert.equal(rows(manifest.nodes), source.nodes.length);
  assert.equal(rows(manifest.relationships), source.rels.length);
  const script = await cli([
    "convert",
    url,
    "--to",
    "cypher",
    "-o",
    "s3://backups/one/movies.cypherl",
    "-q",
  ]);
  assert.equal(script.code, 0, script.stderr);
  assert.deepEqual(await keys("one/"), ["one/movies.cypherl", "one/movies.jsonl.gz"]);

  const driver = connect(servers[0]);
  try {
    await wipe(driver);
    const imported = await runCli(
      ["import", url, ...target(), "--state", join(work, "one.state")],
      {
        env: awsEnv(),
      },
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(await fingerprint(driver), source);
  } finally {
    await driver.close();
  }
});

test("an existing object is refused without --force and replaced with it", async () => {
  const url = "s3://backups/two/neo4j.jsonl.gz";
  assert.equal((await cli(["export", ...target(), "-o", url, "-q"])).code, 0);
  const again = await cli(["export", ...target(), "-o", url, "-q"]);
  assert.equal(again.code, 8, again.stderr);
  assert.match(again.stderr, /already exists; pass --force/);
  const forced = await cli(["export", ...target(), "-o", url, "-q", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
});

test("--keep 2 after four backups keeps exactly the newest two and touches no other object", async () => {
  const client = await s3Client(s3.server);
  const bytes = new TextEncoder().encode("a stand-in: only the names matter here\n");
  // Three older backups of the database, and what must never be touched: another database's
  // backup, a file of the user's, a name that only looks like ours.
  const others = [
    "nightly/neo4j-other-20200101T000000Z.jsonl.gz",
    "nightly/notes.txt",
    "nightly/neo4j-neo4j-20200101T000000Z.jsonl.gz.bak",
    "nightly/deeper/neo4j-neo4j-20200101T000000Z.jsonl.gz",
  ];
  const old = [
    "nightly/neo4j-neo4j-20240101T000000Z.jsonl.gz",
    "nightly/neo4j-neo4j-20250101T000000Z.jsonl.gz",
    "nightly/neo4j-neo4j-20260101T000000Z.jsonl.gz",
  ];
  for (const key of [...others, ...old]) await putObject(client, { bucket: "backups", key }, bytes);

  const dry = await cli([
    "prune",
    "s3://backups/nightly/",
    "--keep",
    "2",
    "-d",
    "neo4j",
    "--dry-run",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /Would delete 's3:\/\/backups\/nightly\/neo4j-neo4j-20240101T000000Z/);
  assert.equal((await keys("nightly/")).length, 7, "a dry run deleted something");

  const run = await cli(["export", ...target(), "-o", "s3://backups/nightly/", "--keep", "2"]);
  assert.equal(run.code, 0, run.stderr);
  const after = await keys("nightly/");
  const fresh = after.filter((k) => /^nightly\/neo4j-neo4j-2026\d{4}T\d{6}Z\.jsonl\.gz$/.test(k));
  const made = fresh.filter((k) => k !== old[2]);
  assert.equal(made.length, 1, after.join("\n"));
  assert.deepEqual(after, [...others, old[2], made[0]].sort());
  assert.match(
    run.stderr,
    /Deleted old backup 's3:\/\/backups\/nightly\/neo4j-neo4j-20240101T000000Z/,
  );
  assert.match(run.stderr, /Kept 2 backups of 'neo4j' .*deleted 2/);
});

test("a listing of a prefix gives each backup a verdict, and a damaged one fails it", async () => {
  const client = await s3Client(s3.server);
  const good = await cli(["export", ...target(), "-o", "s3://backups/listed/", "-q"]);
  assert.equal(good.code, 0, good.stderr);
  const key = (await keys("listed/"))[0];
  const whole = (await runCli(["list", `s3://backups/${key}`, "--json"], { env: awsEnv() })).code;
  assert.equal(whole, 0);
  const listed = await cli(["list", "s3://backups/listed/", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  const doc = JSON.parse(listed.stdout.toString());
  assert.equal(doc.backups.length, 1);
  assert.equal(doc.backups[0].ok, true);
  assert.equal(doc.backups[0].database, "neo4j");

  await putObject(
    client,
    { bucket: "backups", key: "listed/neo4j-neo4j-20200101T000000Z.jsonl.gz" },
    new TextEncoder().encode("not a backup\n"),
  );
  const damaged = await cli(["list", "s3://backups/listed/"]);
  assert.equal(damaged.code, 6, damaged.stderr);
  assert.match(damaged.stdout.toString(), /neo4j-neo4j-20200101T000000Z\.jsonl\.gz .*DAMAGED/);
  assert.match(damaged.stdout.toString(), /OK/);
});

test("wrong keys, a missing bucket, a missing object: one-line errors that show no secret", async () => {
  const secret = "Wr0ngS3cretThatMustNeverShowUp";
  const cases: [string[], number, RegExp][] = [
    [["verify", "s3://backups/one/movies.jsonl.gz"], 4, /credentials|access key|signature/i],
    [
      ["export", ...target(), "-o", "s3://backups/x/new.jsonl.gz"],
      4,
      /credentials|access key|signature/i,
    ],
  ];
  for (const [args, code, pattern] of cases) {
    const run = await cli(args, secret);
    assert.equal(run.code, code, run.stderr);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.ok(!run.stderr.includes(secret) && !run.stdout.toString().includes(secret));
  }
  const missing: [string[], number, RegExp][] = [
    [["verify", "s3://no-such-bucket/a.jsonl.gz"], 7, /bucket 'no-such-bucket' does not exist/i],
    [["verify", "s3://backups/none.jsonl.gz"], 7, /does not exist|no such/i],
    [["import", "s3://backups/none.jsonl.gz", ...target()], 7, /does not exist|no such/i],
  ];
  for (const [args, code, pattern] of missing) {
    const run = await cli(args);
    assert.equal(run.code, code, run.stderr);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.ok(!run.stderr.includes(s3.server.secretAccessKey));
  }
});

test("an export stopped with SIGTERM mid-upload leaves no object and no pending upload", async () => {
  const driver = connect(servers[0]);
  try {
    // About 20 MB of gzip: more than two 8 MiB parts, so the multipart upload is under way.
    await cypher(
      driver,
      "UNWIND range(1, 70000) AS i CREATE (:Pad {i: i, pad: " +
        "reduce(s = '', k IN range(1, 8) | s + randomUUID())})",
    );
    const client = await s3Client(s3.server);
    const child = spawn(CLI[0], [
      ...CLI.slice(1),
      "export",
      ...as(servers[0]),
      "-o",
      "s3://backups/stopped/neo4j.jsonl.gz",
    ], { cwd: ROOT, env: cleanEnv(awsEnv()), stdio: ["ignore", "pipe", "pipe"] });
    const done = finished(child);
    let seen = false;
    for (let i = 0; i < 600 && !seen && child.exitCode === null; i++) {
      seen = (await listMultipartUploads(client, "backups", "stopped/")).length > 0;
      if (!seen) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(seen, "no multipart upload was seen under way");
    child.kill("SIGTERM");
    const run = await done;
    // It stops as on Ctrl-C and says so; Deno then ends some runs by the signal, not exit 130.
    assert.ok(
      run.code === 130 || run.signal === "SIGTERM",
      `${run.code} ${run.signal} ${run.stderr}`,
    );
    assert.match(run.stderr, /no backup was written/);
    assert.deepEqual(await keys("stopped/"), []);
    assert.deepEqual(await listMultipartUploads(client, "backups", "stopped/"), []);
  } finally {
    await cypher(driver, "MATCH (n:Pad) DETACH DELETE n");
    await driver.close();
  }
});

test("an import from s3:// stopped with Ctrl-C is continued by --resume, exactly", async () => {
  const driver = connect(servers[0]);
  const url = "s3://backups/resume/neo4j.jsonl.gz";
  const state = join(work, "resume.state");
  try {
    await cypher(driver, "UNWIND range(1, 60000) AS i CREATE (:Many {i: i})");
    const before = await fingerprint(driver);
    assert.equal((await cli(["export", ...target(), "-o", url, "-q"])).code, 0);
    await wipe(driver);
    const child = spawn(CLI[0], [
      ...CLI.slice(1),
      "import",
      url,
      ...as(servers[0]),
      "--state",
      state,
      "--batch-size",
      "500",
    ], { cwd: ROOT, env: cleanEnv(awsEnv()), stdio: ["ignore", "pipe", "pipe"] });
    const done = finished(child);
    for (let i = 0; i < 600 && child.exitCode === null; i++) {
      const [row] = await cypher(driver, "MATCH (n:Many) RETURN count(n) AS n");
      if (Number(row.n) > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    const stopped = await done;
    // As above: exit 130, or (Deno, with an S3 read in flight) the signal itself.
    assert.ok(stopped.code === 130 || stopped.signal === "SIGINT", stopped.stderr);
    assert.match(stopped.stderr, /now holds a partial import: .*--resume/);
    assert.ok(existsSync(state), "no state file was left to resume with");
    const resumed = await cli(["import", url, ...target(), "--state", state, "--resume", "-q"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(await fingerprint(driver), before);
    assert.ok(!existsSync(state), "the state file stayed after the import completed");
  } finally {
    await cypher(driver, "MATCH (n:Many) DETACH DELETE n");
    await driver.close();
  }
});

test("--keep 1 into a local folder keeps the newest backup and the user's own files", async () => {
  const folder = join(work, "local");
  mkdirSync(folder);
  writeFileSync(join(folder, "notes.txt"), "mine\n");
  writeFileSync(join(folder, "neo4j-neo4j-20200101T000000Z.jsonl.gz"), "old\n");
  writeFileSync(join(folder, "neo4j-other-20200101T000000Z.jsonl.gz"), "other\n");
  const run = await cli(["export", ...target(), "-o", `${folder}/`, "--keep", "1"]);
  assert.equal(run.code, 0, run.stderr);
  const names = readdirSync(folder).sort();
  assert.equal(names.length, 3, names.join(", "));
  assert.ok(names.includes("notes.txt") && names.includes("neo4j-other-20200101T000000Z.jsonl.gz"));
  const made = names.find((n) => /^neo4j-neo4j-\d{8}T\d{6}Z\.jsonl\.gz$/.test(n));
  assert.ok(made && made !== "neo4j-neo4j-20200101T000000Z.jsonl.gz", names.join(", "));
  assert.match(run.stderr, /Deleted old backup '.*neo4j-neo4j-20200101T000000Z\.jsonl\.gz'/);
  // The other database's "backup" is a stand-in of one line: the listing says so, exit 6.
  const listed = await cli(["list", folder]);
  assert.equal(listed.code, 6, listed.stderr);
  const text = listed.stdout.toString();
  assert.match(text, new RegExp(`${made!.replaceAll(".", "\\.")} .* OK`));
  assert.match(text, /neo4j-other-20200101T000000Z\.jsonl\.gz .* DAMAGED/);
});
