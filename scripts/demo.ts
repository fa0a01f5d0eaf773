/**
 * The main job on an embedded default (`deno task demo`): starts two throwaway local Neo4j
 * servers, loads Movies (with the Python tool's edge cases) and Northwind into the first, runs the
 * real `neo4j-backup` CLI to export, verify and import into the second, checks that both hold the
 * same graph, prints a short report and stops both servers.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import neo4j, { type Driver } from "neo4j-driver";
import { loadMoviesWithEdgeCases, loadNorthwind } from "./datasets.ts";
import { catalog, fingerprint } from "./graph_compare.ts";
import { type Neo4jServer, startServer } from "./neo4j_server.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function connect(server: Neo4jServer): Driver {
  return neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password), {
    useBigInt: true,
    logging: { level: "error", logger: () => {} },
  });
}

/** Runs the CLI as a user would, the password in the environment, its stderr shown. */
function cli(args: string[], server?: Neo4jServer): void {
  const shown = ["neo4j-backup", ...args].join(" ");
  say(`\n$ ${shown}`);
  const env = { ...process.env };
  if (server) {
    env.NEO4J_URI = server.uri;
    env.NEO4J_USERNAME = server.username;
    env.NEO4J_PASSWORD = server.password;
  }
  const r = spawnSync(process.execPath, ["run", "-A", join(ROOT, "cli.ts"), ...args], {
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`'${shown}' failed with exit code ${r.status}`);
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), "neo4j-backup-demo-"));
  const servers: Neo4jServer[] = [];
  const drivers: Driver[] = [];
  try {
    say("Starting two throwaway Neo4j Community servers (the first run downloads the jars) ...");
    for (let i = 0; i < 2; i++) {
      const s = await startServer();
      servers.push(s);
      say(`  Neo4j ${s.version} at ${s.uri}, ready in ${(s.startMs / 1000).toFixed(1)} s`);
    }
    const [source, target] = servers.map(connect);
    drivers.push(source, target);
    say("Loading Movies (with the Python tool's edge cases) and Northwind into the first ...");
    await loadMoviesWithEdgeCases(source);
    await loadNorthwind(source);

    const file = join(work, "demo.jsonl.gz");
    cli(["export", "-o", file], servers[0]);
    cli(["verify", file]);
    cli(["import", file], servers[1]);

    say("\nComparing the two databases ...");
    const [a, b] = await Promise.all([fingerprint(source), fingerprint(target)]);
    const [ca, cb] = await Promise.all([catalog(source), catalog(target)]);
    const sameGraph = JSON.stringify(a) === JSON.stringify(b);
    const sameCatalog = JSON.stringify(ca) === JSON.stringify(cb);
    const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n");
    say(`
Report
  nodes                  ${a.nodes.length} -> ${b.nodes.length}
  relationships          ${a.rels.length} -> ${b.rels.length}
  backup                 ${statSync(file).size} bytes gzip, ${lines.length - 1} lines
  same graph             ${sameGraph ? "yes (every node, relationship and typed value)" : "NO"}
  same tokens and schema ${sameCatalog ? "yes (labels, types, keys, indexes, constraints)" : "NO"}

The backup is JSON Lines; its first lines:
${lines.slice(0, 3).map((l) => "  " + (l.length > 160 ? l.slice(0, 157) + "..." : l)).join("\n")}`);
    return sameGraph && sameCatalog ? 0 : 1;
  } finally {
    await Promise.all(drivers.map((d) => d.close()));
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(work, { recursive: true, force: true });
    say("\nStopped both servers and removed their stores.");
  }
}

process.exitCode = await main();
