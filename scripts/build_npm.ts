/**
 * Builds the npm package for Node 20+ into `npm/` (git-ignored), then smoke-tests it
 * (`scripts/npm_smoke.ts`): pack, install into an empty folder, run it with `npx`.
 *
 * TypeScript compiles the sources one to one (ES modules, `.d.ts` beside each `.js`, relative
 * `.ts` imports rewritten to `.js`). The tests and the server harness are compiled into the same
 * tree, so `deno task test:node` runs the suite under Node against exactly the files that ship;
 * `files` in `package.json` keeps them out of the tarball. The npm packages of deno.json's
 * "imports" (`neo4j-driver`, `hyparquet-writer`, `hyparquet`) are installed into
 * `npm/node_modules`, and the compiler (typescript, @types/node) into the cache folder, so the
 * repository needs no `package.json` of its own.
 *
 * ```sh
 * deno task build:npm                              # build, then smoke-test (starts one server)
 * deno run -A scripts/build_npm.ts --no-smoke      # build only
 * ```
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../lib/version.ts";
import { cacheBase } from "./jdk.ts";
import { smokeTest } from "./npm_smoke.ts";

/** The repository root. */
export const ROOT: string = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the package is built. */
export const NPM_DIR: string = join(ROOT, "npm");
/** The package's name on npm (`npx neo4j-backup`). */
export const NPM_NAME = "neo4j-backup";

/** The compiler, pinned to the TypeScript that Deno 2.9 checks with, and Node 20's types. */
const TOOLS = { "typescript": "6.0.3", "@types/node": "20.19.43" };

/** What ships: everything compiled except the tests and the harness (`files` of package.json). */
const FILES = [
  "mod.js",
  "mod.d.ts",
  "cli.js",
  "cli.d.ts",
  "bin/",
  "lib/",
  "!lib/**/*_test.js",
  "!lib/**/*_test.d.ts",
];

