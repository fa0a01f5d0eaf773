/**
 * One measured run of the benchmark (`bench/bench.ts`), in a process of its own so that its
 * peak memory (VmHWM) belongs to that run alone. Also the definition of the benchmark's
 * synthetic graph, twice: as the Cypher that generates it in a server, and as the rows the raw
 * write ceiling creates from memory. Both derive every value from the entity's index alone.
 *
 * ```sh
 * BENCH_PASSWORD=... deno run -A bench/bench_worker.ts TASK '{"uri":"bolt://...", ...}'
 * ```
 *
 * Tasks: `generate`, `read` (the raw read ceiling), `export` (`exportBackup` to a file),
 * `write` (the raw write ceiling), `import` (`importBackup` from a file). It prints one JSON
 * line, a {@link WorkerResult}, on stdout. The password comes from the environment, never argv.
 *
 * Runs under Deno and Node (only `node:` built-ins).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import process from "node:process";
import neo4j, { type Driver, type ManagedTransaction, type Session } from "neo4j-driver";
import { exportBackup } from "../lib/export/export.ts";
import { importBackup } from "../lib/import/import.ts";
import type { Properties } from "../lib/format/records.ts";
import { runIfMain } from "../scripts/script_main.ts";

/** The labels of the graph: node `i` has `LABELS[i % 4]`, and every fifth node also `Active`. */
export const LABELS = ["Person", "Company", "Product", "Place"] as const;
/** The second label of every fifth node. */
export const EXTRA_LABEL = "Active";
/** The relationship types: relationship `j` has `TYPES[j % 3]`. */
export const TYPES = ["KNOWS", "LIKES", "BOUGHT"] as const;
/** Relationships per node. */
export const RELATIONSHIPS_PER_NODE = 5;
/** The schema the generator adds after the data, and the raw write ceiling too. */
export const SCHEMA = [
  "CREATE INDEX bench_person_name FOR (n:Person) ON (n.name)",
  "CREATE CONSTRAINT bench_company_uid FOR (n:Company) REQUIRE n.uid IS UNIQUE",
];

const EPOCH_SECONDS = 1_600_000_000;

/** The labels of node `i`. */
export function nodeLabels(i: number): string[] {
  const first = LABELS[i % LABELS.length];
  return i % 5 === 0 ? [first, EXTRA_LABEL] : [first];
}

/** The six properties of node `i`: int, string, float, bool, date, string list. */
export function nodeProperties(i: number): Properties {
  return {
    uid: BigInt(i),
    name: `node-${i}`,
    score: (i % 1000) + 0.25,
    active: i % 3 === 0,
    born: new neo4j.types.Date(BigInt(1950 + (i % 70)), BigInt(1 + (i % 12)), BigInt(1 + (i % 28))),
    tags: [`t${i % 10}`, `t${i % 7}`],
  };
}

/** Relationship `j` of a graph of `n` nodes: type, endpoints (node indexes) and properties. */
export function relationship(
  j: number,
  n: number,
): { type: string; start: number; end: number; props: Properties } {
  const since = new Date((EPOCH_SECONDS + j) * 1000);
  return {
    type: TYPES[j % TYPES.length],
    start: (j * 7919) % n,
    end: (j * 104729 + 13) % n,
    props: {
      weight: BigInt(j % 100),
      strength: (j % 1000) + 0.5,
      since: new neo4j.types.DateTime(
        BigInt(since.getUTCFullYear()),
        BigInt(since.getUTCMonth() + 1),
        BigInt(since.getUTCDate()),
        BigInt(since.getUTCHours()),
        BigInt(since.getUTCMinutes()),
        BigInt(since.getUTCSeconds()),
        0n,
        0n,
      ),
    },
  };
}

function labelSetter(condition: string, label: string): string {
  return `FOREACH (_ IN CASE WHEN ${condition} THEN [1] ELSE [] END | SET x:${label})`;
}

function relCreator(index: number, type: string): string {
  return `FOREACH (_ IN CASE WHEN j % ${TYPES.length} = ${index} THEN [1] ELSE [] END |
      CREATE (a)-[:${type} {weight: j % 100, strength: (j % 1000) + 0.5,
        since: datetime({epochSeconds: ${EPOCH_SECONDS} + j})}]->(b))`;
}

