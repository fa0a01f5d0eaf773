/**
 * Real, throwaway Neo4j Community servers for tests, demos and benchmarks, started from Maven
 * Central jars with an embedded launcher (no Docker, no Neo4j package). Each server gets a free
 * port, its own fresh store and a random password; `stop()` shuts it down and deletes the store.
 *
 * Runs under Deno and Node (only `node:` built-ins).
 *
 * ```sh
 * deno run -A scripts/neo4j_server.ts fetch              # jars, Java, launcher of 5.26 (cached)
 * deno run -A scripts/neo4j_server.ts fetch all          # ... of every line: 4.4, 5.26, 2026
 * deno run -A scripts/neo4j_server.ts start 4.4 --tls    # run one until Ctrl-C, print its URI
 * ```
 *
 * @module
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { cacheBase, ensureJava, findJava, javaMajor } from "./jdk.ts";

/** The Neo4j lines the harness knows: 4.4 (last 4.x), 5.26 LTS, and the newest calendar release. */
export type Neo4jLine = "4.4" | "5.26" | "2026";

/** How each line is fetched and launched. */
interface LineSpec {
  /** Exact Maven version of `org.neo4j:neo4j`. */
  maven: string;
  /** Java major versions it runs on, preferred first. */
  java: readonly number[];
  /** JVM flags Neo4j's own scripts pass on this line (plus what 4.4 needs on Java 17). */
  jvmFlags: string[];
}

const JVM_FLAGS_17 = [
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "-Dio.netty.tryReflectionSetAccessible=true",
];

const SPECS: Record<Neo4jLine, LineSpec> = {
  "4.4": {
    maven: "4.4.48",
    // Officially Java 11; on 17 it needs java.lang opened (it reads Throwable.detailMessage).
    java: [17, 11],
    jvmFlags: [...JVM_FLAGS_17, "--add-opens=java.base/java.lang=ALL-UNNAMED"],
  },
  "5.26": {
    maven: "5.26.30",
    java: [17, 21],
    jvmFlags: [...JVM_FLAGS_17, "--enable-native-access=ALL-UNNAMED"],
  },
  "2026": {
    maven: "2026.08.1",
    // Class files target Java 21; 25 is supported from 2025.10 (and is what some images have).
    java: [21, 25],
    jvmFlags: [
      ...JVM_FLAGS_17,
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--enable-native-access=ALL-UNNAMED",
    ],
  },
};

/** Every line the harness knows, oldest first. */
export const KNOWN_LINES: readonly Neo4jLine[] = ["4.4", "5.26", "2026"];

/** The line the tests use by default. */
export const DEFAULT_LINE: Neo4jLine = "5.26";

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The Neo4j line; default {@link DEFAULT_LINE}. */
  version?: Neo4jLine;
  /**
   * Require TLS on Bolt with a fresh self-signed certificate; the URI is then `bolt+ssc://`
   * and plain `bolt://` connections are refused.
   */
  tls?: boolean;
  /** JVM heap, default `"768m"`. */
  heap?: string;
  /** How long to wait for readiness, default 180 s. */
  timeoutMs?: number;
  /**
   * Extra settings for the server's configuration, e.g. `{ "db.transaction.timeout": "3s" }`
   * (names of the server's line: 4.4 names differ from 5.x).
   */
  settings?: Record<string, string>;
  /**
   * Open the store in this data folder (e.g. the `data` folder `neo4j-admin import` wrote under
   * its `NEO4J_HOME`) instead of a fresh one in the server's home. The server's system database
   * is created there when missing; `stop()` leaves the folder (its owner deletes it).
   */
  dataDir?: string;
  /**
   * Run this exact Maven version of `org.neo4j:neo4j` instead of the line's pinned one, e.g.
   * `"5.26.1"` within the 5.26 line (same Java, flags and launcher; its jars are cached apart).
   */
  mavenVersion?: string;
  /**
   * Extra jars (absolute paths), e.g. APOC: copied into the server's `plugins/` folder and put
   * on its classpath.
   */
  plugins?: string[];
  /** Files to write into the server's `conf/` folder before it starts, e.g. `apoc.conf`. */
  confFiles?: Record<string, string>;
}

/** A running server. */
export interface Neo4jServer {
  /** `bolt://127.0.0.1:PORT` (or `bolt+ssc://` with TLS). */
  uri: string;
  username: string;
  password: string;
  /** The exact Neo4j version. */
  version: string;
  /** The line it belongs to. */
  line: Neo4jLine;
  /** Milliseconds from spawn to readiness. */
  startMs: number;
  /** The JVM's process id. */
  pid: number;
  /** The server's home folder (store, logs, certificates); deleted by `stop()`. */
  home: string;
  /** Shuts the server down and deletes its store. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the JVM with SIGKILL, as a crash would: no shutdown, the store stays for {@link restart}. */
  kill(): Promise<void>;
  /**
   * Starts the server again on the same store, port and password: after {@link kill} (the store
   * is recovered as after a crash), or, when it runs, after a clean shutdown.
   */
  restart(): Promise<void>;
}

