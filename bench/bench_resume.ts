/**
 * The resumable import measured (`deno task bench:resume`): the cost of the journal (an import
 * with a state file against the same import without one, each into a fresh server, best of
 * `--repeat`), and how long `--resume` takes to find its place after an import stopped near the
 * end (reading the journal, resolving the last batch, decoding the backup up to where it stopped,
 * rebuilding the id map) until its first new batch commits.
 *
 * ```sh
 * deno task bench:resume                              # 200k nodes, 1M relationships
 * deno task bench:resume --nodes 1000000 --no-overhead   # the resume time at 1M nodes
 * deno task bench:resume --nodes 1000000 --journal-only  # the journal's own work, no server
 * ```
 *
 * The backup is synthetic (written with the library's encoder, no source server): N nodes with
 * four properties over two label sets, 5N relationships of two types. Prints a Markdown table.
 *
 * @module
 */

import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { Buffer } from "node:buffer";
import neo4j, { type Driver } from "neo4j-driver";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { BodyRecord } from "../lib/format/records.ts";
import { importBackup } from "../lib/import/import.ts";
import { Journal } from "../lib/import/journal.ts";
import { type Neo4jServer, startServer } from "../scripts/neo4j_server.ts";

function graph(nodes: number): ReadableStream<BodyRecord> {
  const rels = nodes * 5;
  let i = -1;
  return new ReadableStream<BodyRecord>({
    pull(controller) {
      for (let k = 0; k < 1000; k++, i++) {
        if (i === -1) {
          controller.enqueue({
            kind: "header",
            format: "neo4j-backup",
            version: 1,
            tool: "bench",
            created: new Date().toISOString(),
            source: { version: "5.26.0", edition: "community", database: "neo4j" },
            counts: { nodes, relationships: rels },
          });
        } else if (i < nodes) {
          controller.enqueue({
            kind: "node",
            id: i,
            labels: i % 5 ? ["Person"] : ["Person", "Admin"],
            props: { i: BigInt(i), name: `person ${i}`, score: i / 3, active: i % 2 === 0 },
          });
        } else if (i < nodes + rels) {
          const r = i - nodes;
          controller.enqueue({
            kind: "rel",
            type: r % 2 ? "KNOWS" : "FOLLOWS",
            start: r % nodes,
            end: (r * 7 + 3) % nodes,
            props: { since: BigInt(2000 + (r % 20)) },
          });
        } else {
          controller.close();
          return;
        }
      }
    },
  });
}

async function writeBackup(path: string, nodes: number): Promise<void> {
  const chunks: Uint8Array[] = [];
  for await (const c of encodeBackup(graph(nodes))) chunks.push(c);
  writeFileSync(path, Buffer.concat(chunks));
}

function bytesOf(path: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(new Uint8Array(await readFile(path)));
      controller.close();
    },
  });
}

async function withTarget<T>(heap: string, work: (driver: Driver) => Promise<T>): Promise<T> {
  const server: Neo4jServer = await startServer({ heap });
  const driver = neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password), {
    logging: { level: "error", logger: () => {} },
  });
  try {
    return await work(driver);
  } finally {
    await driver.close();
    await server.stop();
  }
}

async function timedImport(heap: string, file: string, state?: string): Promise<number> {
  return await withTarget(heap, async (driver) => {
    const started = performance.now();
    await importBackup(driver, bytesOf(file), { state });
    return (performance.now() - started) / 1000;
  });
}

/** Stops an import at `stopAt` of its relationships, then times the resume's first batch. */
async function resumeTime(
  heap: string,
  file: string,
  state: string,
  rels: number,
  stopAt: number,
): Promise<{ stoppedAt: number; findPlace: number; total: number }> {
  return await withTarget(heap, async (driver) => {
    const stop = new AbortController();
    let stoppedAt = 0;
    await importBackup(driver, bytesOf(file), {
      state,
      batchSize: 1000,
      signal: stop.signal,
      onProgress: (e) => {
        if (e.phase === "relationships" && e.done >= rels * stopAt && !stop.signal.aborted) {
          stoppedAt = e.done;
          stop.abort(new Error("stopped by the benchmark"));
        }
      },
    }).catch(() => {});
    const started = performance.now();
    let findPlace = NaN;
    let from = -1;
    await importBackup(driver, bytesOf(file), {
      state,
      resume: true,
      onProgress: (e) => {
        if (e.phase !== "relationships") return;
        if (e.type === "start") from = e.done;
        else if (e.type === "advance" && e.done > from && Number.isNaN(findPlace)) {
          findPlace = (performance.now() - started) / 1000;
        }
      },
    });
    return { stoppedAt, findPlace, total: (performance.now() - started) / 1000 };
  });
}