/**
 * Nodes in index order: in a fresh store node `i` gets id `i` (the generator checks it), so that
 * relationships find their endpoints by id seeks.
 */
const GENERATE_NODES = `UNWIND range(0, $n - 1) AS i
CALL {
  WITH i
  CREATE (x {uid: i, name: 'node-' + i, score: (i % 1000) + 0.25, active: i % 3 = 0,
    born: date({year: 1950 + i % 70, month: 1 + i % 12, day: 1 + i % 28}),
    tags: ['t' + (i % 10), 't' + (i % 7)]})
  ${LABELS.map((l, k) => labelSetter(`i % ${LABELS.length} = ${k}`, l)).join("\n  ")}
  ${labelSetter("i % 5 = 0", EXTRA_LABEL)}
} IN TRANSACTIONS OF 10000 ROWS`;

const GENERATE_RELATIONSHIPS = `UNWIND range(0, ${RELATIONSHIPS_PER_NODE} * $n - 1) AS j
CALL {
  WITH j
  MATCH (a) WHERE id(a) = (j * 7919) % $n
  MATCH (b) WHERE id(b) = (j * 104729 + 13) % $n
  ${TYPES.map((t, k) => relCreator(k, t)).join("\n  ")}
} IN TRANSACTIONS OF 10000 ROWS`;

/** The export's own queries, so that the raw read reads exactly what the export reads. */
const READ_NODES = "MATCH (n) RETURN id(n) AS i, labels(n) AS l, properties(n) AS p";
const READ_RELATIONSHIPS =
  "MATCH ()-[r]->() RETURN type(r) AS t, id(startNode(r)) AS s, id(endNode(r)) AS e, properties(r) AS p";

/** What every task is given (the password comes from `BENCH_PASSWORD`). */
export interface WorkerParams {
  uri: string;
  username: string;
  /** Nodes of the graph (`generate`, `write`). */
  nodes?: number;
  /** Backup file (`export`, `import`). */
  file?: string;
  /** Fetch size (`read`, `export`). */
  fetchSize?: number;
  /** Rows per transaction (`write`, `import`). */
  batchSize?: number;
  /** Chunk reads in flight (`export --jobs`). */
  exportJobs?: number;
  /** Write transactions in flight (`import --jobs`). */
  importJobs?: number;
}

/** What a task reports. */
export interface WorkerResult {
  task: string;
  /** Seconds of the measured part (connection set-up and checks excluded). */
  seconds: number;
  nodes: number;
  relationships: number;
  /** Peak resident memory of the whole worker process, in bytes. */
  peakRss: number;
  /** Resident memory before the measured part began, in bytes (the runtime's floor). */
  startRss: number;
  /** CPU seconds (user + system) the worker spent in the measured part. */
  cpuSeconds: number;
  /** Bytes of the backup file (`export`). */
  bytes?: number;
  /** Batches rolled back as deadlocks and written again (`import` with `importJobs` > 1). */
  deadlocks?: number;
}

function connect(params: WorkerParams): Driver {
  const password = process.env.BENCH_PASSWORD ?? "";
  // The same driver configuration as lib/cli/connect.ts.
  return neo4j.driver(params.uri, neo4j.auth.basic(params.username, password), {
    useBigInt: true,
    logging: { level: "error", logger: () => {} },
  });
}

