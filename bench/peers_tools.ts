/**
 * The four tools of the peers benchmark, each as an export step and an import step run as
 * child processes and measured (bench/peers_measure.ts): this tool's CLI, APOC core
 * (bench/peers_apoc_client.ts), the Python `neo4j-backup` 1.0.0 and `neo4j-transfer` 0.2.0
 * (bench/peers_python.ts). `neo4j-transfer` copies between two live servers: it has no export
 * step and no file; its transfer is its import.
 *
 * @module
 */

import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import process from "node:process";
import type { Neo4jServer } from "../scripts/neo4j_server.ts";
import { measure, type Measured } from "./peers_measure.ts";
import { BACKUP_EXPORT, BACKUP_IMPORT, TRANSFER } from "./peers_python.ts";

/** The tools, by their flag names. */
export type PeerTool = "ours" | "apoc" | "python" | "transfer";

/** Every tool, in table order. */
export const PEER_TOOLS: readonly PeerTool[] = ["ours", "apoc", "python", "transfer"];

/** Where the tools run from. */
export interface ToolContext {
  /** The checkout whose `cli.ts` is "ours" (the working tree, or a copy of a commit). */
  oursDir: string;
  /** The folder of this script (for the APOC client). */
  scripts: string;
  /** The peers' Python interpreter. */
  python: string;
  /** A scratch folder for backups. */
  dir: string;
  /** A tool still running after this long is stopped and reported as unfinished. */
  timeoutMs: number;
}

/** The command that runs a TypeScript entry point under this runtime. */
function runScript(path: string): string[] {
  return "Deno" in globalThis
    ? [process.execPath, "run", "-A", "--quiet", path]
    : [process.execPath, path.replace(extname(path), ".js")];
}

/** Bytes of a file or of everything under a folder. */
export function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

/** Where a tool's backup goes. */
export function backupPath(ctx: ToolContext, tool: PeerTool, size: string): string {
  if (tool === "ours") return join(ctx.dir, `ours-${size}.jsonl.gz`);
  if (tool === "apoc") return join(ctx.dir, `apoc-${size}.json`);
  return join(ctx.dir, `python-${size}`);
}

/**
 * Runs a tool's export from `source` into `file`; `undefined` for `neo4j-transfer` (none).
 *
 * @param ctx Where the tools run from.
 * @param tool The tool.
 * @param source The source server (watched for RSS growth and CPU).
 * @param file The backup file or folder.
 */
export function exportWith(
  ctx: ToolContext,
  tool: PeerTool,
  source: Neo4jServer,
  file: string,
): Promise<Measured> | undefined {
  const env = { NEO4J_PASSWORD: source.password };
  const opts = { env, serverPid: source.pid, label: `${tool} export`, timeoutMs: ctx.timeoutMs };
  const [cmd, ...args] = tool === "ours"
    ? [...runScript(join(ctx.oursDir, "cli.ts")), "export", "-a", source.uri, "-u", "neo4j"]
    : tool === "apoc"
    ? [...runScript(join(ctx.scripts, "peers_apoc_client.ts")), "export", source.uri]
    : tool === "python"
    ? [ctx.python, "-c", BACKUP_EXPORT, source.uri]
    : [];
  if (!cmd) return undefined;
  const tail = tool === "ours" ? ["-o", file, "--quiet"] : [file];
  return measure(cmd, [...args, ...tail], opts);
}

/**
 * Runs a tool's import of `file` into the empty `target` (for `neo4j-transfer`: the copy from
 * `source` into `target`).
 *
 * @param ctx Where the tools run from.
 * @param tool The tool.
 * @param source The source server (`neo4j-transfer` reads it).
 * @param target The empty target server (watched for RSS growth and CPU).
 * @param file The backup file or folder.
 */
export function importWith(
  ctx: ToolContext,
  tool: PeerTool,
  source: Neo4jServer,
  target: Neo4jServer,
  file: string,
): Promise<Measured> {
  const opts = (env: Record<string, string>) => ({
    env,
    serverPid: target.pid,
    label: `${tool} import`,
    timeoutMs: ctx.timeoutMs,
  });
  const env = { NEO4J_PASSWORD: target.password };
  if (tool === "ours") {
    const [cmd, ...args] = runScript(join(ctx.oursDir, "cli.ts"));
    return measure(
      cmd,
      [...args, "import", "-a", target.uri, "-u", "neo4j", "--quiet", file],
      opts(env),
    );
  }
  if (tool === "apoc") {
    const [cmd, ...args] = runScript(join(ctx.scripts, "peers_apoc_client.ts"));
    return measure(cmd, [...args, "import", target.uri, file], opts(env));
  }
  if (tool === "python") {
    return measure(ctx.python, ["-c", BACKUP_IMPORT, target.uri, file], opts(env));
  }
  return measure(
    ctx.python,
    ["-c", TRANSFER, source.uri, target.uri],
    opts({ NEO4J_PASSWORD: source.password, TARGET_PASSWORD: target.password }),
  );
}