/** Runs a command with inherited output; throws when it fails. */
export function run(cmd: string, args: string[], options: { cwd?: string } = {}): void {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? ROOT, stdio: "inherit" });
  if (r.error) throw new Error(`Cannot run '${cmd}': ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`'${cmd} ${args.join(" ")}' failed with exit code ${r.status}`);
  }
}

/** npm with the noise off; the same flags everywhere. */
export function npm(args: string[], cwd: string): void {
  run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd });
}

/** Installs the pinned compiler into the cache once and returns its folder. */
export function buildTools(): string {
  const dir = join(cacheBase(), `npm-build-tools-ts${TOOLS.typescript}`);
  const installed = join(dir, "node_modules", "typescript", "package.json");
  if (!existsSync(installed) || readJson(installed).version !== TOOLS.typescript) {
    mkdirSync(dir, { recursive: true });
    writeJson(join(dir, "package.json"), { private: true, dependencies: TOOLS });
    npm(["install", "--no-package-lock"], dir);
  }
  return dir;
}

/** The npm dependencies: every `npm:NAME@VERSION` of deno.json's "imports", by name. */
export function npmDependencies(): Record<string, string> {
  const deno = readJson(join(ROOT, "deno.json"));
  const imports = (deno.imports ?? {}) as Record<string, string>;
  const dependencies: Record<string, string> = {};
  for (const [name, target] of Object.entries(imports)) {
    const npm = /^npm:(@?[^@]+)@(.+)$/.exec(target);
    if (npm && npm[1] === name) dependencies[name] = npm[2];
  }
  if (!dependencies["neo4j-driver"]) {
    throw new Error(`Cannot find the neo4j-driver version in deno.json "imports"`);
  }
  return dependencies;
}

/** The package.json of the npm package. */
export function packageJson(): Record<string, unknown> {
  const deno = readJson(join(ROOT, "deno.json"));
  return {
    name: NPM_NAME,
    version: VERSION,
    description: "Back up a live Neo4j database to a readable, compressed JSON Lines file and " +
      "restore it into another Neo4j, through plain Cypher over Bolt",
    keywords: ["neo4j", "backup", "restore", "export", "import", "cypher", "bolt", "jsonl"],
    license: deno.license,
    type: "module",
    engines: { node: ">=20" },
    bin: { [NPM_NAME]: "bin/neo4j-backup.js" },
    main: "./mod.js",
    types: "./mod.d.ts",
    exports: {
      ".": { types: "./mod.d.ts", default: "./mod.js" },
      "./cli": { types: "./cli.d.ts", default: "./cli.js" },
      "./package.json": "./package.json",
    },
    files: FILES,
    dependencies: npmDependencies(),
  };
}

/** The TypeScript configuration: ESM for Node 20, one `.js` and `.d.ts` per source file. */
function tsconfig(tools: string, shim: string): Record<string, unknown> {
  return {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "ES2022",
      moduleResolution: "bundler",
      rewriteRelativeImportExtensions: true,
      allowImportingTsExtensions: true,
      declaration: true,
      strict: true,
      skipLibCheck: true,
      noEmitOnError: true,
      newLine: "lf",
      rootDir: ROOT,
      outDir: NPM_DIR,
      types: ["node"],
      typeRoots: [join(tools, "node_modules", "@types")],
      paths: Object.fromEntries(
        Object.keys(npmDependencies()).map((name) => [name, [join(NPM_DIR, "node_modules", name)]]),
      ),
    },
    files: [join(ROOT, "mod.ts"), join(ROOT, "cli.ts"), shim],
    // Every file of lib/, not only those mod.ts and cli.ts import: a worker thread's module is
    // named by URL (lib/export/export_worker.ts), which no import reaches.
    include: [
      join(ROOT, "lib", "**", "*.ts"),
      join(ROOT, "tests", "*_test.ts"),
      join(ROOT, "scripts", "test.ts"),
    ],
    exclude: NOT_UNDER_NODE.map((f) => join(ROOT, "tests", f)),
  };
}

/**
 * Test files the Node suite leaves to the Deno suite:
 * - they test the development scripts (the benchmark, the server harness's kill and restart, the
 *   compile list), which run under Deno only and do not ship;
 * - or they spend their minute on neo4j-admin's JVM and on escaping logic that runs the same
 *   under both runtimes (the conversions' writers, the hostile names), while what differs under
 *   Node (its worker threads, stdin, zstd) is tested by the other convert suites: this keeps CI
 *   within its 25 minutes.
 */
const NOT_UNDER_NODE = [
  "bench_smoke_test.ts",
  "compile_workers_test.ts",
  "convert_admin_csv_test.ts",
  "convert_parquet_admin_test.ts",
  "harness_faults_test.ts",
  "hostile_convert_test.ts",
];

/** Deno's `import.meta.main` (Node 24 has it too; on Node 20 it is undefined). */
const IMPORT_META_SHIM = `interface ImportMeta {
  main?: boolean;
}
`;

/** The `neo4j-backup` command on Node: `cli.ts` runs `main` only under `import.meta.main`. */
const BIN = `#!/usr/bin/env node
// The neo4j-backup command for Node (written by scripts/build_npm.ts).
import { main } from "../cli.js";
import { args, exit } from "../lib/runtime/process.js";

exit(await main(args()));
`;

/** Builds `npm/` and returns its folder. */
export function buildNpm(): string {
  const started = Date.now();
  const tools = buildTools();
  cleanKeepingModules(NPM_DIR);
  writeJson(join(NPM_DIR, "package.json"), packageJson());
  npm(["install", "--no-package-lock"], NPM_DIR);

  const scratch = mkdtempSync(join(tmpdir(), "neo4j-backup-tsc-"));
  try {
    const shim = join(scratch, "import_meta.d.ts");
    writeFileSync(shim, IMPORT_META_SHIM);
    const config = join(scratch, "tsconfig.json");
    writeJson(config, tsconfig(tools, shim));
    run("node", [join(tools, "node_modules", "typescript", "bin", "tsc"), "-p", config]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  // cli.js keeps the Deno shebang of cli.ts; the Node command is bin/neo4j-backup.js.
  const cli = join(NPM_DIR, "cli.js");
  writeFileSync(cli, readFileSync(cli, "utf8").replace(/^#!.*\n/, ""));
  mkdirSync(join(NPM_DIR, "bin"), { recursive: true });
  writeFileSync(join(NPM_DIR, "bin", "neo4j-backup.js"), BIN, { mode: 0o755 });
  for (const file of ["README.md", "LICENSE"]) cpSync(join(ROOT, file), join(NPM_DIR, file));
  // For the tests under Node: the fixtures they read and the harness's launcher sources.
  cpSync(join(ROOT, "tests", "fixtures"), join(NPM_DIR, "tests", "fixtures"), { recursive: true });
  cpSync(join(ROOT, "scripts", "neo4j"), join(NPM_DIR, "scripts", "neo4j"), { recursive: true });
  console.log(`Built ${NPM_NAME} ${VERSION} into npm/ in ${seconds(started)}`);
  return NPM_DIR;
}

/** Empties a folder but keeps its `node_modules` (reinstalling the driver each build is slow). */
function cleanKeepingModules(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) {
    if (entry !== "node_modules") rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/** Reads a JSON object from a file. */
export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8"));
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Seconds since `started`, e.g. `"4.2 s"`. */
export function seconds(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

if (import.meta.main) {
  try {
    buildNpm();
    if (!Deno.args.includes("--no-smoke")) await smokeTest(NPM_DIR, buildTools());
  } catch (e) {
    console.error(`build:npm: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
