/**
 * Compiles self-contained `neo4j-backup` binaries with `deno compile` for every release
 * platform, archives each with README.md and LICENSE (`.tar.gz`, `.zip` for Windows) into
 * `dist/` and writes `dist/SHA256SUMS`.
 *
 * `deno compile` needs the denort runtime of each target, which it downloads from dl.deno.land
 * (or takes from its cache). Where that host cannot be reached, set `DENORT_BIN` to a denort
 * binary of Deno's own version: the script reads which platform it is built for and compiles
 * that target. Without either it stops with one sentence saying why, exit code 1, or, with
 * `--skip-if-unavailable` (what .ci/run passes), prints that sentence after `SKIP:` and exits 0.
 *
 * Before compiling it runs the entry with exactly the permissions the binaries get (`--version`,
 * `--help`, and an export/verify/import round trip against a real server), so a missing
 * permission shows up here rather than in a user's hands. A binary built for this machine is
 * run once (`--version`) before it is archived.
 *
 * ```sh
 * deno task compile                                   # every target
 * deno task compile --target x86_64-unknown-linux-gnu # one target
 * DENORT_BIN=~/denort deno task compile               # the target of that denort
 * deno task compile --skip-if-unavailable             # what CI runs
 * ```
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { VERSION } from "../lib/version.ts";
import { startServer } from "./neo4j_server.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const ENTRY = join(ROOT, "cli.ts");

/** The platforms a release ships binaries for. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One release platform. */
export type Target = typeof TARGETS[number];

/**
 * What the binaries may do: connect (Bolt), read and write backup files, read NEO4J_* and
 * colour variables, and the OS release (the driver puts it in its user agent). Nothing else: no
 * subprocesses, no FFI.
 */
export const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys=osRelease",
];

/**
 * The worker threads' modules: a worker is named by a URL no import reaches, so `deno compile`
 * embeds it only when told (`--include`).
 */
export const WORKERS = ["lib/export/export_worker.ts", "lib/convert/worker/folder_worker.ts"];

/** What to compile, or why it cannot be done here (one sentence). */
export type Plan =
  | { targets: Target[]; denortBin?: string; unavailable?: undefined }
  | { unavailable: string };

/** The file name of the binary of a target. */
export function binaryName(target: Target): string {
  return target.includes("windows") ? "neo4j-backup.exe" : "neo4j-backup";
}

/** The archive of a target, e.g. `neo4j-backup-0.1.0-x86_64-unknown-linux-gnu.tar.gz`. */
export function archiveName(target: Target): string {
  return `neo4j-backup-${VERSION}-${target}${target.includes("windows") ? ".zip" : ".tar.gz"}`;
}

/**
 * Reads which release platform an executable is built for from its header (ELF, Mach-O, PE).
 *
 * @param path The executable.
 * @returns Its target, or `undefined` when it is none of the release platforms.
 */
export function executableTarget(path: string): Target | undefined {
  const head = new Uint8Array(512);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const view = new DataView(head.buffer);
  if (view.getUint32(0) === 0x7f454c46) { // ELF: e_machine
    const machine = view.getUint16(18, true);
    if (machine === 0x3e) return "x86_64-unknown-linux-gnu";
    if (machine === 0xb7) return "aarch64-unknown-linux-gnu";
  } else if (view.getUint32(0, true) === 0xfeedfacf) { // Mach-O 64: cputype
    const cpu = view.getUint32(4, true);
    if (cpu === 0x01000007) return "x86_64-apple-darwin";
    if (cpu === 0x0100000c) return "aarch64-apple-darwin";
  } else if (view.getUint16(0) === 0x4d5a) { // PE: machine after the "PE\0\0" signature
    const pe = view.getUint32(0x3c, true);
    if (pe + 6 <= head.length && view.getUint16(pe + 4, true) === 0x8664) {
      return "x86_64-pc-windows-msvc";
    }
  }
  return undefined;
}

