/**
 * `deno compile` embeds a worker thread's module only when told (`--include`): every module
 * that `lib/` starts as a worker must be in scripts/compile.ts's list, or the compiled binary
 * fails where the worker starts (`export --jobs`, `convert --to parquet`). The binary cannot be
 * built here (dl.deno.land is unreachable), so the list is checked against the sources.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { WORKERS } from "../scripts/compile.ts";
import { ROOT } from "./_cli.ts";

test("every worker module that lib/ starts is included in the compiled binary", () => {
  const started: string[] = [];
  const lib = join(ROOT, "lib");
  for (const entry of readdirSync(lib, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const path = join(entry.parentPath, entry.name);
    // Code only: the JSDoc examples start made-up workers.
    const text = readFileSync(path, "utf8").split("\n").filter((l) => !/^\s*\*/.test(l))
      .join("\n");
    for (const match of text.matchAll(/startWorker\(\s*import\.meta\.url,\s*"(\.\/[^"]+)"/g)) {
      started.push(relative(ROOT, join(dirname(path), match[1])));
    }
  }
  assert.ok(started.length >= 2, `found ${started.join(", ")}`);
  assert.deepEqual([...new Set(started)].sort(), [...WORKERS].sort());
});