/**
 * The journal's own work for an import of `nodes` nodes and 5 × `nodes` relationships in
 * batches of 5,000: every batch line (with its id pairs for node batches) appended and fsynced,
 * every commit line appended, as the import does. Seconds.
 */
async function journalSeconds(dir: string, nodes: number): Promise<number> {
  const path = join(dir, "journal-alone");
  const header = {
    kind: "header" as const,
    format: "neo4j-backup" as const,
    version: 1,
    tool: "bench",
    created: new Date().toISOString(),
    source: { version: "5.26.0", edition: "community", database: "neo4j" },
  };
  const started = performance.now();
  const journal = await Journal.create(path, header, {
    id: "x",
    creationDate: "x",
    database: "neo4j",
  }, { nodes: 0, relationships: 0 });
  let seq = 0;
  const counts = { nodes: 0, relationships: 0 };
  for (let from = 0; from < nodes; from += 5000) {
    const size = Math.min(5000, nodes - from);
    const ids: number[] = [];
    for (let i = from; i < from + size; i++) ids.push(i, 1_000_000 + i);
    await journal.begin({
      seq: ++seq,
      phase: "nodes",
      line: from + size + 1,
      size,
      before: counts,
      ids,
    });
    await journal.committed(seq);
  }
  for (let from = 0; from < nodes * 5; from += 5000) {
    const size = Math.min(5000, nodes * 5 - from);
    await journal.begin({
      seq: ++seq,
      phase: "relationships",
      line: nodes + from + size + 1,
      size,
      before: counts,
    });
    await journal.committed(seq);
  }
  await journal.remove();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      nodes: { type: "string", default: "200000" },
      repeat: { type: "string", default: "2" },
      heap: { type: "string", default: "2g" },
      "no-overhead": { type: "boolean" },
      "journal-only": { type: "boolean" },
    },
  });
  const nodes = Number(values.nodes);
  const repeat = Number(values.repeat);
  const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-bench-resume-"));
  if (values["journal-only"]) {
    const seconds = await journalSeconds(dir, nodes);
    console.log(
      `journal alone, ${nodes} nodes, ${nodes * 5} relationships: ${seconds.toFixed(2)} s`,
    );
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  try {
    const file = join(dir, "graph.jsonl.gz");
    await writeBackup(file, nodes);
    console.error(
      `backup: ${nodes} nodes, ${nodes * 5} relationships, ${statSync(file).size} bytes`,
    );
    const lines = [`| nodes | relationships | what | seconds |`, `| ---: | ---: | --- | ---: |`];
    const row = (what: string, s: number) =>
      lines.push(
        `| ${nodes.toLocaleString("en")} | ${(nodes * 5).toLocaleString("en")} | ${what} | ${
          s.toFixed(1)
        } |`,
      );
    if (!values["no-overhead"]) {
      const plain: number[] = [];
      const journalled: number[] = [];
      for (let r = 0; r < repeat; r++) {
        plain.push(await timedImport(values.heap!, file));
        console.error(`import without state: ${plain.at(-1)!.toFixed(1)} s`);
        journalled.push(await timedImport(values.heap!, file, join(dir, `state-${r}`)));
        console.error(`import with state: ${journalled.at(-1)!.toFixed(1)} s`);
      }
      const a = Math.min(...plain);
      const b = Math.min(...journalled);
      row(`import without a state file (best of ${repeat})`, a);
      row(`import with a state file (best of ${repeat})`, b);
      lines.push(`| | | difference with the journal | ${((b / a - 1) * 100).toFixed(1)} % |`);
      const alone = await journalSeconds(dir, nodes);
      row("the journal's own writes and fsyncs, alone", alone);
      lines.push(
        `| | | journal's own work / import without it | ${(alone / a * 100).toFixed(1)} % |`,
      );
    }
    const r = await resumeTime(values.heap!, file, join(dir, "state-resume"), nodes * 5, 0.9);
    console.error(
      `resume: stopped at ${r.stoppedAt}, first new batch after ${r.findPlace.toFixed(1)} s`,
    );
    row(
      `--resume after a stop at ${
        r.stoppedAt.toLocaleString("en")
      } relationships: until its first new batch commits`,
      r.findPlace,
    );
    row("--resume: the whole rest of the import", r.total);
    console.log(lines.join("\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