/** VmHWM from /proc (Linux); elsewhere the highest RSS sampled every 20 ms. */
class PeakMemory {
  #sampled = process.memoryUsage.rss();
  #timer = setInterval(() => {
    this.#sampled = Math.max(this.#sampled, process.memoryUsage.rss());
  }, 20);

  peak(): number {
    clearInterval(this.#timer);
    try {
      const status = readFileSync("/proc/self/status", "utf8");
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      if (kb !== undefined) return Number(kb) * 1024;
    } catch {
      // not Linux: fall back to sampling
    }
    return Math.max(this.#sampled, process.memoryUsage.rss());
  }
}

async function count(session: Session, query: string): Promise<number> {
  const result = await session.run(query);
  return Number(result.records[0].get(0));
}

async function counts(driver: Driver): Promise<{ nodes: number; relationships: number }> {
  const session = driver.session();
  try {
    return {
      nodes: await count(session, "MATCH (n) RETURN count(n)"),
      relationships: await count(session, "MATCH ()-[r]->() RETURN count(r)"),
    };
  } finally {
    await session.close();
  }
}

type Measured = Omit<WorkerResult, "task" | "peakRss" | "startRss" | "cpuSeconds">;

async function generate(driver: Driver, params: WorkerParams): Promise<Measured> {
  const n = BigInt(params.nodes ?? 0);
  const started = performance.now();
  const session = driver.session();
  try {
    await session.run(GENERATE_NODES, { n });
    const stray = await session.run("MATCH (x) WHERE x.uid <> id(x) RETURN count(x)");
    if (Number(stray.records[0].get(0)) !== 0) {
      throw new Error("Cannot generate the graph: node ids are not dense; use a fresh server");
    }
    await session.run(GENERATE_RELATIONSHIPS, { n });
    for (const statement of SCHEMA) await session.run(statement);
    await session.run("CALL db.awaitIndexes(3600)");
  } finally {
    await session.close();
  }
  return { seconds: (performance.now() - started) / 1000, ...await counts(driver) };
}

/** Reads what the export reads, in one read transaction, and throws it away. */
async function read(driver: Driver, params: WorkerParams): Promise<Measured> {
  const session = driver.session({
    defaultAccessMode: neo4j.session.READ,
    fetchSize: params.fetchSize ?? 10_000,
  });
  const started = performance.now();
  let nodes = 0;
  let relationships = 0;
  try {
    const tx = await session.beginTransaction();
    nodes = await drain(tx.run(READ_NODES));
    relationships = await drain(tx.run(READ_RELATIONSHIPS));
    await tx.commit();
  } finally {
    await session.close();
  }
  return { seconds: (performance.now() - started) / 1000, nodes, relationships };
}

/** Counts the records of a result through the driver's callback API, its fastest path. */
function drain(result: { subscribe(observer: object): void }): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    result.subscribe({
      onNext: () => {
        rows++;
      },
      onCompleted: () => resolve(rows),
      onError: reject,
    });
  });
}

async function exportTask(driver: Driver, params: WorkerParams): Promise<Measured> {
  const file = requireFile(params);
  let nodes = 0;
  let relationships = 0;
  const started = performance.now();
  const bytes = exportBackup(driver, {
    fetchSize: params.fetchSize,
    jobs: params.exportJobs,
    // As the CLI does: with --jobs, worker threads read and encode, each with its own driver.
    ...((params.exportJobs ?? 1) > 1
      ? {
        connection: {
          uri: params.uri,
          username: params.username,
          password: process.env.BENCH_PASSWORD ?? "",
        },
      }
      : {}),
    onProgress: (e) => {
      if (e.phase === "nodes") nodes = e.done;
      if (e.phase === "relationships") relationships = e.done;
    },
  });
  const handle = await open(file, "w");
  let size = 0;
  try {
    for await (const chunk of bytes) {
      await handle.write(chunk);
      size += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return { seconds: (performance.now() - started) / 1000, nodes, relationships, bytes: size };
}

/** A file as a web stream, read in 64 KiB chunks. */
function fileStream(path: string): ReadableStream<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  return new ReadableStream<Uint8Array>({
    async start() {
      handle = await open(path, "r");
    },
    async pull(controller) {
      const buffer = new Uint8Array(1 << 16);
      const { bytesRead } = await handle!.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) {
        await handle!.close();
        controller.close();
      } else controller.enqueue(buffer.subarray(0, bytesRead));
    },
    async cancel() {
      await handle?.close();
    },
  });
}

async function importTask(driver: Driver, params: WorkerParams): Promise<Measured> {
  const started = performance.now();
  const summary = await importBackup(driver, fileStream(requireFile(params)), {
    batchSize: params.batchSize,
    jobs: params.importJobs,
  });
  const seconds = (performance.now() - started) / 1000;
  const found = await counts(driver);
  if (found.nodes !== summary.nodes || found.relationships !== summary.relationships) {
    throw new Error(
      `Import check failed: the summary says ${summary.nodes} nodes and ${summary.relationships} ` +
        `relationships, the target holds ${found.nodes} and ${found.relationships}`,
    );
  }
  return { seconds, ...found, ...(summary.deadlocks ? { deadlocks: summary.deadlocks } : {}) };
}

/**
 * The raw write ceiling: the graph's rows built in memory and created with UNWIND batches, one
 * static query per label set or type, endpoints found by id seeks through the ids the node
 * batches return; the next batch is built while one commits (one transaction in flight); then
 * the same schema.
 */
