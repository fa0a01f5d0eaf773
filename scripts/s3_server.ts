/**
 * A real, throwaway S3-compatible object store for tests and benchmarks: SeaweedFS, built once
 * from the Go module proxy (no Docker, no package) and cached. Each server gets free ports and a
 * fresh data folder; `stop()` ends it and deletes the folder.
 *
 * Runs under Deno and Node (only `node:` built-ins). Building needs Go (`go` on `PATH`).
 *
 * ```sh
 * deno run -A scripts/s3_server.ts fetch            # build the `weed` binary (cached, ~8 min once)
 * deno run -A scripts/s3_server.ts start            # run one until Ctrl-C, print its endpoint
 * deno run -A scripts/s3_server.ts start --auth     # ... refusing requests without its keys
 * ```
 *
 * @module
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { S3Client } from "../lib/storage/s3/client.ts";
import { S3Credentials } from "../lib/storage/s3/credentials.ts";
import { createBucket, deleteObject, putObject } from "../lib/storage/s3/operations.ts";
import { cacheBase } from "./jdk.ts";
import { freePort } from "./neo4j_server.ts";

/** The Go module (SeaweedFS 4.53, Apache-2.0) the binary is built from. */
export const SEAWEEDFS_MODULE = "github.com/seaweedfs/seaweedfs";
/** Its pinned pseudo-version on the Go module proxy. */
export const SEAWEEDFS_VERSION = "v0.0.0-20261109003541-7506e5f91cd6";

/** Options of {@link startS3Server}. */
export interface S3ServerOptions {
  /**
   * Require signed requests with the server's own keys (an identities file): requests with other
   * keys are refused with `InvalidAccessKeyId` or `SignatureDoesNotMatch`.
   */
  auth?: boolean;
  /** Buckets to create once it is ready. */
  buckets?: string[];
  /** How long to wait for readiness, default 60 s. */
  timeoutMs?: number;
}

/** A running server. */
export interface S3Server {
  /** `http://127.0.0.1:PORT`, the S3 endpoint. */
  endpoint: string;
  /** The S3 port. */
  port: number;
  /** The access key id that the server accepts (any key when started without `auth`). */
  accessKeyId: string;
  /** The secret key that goes with {@link accessKeyId}. */
  secretAccessKey: string;
  /** Milliseconds from spawn to readiness. */
  startMs: number;
  /** The process id of `weed`. */
  pid: number;
  /** The data folder; deleted by `stop()`. */
  dir: string;
  /** Ends the server (SIGTERM, SIGKILL after a grace period) and deletes its data. Safe twice. */
  stop(): Promise<void>;
}

/** Where the built binary is cached. */
export function weedPath(): string {
  return join(cacheBase(), `seaweedfs-${SEAWEEDFS_VERSION.slice(-12)}`, "weed");
}

function run(cmd: string, args: string[], what: string, cwd?: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.error || r.status !== 0) {
    throw new Error(`${what} failed ('${cmd} ${args.join(" ")}' exit ${r.status ?? r.error})`);
  }
  return r.stdout;
}

/**
 * Builds SeaweedFS's `weed` from the Go module proxy into the cache, once, and returns its
 * path. `go install` refuses the module (its go.mod has replace directives), so the module is
 * downloaded and built inside a writable copy.
 *
 * @example
 * ```ts ignore
 * console.log(fetchSeaweedFs());
 * ```
 */