const SCRIPTS = dirname(fileURLToPath(import.meta.url));

function specOf(line: Neo4jLine): LineSpec {
  const spec = SPECS[line];
  if (!spec) {
    throw new Error(`Unknown Neo4j line '${line}': known are ${KNOWN_LINES.join(", ")}`);
  }
  return spec;
}

/** Where the jars of each version are cached. */
export function cacheDir(version: Neo4jLine = DEFAULT_LINE): string {
  return cacheDirOf(specOf(version).maven);
}

function cacheDirOf(maven: string): string {
  return join(cacheBase(), `neo4j-${maven}`);
}

function requireTool(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${what} is missing: '${cmd}' was not found or does not run. ` +
        `Install it (Debian: apt-get install openjdk-17-jdk-headless maven) or run .ci/run`,
    );
  }
}

export { findJava };

/**
 * The `java` a line runs on: the first of its Java versions that is there or can be fetched
 * (see scripts/jdk.ts).
 */
export function javaFor(version: Neo4jLine = DEFAULT_LINE): string {
  return ensureJava(specOf(version).java);
}

/**
 * Downloads the classpath of a line into the cache (once). Returns the cache folder, whose
 * `lib/` holds the jars.
 *
 * @param version The line.
 * @param maven An exact version of that line instead of its pinned one, e.g. `"5.26.1"`.
 */
export function fetchJars(version: Neo4jLine = DEFAULT_LINE, maven?: string): string {
  const spec = { maven: maven ?? specOf(version).maven };
  const dir = cacheDirOf(spec.maven);
  const lib = join(dir, "lib");
  const marker = join(dir, ".complete");
  if (!existsSync(marker)) {
    requireTool("mvn", ["-v"], "Maven");
    mkdirSync(dir, { recursive: true });
    const tmpLib = `${lib}.tmp-${process.pid}`;
    const r = spawnSync("mvn", [
      "-q",
      "-B",
      "-f",
      join(SCRIPTS, "neo4j", "pom.xml"),
      `-Dneo4j.version=${spec.maven}`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${tmpLib}`,
    ], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) {
      throw new Error(
        `Cannot fetch Neo4j ${spec.maven} jars from Maven Central (mvn exit ${r.status})`,
      );
    }
    rmSync(lib, { recursive: true, force: true });
    renameSync(tmpLib, lib);
    writeFileSync(marker, "");
  }
  return dir;
}

/**
 * Compiles the launcher (once per version of its source) and returns the folder of its class.
 * It uses no Neo4j class at compile time, so one class file serves every line and every Java.
 */
export function compileLauncher(): string {
  const source = join(SCRIPTS, "neo4j", "Launcher.java");
  const hash = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 12);
  const classes = join(cacheBase(), `launcher-${hash}`);
  if (existsSync(join(classes, "Launcher.class"))) return classes;
  const javacs = [17, 21, 25, 11]
    .map((m) => {
      try {
        return join(dirname(findJava(m)), "javac");
      } catch {
        return "";
      }
    })
    .filter((j) => j && existsSync(j));
  const javac = javacs[0] ?? "javac";
  requireTool(javac, ["-version"], "A Java compiler (javac 11 or later)");
  const tmp = `${classes}.tmp-${process.pid}`;
  const c = spawnSync(javac, ["--release", "11", "-d", tmp, source], { stdio: "inherit" });
  if (c.status !== 0) throw new Error(`Cannot compile the launcher '${source}'`);
  rmSync(classes, { recursive: true, force: true });
  renameSync(tmp, classes);
  return classes;
}

/**
 * Fetches everything a line needs (jars, a Java, the compiled launcher), once; `maven` picks an
 * exact version of the line instead of its pinned one.
 *
 * @example
 * ```ts ignore
 * for (const line of KNOWN_LINES) console.log(fetchLine(line));
 * ```
 */
export function fetchLine(
  version: Neo4jLine = DEFAULT_LINE,
  maven?: string,
): { dir: string; java: string; classes: string } {
  const dir = fetchJars(version, maven);
  return { dir, java: javaFor(version), classes: compileLauncher() };
}