async function write(driver: Driver, params: WorkerParams): Promise<Measured> {
  const n = params.nodes ?? 0;
  const size = params.batchSize ?? 10_000;
  const ids = new Float64Array(n);
  const session = driver.session();
  let inFlight: Promise<void> = Promise.resolve();
  const submit = async (work: (tx: ManagedTransaction) => Promise<void>) => {
    await inFlight;
    inFlight = session.executeWrite(work);
    inFlight.catch(() => {}); // observed by the next submit or the final await
  };
  const started = performance.now();
  try {
    for (let from = 0; from < n; from += size) {
      const groups = nodeGroups(from, Math.min(n, from + size));
      await submit(async (tx) => {
        for (const [labels, group] of groups) {
          const result = await tx.run(
            `UNWIND $rows AS p CREATE (n:${labels}) SET n = p RETURN id(n)`,
            { rows: group.rows },
          );
          result.records.forEach((r, k) => ids[group.index[k]] = Number(r.get(0)));
        }
      });
    }
    await inFlight; // relationships need every node's id
    const total = RELATIONSHIPS_PER_NODE * n;
    for (let from = 0; from < total; from += size) {
      const groups = relationshipGroups(from, Math.min(total, from + size), n, ids);
      await submit(async (tx) => {
        for (const [type, rows] of groups) {
          await tx.run(
            "UNWIND $rows AS row MATCH (a) WHERE id(a) = row.s MATCH (b) WHERE id(b) = row.e " +
              `CREATE (a)-[r:${type}]->(b) SET r = row.p`,
            { rows },
          );
        }
      });
    }
    await inFlight;
    for (const statement of SCHEMA) await session.run(statement);
    await session.run("CALL db.awaitIndexes(3600)");
  } finally {
    await inFlight.catch(() => {});
    await session.close();
  }
  return { seconds: (performance.now() - started) / 1000, ...await counts(driver) };
}

/** Nodes `[from, to)` grouped by label set, with their indexes. */
function nodeGroups(from: number, to: number) {
  const groups = new Map<string, { index: number[]; rows: Properties[] }>();
  for (let i = from; i < to; i++) {
    const key = nodeLabels(i).join(":");
    let group = groups.get(key);
    if (!group) groups.set(key, group = { index: [], rows: [] });
    group.index.push(i);
    group.rows.push(nodeProperties(i));
  }
  return groups;
}

/** Relationships `[from, to)` grouped by type, endpoints as target ids. */
function relationshipGroups(from: number, to: number, n: number, ids: Float64Array) {
  const groups = new Map<string, { s: bigint; e: bigint; p: Properties }[]>();
  for (let j = from; j < to; j++) {
    const r = relationship(j, n);
    let group = groups.get(r.type);
    if (!group) groups.set(r.type, group = []);
    group.push({ s: BigInt(ids[r.start]), e: BigInt(ids[r.end]), p: r.props });
  }
  return groups;
}

function requireFile(params: WorkerParams): string {
  if (!params.file) throw new Error("This task needs a 'file'");
  return params.file;
}

const TASKS: Record<string, (driver: Driver, params: WorkerParams) => Promise<Measured>> = {
  generate,
  read,
  export: exportTask,
  import: importTask,
  write,
};

/** The names of the tasks a worker runs. */
export type WorkerTask = "generate" | "read" | "export" | "import" | "write";

async function main(args: string[]): Promise<void> {
  const [task, json] = args;
  const run = TASKS[task];
  if (!run || !json) {
    throw new Error(`usage: bench_worker.ts ${Object.keys(TASKS).join("|")} JSON`);
  }
  const params = JSON.parse(json) as WorkerParams;
  const memory = new PeakMemory();
  const driver = connect(params);
  try {
    await driver.verifyConnectivity();
    const startRss = process.memoryUsage.rss();
    const cpu = process.cpuUsage();
    const measured = await run(driver, params);
    const used = process.cpuUsage(cpu);
    const result: WorkerResult = {
      task,
      ...measured,
      peakRss: memory.peak(),
      startRss,
      cpuSeconds: (used.user + used.system) / 1e6,
    };
    process.stdout.write(JSON.stringify(result) + "\n");
  } finally {
    await driver.close();
  }
}

await runIfMain(import.meta.url, "bench worker", main);
