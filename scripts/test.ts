/**
 * Runs a test command with a pool of running Neo4j servers that its test files share
 * (scripts/server_pool.ts), then prints the time each test file took, slowest first.
 *
 * ```sh
 * deno run -A scripts/test.ts -- deno test -A tests/
 * deno run -A scripts/test.ts --pool 0 -- deno test -A tests/cli_test.ts   # no pool
 * ```
 *
 * The command's output passes through unchanged; the table of the ten slowest files follows
 * it. The exit code is the command's. Servers of the run start with a quick JIT
 * (`NEO4J_BACKUP_SERVER_JVM_FLAGS`, default `-XX:TieredStopAtLevel=1`).
 *
 * @module
 */

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { POOL_ENV, startPool } from "./server_pool.ts";
import { runIfMain } from "./script_main.ts";
import { fileStarted, type FileTime, slowestTable } from "./test_times.ts";

async function main(args: string[]): Promise<void> {
  process.exitCode = await run(args);
}

async function run(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const { values } = parseArgs({
    args: split < 0 ? args : args.slice(0, split),
    options: {
      pool: { type: "string", default: process.env.NEO4J_BACKUP_POOL_SIZE ?? "2" },
      each: { type: "boolean", default: false },
    },
  });
  const command = split < 0 ? [] : args.slice(split + 1);
  if (command.length === 0) {
    console.error("usage: test.ts [--pool N] [--each] -- COMMAND [ARGS...] [FOLDERS...]");
    return 2;
  }
  const size = Number(values.pool);
  // Quick JIT for every server of the run (pool, fresh ones, neo4j-admin): half the CPU of a
  // start on 2 cores (15 s against 8 s measured), and faster on the small graphs of tests.
  process.env.NEO4J_BACKUP_SERVER_JVM_FLAGS ??= "-XX:TieredStopAtLevel=1";
  const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-pool-"));
  const file = join(dir, "pool.json");
  const started = Date.now();
  const pool = size > 0 ? await startPool(file, size) : undefined;
  if (pool) {
    console.error(
      `test pool: ${size} Neo4j ${pool.servers[0].version} servers in ${
        ((Date.now() - started) / 1000).toFixed(1)
      } s`,
    );
  }
  try {
    const env = pool ? { ...process.env, [POOL_ENV]: file } : process.env;
    return await (values.each ? runEach(command, env) : runTimed(command, env));
  } finally {
    await pool?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * For `node --test`, whose TAP output does not say where a file starts: runs the command once
 * per test file found in the folders among its arguments, times each, and ends with the
 * summed `# pass N` and `# fail N` lines.
 */
async function runEach(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const folders = command.filter((a) => !a.startsWith("-") && isFolder(a));
  const options = command.filter((a) => !folders.includes(a));
  const files = folders.flatMap((f) => testFiles(f)).sort();
  const times: FileTime[] = [];
  let pass = 0, fail = 0, status = 0;
  for (const file of files) {
    const started = Date.now();
    const out = await runPassing([...options, file], env);
    times.push({ file, seconds: (Date.now() - started) / 1000 });
    pass += Number(/^# pass (\d+)$/m.exec(out.text)?.[1] ?? 0);
    const failed = Number(/^# fail (\d+)$/m.exec(out.text)?.[1] ?? 0);
    fail += failed || (out.code === 0 ? 0 : 1);
    if (out.code !== 0) status = out.code;
  }
  console.log(`\n# files ${files.length}\n# pass ${pass}\n# fail ${fail}`);
  if (times.length > 0) console.log(`\n${slowestTable(times)}`);
  return status;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function testFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((f) => /_test\.[cm]?js$/.test(f) && !f.includes("node_modules"))
    .map((f) => join(folder, f));
}

/** Runs a command, passing its output through, and resolves with its exit code and stdout. */
function runPassing(
  command: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; text: string }> {
  const child = spawn(command[0], command.slice(1), { stdio: ["inherit", "pipe", "inherit"], env });
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    text += chunk.toString("utf8");
  });
  return new Promise((resolve) => {
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), text }));
  });
}

/** Runs the command, passing its output through, and prints the slowest files at the end. */
function runTimed(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(command[0], command.slice(1), { stdio: ["inherit", "pipe", "pipe"], env });
  const times: FileTime[] = [];
  let current: { file: string; since: number } | undefined;
  const close = (now: number) => {
    if (current) times.push({ file: current.file, seconds: (now - current.since) / 1000 });
    current = undefined;
  };
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      // deno-lint-ignore no-control-regex -- colour codes are what it strips
      const file = fileStarted(line.replace(/\u001b\[[0-9;]*m/g, "").trim());
      if (file) {
        const now = Date.now();
        close(now);
        current = { file, since: now };
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      close(Date.now());
      if (times.length > 0) console.log(`\n${slowestTable(times)}`);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

await runIfMain(import.meta.url, "test", main);