/** Writes a self-signed key pair where the Bolt SSL policy expects it; returns the folder. */
function makeCertificate(home: string): string {
  const dir = join(home, "certificates", "bolt");
  for (const sub of ["trusted", "revoked"]) mkdirSync(join(dir, sub), { recursive: true });
  requireTool("openssl", ["version"], "OpenSSL (for the TLS test server's certificate)");
  const r = spawnSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    join(dir, "private.key"),
    "-out",
    join(dir, "public.crt"),
    "-subj",
    "/CN=localhost",
    "-days",
    "2",
  ], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`Cannot make a self-signed certificate: ${r.stderr.trim()}`);
  return dir;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function logTail(home: string, stderr: string): string {
  const parts: string[] = [];
  const logs = join(home, "logs");
  if (existsSync(logs)) {
    for (const f of readdirSync(logs)) {
      const lines = readFileSync(join(logs, f), "utf8").trimEnd().split("\n");
      parts.push(`--- ${f} (last lines) ---\n${lines.slice(-25).join("\n")}`);
    }
  }
  if (stderr.trim()) {
    parts.push(`--- stderr (last lines) ---\n${stderr.trim().split("\n").slice(-25).join("\n")}`);
  }
  return parts.join("\n");
}

const running = new Set<Neo4jServer>();

/**
 * Starts a fresh Neo4j server and resolves once Bolt accepts connections.
 *
 * @example
 * ```ts
 * const server = await startServer();
 * try {
 *   console.log(server.uri);
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<Neo4jServer> {
  const version = options.version ?? DEFAULT_LINE;
  const spec = specOf(version);
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const home = await mkdtemp(join(tmpdir(), "neo4j-backup-server-"));
  let tlsDir: string;
  try {
    tlsDir = options.tls ? makeCertificate(home) : "";
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
  const started = Date.now();
  const launch = { version, home, port, password, tlsDir, options };
  let child: ChildProcess;
  try {
    child = await spawnServer(launch);
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
  const server: Neo4jServer = {
    uri: `${options.tls ? "bolt+ssc" : "bolt"}://127.0.0.1:${port}`,
    username: "neo4j",
    password,
    version: options.mavenVersion ?? spec.maven,
    line: version,
    startMs: Date.now() - started,
    pid: child.pid!,
    home,
    stop: async () => {
      if (!running.delete(server)) return;
      // The store is deleted next, so nothing is gained by waiting for a clean shutdown.
      await killChild(child);
      rmSync(home, { recursive: true, force: true });
    },
    kill: () => killChild(child),
    restart: async () => {
      if (isAlive(child)) {
        writeFileSync(join(home, "keep-store"), "");
        await endChild(child);
        rmSync(join(home, "keep-store"), { force: true });
      }
      child = await spawnServer(launch);
      server.pid = child.pid!;
    },
  };
  running.add(server);
  return server;
}

interface Launch {
  version: Neo4jLine;
  home: string;
  port: number;
  password: string;
  tlsDir: string;
  options: ServerOptions;
}

/** Spawns the launcher's JVM on a home folder and waits until Bolt is ready. */
async function spawnServer(launch: Launch): Promise<ChildProcess> {
  const { version, home, port, password, tlsDir, options } = launch;
  const spec = specOf(version);
  const { dir, java, classes } = fetchLine(version, options.mavenVersion);
  const plugins = installPlugins(home, options);
  const dataSetting = version === "4.4" ? "dbms.directories.data" : "server.directories.data";
  const all = {
    ...options.settings,
    ...(options.dataDir ? { [dataSetting]: options.dataDir } : {}),
  };
  const settings = Object.entries(all).map(([k, v]) => `${k}=${v}`);
  const child = spawn(java, [
    `-Xmx${options.heap ?? "768m"}`,
    "-XX:+UseSerialGC",
    ...extraJvmFlags(),
    ...spec.jvmFlags,
    `-Dneo4j.line=${version}`,
    "-cp",
    [classes, ...plugins, `${join(dir, "lib")}/*`].join(":"),
    "Launcher",
    home,
    String(port),
    password,
    ...(tlsDir ? [tlsDir] : []),
  ], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NEO4J_EXTRA_SETTINGS: settings.join("\n") },
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    stderr = (stderr + d).slice(-20000);
  });
  try {
    await waitReady(child, options.timeoutMs ?? 180_000);
  } catch (e) {
    const tail = logTail(home, stderr);
    child.kill("SIGKILL");
    throw new Error(
      `Neo4j ${options.mavenVersion ?? spec.maven} did not start: ${(e as Error).message}\n${tail}`,
    );
  }
  return child;
}

/**
 * JVM flags from `NEO4J_BACKUP_SERVER_JVM_FLAGS` (space-separated): `scripts/test.ts` passes
 * `-XX:TieredStopAtLevel=1` there (and `neo4j-admin` gets them too): test servers live for
 * seconds, where the optimising compiler costs more CPU than it saves.
 */