/** Runs a command; throws with its output when it fails. Returns stdout. */
function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  if (r.error) throw new Error(`Cannot run '${cmd}': ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`'${cmd} ${args.join(" ")}' exited with ${r.status}\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

/** Deno's cache folder, where `deno compile` keeps the denort archives it downloaded. */
function denoDir(): string {
  return (JSON.parse(sh("deno", ["info", "--json"])) as { denoDir: string }).denoDir;
}

/** Whether `deno compile` can get the denort of `target` without help: cached, or reachable. */
async function denortReachable(target: Target, cacheDir: string): Promise<boolean> {
  const file = `release/v${Deno.version.deno}/denort-${target}.zip`;
  if (existsSync(join(cacheDir, "dl", file))) return true;
  try {
    const r = await fetch(`https://dl.deno.land/${file}`, {
      method: "HEAD",
      signal: AbortSignal.timeout(10_000),
    });
    return r.ok;
  } catch {
    return false;
  }
}

/**
 * Decides which targets to compile and with which denort, or says why the runtime of a
 * requested target cannot be had here.
 *
 * @param requested The targets asked for (`--target`), or empty for the default.
 * @returns The plan; throws when `DENORT_BIN` is set but does not fit.
 */
export async function plan(requested: Target[]): Promise<Plan> {
  const denortBin = process.env.DENORT_BIN;
  if (denortBin) {
    if (!existsSync(denortBin)) throw new Error(`DENORT_BIN '${denortBin}' does not exist`);
    const own = executableTarget(denortBin);
    if (!own) {
      throw new Error(`DENORT_BIN '${denortBin}' is not an executable of a release platform`);
    }
    const other = requested.find((t) => t !== own);
    if (other) {
      throw new Error(
        `DENORT_BIN '${denortBin}' is built for '${own}', so it cannot compile '${other}'`,
      );
    }
    return { targets: [own], denortBin };
  }
  const targets = requested.length ? requested : [...TARGETS];
  const cacheDir = denoDir();
  for (const target of targets) {
    if (!(await denortReachable(target, cacheDir))) {
      return {
        unavailable: `Cannot compile binaries: deno compile needs the denort ` +
          `${Deno.version.deno} runtime for '${target}' from dl.deno.land, which this machine ` +
          `cannot reach; set DENORT_BIN to a denort binary or run where dl.deno.land is ` +
          `reachable (the release workflow does)`,
      };
    }
  }
  return { targets };
}

/**
 * Runs the entry under exactly {@link PERMISSIONS}: `--version`, `--help`, and an
 * export/verify/import round trip against a fresh server. Throws when anything fails.
 *
 * @returns When the entry works with these permissions.
 */
export async function preflight(): Promise<void> {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    sh("deno", ["run", "--quiet", "--no-prompt", ...PERMISSIONS, ENTRY, ...args], env);
  sh("deno", ["check", "--quiet", ENTRY]);
  if (cli(["--version"]) !== `neo4j-backup ${VERSION}\n`) {
    throw new Error(`'${basename(ENTRY)} --version' does not print 'neo4j-backup ${VERSION}'`);
  }
  if (!cli(["--help"]).includes("Usage:")) throw new Error("'--help' prints no usage");
  const server = await startServer();
  const work = mkdtempSync(join(tmpdir(), "neo4j-backup-compile-"));
  const driver = neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password), {
    logging: { level: "error", logger: () => {} },
  });
  const env = { NEO4J_URI: server.uri, NEO4J_USERNAME: "neo4j", NEO4J_PASSWORD: server.password };
  try {
    await driver.executeQuery("CREATE (:Probe {n: 1})-[:TO {at: date()}]->(:Probe {n: 2})");
    const file = join(work, "probe.jsonl.gz");
    cli(["export", "-q", "-o", file], env);
    cli(["verify", "-q", file]);
    await driver.executeQuery("MATCH (n) DETACH DELETE n");
    cli(["import", "-q", "--yes", file], env);
    const { records } = await driver.executeQuery("MATCH (:Probe)-[r:TO]->() RETURN count(r) AS c");
    if (Number(records[0].get("c")) !== 1) throw new Error("The round trip lost the probe graph");
  } finally {
    await driver.close();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`Preflight passed: the entry runs with ${PERMISSIONS.join(" ")}`);
}

