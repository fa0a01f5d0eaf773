/**
 * The benchmark (`deno task bench`): export and import of a reproducible synthetic graph on real
 * local servers, measured against the server's own ceilings in the same run, and the peak memory
 * of export and import at two sizes. Writes the results to docs/BENCHMARKS.md.
 *
 * ```sh
 * deno task bench                                  # 200k nodes, memory at 100k and 1M
 * deno task bench --nodes 1000000 --memory-sizes none
 * deno task bench --nodes 10000 --memory-sizes none --no-write   # a quick check
 * ```
 *
 * Every measured run is a child process (`bench/bench_worker.ts`), so its peak RSS is its own.
 * The graph (see `bench_worker.ts`): N nodes over four labels (every fifth with a second one),
 * six typed properties each, 5N relationships of three types with three properties, one index
 * and one constraint. Ceilings: (a) raw read: the export's queries read with the driver and
 * thrown away, best fetch size; (b) raw write: the same rows built in memory and created with
 * UNWIND batches into an empty server, best batch size. Imports and raw writes each get a fresh
 * server.
 *
 * Runs under Deno and Node (only `node:` built-ins).
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, extname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Neo4jServer, startServer } from "../scripts/neo4j_server.ts";
import {
  RELATIONSHIPS_PER_NODE,
  type WorkerParams,
  type WorkerResult,
  type WorkerTask,
} from "./bench_worker.ts";
import { runIfMain } from "../scripts/script_main.ts";

const SCRIPTS = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = join(SCRIPTS, "..", "docs", "BENCHMARKS.md");
const BEGIN = "<!-- bench:results:begin -->";
const END = "<!-- bench:results:end -->";

/** The targets of the issue, shown beside the figures. */
export const TARGETS = {
  exportFraction: 0.8,
  importFraction: 0.7,
  /** 300 MB (286 MiB). */
  peakRssBytes: 300_000_000,
  /** With `--jobs 2` (`--memory-jobs 2`): 350 MiB. */
  parallelPeakRssBytes: 350 * 1024 * 1024,
  growth: 1.5,
};

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Nodes of the throughput run (relationships: five per node). */
  nodes: number;
  /** Node counts of the memory runs, smallest first; empty to skip them. */
  memorySizes: number[];
  /** Batch sizes the raw write ceiling tries (the best one counts). */
  batchSizes: number[];
  /** Fetch sizes the raw read ceiling tries (the best one counts). */
  fetchSizes: number[];
  /** `--jobs` of the measured imports (`--import-jobs 1,2,4`): one import run per value. */
  importJobs?: number[];
  /** `--jobs` of the measured exports (`--export-jobs 1,2,4`): one export run per value. */
  exportJobs?: number[];
  /** `--jobs` of the memory runs' export and import (`--memory-jobs 2`; default 1). */
  memoryJobs?: number;
  /** Measured runs of each export, import and raw read; the fastest counts. */
  repeat: number;
  /** JVM heap of every server. */
  heap: string;
  /** Where progress lines go. */
  log: (line: string) => void;
}

/** One measured run. */
export interface Run extends WorkerResult {
  /** The fetch or batch size, when the run had one. */
  size?: number;
  /** The import's `--jobs`, when it was given. */
  importJobs?: number;
  /** The export's `--jobs`, when it was given. */
  exportJobs?: number;
  /** CPU seconds the server (the whole JVM) spent during the run; NaN off Linux. */
  serverCpuSeconds: number;
}

/** The throughput run at one size. */
export interface ThroughputResult {
  nodes: number;
  relationships: number;
  generateSeconds: number;
  reads: Run[];
  exports: Run[];
  writes: Run[];
  imports: Run[];
}

/** Export and import at one size, for memory. */
export interface MemoryResult {
  nodes: number;
  relationships: number;
  /** `--jobs` of both runs, when above 1. */
  jobs?: number;
  export: Run;
  import: Run;
}

