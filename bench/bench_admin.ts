/**
 * The admin-csv benchmark: restoring a large backup with `convert --to admin-csv` plus the real
 * `neo4j-admin database import full` (5.26, from the same jars as the test servers), against
 * `import` over Bolt into a fresh server. The backup is the graph of `bench_worker.ts` (N nodes, 5N
 * relationships, six and three typed properties), written directly as a backup file (no server
 * needed to make it). Prints a Markdown table for docs/BENCHMARKS.md.
 *
 * ```sh
 * deno run -A bench/bench_admin.ts                     # 1M nodes, 5M relationships
 * deno run -A bench/bench_admin.ts --nodes 20000       # a quick check
 * deno run -A bench/bench_admin.ts --no-bolt           # skip the (slow) import over Bolt
 * ```
 *
 * Run it alone on the machine: it uses every core.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import {
  nodeLabels,
  nodeProperties,
  relationship,
  RELATIONSHIPS_PER_NODE,
} from "./bench_worker.ts";
import { runNeo4jAdmin, startServer } from "../scripts/neo4j_server.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = ["deno", "run", "-A", "--quiet", join(ROOT, "cli.ts")];

/** The backup's records, generated one at a time. */
async function* records(nodes: number): AsyncGenerator<BodyRecord> {
  yield {
    kind: "header",
    format: "neo4j-backup",
    version: 1,
    tool: "bench_admin",
    created: new Date().toISOString(),
    source: { version: "5.26.30", edition: "community", database: "neo4j" },
    counts: { nodes, relationships: nodes * RELATIONSHIPS_PER_NODE },
  };
  yield {
    kind: "index",
    name: "bench_person_name",
    type: "RANGE",
    entity: "NODE",
    labelsOrTypes: ["Person"],
    properties: ["name"],
    config: {},
  };
  yield {
    kind: "constraint",
    name: "bench_company_uid",
    type: "UNIQUENESS",
    entity: "NODE",
    labelsOrTypes: ["Company"],
    properties: ["uid"],
    config: {},
  };
  for (let i = 0; i < nodes; i++) {
    yield { kind: "node", id: i, labels: nodeLabels(i), props: nodeProperties(i) };
  }
  for (let j = 0; j < nodes * RELATIONSHIPS_PER_NODE; j++) {
    yield { kind: "rel", ...relationship(j, nodes) };
  }
}

/** Writes the benchmark backup of `nodes` nodes to `path`, without a server. */
export async function writeBackup(path: string, nodes: number): Promise<void> {
  const file = await open(path, "w");
  try {
    for await (const chunk of encodeBackup(ReadableStream.from(records(nodes)))) {
      await file.write(chunk);
    }
  } finally {
    await file.close();
  }
}

function timed(what: string, run: () => { status: number | null; output: string }): number {
  const started = performance.now();
  const r = run();
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) {
    throw new Error(`${what} failed (exit ${r.status}):\n${r.output.slice(-3000)}`);
  }
  console.error(`${what}: ${seconds.toFixed(1)} s`);
  return seconds;
}

/** Peak RSS of the last {@link cli} run, in bytes, when GNU time is there to measure it. */
let lastPeakRss: number | undefined;

function cli(args: string[]): { status: number | null; output: string } {
  const gnuTime = existsSync("/usr/bin/time");
  const command = gnuTime ? ["/usr/bin/time", "-f", "peak-rss-kib %M", ...CLI] : CLI;
  const r = spawnSync(command[0], [...command.slice(1), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const kib = r.stderr?.match(/peak-rss-kib (\d+)/)?.[1];
  lastPeakRss = kib === undefined ? undefined : Number(kib) * 1024;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { nodes: { type: "string" }, "no-bolt": { type: "boolean" } },
  });
  const nodes = Number(values.nodes ?? 1_000_000);
  const work = mkdtempSync(join(os.tmpdir(), "bench-admin-"));
  try {
    const backup = join(work, "bench.jsonl.gz");
    const gen = performance.now();
    await writeBackup(backup, nodes);
    console.error(`backup written: ${((performance.now() - gen) / 1000).toFixed(1)} s`);
    const folder = join(work, "csv");
    const convert = timed(
      "convert --to admin-csv",
      () => cli(["convert", backup, "--to", "admin-csv", "-o", folder, "--quiet"]),
    );
    const convertRss = lastPeakRss;
    const home = join(work, "home");
    const groups = spawnSync("ls", [folder], { encoding: "utf8" }).stdout.split("\n");
    const list = (kind: string) =>
      groups.filter((f) => f.startsWith(`${kind}-`) && f.endsWith("-header.csv")).map((h) => {
        const stem = h.replace(/-header\.csv$/, "");
        const parts = groups.filter((f) => f.startsWith(`${stem}.`) && f.endsWith(".csv.gz"));
        return `--${kind}=${[h, ...parts].map((f) => join(folder, f)).join(",")}`;
      });
    const admin = timed(
      "neo4j-admin database import full (5.26)",
      () =>
        runNeo4jAdmin("5.26", home, [
          "database",
          "import",
          "full",
          "--id-type=INTEGER",
          "--array-delimiter=U+001F",
          "--multiline-fields=true",
          ...list("nodes"),
          ...list("relationships"),
          "--",
          "neo4j",
        ], "2g"),
    );
    let bolt: number | undefined;
    if (!values["no-bolt"]) {
      const server = await startServer({ heap: "1g" });
      try {
        bolt = timed("import over Bolt (5.26)", () =>
          cli([
            "import",
            backup,
            "-a",
            server.uri,
            "-u",
            server.username,
            "-p",
            server.password,
            "--quiet",
          ]));
      } finally {
        await server.stop();
      }
    }
    const size = (p: string) => (statSync(p).size / 1024 / 1024).toFixed(0);
    const rels = nodes * RELATIONSHIPS_PER_NODE;
    console.log(
      "| nodes | relationships | backup | convert --to admin-csv (peak RSS) | neo4j-admin import | together | import over Bolt |",
    );
    console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
    console.log(
      `| ${nodes.toLocaleString("en")} | ${rels.toLocaleString("en")} | ${size(backup)} MiB | ${
        convert.toFixed(1)
      } s (${convertRss === undefined ? "?" : `${(convertRss / 1024 / 1024).toFixed(0)} MiB`}) | ${
        admin.toFixed(1)
      } s | ${(convert + admin).toFixed(1)} s | ${
        bolt === undefined ? "not run" : `${bolt.toFixed(1)} s`
      } |`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  await main();
  process.exit(0);
}
