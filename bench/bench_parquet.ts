/**
 * `convert --to parquet` beside `--to admin-csv` on the generated backups of bench_admin.ts:
 * seconds and peak RSS of the CLI (one process per run, measured by GNU time), alternating the
 * runs, at each size asked. Prints a Markdown table for docs/BENCHMARKS.md.
 *
 *     deno run -A bench/bench_parquet.ts [--nodes 200000,1000000] [--rounds 3]
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeBackup } from "./bench_admin.ts";
import { RELATIONSHIPS_PER_NODE } from "./bench_worker.ts";

const CLI = [Deno.execPath(), "run", "-A", new URL("../cli.ts", import.meta.url).pathname];

/** The runs compared, by name: the arguments after `convert BACKUP`. */
const RUNS: Record<string, string[]> = {
  "parquet": ["--to", "parquet"],
  "parquet, --row-group-rows 65536": ["--to", "parquet", "--row-group-rows", "65536"],
  "admin-csv": ["--to", "admin-csv"],
};

interface Run {
  seconds: number;
  rss: number;
  bytes: number;
}

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function convert(backup: string, folder: string, args: string[]): Run {
  rmSync(folder, { recursive: true, force: true });
  const started = performance.now();
  const r = spawnSync("/usr/bin/time", [
    "-f",
    "peak-rss-kib %M",
    ...CLI,
    "convert",
    backup,
    ...args,
    "-o",
    folder,
    "--quiet",
  ], { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`convert ${args.join(" ")} failed:\n${r.stderr}`);
  const kib = Number(r.stderr.match(/peak-rss-kib (\d+)/)?.[1]);
  return { seconds, rss: kib * 1024, bytes: folderBytes(folder) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  if (!existsSync("/usr/bin/time")) throw new Error("GNU time (/usr/bin/time) is needed");
  const { values } = parseArgs({
    options: { nodes: { type: "string" }, rounds: { type: "string" } },
  });
  const sizes = (values.nodes ?? "200000,1000000").split(",").map(Number);
  const rounds = Number(values.rounds ?? 3);
  const work = mkdtempSync(join(os.tmpdir(), "bench-parquet-"));
  const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;
  const lines = [
    "| nodes | relationships | run | seconds (median) | entities/s | peak RSS (lowest to highest) | output |",
    "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
  ];
  try {
    for (const nodes of sizes) {
      const backup = join(work, `bench-${nodes}.jsonl.gz`);
      await writeBackup(backup, nodes);
      const runs = new Map<string, Run[]>(Object.keys(RUNS).map((name) => [name, []]));
      for (let round = 0; round < rounds; round++) {
        for (const [name, args] of Object.entries(RUNS)) {
          const run = convert(backup, join(work, "out"), args);
          runs.get(name)!.push(run);
          console.error(`${nodes} ${name}: ${run.seconds.toFixed(1)} s, ${mib(run.rss)}`);
        }
      }
      const relationships = nodes * RELATIONSHIPS_PER_NODE;
      for (const [name, list] of runs) {
        const seconds = median(list.map((r) => r.seconds));
        const rss = list.map((r) => r.rss).sort((a, b) => a - b);
        const rate = Math.round((nodes + relationships) / seconds / 1000) * 1000;
        lines.push(
          `| ${nodes.toLocaleString("en")} | ${relationships.toLocaleString("en")} | ${name} | ${
            seconds.toFixed(1)
          } | ${rate.toLocaleString("en")} | ${mib(rss[0])} to ${mib(rss.at(-1)!)} | ${
            (list[0].bytes / 1e6).toFixed(1)
          } MB |`,
        );
      }
      rmSync(backup);
    }
    console.log(lines.join("\n"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
