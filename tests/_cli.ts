/**
 * Runs the real CLI as a child process, as a user would: exit code, stdout, stderr. Set
 * NEO4J_BACKUP_CLI to run another build (e.g. `node npm/bin/neo4j-backup.js`); the default is
 * `deno run -A --quiet cli.ts`. `NEO4J_*` variables of the test's own environment are not passed
 * on, so that only the flags a test gives choose the server.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Neo4jServer } from "../scripts/neo4j_server.ts";

/** The repository's root folder. */
export const ROOT: string = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The command that runs the CLI. */
export const CLI: string[] = process.env.NEO4J_BACKUP_CLI?.split(" ") ??
  ["deno", "run", "-A", "--quiet", join(ROOT, "cli.ts")];

/** What a finished run gave. */
export interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface CliOptions {
  /** Bytes or text on stdin; empty (not a terminal) when absent. */
  input?: Uint8Array | string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working folder; the repository root by default. */
  cwd?: string;
}

/** The test's environment without `NEO4J_*`, with `NO_COLOR=1`, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("NEO4J_")) env[k] = v;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

/**
 * Runs the CLI to completion.
 *
 * @param args The arguments after the program name.
 * @param options Stdin, environment, working folder.
 * @returns Exit code, signal, stdout bytes and stderr text.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI[0], [...CLI.slice(1), ...args], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin.on("error", () => {}); // the CLI may exit before reading its input
    child.stdin.end(options.input ?? "");
  });
}

/** How {@link interruptWhen} went. */
export interface InterruptedRun {
  /** Whether the work was under way (`ready`) when the signal was sent. */
  ready: boolean;
  code: number | null;
  stderr: string;
}

/**
 * Runs the CLI, waits (up to 60 s) until `ready` says the work is under way, then sends SIGINT
 * as Ctrl-C does, and waits for the CLI to end. Sent with process.kill rather than child.kill:
 * Deno's child_process reports a child it signalled as killed by that signal even when the
 * child handled it and exited with its own code.
 *
 * @param args The arguments after the program name (the password, if any, in `env`).
 * @param ready Given the stderr so far: whether to interrupt now.
 * @param options `pause`: milliseconds to wait after `ready` before the signal; `env`: extra
 *   environment variables.
 * @returns Whether it was ready, the exit code and stderr.
 */
export async function interruptWhen(
  args: string[],
  ready: (stderr: string) => boolean,
  options: { pause?: number; env?: Record<string, string> } = {},
): Promise<InterruptedRun> {
  const child = spawn(CLI[0], [...CLI.slice(1), ...args], {
    cwd: ROOT,
    env: cleanEnv(options.env),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  const deadline = Date.now() + 60_000;
  let isReady = false;
  while (!(isReady = ready(stderr)) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (isReady && options.pause) await new Promise((resolve) => setTimeout(resolve, options.pause));
  if (child.exitCode === null) process.kill(child.pid!, "SIGINT");
  const code = await closed;
  return { ready: isReady, code, stderr };
}

/**
 * Starts the CLI against `server` without waiting, for tests that watch or signal it: the
 * address as a flag, the password in the environment (never argv), stdin closed.
 *
 * @param args The arguments after the program name; `-a URI` is appended.
 * @param server The target.
 * @returns The child process; pass it to {@link finished}.
 */
export function startCli(args: string[], server: Neo4jServer): ChildProcess {
  return spawn(CLI[0], [...CLI.slice(1), ...args, "-a", server.uri], {
    cwd: ROOT,
    env: cleanEnv({ NEO4J_PASSWORD: server.password }),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * Waits for a CLI started by {@link startCli} to end.
 *
 * @param child The child process.
 * @returns Exit code, signal, stdout bytes and stderr text.
 */
export function finished(child: ChildProcess): Promise<CliRun> {
  const out: Buffer[] = [];
  let err = "";
  child.stdout!.on("data", (d: Buffer) => out.push(d));
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** The connection flags for a test server. */
export function as(server: Neo4jServer, password: string = server.password): string[] {
  return ["-a", server.uri, "-u", server.username, "-p", password];
}

/** Backs `server` up into `file` with the CLI (`--quiet`), and asserts that it succeeded. */
export async function exportWithCli(server: Neo4jServer, file: string): Promise<void> {
  const run = await runCli(["export", ...as(server), "-o", file, "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
}

/** A fresh temporary folder. */
export function tempDir(prefix = "neo4j-backup-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Asserts that a failed run printed exactly one error line matching `pattern`, no stack trace. */
export function assertOneErrorLine(result: { stderr: string }, pattern: RegExp): void {
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
  assert.match(lines[0], /^neo4j-backup: error: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
}