export function fetchSeaweedFs(): string {
  const bin = weedPath();
  if (existsSync(bin)) return bin;
  if (spawnSync("go", ["version"], { stdio: "ignore" }).status !== 0) {
    throw new Error(
      "Go is missing: 'go' was not found on PATH. Install Go 1.24 or later (https://go.dev/dl) " +
        "to build the test S3 server",
    );
  }
  const info = JSON.parse(
    run(
      "go",
      ["mod", "download", "-json", `${SEAWEEDFS_MODULE}@${SEAWEEDFS_VERSION}`],
      "Downloading SeaweedFS from the Go module proxy",
    ),
  ) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`Cannot download SeaweedFS: ${info.Error ?? "no module folder"}`);
  const work = join(cacheBase(), `seaweedfs-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(cacheBase(), { recursive: true });
  try {
    cpSync(info.Dir, work, { recursive: true });
    run("chmod", ["-R", "u+w", work], "Making the SeaweedFS sources writable");
    const tmpBin = join(work, "weed.bin");
    console.error(`Building SeaweedFS ${SEAWEEDFS_VERSION} (several minutes, once) ...`);
    run("nice", ["-n", "19", "go", "build", "-o", tmpBin, "./weed"], "Building SeaweedFS", work);
    mkdirSync(join(bin, ".."), { recursive: true });
    renameSync(tmpBin, bin);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

/** Distinct free ports (a port returned twice by the OS would collide). */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs` (weed stops slowly), and waits until it is gone. */
async function endChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (!isAlive(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  // process.kill, not child.kill: Deno's child.kill sends nothing once it has sent a signal
  // (and marks the child as ended at once).
  const timer = setTimeout(() => {
    try {
      process.kill(child.pid!, "SIGKILL");
    } catch {
      // It is gone.
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Waits until the S3 port answers HTTP (any status: an unsigned request may be refused). */
async function waitReady(
  child: ChildProcess,
  endpoint: string,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(child)) {
      throw new Error(`weed exited with code ${child.exitCode} before it was ready\n${output()}`);
    }
    try {
      const res = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the S3 endpoint did not answer within ${timeoutMs} ms\n${output()}`);
}

/** The identities file of `-s3.config`: one admin identity with these keys. */
function identities(accessKey: string, secretKey: string): string {
  return JSON.stringify({
    identities: [{
      name: "admin",
      credentials: [{ accessKey, secretKey }],
      actions: ["Admin", "Read", "List", "Tagging", "Write"],
    }],
  });
}

const MASTER_TOML = `[master.volume_growth]
copy_1 = 2
copy_2 = 2
copy_3 = 1
copy_other = 1
threshold = 0.9
allocation_deferral = "0s"
`;

const running = new Set<S3Server>();

/**
 * Starts a fresh SeaweedFS (master, volume, filer and S3 gateway in one process) and resolves
 * once its S3 endpoint stores objects (about 10 s after the start).
 *
 * @example
 * ```ts ignore
 * const server = await startS3Server({ buckets: ["backups"] });
 * try {
 *   console.log(server.endpoint);
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const bin = fetchSeaweedFs();
  const [master, volume, filer, s3, masterGrpc, volumeGrpc, filerGrpc, s3Grpc] = await freePorts(8);
  const dir = await mkdtemp(join(tmpdir(), "neo4j-backup-s3-"));
  const accessKeyId = `AKTEST${randomBytes(7).toString("hex").toUpperCase()}`;
  const secretAccessKey = randomBytes(20).toString("base64url");
  const args = [
    "server",
    `-dir=${join(dir, "data")}`,
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    "-volume.max=0",
    "-master.volumeSizeLimitMB=256",
    "-s3",
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
  ];
  mkdirSync(join(dir, "data"), { recursive: true });
  // Read from the working folder: two volumes per bucket instead of seven (each bucket is a
  // collection of its own), and no hold on the first volume allocation of a fresh cluster.
  writeFileSync(join(dir, "master.toml"), MASTER_TOML);
  if (options.auth) {
    const config = join(dir, "s3.json");
    writeFileSync(config, identities(accessKeyId, secretAccessKey), { mode: 0o600 });
    args.push(`-s3.config=${config}`);
  }
  const started = Date.now();
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], cwd: dir });
  let out = "";
  const keep = (d: string) => {
    out = (out + d).slice(-20000);
  };
  child.stdout!.setEncoding("utf8").on("data", keep);
  child.stderr!.setEncoding("utf8").on("data", keep);
  const endpoint = `http://127.0.0.1:${s3}`;
  try {
    await waitReady(child, endpoint, options.timeoutMs ?? 60_000, () => out.slice(-4000));
  } catch (e) {
    await endChild(child, 0);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`SeaweedFS did not start: ${(e as Error).message}`);
  }
  const server: S3Server = {
    endpoint,
    port: s3,
    accessKeyId,
    secretAccessKey,
    startMs: Date.now() - started,
    pid: child.pid!,
    dir,
    stop: async () => {
      if (!running.delete(server)) return;
      await endChild(child, 1000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(server);
  try {
    await awaitWrites(server);
    server.startMs = Date.now() - started;
    for (const bucket of options.buckets ?? []) await makeBucket(server, bucket);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}

/**
 * Creates a bucket on a test server (retried while the filer settles after start).
 *
 * @param server The server.
 * @param bucket The bucket name.
 */
export async function makeBucket(server: S3Server, bucket: string): Promise<void> {
  await createBucket(clientOf(server), bucket);
}

function clientOf(server: S3Server): S3Client {
  return new S3Client({
    region: "us-east-1",
    endpoint: server.endpoint,
    pathStyle: true,
    credentials: new S3Credentials(server.accessKeyId, server.secretAccessKey),
  }, { retryFor: 20_000, firstDelayMs: 250 });
}

/**
 * Writes and deletes an object in a scratch bucket: the first write after a start waits about
 * 8 s until the filer has joined the cluster (its lock service), so readiness includes it.
 */
async function awaitWrites(server: S3Server): Promise<void> {
  const client = clientOf(server);
  const location = { bucket: "harness-ready", key: "ready" };
  await createBucket(client, location.bucket);
  await putObject(client, location, new Uint8Array(1));
  await deleteObject(client, location);
  await client.requestText(
    { method: "DELETE", location: { bucket: location.bucket, key: "" } },
    { action: "delete" },
  );
}

/** Stops every server this process started. */
export async function stopAllS3(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

async function main(args: string[]): Promise<void> {
  const [command = "start"] = args.filter((a) => !a.startsWith("--"));
  if (command === "fetch") {
    console.log(`SeaweedFS ${SEAWEEDFS_VERSION}: ${fetchSeaweedFs()}`);
    return;
  }
  if (command !== "start") {
    console.error("usage: s3_server.ts fetch");
    console.error("       s3_server.ts start [--auth] [--bucket NAME]");
    process.exit(2);
  }
  const b = args.indexOf("--bucket");
  const buckets = b >= 0 && args[b + 1] ? [args[b + 1]] : [];
  const server = await startS3Server({ auth: args.includes("--auth"), buckets });
  console.log(`SeaweedFS ready in ${server.startMs} ms`);
  console.log(`AWS_ENDPOINT_URL_S3=${server.endpoint}`);
  if (args.includes("--auth")) {
    console.log(`AWS_ACCESS_KEY_ID=${server.accessKeyId}`);
    console.log(`AWS_SECRET_ACCESS_KEY=${server.secretAccessKey}`);
  }
  console.log("Press Ctrl-C to stop (the data is deleted).");
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  await server.stop();
}

if (import.meta.main) await main(process.argv.slice(2));