function extraJvmFlags(): string[] {
  return (process.env.NEO4J_BACKUP_SERVER_JVM_FLAGS ?? "").split(" ").filter((f) => f !== "");
}

/** Copies the plugin jars into `home/plugins` and writes the conf files; returns the jars' paths. */
function installPlugins(home: string, options: ServerOptions): string[] {
  const plugins = options.plugins ?? [];
  if (plugins.length > 0) mkdirSync(join(home, "plugins"), { recursive: true });
  const copied = plugins.map((jar) => {
    const to = join(home, "plugins", basename(jar));
    copyFileSync(jar, to);
    return to;
  });
  const conf = Object.entries(options.confFiles ?? {});
  if (conf.length > 0) mkdirSync(join(home, "conf"), { recursive: true });
  for (const [name, text] of conf) writeFileSync(join(home, "conf", name), text);
  return copied;
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Kills a launcher's JVM with SIGKILL, as a crash would, and waits until it is gone. */
async function killChild(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

/** Ends a launcher cleanly (its stdin closes, its shutdown hook runs); SIGKILL after 60 s. */
async function endChild(child: ChildProcess): Promise<void> {
  if (!isAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdin!.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  await exited;
  clearTimeout(timer);
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`no readiness line after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => {
      out += d;
      if (out.includes("READY ")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the JVM exited with code ${code} before it was ready`));
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * Runs the `neo4j-admin` of a line from the same jars as the servers (`org.neo4j.cli.AdminTool`),
 * with `NEO4J_HOME` set to `home` and `NEO4J_CONF` to `home/conf` (an empty `neo4j.conf` is made
 * there when missing): `neo4j-admin import` then writes `home/data`. The file lists of
 * `--nodes` and `--relationships` take any number of values: end them with `--` before the
 * database name (5.x syntax).
 *
 * @param version The Neo4j line.
 * @param home The home folder (absolute).
 * @param args The arguments after `neo4j-admin`.
 * @param heap The JVM heap, default `"512m"`.
 * @param extraJars Jars to add to the classpath (see scripts/neo4j_parquet_jars.ts).
 * @returns The exit status and the output (stdout and stderr together).
 *
 * @example
 * ```ts ignore
 * const r = runNeo4jAdmin("5.26", "/tmp/h", ["database", "import", "full", "--nodes=/tmp/n.csv", "--", "neo4j"]);
 * ```
 */
export function runNeo4jAdmin(
  version: Neo4jLine,
  home: string,
  args: string[],
  heap = "512m",
  extraJars: readonly string[] = [],
): { status: number | null; output: string } {
  const spec = specOf(version);
  const { dir, java } = fetchLine(version);
  mkdirSync(join(home, "conf"), { recursive: true });
  if (!existsSync(join(home, "conf", "neo4j.conf"))) {
    writeFileSync(join(home, "conf", "neo4j.conf"), "");
  }
  const r = spawnSync(java, [
    `-Xmx${heap}`,
    ...extraJvmFlags(),
    ...spec.jvmFlags,
    "-cp",
    [`${join(dir, "lib")}/*`, ...extraJars].join(":"),
    "org.neo4j.cli.AdminTool",
    ...args,
  ], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    cwd: home, // neo4j-admin writes its import.report into the working folder
    env: { ...process.env, NEO4J_HOME: home, NEO4J_CONF: join(home, "conf") },
  });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** Stops every server this process started. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

async function main(args: string[]): Promise<void> {
  const tls = args.includes("--tls");
  const [command = "start", version = DEFAULT_LINE] = args.filter((a) => a !== "--tls");
  if (command === "fetch") {
    const lines = version === "all" ? KNOWN_LINES : [version as Neo4jLine];
    for (const line of lines) {
      const { dir, java } = fetchLine(line);
      console.log(`Neo4j ${specOf(line).maven}: ${dir} (Java ${javaMajor(java)}: ${java})`);
    }
    return;
  }
  if (command !== "start") {
    console.error(`usage: neo4j_server.ts fetch [${KNOWN_LINES.join("|")}|all]`);
    console.error(`       neo4j_server.ts start [${KNOWN_LINES.join("|")}] [--tls]`);
    process.exit(2);
  }
  const server = await startServer({ version: version as Neo4jLine, tls });
  console.log(`Neo4j ${server.version} ready in ${server.startMs} ms`);
  console.log(`URI: ${server.uri}  user: ${server.username}  password: ${server.password}`);
  console.log("Press Ctrl-C to stop (the store is deleted).");
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await server.stop();
}

if (import.meta.main) await main(process.argv.slice(2));