/** Where and how the benchmark ran. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  os: string;
  runtime: string;
  neo4j: string;
  heap: string;
  loadBefore: number[];
  loadAfter: number[];
  date: string;
}

/** Everything one run of the benchmark measured. */
export interface BenchReport {
  options: Omit<BenchOptions, "log">;
  machine: Machine;
  throughput: ThroughputResult;
  memory: MemoryResult[];
}

/** A worker run: the worker's command line for this runtime (Deno, or Node on compiled `.js`). */
function workerCommand(): string[] {
  const worker = join(SCRIPTS, `bench_worker${extname(fileURLToPath(import.meta.url))}`);
  return "Deno" in globalThis
    ? [process.execPath, "run", "-A", "--quiet", worker]
    : [process.execPath, worker];
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN elsewhere. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ ticks
  } catch {
    return NaN;
  }
}

async function runWorker(
  task: WorkerTask,
  server: Neo4jServer,
  params: Partial<WorkerParams>,
): Promise<Run> {
  const before = processCpuSeconds(server.pid);
  const result = await spawnWorker(task, server, params);
  return { ...result, serverCpuSeconds: processCpuSeconds(server.pid) - before };
}

function spawnWorker(task: WorkerTask, server: Neo4jServer, params: Partial<WorkerParams>) {
  const full: WorkerParams = { uri: server.uri, username: server.username, ...params };
  const [command, ...args] = workerCommand();
  return new Promise<WorkerResult>((resolve, reject) => {
    const child = spawn(command, [...args, task, JSON.stringify(full)], {
      env: { ...process.env, BENCH_PASSWORD: server.password },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => out += d);
    child.stderr.setEncoding("utf8").on("data", (d: string) => err = (err + d).slice(-4000));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last) as WorkerResult);
      else reject(new Error(`Benchmark task '${task}' failed (exit ${code}): ${err.trim()}`));
    });
  });
}

function fmtSeconds(s: number): string {
  return s < 10 ? s.toFixed(2) : s.toFixed(1);
}

function mib(bytes: number): string {
  const m = bytes / 1024 / 1024;
  return `${m < 10 ? m.toFixed(1) : m.toFixed(0)} MiB`;
}