/** Compiles, checks and archives one target; returns the archive's path. */
function build(target: Target, denortBin?: string): string {
  const stage = join(DIST, ".stage", `neo4j-backup-${VERSION}-${target}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const binary = join(stage, binaryName(target));
  sh("deno", [
    "compile",
    "--quiet",
    "--no-prompt",
    ...PERMISSIONS,
    ...WORKERS.flatMap((worker) => ["--include", join(ROOT, worker)]),
    "--target",
    target,
    "--output",
    binary,
    ENTRY,
  ], denortBin ? { DENORT_BIN: denortBin } : {});
  if (target === Deno.build.target) {
    const printed = sh(binary, ["--version"]);
    if (printed !== `neo4j-backup ${VERSION}\n`) {
      throw new Error(
        `The compiled binary prints '${printed.split("\n")[0]}' instead of ` +
          `'neo4j-backup ${VERSION}': ` +
          "is DENORT_BIN a denort (not a deno) binary?",
      );
    }
  }
  for (const file of ["README.md", "LICENSE"]) cpSync(join(ROOT, file), join(stage, file));
  return archive(stage, target);
}

/** Archives a staged folder into `dist/` (its folder name becomes the archive's top folder). */
export function archive(stage: string, target: Target): string {
  const out = join(DIST, archiveName(target));
  rmSync(out, { force: true });
  const folder = basename(stage);
  const spawn = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: dirname(stage), stdio: "inherit" });
    if (r.error || r.status !== 0) {
      throw new Error(`Cannot archive '${folder}' with '${cmd}': is ${cmd} installed?`);
    }
  };
  if (out.endsWith(".zip")) spawn("zip", ["-q", "-r", "-X", out, folder]);
  else spawn("tar", ["-czf", out, folder]);
  return out;
}

/** Writes `dist/SHA256SUMS` (the `sha256sum -c` format) for the archives. */
export function writeSums(archives: string[]): string {
  const lines = archives.map((path) => {
    const hash = createHash("sha256").update(readFileSync(path)).digest("hex");
    return `${hash}  ${basename(path)}\n`;
  });
  const sums = join(DIST, "SHA256SUMS");
  writeFileSync(sums, lines.join(""));
  return sums;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: "string", multiple: true, default: [] },
      "skip-if-unavailable": { type: "boolean", default: false },
    },
  });
  const requested = values.target as string[];
  const unknown = requested.find((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown) {
    console.error(`compile: unknown target '${unknown}': use one of ${TARGETS.join(", ")}`);
    return 2;
  }
  const started = Date.now();
  const chosen = await plan(requested as Target[]);
  await preflight();
  if (chosen.unavailable !== undefined) {
    if (!values["skip-if-unavailable"]) throw new Error(chosen.unavailable);
    console.log(`SKIP: ${chosen.unavailable}`);
    return 0;
  }
  mkdirSync(DIST, { recursive: true });
  const archives: string[] = [];
  try {
    for (const target of chosen.targets) {
      archives.push(build(target, chosen.denortBin));
      console.log(`Built dist/${basename(archives.at(-1)!)}`);
    }
  } finally {
    rmSync(join(DIST, ".stage"), { recursive: true, force: true });
  }
  writeSums(archives);
  console.log(
    `Wrote dist/SHA256SUMS for ${archives.length} archive(s) in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

if (import.meta.main) {
  try {
    process.exit(await main(process.argv.slice(2)));
  } catch (e) {
    console.error(`compile: ${(e as Error).message}`);
    process.exit(1);
  }
}
