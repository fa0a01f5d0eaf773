/**
 * Smoke-tests the built npm package as a user gets it: `npm pack`, install the tarball into an
 * empty folder, then under Node run `npx neo4j-backup --version` and `--help`, import the
 * library from JavaScript and type-check a TypeScript user of it, and make export/verify/import
 * round trips against a real server with the command and with the library (Movies, compared by
 * fingerprint).
 *
 * ```sh
 * deno run -A scripts/npm_smoke.ts        # after scripts/build_npm.ts --no-smoke
 * ```
 *
 * @module
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import neo4j, { type Driver } from "neo4j-driver";
import { VERSION } from "../lib/version.ts";
import { loadMovies } from "./datasets.ts";
import { fingerprint } from "./graph_compare.ts";
import { startServer } from "./neo4j_server.ts";

/** What must be in the tarball, and what must not. */
const MUST_SHIP = ["package.json", "README.md", "LICENSE", "bin/neo4j-backup.js", "mod.js"];
const MUST_NOT_SHIP = /(^|\/)(tests|scripts|node_modules)\/|_test\.|\.ts$(?<!\.d\.ts)/;

/** One entry of `npm pack --json`. */
interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** A finished command. */
interface Output {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command in a folder; throws with its output when it fails.
 *
 * @param cmd The program.
 * @param args Its arguments (printed, so never a secret).
 * @param cwd The folder.
 * @param env Extra environment variables (not printed).
 * @returns What it printed.
 */
function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Output {
  console.log(`$ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  if (r.error) throw new Error(`Cannot run '${cmd}': ${r.error.message}`);
  if (r.stderr.trim()) console.log(indent(r.stderr));
  if (r.status !== 0) {
    throw new Error(`'${cmd} ${args.join(" ")}' exited with ${r.status}\n${indent(r.stdout)}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

function indent(text: string): string {
  return text.trimEnd().replace(/^/gm, "  ");
}

/** Packs `npmDir` into `into` and checks what the tarball holds; returns the tarball's path. */
function pack(npmDir: string, into: string): string {
  const out = sh("npm", ["pack", "--json", "--pack-destination", into, "--loglevel=error"], npmDir);
  const [result] = JSON.parse(out.stdout) as PackResult[];
  const files = result.files.map((f) => f.path);
  for (const f of MUST_SHIP) assert.ok(files.includes(f), `the tarball lacks '${f}'`);
  const stray = files.filter((f) => MUST_NOT_SHIP.test(f));
  assert.deepEqual(stray, [], `the tarball holds files that must not ship: ${stray.join(", ")}`);
  console.log(`  ${result.filename}: ${files.length} files`);
  return join(into, result.filename);
}

/** Library use from Node: JavaScript, and TypeScript against the shipped `.d.ts`. */
function checkLibrary(app: string, tools?: string): void {
  const js = `import { VERSION, exportBackup, importBackup, BackupError } from "neo4j-backup";
import { main } from "neo4j-backup/cli";
if (typeof exportBackup !== "function" || typeof importBackup !== "function") process.exit(1);
if (typeof main !== "function" || !(new BackupError("x") instanceof Error)) process.exit(1);
console.log(VERSION);`;
  writeFileSync(join(app, "library.mjs"), js);
  assert.equal(sh("node", ["library.mjs"], app).stdout, `${VERSION}\n`);
  if (!tools) return;
  // docs/INSTALL.md's Node example, type-checked against the shipped .d.ts (not run).
  const ts = `import { createReadStream, createWriteStream } from "node:fs";
import { Readable, Writable } from "node:stream";
import process from "node:process";
import neo4j from "neo4j-driver";
import { exportBackup, importBackup, type ImportSummary, VERSION } from "neo4j-backup";

const auth = neo4j.auth.basic("neo4j", process.env.NEO4J_PASSWORD ?? "");
const source = neo4j.driver("neo4j://old-server:7687", auth);
await exportBackup(source).pipeTo(Writable.toWeb(createWriteStream("graph.jsonl.gz")));
const summary: ImportSummary = await importBackup(
  source,
  Readable.toWeb(createReadStream("graph.jsonl.gz")),
);
console.log(VERSION, summary.nodes, summary.relationships);
`;
  writeFileSync(join(app, "library.mts"), ts);
  sh("node", [
    join(tools, "node_modules", "typescript", "bin", "tsc"),
    "--ignoreConfig",
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2022",
    "--lib",
    "es2023",
    "--types",
    "node",
    "--typeRoots",
    join(tools, "node_modules", "@types"),
    "library.mts",
  ], app);
}

/** Library use from Node, as docs/INSTALL.md shows it: export to a file, import from one. */
const LIBRARY_ROUND_TRIP = `import { createReadStream, createWriteStream } from "node:fs";
import { Readable, Writable } from "node:stream";
import neo4j from "neo4j-driver";
import { exportBackup, importBackup } from "neo4j-backup";

const [command, file] = process.argv.slice(2);
const { NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD } = process.env;
const driver = neo4j.driver(NEO4J_URI, neo4j.auth.basic(NEO4J_USERNAME, NEO4J_PASSWORD));
try {
  if (command === "export") {
    await exportBackup(driver).pipeTo(Writable.toWeb(createWriteStream(file)));
  } else {
    const summary = await importBackup(driver, Readable.toWeb(createReadStream(file)));
    console.log(summary.nodes + " nodes, " + summary.relationships + " relationships");
  }
} finally {
  await driver.close();
}
`;

/**
 * Round trips against a real server, first with the installed command (export, verify, wipe,
 * import), then with the library; the graph must come back the same each time.
 */
async function roundTrips(app: string): Promise<void> {
  const server = await startServer();
  const driver: Driver = neo4j.driver(
    server.uri,
    neo4j.auth.basic(server.username, server.password),
    { logging: { level: "error", logger: () => {} } },
  );
  const env = { NEO4J_URI: server.uri, NEO4J_USERNAME: "neo4j", NEO4J_PASSWORD: server.password };
  writeFileSync(join(app, "library_round_trip.mjs"), LIBRARY_ROUND_TRIP);
  const ways = {
    command: {
      exportTo: (file: string) => npx(["export", "-o", file], app, env),
      importFrom: (file: string) => npx(["import", file, "--yes"], app, env),
    },
    library: {
      exportTo: (file: string) => sh("node", ["library_round_trip.mjs", "export", file], app, env),
      importFrom: (file: string) =>
        sh("node", ["library_round_trip.mjs", "import", file], app, env),
    },
  };
  try {
    await loadMovies(driver);
    const before = await fingerprint(driver);
    for (const [way, { exportTo, importFrom }] of Object.entries(ways)) {
      const file = `${way}.jsonl.gz`;
      exportTo(file);
      console.log(indent(npx(["verify", file], app).stdout));
      await driver.executeQuery("MATCH (n) DETACH DELETE n");
      importFrom(file);
      const after = await fingerprint(driver);
      assert.deepEqual(after, before, `the graph differs after the ${way} round trip`);
      console.log(
        `  ${way} round trip: ${before.nodes.length} nodes, ${before.rels.length} relationships`,
      );
    }
  } finally {
    await driver.close();
    await server.stop();
  }
}

/** Runs the installed command as a user would: `npx neo4j-backup ...` (never from the registry). */
function npx(args: string[], app: string, env: Record<string, string> = {}): Output {
  return sh("npx", ["--yes=false", "neo4j-backup", ...args], app, env);
}

/**
 * Packs the package in `npmDir`, installs it into an empty folder and runs it under Node.
 *
 * @param npmDir The built package (`npm/`).
 * @param tools The build tools folder (TypeScript), to type-check a consumer; skipped when absent.
 * @returns When every check passed; throws on the first failure.
 */
export async function smokeTest(npmDir: string, tools?: string): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), "neo4j-backup-npm-smoke-"));
  try {
    const tarball = pack(npmDir, work);
    const app = join(work, "app");
    mkdirSync(app);
    sh("npm", ["install", tarball, "--no-audit", "--no-fund", "--loglevel=error"], app);
    assert.equal(npx(["--version"], app).stdout, `neo4j-backup ${VERSION}\n`);
    const help = npx(["--help"], app).stdout;
    assert.match(help, /^neo4j-backup .*\n\nUsage:\n {2}neo4j-backup export/);
    checkLibrary(app, tools);
    await roundTrips(app);
    console.log(`npm smoke test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  try {
    await smokeTest(join(root, "npm"));
  } catch (e) {
    console.error(`npm smoke test: ${(e as Error).message}`);
    process.exit(1);
  }
}