function count(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Entities (nodes + relationships) per second of a run. */
export function rate(run: WorkerResult): number {
  return (run.nodes + run.relationships) / run.seconds;
}

/** The fastest of several runs. */
export function fastest<T extends WorkerResult>(runs: T[]): T {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

async function withServer<T>(
  options: BenchOptions,
  what: string,
  body: (server: Neo4jServer) => Promise<T>,
): Promise<T> {
  const server = await startServer({ heap: options.heap });
  options.log(`  server for ${what}: Neo4j ${server.version}, ready in ${server.startMs} ms`);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

function describe(run: Run): string {
  const size = run.bytes === undefined ? "" : `, ${mib(run.bytes)}`;
  return `${fmtSeconds(run.seconds)} s, ${Math.round(rate(run))} entities/s, ` +
    `peak RSS ${mib(run.peakRss)}${size}, CPU client ${fmtSeconds(run.cpuSeconds)} s ` +
    `server ${fmtSeconds(run.serverCpuSeconds)} s`;
}

/** Generates the graph in a fresh server, then hands the server to `body`. */
function withGraph<T>(
  options: BenchOptions,
  nodes: number,
  body: (server: Neo4jServer, generated: WorkerResult) => Promise<T>,
): Promise<T> {
  return withServer(options, `the ${count(nodes)}-node graph`, async (server) => {
    const generated = await runWorker("generate", server, { nodes });
    options.log(
      `  generated ${generated.nodes} nodes, ${generated.relationships} relationships in ` +
        `${fmtSeconds(generated.seconds)} s`,
    );
    return await body(server, generated);
  });
}

/** Imports a file into a fresh server, with `jobs` write transactions in flight when given. */
function importInto(options: BenchOptions, file: string, jobs?: number): Promise<Run> {
  return withServer(options, "an import", async (server) => {
    const params = jobs === undefined ? { file } : { file, importJobs: jobs };
    const run = {
      ...await runWorker("import", server, params),
      ...(jobs === undefined ? {} : { importJobs: jobs }),
    };
    const deadlocks = run.deadlocks ? `, ${run.deadlocks} deadlocks retried` : "";
    options.log(`  import${jobs === undefined ? "" : ` -j ${jobs}`}: ${describe(run)}${deadlocks}`);
    return run;
  });
}

async function throughput(
  options: BenchOptions,
  dir: string,
): Promise<{ result: ThroughputResult; neo4j: string }> {
  const n = options.nodes;
  const file = join(dir, `bench-${n}.jsonl.gz`);
  options.log(
    `Throughput at ${count(n)} nodes, ${count(RELATIONSHIPS_PER_NODE * n)} relationships`,
  );
  let neo4j = "";
  const reads: Run[] = [];
  const exports: Run[] = [];
  const generateSeconds = await withGraph(options, n, async (server, generated) => {
    neo4j = server.version;
    await runWorker("read", server, { fetchSize: options.fetchSizes[0] }); // warm-up
    // Interleaved, so that a burst of load elsewhere hits both kinds alike.
    for (let r = 0; r < options.repeat; r++) {
      for (const fetchSize of options.fetchSizes) {
        const run = { ...await runWorker("read", server, { fetchSize }), size: fetchSize };
        options.log(`  raw read (fetch size ${fetchSize}): ${describe(run)}`);
        reads.push(run);
      }
      for (const jobs of options.exportJobs ?? [undefined]) {
        const params = jobs === undefined ? { file } : { file, exportJobs: jobs };
        const run = {
          ...await runWorker("export", server, params),
          ...(jobs === undefined ? {} : { exportJobs: jobs }),
        };
        options.log(`  export${jobs === undefined ? "" : ` -j ${jobs}`}: ${describe(run)}`);
        exports.push(run);
      }
    }
    return generated.seconds;
  });
  const writes: Run[] = [];
  for (let r = 0; r < options.repeat; r++) {
    for (const batchSize of options.batchSizes) {
      const run = await withServer(options, "a raw write", async (server) => ({
        ...await runWorker("write", server, { nodes: n, batchSize }),
        size: batchSize,
      }));
      options.log(`  raw write (batch size ${batchSize}): ${describe(run)}`);
      writes.push(run);
    }
  }
  const imports: Run[] = [];
  for (let r = 0; r < options.repeat; r++) {
    // Interleaved, like the reads: a burst of load elsewhere hits every --jobs alike.
    for (const jobs of options.importJobs ?? [undefined]) {
      imports.push(await importInto(options, file, jobs));
    }
  }
  rmSync(file, { force: true });
  return {
    result: {
      nodes: n,
      relationships: RELATIONSHIPS_PER_NODE * n,
      generateSeconds,
      reads,
      exports,
      writes,
      imports,
    },
    neo4j,
  };
}

async function memory(options: BenchOptions, dir: string, nodes: number): Promise<MemoryResult> {
  const file = join(dir, `memory-${nodes}.jsonl.gz`);
  options.log(`Memory at ${count(nodes)} nodes`);
  const jobs = (options.memoryJobs ?? 1) > 1 ? options.memoryJobs : undefined;
  const exported = await withGraph(options, nodes, async (server) => {
    const run = await runWorker("export", server, jobs ? { file, exportJobs: jobs } : { file });
    options.log(`  export${jobs ? ` -j ${jobs}` : ""}: ${describe(run)}`);
    return run;
  });
  const imported = await importInto(options, file, jobs);
  rmSync(file, { force: true });
  return {
    nodes,
    relationships: RELATIONSHIPS_PER_NODE * nodes,
    ...(jobs ? { jobs } : {}),
    export: exported,
    import: imported,
  };
}

/** The memory figures of the throughput run: its highest peaks. */
function fromThroughput(t: ThroughputResult): MemoryResult {
  const highest = (runs: Run[]) => runs.reduce((a, b) => (b.peakRss > a.peakRss ? b : a));
  return {
    nodes: t.nodes,
    relationships: t.relationships,
    export: highest(t.exports),
    import: highest(t.imports),
  };
}

/**
 * Runs the whole benchmark: the throughput run at `options.nodes`, then the memory runs.
 *
 * @param options Sizes, ceilings' candidates, repetitions, heap, log.
 * @returns Every figure, and the machine it ran on.
 *
 * @example A quick run
 * ```ts ignore
 * const report = await runBench({ ...DEFAULT_OPTIONS, nodes: 2000, memorySizes: [] });
 * console.log(renderResults(report));
 * ```
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const loadBefore = os.loadavg();
  const dir = mkdtempSync(join(os.tmpdir(), "neo4j-backup-bench-"));
  try {
    const { result, neo4j } = await throughput(options, dir);
    const memoryResults: MemoryResult[] = [];
    for (const size of options.memorySizes) {
      memoryResults.push(
        size === result.nodes ? fromThroughput(result) : await memory(options, dir, size),
      );
    }
    const { log: _, ...rest } = options;
    return {
      options: rest,
      machine: machine(neo4j, options.heap, loadBefore),
      throughput: result,
      memory: memoryResults,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function machine(neo4j: string, heap: string, loadBefore: number[]): Machine {
  const cpus = os.cpus();
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    runtime: deno ? `Deno ${deno.version.deno}` : `Node ${process.version}`,
    neo4j: `Neo4j Community ${neo4j} (embedded, heap ${heap}, page cache 64 MiB)`,
    heap,
    loadBefore,
    loadAfter: os.loadavg(),
    date: new Date().toISOString(),
  };
}

function fraction(ours: WorkerResult, ceiling: WorkerResult): number {
  return rate(ours) / rate(ceiling);
}

function verdict(ok: boolean): string {
  return ok ? "met" : "**not met**";
}

function load(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(" / ");
}

/** The id map's bytes at `nodes` dense ids (lib/pipeline/id_map.ts: 64 Ki-entry pages of 8 bytes). */
export function idMapBytes(nodes: number): number {
  return Math.ceil(nodes / 65536) * 65536 * 8;
}

function throughputTable(t: ThroughputResult): string[] {
  const read = fastest(t.reads);
  // The single-stream export against the raw read; --jobs runs are listed below.
  const oneStream = t.exports.filter((r) => (r.exportJobs ?? 1) === 1);
  const exp = fastest(oneStream.length ? oneStream : t.exports);
  const write = fastest(t.writes);
  // The single-stream import against the single-stream ceiling; --jobs runs are listed below.
  const single = t.imports.filter((r) => (r.importJobs ?? 1) === 1);
  const imp = fastest(single.length ? single : t.imports);
  const exportFraction = fraction(exp, read);
  const importFraction = fraction(imp, write);
  const row = (what: string, run: WorkerResult, share: string) =>
    `| ${what} | ${fmtSeconds(run.seconds)} | ${Math.round(rate(run)).toLocaleString("en")} | ` +
    `${share} | ${mib(run.peakRss)} |`;
  return [
    `Graph: ${t.nodes.toLocaleString("en")} nodes, ${t.relationships.toLocaleString("en")} ` +
    `relationships (${(t.nodes + t.relationships).toLocaleString("en")} entities), generated ` +
    `in ${fmtSeconds(t.generateSeconds)} s. Backup: ${mib(exp.bytes ?? 0)} ` +
    `(${((exp.bytes ?? 0) / (t.nodes + t.relationships)).toFixed(1)} bytes per entity).`,
    "",
    "| Run | Seconds | Entities/s | Fraction of its ceiling | Peak RSS |",
    "| --- | ---: | ---: | --- | ---: |",
    row(`Raw read ceiling (fetch size ${read.size})`, read, "1"),
    row(
      "Export (`exportBackup`, gzip, to a file)",
      exp,
      `**${exportFraction.toFixed(2)}** of raw read: target ≥ ${TARGETS.exportFraction}, ` +
        verdict(exportFraction >= TARGETS.exportFraction),
    ),
    row(`Raw write ceiling (batch size ${write.size})`, write, "1"),
    row(
      "Import (`importBackup` from the file)",
      imp,
      `**${importFraction.toFixed(2)}** of raw write: target ≥ ${TARGETS.importFraction}, ` +
        verdict(importFraction >= TARGETS.importFraction),
    ),
    "",
    "Every run (the fastest of each kind counts):",
    "",
    "| Run | Size | Seconds | Entities/s | Peak RSS | Client CPU s | Server CPU s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...[...t.reads, ...t.exports, ...t.writes, ...t.imports].map((r) =>
      `| ${r.task}${r.importJobs === undefined ? "" : ` -j ${r.importJobs}`}` +
      `${r.exportJobs === undefined ? "" : ` -j ${r.exportJobs}`} | ` +
      `${r.size ?? "default"} | ${fmtSeconds(r.seconds)} | ` +
      `${Math.round(rate(r)).toLocaleString("en")} | ${mib(r.peakRss)} | ` +
      `${fmtSeconds(r.cpuSeconds)} | ${fmtSeconds(r.serverCpuSeconds)} |`
    ),
    "",
    "Client CPU: the worker process (driver, encoding, gzip); server CPU: the whole JVM. " +
    "Both share the same cores, so client CPU slows the server down.",
  ];
}

function memoryTable(results: MemoryResult[]): string[] {
  if (results.length === 0) return ["(Memory runs skipped.)"];
  const jobs = results[0].jobs;
  const lines = [
    ...(jobs ? [`Export and import at \`--jobs ${jobs}\`.`, ""] : []),
    "| Nodes | Relationships | Export peak RSS | Import peak RSS | Export s | Import s | Backup |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.map((m) =>
      `| ${count(m.nodes)} | ${count(m.relationships)} | ${mib(m.export.peakRss)} | ` +
      `${mib(m.import.peakRss)} | ${fmtSeconds(m.export.seconds)} | ` +
      `${fmtSeconds(m.import.seconds)} | ${mib(m.export.bytes ?? 0)} |`
    ),
  ];
  const small = results[0];
  const large = results[results.length - 1];
  if (jobs) {
    const limit = TARGETS.parallelPeakRssBytes;
    lines.push(
      "",
      `Peak RSS at ${count(large.nodes)} nodes with \`--jobs ${jobs}\`: export ` +
        `${mib(large.export.peakRss)}, import ${mib(large.import.peakRss)}: target ≤ ` +
        `${mib(limit)} each, ` +
        `${verdict(large.export.peakRss <= limit && large.import.peakRss <= limit)}.`,
    );
  } else if (results.length > 1) {
    const idSmall = idMapBytes(small.nodes);
    const idLarge = idMapBytes(large.nodes);
    const exportGrowth = large.export.peakRss / small.export.peakRss;
    const importGrowth = (large.import.peakRss - idLarge) / (small.import.peakRss - idSmall);
    const under = large.export.peakRss < TARGETS.peakRssBytes &&
      large.import.peakRss < TARGETS.peakRssBytes;
    lines.push(
      "",
      `Peak RSS at ${count(large.nodes)} nodes: export ${mib(large.export.peakRss)}, import ` +
        `${mib(large.import.peakRss)}: target < 300 MB (${mib(TARGETS.peakRssBytes)}), ` +
        `${verdict(under)}.`,
      `Growth from ${count(small.nodes)} to ${count(large.nodes)} nodes: export ` +
        `×${exportGrowth.toFixed(2)}, import ×${importGrowth.toFixed(2)} without the id map ` +
        `(${mib(idSmall)} and ${
          mib(idLarge)
        }: 8 bytes per node id): target ≤ ×${TARGETS.growth}, ` +
        `${verdict(Math.max(exportGrowth, importGrowth) <= TARGETS.growth)}.`,
      `The runtime's own floor (RSS of a worker before its run): ` +
        `${mib(Math.min(...results.map((m) => m.export.startRss)))}.`,
    );
  }
  return lines;
}

/**
 * The results section of docs/BENCHMARKS.md: machine, command, throughput table, memory table.
 *
 * @param report What {@link runBench} returned.
 * @param command The command line that produced it.
 * @returns Markdown.
 */
export function renderResults(report: BenchReport, command: string): string {
  const m = report.machine;
  // The benchmark itself keeps about two cores busy: only the load before it says much.
  const busy = m.loadBefore[0] >= 1;
  return [
    `Run on ${m.date.slice(0, 10)}: \`${command}\``,
    "",
    `- Machine: ${m.cpu}, ${m.cores} cores, ${mib(m.memoryBytes)} RAM, ${m.os}`,
    `- Runtime: ${m.runtime}; server: ${m.neo4j}, on the same machine`,
    `- Load average (1/5/15 min) before: ${load(m.loadBefore)}, after: ${load(m.loadAfter)}` +
    (busy ? " — **the machine was busy: the figures are noisy**" : ""),
    "",
    "### Throughput",
    "",
    ...throughputTable(report.throughput),
    "",
    "### Memory",
    "",
    ...memoryTable(report.memory),
  ].join("\n");
}

const INTRO = `# Benchmarks

How fast neo4j-backup exports and imports, measured against what the server and the driver can
do at best on the same machine in the same run, and how much memory it needs.

## How to reproduce

\`\`\`sh
deno task bench                                   # 200k nodes; memory at 100k and 1M nodes
deno task bench --nodes 1000000                   # scale the throughput run
deno task bench --repeat 3                        # best of three of every measured run
deno task bench --nodes 10000 --memory-sizes none --no-write   # a quick check, writes nothing
\`\`\`

Other flags: \`--memory-sizes 100000,1000000\`, \`--batch-sizes 5000,10000,20000\` (raw write
ceiling), \`--fetch-sizes 1000,10000\` (raw read ceiling), \`--heap 2g\`, \`--out FILE\`,
\`--json FILE\` (every figure, machine-readable), \`--import-jobs 1,2,4\` and \`--export-jobs 1,2,4\`
(one measured run per \`--jobs\`), \`--memory-jobs 2\` (the memory runs at \`--jobs 2\`). The script starts its own throwaway servers
(scripts/neo4j_server.ts) and stops them; it needs Java and Maven the first time (to fetch the
Neo4j jars). Run it on an otherwise idle machine.

## What is measured

- **Graph** (bench/bench_worker.ts, generated in the server with Cypher, every value derived
  from the entity's index): N nodes over four labels (\`Person\`, \`Company\`, \`Product\`,
  \`Place\`; every fifth node also \`Active\`), each with six properties (int, string, float,
  bool, date, string list); 5N relationships of three types with an int, a float and a
  datetime; one range index and one uniqueness constraint.
- **Export**: \`exportBackup\` (gzip included) written to a file, as the CLI does.
- **Import**: \`importBackup\` from that file into a fresh empty server, schema included.
- **Raw read ceiling**: the export's two queries read in one transaction with neo4j-driver
  (the callback API, \`useBigInt\`) and thrown away; the best of the fetch sizes tried.
- **Raw write ceiling**: the same rows built in memory (not decoded from the backup) and
  created in a fresh empty server with UNWIND batches (one static query per label set and per
  type, endpoints by id seeks through the ids the node batches return, the next batch built
  while one commits, the same index and constraint afterwards); the best of the batch sizes
  tried.
- **Throughput**: entities (nodes + relationships) per second.
- **Peak RSS**: VmHWM of the worker process that ran the export or the import alone (one child
  process per measured run), the runtime included.
`;

/**
 * Writes the results into docs/BENCHMARKS.md between its markers, keeping everything else;
 * creates the file (with its fixed sections) when it does not exist.
 *
 * @param path The file.
 * @param results The Markdown of {@link renderResults}.
 */
export function writeResults(path: string, results: string): void {
  const block = `${BEGIN}\n${results}\n${END}`;
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8");
    const from = text.indexOf(BEGIN);
    const to = text.indexOf(END);
    if (from !== -1 && to > from) {
      writeFileSync(path, text.slice(0, from) + block + text.slice(to + END.length));
      return;
    }
  }
  writeFileSync(path, `${INTRO}\n## Results\n\n${block}\n`);
}

