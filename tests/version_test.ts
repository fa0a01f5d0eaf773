/**
 * One version everywhere: `lib/version.ts` is the source; `deno.json` (JSR), the npm package's
 * `package.json` (once built) and `--version` must say the same. (The backup header's `tool` is
 * checked in roundtrip_test.ts, which has a backup at hand.)
 *
 * Runs from the sources under Deno and from the build in `npm/` under Node.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { VERSION } from "../lib/version.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
/** Deno runs the `.ts` sources; Node runs the `.js` build in `npm/`. */
const FROM_SOURCES = import.meta.url.endsWith(".ts");
/** The repository: the nearest folder above with a `deno.json`. */
const ROOT = findUp(HERE, "deno.json");
const PACKAGE_JSON = join(ROOT, "npm", "package.json");

function findUp(from: string, file: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, file))) return dir;
  }
  throw new Error(`Cannot find '${file}' in a folder above '${from}'`);
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8"));
}

test("the version is a semantic version", () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
});

test("deno.json has the version of lib/version.ts", () => {
  assert.equal(readJson(join(ROOT, "deno.json")).version, VERSION);
});

test("the built npm package has the version of lib/version.ts", {
  skip: existsSync(PACKAGE_JSON) ? false : "npm/ is not built (deno task build:npm)",
}, () => {
  assert.equal(readJson(PACKAGE_JSON).version, VERSION);
});

test("--version prints the version of lib/version.ts", () => {
  const command = FROM_SOURCES
    ? ["run", "--quiet", "--no-prompt", "--allow-env", join(ROOT, "cli.ts"), "--version"]
    : [join(HERE, "..", "bin", "neo4j-backup.js"), "--version"];
  const r = spawnSync(process.execPath, command, { encoding: "utf8" });
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, `neo4j-backup ${VERSION}\n`);
  assert.equal(r.status, 0);
});
