/**
 * The peers benchmark (`deno task bench:peers`): one graph, one run, every tool against fresh
 * Neo4j 5.26.1 servers (APOC core 5.26.1 loads only there): this tool's CLI at its defaults,
 * APOC (`apoc.export.json.all` streamed to the client, `apoc.import.json` of that file), the
 * Python `neo4j-backup` 1.0.0 and `neo4j-transfer` 0.2.0. For each: export and import seconds,
 * peak RSS of the tool's processes, the server's RSS growth, the backup's size, and the typed
 * differences of the restored graph from its source. Writes a table into docs/BENCHMARKS.md.
 *
 * ```sh
 * deno task bench:peers                                   # small 500 nodes, large 200,000
 * deno task bench:peers --small 200 --large 0 --no-write  # a quick check
 * deno task bench:peers --tools ours,apoc --ours-at HEAD  # "ours" from a commit's files
 * deno task bench:peers --render peers.json               # the table of an earlier --json run
 * ```
 *
 * Small graph: the every-type graph of bench/peers_graph.ts (N nodes, 5N relationships),
 * every tool, typed differences counted. Large graph: the graph of `deno task bench`
 * (bench/bench_worker.ts), only the tools that finish at that size (this tool and APOC); its
 * restore is checked by counts.
 *
 * @module
 */

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import neo4j, { type Driver } from "neo4j-driver";
import { type Neo4jServer, startServer } from "../scripts/neo4j_server.ts";
import { PEERS_NEO4J, peersServerOptions } from "./peers_apoc.ts";
import { differences, snapshot } from "./peers_diff.ts";
import { loadPeersGraph, RELATIONSHIPS_PER_NODE } from "./peers_graph.ts";
import type { Measured } from "./peers_measure.ts";
import { peersPython } from "./peers_python.ts";
import {
  type PeerRun,
  type PeersReport,
  renderPeers,
  type StepFigures,
  writePeers,
} from "./peers_report.ts";
import {
  backupPath,
  exportWith,
  importWith,
  PEER_TOOLS,
  type PeerTool,
  sizeOf,
  type ToolContext,
} from "./peers_tools.ts";
import { runIfMain } from "../scripts/script_main.ts";

const SCRIPTS = dirname(fileURLToPath(import.meta.url));
const ROOT = join(SCRIPTS, "..");
const DEFAULT_OUT = join(ROOT, "docs", "BENCHMARKS.md");
/** Tools that finish on the large graph. */
const LARGE_TOOLS: readonly PeerTool[] = ["ours", "apoc"];

/** Options of {@link runPeers}. */
export interface PeersOptions {
  small: number;
  large: number;
  tools: PeerTool[];
  heap: string;
  /** A git ref whose files "ours" runs from, instead of the working tree. */
  oursAt?: string;
  /** Minutes after which a tool's step is stopped and reported as unfinished (small graph). */
  timeoutMinutes: number;
  /** The same on the large graph. */
  largeTimeoutMinutes: number;
  log: (line: string) => void;
}

function connect(server: Neo4jServer): Driver {
  return neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password), {
    useBigInt: true,
    logging: { level: "error", logger: () => {} },
  });
}

async function counts(server: Neo4jServer): Promise<{ nodes: number; relationships: number }> {
  const d = connect(server);
  try {
    const n = await d.executeQuery("MATCH (n) RETURN count(n) AS c");
    const r = await d.executeQuery("MATCH ()-[r]->() RETURN count(r) AS c");
    return { nodes: Number(n.records[0].get("c")), relationships: Number(r.records[0].get("c")) };
  } finally {
    await d.close();
  }
}