/** The defaults of `deno task bench`. */
export const DEFAULT_OPTIONS: Omit<BenchOptions, "log"> = {
  nodes: 200_000,
  memorySizes: [100_000, 1_000_000],
  batchSizes: [5_000, 10_000, 20_000],
  fetchSizes: [1_000, 10_000],
  repeat: 1,
  heap: "2g",
};

function sizes(flag: string, text: string | undefined, fallback: number[]): number[] {
  if (text === undefined) return fallback;
  if (text === "none") return [];
  const list = text.split(",").map((s) => Number(s.replaceAll("_", "")));
  if (list.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new Error(
      `Option '--${flag}' needs positive integers separated by commas, not '${text}'`,
    );
  }
  return list;
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      nodes: { type: "string" },
      "memory-sizes": { type: "string" },
      "batch-sizes": { type: "string" },
      "fetch-sizes": { type: "string" },
      "import-jobs": { type: "string" },
      "export-jobs": { type: "string" },
      "memory-jobs": { type: "string" },
      repeat: { type: "string" },
      heap: { type: "string" },
      out: { type: "string" },
      json: { type: "string" },
      "no-write": { type: "boolean" },
    },
  });
  const d = DEFAULT_OPTIONS;
  const options: BenchOptions = {
    nodes: sizes("nodes", values.nodes, [d.nodes])[0],
    memorySizes: sizes("memory-sizes", values["memory-sizes"], d.memorySizes).sort((a, b) => a - b),
    batchSizes: sizes("batch-sizes", values["batch-sizes"], d.batchSizes),
    fetchSizes: sizes("fetch-sizes", values["fetch-sizes"], d.fetchSizes),
    ...(values["import-jobs"] === undefined
      ? {}
      : { importJobs: sizes("import-jobs", values["import-jobs"], []) }),
    ...(values["export-jobs"] === undefined
      ? {}
      : { exportJobs: sizes("export-jobs", values["export-jobs"], []) }),
    ...(values["memory-jobs"] === undefined
      ? {}
      : { memoryJobs: sizes("memory-jobs", values["memory-jobs"], [1])[0] }),
    repeat: sizes("repeat", values.repeat, [d.repeat])[0],
    heap: values.heap ?? d.heap,
    log: (line) => process.stderr.write(`${line}\n`),
  };
  if (options.batchSizes.length === 0 || options.fetchSizes.length === 0) {
    throw new Error("Options '--batch-sizes' and '--fetch-sizes' need at least one size");
  }
  const report = await runBench(options);
  const command = ["deno task bench", ...args].join(" ");
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
  const results = renderResults(report, command);
  process.stdout.write(`${results}\n`);
  if (!values["no-write"]) {
    const out = values.out ?? DEFAULT_OUT;
    writeResults(out, results);
    options.log(`Results written to ${out}`);
  }
}

await runIfMain(import.meta.url, "bench", main);
