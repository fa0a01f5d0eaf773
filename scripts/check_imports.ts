/**
 * Checks the imports of `lib/`, `mod.ts` and `cli.ts` (run by `deno task check`): no import
 * circle between files, and no folder of `lib/` importing one it must not know (the table
 * {@link MAY_IMPORT}; CONTRIBUTING.md draws the same picture). The graph is Deno's own
 * (`deno info --json`), type-only imports included.
 *
 * ```sh
 * deno run -A scripts/check_imports.ts
 * ```
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runIfMain } from "./script_main.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The folders of `lib/` each folder may import, besides itself and the files at the top of
 * `lib/` (`errors.ts`, `version.ts`). A folder missing here (a new one) may import anything
 * until it is added.
 */
export const MAY_IMPORT: Record<string, string[]> = {
  runtime: [],
  format: [],
  storage: ["runtime"],
  neo4j: ["format", "runtime"],
  pipeline: ["format"],
  export: ["format", "neo4j", "pipeline", "runtime"],
  import: ["format", "neo4j", "pipeline", "runtime", "storage"],
  list: ["format", "pipeline"],
  convert: ["format", "neo4j", "pipeline", "runtime", "storage"],
  compat: ["export", "format", "import", "neo4j", "pipeline", "runtime", "storage"],
  cli: [
    "compat",
    "convert",
    "export",
    "format",
    "import",
    "list",
    "neo4j",
    "pipeline",
    "runtime",
    "storage",
  ],
};

/** Each module and the modules it imports, by path from the repository root. */
export type ImportGraph = Map<string, Set<string>>;

/**
 * The import circles of a graph: each as the files in order, the first repeated at the end.
 *
 * @param graph The imports.
 * @returns One circle per group of files that import one another (Tarjan's components).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importCircles } from "./check_imports.ts";
 * const graph = new Map([
 *   ["a.ts", new Set(["b.ts"])],
 *   ["b.ts", new Set(["c.ts"])],
 *   ["c.ts", new Set(["a.ts"])],
 *   ["d.ts", new Set(["a.ts"])],
 * ]);
 * assert.deepEqual(importCircles(graph), [["a.ts", "b.ts", "c.ts", "a.ts"]]);
 * ```
 */
export function importCircles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    const selfImport = graph.get(node)?.has(node) ?? false;
    if (group.length > 1 || selfImport) circles.push(circleThrough(graph, new Set(group)));
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return circles;
}

/** One circle inside a group of files that import one another, from its first file. */
function circleThrough(graph: ImportGraph, group: Set<string>): string[] {
  const start = [...group].sort()[0];
  // Breadth-first from start back to start, within the group: the shortest circle.
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(from.get(path[0])!);
        return [...path, start];
      }
      if (!from.has(next)) {
        from.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * The imports that cross from one folder of `lib/` to one it may not import.
 *
 * @param graph The imports.
 * @param mayImport Which folders each folder may import.
 * @returns One line per import, `lib/a/x.ts -> lib/b/y.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { upwardImports } from "./check_imports.ts";
 * const graph = new Map([["lib/format/a.ts", new Set(["lib/cli/b.ts", "lib/errors.ts"])]]);
 * assert.deepEqual(upwardImports(graph, { format: [] }), ["lib/format/a.ts -> lib/cli/b.ts"]);
 * ```
 */
export function upwardImports(graph: ImportGraph, mayImport: Record<string, string[]>): string[] {
  const folder = (path: string) => /^lib\/([^/]+)\//.exec(path)?.[1];
  const wrong: string[] = [];
  for (const [from, targets] of graph) {
    const own = folder(from);
    const allowed = own === undefined ? undefined : mayImport[own];
    if (allowed === undefined) continue;
    for (const to of targets) {
      const theirs = folder(to);
      if (theirs !== undefined && theirs !== own && !allowed.includes(theirs)) {
        wrong.push(`${from} -> ${to}`);
      }
    }
  }
  return wrong.sort();
}

/** The `.ts` files under a folder, by path from the repository root. */
function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(folder, name).replaceAll("\\", "/"))
    .sort();
}

/** The imports among the repository's own files, as Deno resolves them. */
function readGraph(files: string[]): ImportGraph {
  const dir = mkdtempSync(join(tmpdir(), "check-imports-"));
  try {
    const root = join(dir, "all.ts");
    writeFileSync(
      root,
      files.map((f) => `import "${pathToFileURL(join(ROOT, f)).href}";\n`).join(""),
    );
    const r = spawnSync(Deno.execPath(), ["info", "--json", root], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    if (r.status !== 0) throw new Error(`'deno info' failed: ${r.stderr.trim()}`);
    return graphOf(JSON.parse(r.stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface DenoInfo {
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier?: string }; type?: { specifier?: string } }[];
  }[];
}

function graphOf(info: DenoInfo): ImportGraph {
  const own = (specifier: string | undefined) => {
    if (!specifier?.startsWith("file:")) return undefined;
    const path = relative(ROOT, fileURLToPath(specifier)).replaceAll("\\", "/");
    return path.startsWith("..") ? undefined : path;
  };
  const graph: ImportGraph = new Map();
  for (const module of info.modules) {
    const from = own(module.specifier);
    if (from === undefined) continue;
    const targets = new Set<string>();
    for (const dependency of module.dependencies ?? []) {
      for (const to of [dependency.code?.specifier, dependency.type?.specifier].map(own)) {
        if (to !== undefined) targets.add(to);
      }
    }
    graph.set(from, targets);
  }
  return graph;
}

function main(): Promise<void> {
  const graph = readGraph(["mod.ts", "cli.ts", ...sources("lib")]);
  const circles = importCircles(graph);
  const upward = upwardImports(graph, MAY_IMPORT);
  for (const circle of circles) console.error(`import circle: ${circle.join(" -> ")}`);
  for (const line of upward) console.error(`import across the layers: ${line}`);
  if (circles.length + upward.length > 0) {
    throw new Error(
      `${circles.length} import circle(s), ${upward.length} import(s) across the layers; ` +
        "see CONTRIBUTING.md, 'Where things are'",
    );
  }
  console.log(`imports: ${graph.size} files, no circle, none across the layers`);
  return Promise.resolve();
}

// `import.meta.main` as well: under `deno test --doc` the examples run with this file as argv[1].
if (import.meta.main) await runIfMain(import.meta.url, "check_imports", main);
