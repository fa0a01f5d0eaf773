/**
 * Export to and import from a local S3-compatible server (SeaweedFS, scripts/s3_server.ts)
 * against the same to and from a local file: same graph, same run, alternating, each run a
 * child process measured by `/usr/bin/time` (wall seconds, peak RSS).
 *
 * `deno run -A bench/bench_s3.ts [NODES]` (default 200,000 nodes and twice as many
 * relationships); prints a Markdown table for docs/BENCHMARKS.md.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import neo4j from "neo4j-driver";
import { startServer, stopAll } from "../scripts/neo4j_server.ts";
import { startS3Server } from "../scripts/s3_server.ts";

const NODES = Number(process.argv[2] ?? 200_000);
const ROUNDS = 3;
const ROOT = new URL("..", import.meta.url).pathname;

interface Measure {
  seconds: number;
  rssMiB: number;
}

function run(args: string[], env: Record<string, string>): Measure {
  const r = spawnSync("/usr/bin/time", [
    "-f",
    "%e %M",
    "deno",
    "run",
    "-A",
    "--quiet",
    join(ROOT, "cli.ts"),
    ...args,
  ], { env: { ...process.env, ...env, NO_COLOR: "1" }, encoding: "utf8" });
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  const [seconds, kib] = last.split(" ").map(Number);
  if (r.status !== 0 || Number.isNaN(seconds)) throw new Error(`${args[0]} failed: ${r.stderr}`);
  return { seconds, rssMiB: kib / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const [source, target, s3] = await Promise.all([
  startServer({ heap: "1g" }),
  startServer({ heap: "1g" }),
  startS3Server({ auth: true, buckets: ["bench"] }),
]);
const work = mkdtempSync(join(tmpdir(), "neo4j-backup-bench-s3-"));
try {
  const driver = neo4j.driver(source.uri, neo4j.auth.basic(source.username, source.password));
  await driver.executeQuery("CREATE INDEX p_i FOR (n:P) ON (n.i)");
  await driver.executeQuery("CALL db.awaitIndexes()");
  // In batches: one transaction of the whole graph exceeds the server's transaction memory.
  const session = driver.session();
  await session.run(
    "UNWIND range(1, $n) AS i CALL (i) { CREATE (:P {i: i, name: 'node ' + i, score: rand(), " +
      "tags: ['a', 'b']}) } IN TRANSACTIONS OF 20000 ROWS",
    { n: NODES },
  );
  await session.run(
    "UNWIND range(1, $m) AS j CALL (j) { MATCH (a:P {i: j % $n + 1}), (b:P {i: (j * 7919) % $n + 1}) " +
      "CREATE (a)-[:R {w: j}]->(b) } IN TRANSACTIONS OF 20000 ROWS",
    { n: NODES, m: 2 * NODES },
  );
  await session.close();
  await driver.close();
  const env = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  const from = (s: typeof source) => ["-a", s.uri, "-u", s.username, "-p", s.password, "-q"];
  const results: Record<string, Measure[]> = {
    "export, file": [],
    "export, s3://": [],
    "import, file": [],
    "import, s3://": [],
  };
  for (let i = 0; i < ROUNDS; i++) {
    const file = join(work, `b${i}.jsonl.gz`);
    const url = `s3://bench/b${i}.jsonl.gz`;
    results["export, file"].push(run(["export", ...from(source), "-o", file], env));
    results["export, s3://"].push(run(["export", ...from(source), "-o", url], env));
    const clean = ["--clean", "--yes", "--state", join(work, `s${i}`)];
    results["import, file"].push(run(["import", file, ...from(target), ...clean], env));
    results["import, s3://"].push(run(["import", url, ...from(target), ...clean], env));
  }
  console.log(
    `${NODES.toLocaleString("en")} nodes, ${
      (2 * NODES).toLocaleString("en")
    } relationships, ${ROUNDS} alternating rounds, medians\n`,
  );
  console.log("| Run | Seconds | Peak RSS |");
  console.log("| --- | ---: | ---: |");
  for (const [name, ms] of Object.entries(results)) {
    const s = median(ms.map((m) => m.seconds));
    const r = Math.max(...ms.map((m) => m.rssMiB));
    console.log(`| ${name} | ${s.toFixed(2)} | ${r.toFixed(0)} MiB |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await s3.stop();
  await stopAll();
}
