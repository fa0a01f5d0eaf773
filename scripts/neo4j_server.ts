/**
 * Real, throwaway Neo4j Community servers for tests, demos and benchmarks, started from Maven
 * Central jars with an embedded launcher (no Docker, no Neo4j package). Each server gets a free
 * port, its own fresh store and a random password; `stop()` shuts it down and deletes the store.
 *
 * Runs under Deno and Node (only `node:` built-ins).
 *
 * ```sh
 * deno run -A scripts/neo4j_server.ts fetch          # download the jars once (cached)
 * deno run -A scripts/neo4j_server.ts start          # run one until Ctrl-C, print its URI
 * ```
 *
 * @module
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The Neo4j lines the harness knows. */
export type Neo4jLine = "5.26";

/** How each line is fetched and launched. */
interface LineSpec {
  /** Exact Maven version of `org.neo4j:neo4j`. */
  maven: string;
  /** Major Java version it needs. */
  java: number;
  /** Launcher source file in scripts/neo4j/. */
  launcher: string;
  /** JVM flags Neo4j's own scripts pass on this line. */
  jvmFlags: string[];
}

const JVM_FLAGS_17 = [
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "-Dio.netty.tryReflectionSetAccessible=true",
];

const LINES: Record<Neo4jLine, LineSpec> = {
  "5.26": {
    maven: "5.26.30",
    java: 17,
    launcher: "Launcher.java",
    jvmFlags: [...JVM_FLAGS_17, "--enable-native-access=ALL-UNNAMED"],
  },
};

/** The line the tests use by default. */
export const DEFAULT_LINE: Neo4jLine = "5.26";

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The Neo4j line; default {@link DEFAULT_LINE}. */
  version?: Neo4jLine;
  /** Serve Bolt over TLS with a self-signed certificate (`bolt+ssc://`). Not wired yet. */
  tls?: boolean;
  /** JVM heap, default `"768m"`. */
  heap?: string;
  /** How long to wait for readiness, default 180 s. */
  timeoutMs?: number;
}

/** A running server. */
export interface Neo4jServer {
  /** `bolt://127.0.0.1:PORT` (or `bolt+ssc://` with TLS). */
  uri: string;
  username: string;
  password: string;
  /** The exact Neo4j version. */
  version: string;
  /** Milliseconds from spawn to readiness. */
  startMs: number;
  /** The JVM's process id. */
  pid: number;
  /** The server's home folder (store, logs); deleted by `stop()`. */
  home: string;
  /** Shuts the server down and deletes its store. Safe to call twice. */
  stop(): Promise<void>;
}

const SCRIPTS = dirname(fileURLToPath(import.meta.url));

/** Where the jars and compiled launcher of each version are cached. */
export function cacheDir(version: Neo4jLine = DEFAULT_LINE): string {
  const base = process.env.NEO4J_BACKUP_CACHE ?? join(homedir(), ".cache", "neo4j-backup");
  return join(base, `neo4j-${LINES[version].maven}`);
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

function javaMajor(javaBin: string): number {
  const r = spawnSync(javaBin, ["-version"], { encoding: "utf8" });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (!m) return 0;
  return m[1] === "1" ? Number(m[2]) : Number(m[1]);
}

/** Finds a `java` of the major version a line needs: `JAVA_<N>_HOME`, `JAVA_HOME`, then PATH. */
export function findJava(major: number): string {
  const candidates = [process.env[`JAVA_${major}_HOME`], process.env.JAVA_HOME]
    .filter((h): h is string => !!h)
    .map((h) => join(h, "bin", "java"));
  candidates.push("java");
  for (const bin of candidates) {
    if (bin !== "java" && !existsSync(bin)) continue;
    if (javaMajor(bin) === major) return bin;
  }
  requireTool("java", ["-version"], `Java ${major}`);
  throw new Error(
    `Java ${major} is missing: found a different Java. Set JAVA_${major}_HOME to a JDK ${major}`,
  );
}

/**
 * Downloads the classpath of a line into the cache (once) and compiles the launcher.
 * Returns the cache folder.
 */
export function fetchJars(version: Neo4jLine = DEFAULT_LINE): string {
  const spec = LINES[version];
  const dir = cacheDir(version);
  const lib = join(dir, "lib");
  const classes = join(dir, "classes");
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
    spawnSync("mv", [tmpLib, lib]);
    rmSync(classes, { recursive: true, force: true });
    const javac = join(dirname(findJava(spec.java)), "javac");
    const c = spawnSync(
      existsSync(javac) ? javac : "javac",
      ["-cp", `${lib}/*`, "-d", classes, join(SCRIPTS, "neo4j", spec.launcher)],
      { stdio: "inherit" },
    );
    if (c.status !== 0) throw new Error(`Cannot compile the launcher ${spec.launcher}`);
    spawnSync("touch", [marker]);
  }
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
  const spec = LINES[version];
  if (!spec) {
    throw new Error(`Unknown Neo4j line '${version}': known are ${Object.keys(LINES).join(", ")}`);
  }
  if (options.tls) throw new Error("TLS test servers are not wired yet");
  const dir = fetchJars(version);
  const java = findJava(spec.java);
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const home = await mkdtemp(join(tmpdir(), "neo4j-backup-server-"));
  const started = Date.now();
  const child = spawn(java, [
    `-Xmx${options.heap ?? "768m"}`,
    "-XX:+UseSerialGC",
    ...spec.jvmFlags,
    "-cp",
    `${join(dir, "classes")}:${join(dir, "lib")}/*`,
    "Launcher",
    home,
    String(port),
    password,
  ], { stdio: ["pipe", "pipe", "pipe"] });
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
    rmSync(home, { recursive: true, force: true });
    throw new Error(`Neo4j ${spec.maven} did not start: ${(e as Error).message}\n${tail}`);
  }
  const server: Neo4jServer = {
    uri: `bolt://127.0.0.1:${port}`,
    username: "neo4j",
    password,
    version: spec.maven,
    startMs: Date.now() - started,
    pid: child.pid!,
    home,
    stop: () => stopChild(server, child, home),
  };
  running.add(server);
  return server;
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

async function stopChild(server: Neo4jServer, child: ChildProcess, home: string): Promise<void> {
  if (!running.delete(server)) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.stdin!.end(); // the launcher exits when its stdin closes, running its shutdown hook
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(home, { recursive: true, force: true });
}

/** Stops every server this process started. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

async function main(args: string[]): Promise<void> {
  const [command = "start", version = DEFAULT_LINE] = args;
  if (command === "fetch") {
    console.log(fetchJars(version as Neo4jLine));
    return;
  }
  if (command !== "start") {
    console.error("usage: neo4j_server.ts fetch|start [5.26]");
    process.exit(2);
  }
  const server = await startServer({ version: version as Neo4jLine });
  console.log(`Neo4j ${server.version} ready in ${server.startMs} ms`);
  console.log(`URI: ${server.uri}  user: ${server.username}  password: ${server.password}`);
  console.log("Press Ctrl-C to stop (the store is deleted).");
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await server.stop();
}

if (import.meta.main) await main(process.argv.slice(2));