async function withServer<T>(
  options: PeersOptions,
  apoc: boolean,
  body: (s: Neo4jServer) => Promise<T>,
): Promise<T> {
  const server = await startServer(peersServerOptions(options.heap, apoc));
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** Generates the large graph with the benchmark's own generator (bench/bench_worker.ts). */
function generateLarge(ctx: ToolContext, server: Neo4jServer, nodes: number): void {
  // bench/ since the scripts were split; scripts/ in a checkout of an older commit (--ours-at).
  const worker = ["bench", "scripts"].map((dir) => join(ctx.oursDir, dir, "bench_worker.ts"))
    .find((path) => existsSync(path))!;
  const params = JSON.stringify({ uri: server.uri, username: server.username, nodes });
  const r = spawnSync(process.execPath, ["run", "-A", "--quiet", worker, "generate", params], {
    env: { ...process.env, BENCH_PASSWORD: server.password },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`Cannot generate the large graph: ${r.stderr}`);
}

function brief(m: Measured): StepFigures {
  return {
    seconds: m.seconds,
    peakRss: m.peakRss,
    serverRssGrowth: m.serverRssGrowth,
    serverCpuSeconds: m.serverCpuSeconds,
  };
}

async function runSize(
  options: PeersOptions,
  ctx: ToolContext,
  size: "small" | "large",
  nodes: number,
): Promise<PeerRun[]> {
  const tools = options.tools.filter((t) => size === "small" || LARGE_TOOLS.includes(t));
  const runs: PeerRun[] = [];
  options.log(`${size} graph: ${nodes} nodes, ${RELATIONSHIPS_PER_NODE * nodes} relationships`);
  await withServer(options, true, async (source) => {
    const started = performance.now();
    if (size === "small") {
      const d = connect(source);
      try {
        await loadPeersGraph(d, nodes);
      } finally {
        await d.close();
      }
    } else generateLarge(ctx, source, nodes);
    const made = await counts(source);
    options.log(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const src = size === "small" ? await snapshotOf(source) : undefined;
    for (const tool of tools) {
      const run: PeerRun = { tool, size, ...made };
      runs.push(run);
      try {
        const file = backupPath(ctx, tool, size);
        const exported = exportWith(ctx, tool, source, file);
        if (exported) {
          const figures = brief(await exported);
          run.export = figures;
          run.bytes = sizeOf(file);
          options.log(`  ${tool} export: ${figures.seconds.toFixed(1)} s, ${run.bytes} bytes`);
        }
        await withServer(options, tool === "apoc", async (target) => {
          let measured: Measured;
          try {
            measured = await importWith(ctx, tool, source, target, file);
          } catch (e) {
            // What an unfinished import had written when it stopped.
            const partial = await counts(target).catch(() => undefined);
            run.restoredNodes = partial?.nodes;
            run.restoredRelationships = partial?.relationships;
            throw e;
          }
          const figures = brief(measured);
          run.import = figures;
          options.log(`  ${tool} import: ${figures.seconds.toFixed(1)} s`);
          const restored = await counts(target);
          run.restoredNodes = restored.nodes;
          run.restoredRelationships = restored.relationships;
          if (src) run.diff = differences(src, await snapshotOf(target));
        });
        rmSync(file, { recursive: true, force: true });
      } catch (e) {
        run.error = (e instanceof Error ? e.message : String(e)).split("\n").slice(0, 6).join(" ");
        options.log(`  ${tool}: failed: ${run.error}`);
      }
    }
  });
  return runs;
}

async function snapshotOf(server: Neo4jServer) {
  const d = connect(server);
  try {
    return await snapshot(d);
  } finally {
    await d.close();
  }
}

function commitOf(ref: string): string {
  return execFileSync("git", ["-C", ROOT, "rev-parse", "--short", ref], { encoding: "utf8" })
    .trim();
}

/** A copy of the files of a git ref, for running "ours" from a commit. */
function checkoutCopy(ref: string, dir: string): string {
  const to = join(dir, "ours");
  execFileSync("mkdir", ["-p", to]);
  const tar = execFileSync("git", ["-C", ROOT, "archive", ref], { maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", to], { input: tar });
  return to;
}

/**
 * Runs the peers benchmark.
 *
 * @param options Sizes, tools, heap, log.
 * @returns Every figure, and where it ran.
 */
export async function runPeers(options: PeersOptions): Promise<PeersReport> {
  const loadBefore = os.loadavg();
  const dir = mkdtempSync(join(os.tmpdir(), "neo4j-backup-peers-"));
  try {
    const needsPython = options.tools.some((t) => t === "python" || t === "transfer");
    const python = needsPython ? peersPython()?.python : "";
    if (python === undefined) {
      throw new Error("Cannot install the Python peers (PyPI unreachable?)");
    }
    const ctx: ToolContext = {
      oursDir: options.oursAt ? checkoutCopy(options.oursAt, dir) : ROOT,
      scripts: SCRIPTS,
      python,
      dir,
      timeoutMs: options.timeoutMinutes * 60_000,
    };
    const runs: PeerRun[] = [];
    if (options.small > 0) runs.push(...await runSize(options, ctx, "small", options.small));
    if (options.large > 0) {
      const large = { ...ctx, timeoutMs: options.largeTimeoutMinutes * 60_000 };
      runs.push(...await runSize(options, large, "large", options.large));
    }
    const cpus = os.cpus();
    const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
    return {
      machine: {
        cpu: cpus[0]?.model ?? "unknown",
        cores: cpus.length,
        memoryBytes: os.totalmem(),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        runtime: deno ? `Deno ${deno.version.deno}` : `Node ${process.version}`,
        neo4j: `Neo4j Community ${PEERS_NEO4J} (embedded, heap ${options.heap}, page cache 64 MiB)`,
        loadBefore,
        loadAfter: os.loadavg(),
        date: new Date().toISOString(),
      },
      oursAt: options.oursAt ? `${options.oursAt} (${commitOf(options.oursAt)})` : "working tree",
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      small: { type: "string", default: "500" },
      large: { type: "string", default: "200000" },
      tools: { type: "string", default: PEER_TOOLS.join(",") },
      heap: { type: "string", default: "2g" },
      "ours-at": { type: "string" },
      "timeout-minutes": { type: "string", default: "20" },
      "large-timeout-minutes": { type: "string", default: "10" },
      out: { type: "string" },
      json: { type: "string" },
      render: { type: "string" },
      "no-write": { type: "boolean" },
    },
  });
  const tools = values.tools.split(",").map((t) => t.trim()) as PeerTool[];
  const unknown = tools.filter((t) => !PEER_TOOLS.includes(t));
  if (unknown.length) throw new Error(`Unknown tools: ${unknown.join(", ")}`);
  const number = (flag: string, v: string) => {
    const n = Number(v.replaceAll("_", ""));
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`Option '--${flag}' needs a count`);
    return n;
  };
  const options: PeersOptions = {
    small: number("small", values.small),
    large: number("large", values.large),
    tools,
    heap: values.heap,
    oursAt: values["ours-at"],
    timeoutMinutes: number("timeout-minutes", values["timeout-minutes"]),
    largeTimeoutMinutes: number("large-timeout-minutes", values["large-timeout-minutes"]),
    log: (line) => process.stderr.write(`${line}\n`),
  };
  const report = values.render
    ? JSON.parse(readFileSync(values.render, "utf8")) as PeersReport
    : { ...await runPeers(options), command: ["deno task bench:peers", ...args].join(" ") };
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
  const text = renderPeers(report, report.command ?? ["deno task bench:peers", ...args].join(" "));
  process.stdout.write(`${text}\n`);
  if (!values["no-write"]) {
    const out = values.out ?? DEFAULT_OUT;
    writePeers(out, text);
    options.log(`Results written to ${out}`);
  }
}

await runIfMain(import.meta.url, "bench:peers", main);
