/**
 * A database to a stream of backup records (header, schema, nodes, relationships), read with
 * one streaming query per entity kind inside one read transaction: no paging, no per-row queries.
 *
 * @module
 */

import type { Driver, Integer, Session, Transaction } from "neo4j-driver";
import { encodeBackup } from "./encoder_stream.ts";
import type { ProgressEvent } from "./progress_event.ts";
import { type BodyRecord, FORMAT_NAME, FORMAT_VERSION, type Properties } from "./records.ts";
import { readSchema } from "./schema.ts";
import { serverInfo } from "./server.ts";
import { VERSION } from "./version.ts";

/** Options of {@link exportRecords} and {@link exportBackup}. */
export interface ExportOptions {
  /** The database to back up; the server's default when omitted. */
  database?: string;
  /** Records pulled from the server per round trip (default 10,000). */
  fetchSize?: number;
  /** Called as the export advances (every few thousand records and at each phase end). */
  onProgress?: (event: ProgressEvent) => void;
  /** Stops the export: the stream errors with the signal's reason. */
  signal?: AbortSignal;
}

const NODES = "MATCH (n) RETURN id(n) AS i, labels(n) AS l, properties(n) AS p";
const RELS =
  "MATCH ()-[r]->() RETURN type(r) AS t, id(startNode(r)) AS s, id(endNode(r)) AS e, properties(r) AS p";
const PROGRESS_EVERY = 5000;

/** A driver integer (`bigint`, `Integer` or number) as a JS number. */
export function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return (v as Integer).toNumber();
}

/**
 * Streams a database as backup records: the header, the schema, every node, every relationship
 * (the footer is the encoder's job). The stream pulls from the server only as fast as it is read.
 *
 * @param driver A driver connected to the source server.
 * @param options Database, fetch size, progress, cancellation.
 * @returns A stream of records.
 *
 * @example Count the nodes of a backup without writing it
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { exportRecords } from "./export.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * let nodes = 0;
 * for await (const r of exportRecords(driver)) if (r.kind === "node") nodes++;
 * console.log(nodes);
 * await driver.close();
 * ```
 */
export function exportRecords(
  driver: Driver,
  options: ExportOptions = {},
): ReadableStream<BodyRecord> {
  const iterator = generate(driver, options);
  return new ReadableStream<BodyRecord>({
    async pull(controller) {
      // Fill the queue in one go: one await per record is the cost to beat.
      while ((controller.desiredSize ?? 0) > 0) {
        const { value, done } = await iterator.next();
        if (done) {
          controller.close();
          return;
        }
        controller.enqueue(value);
      }
    },
    async cancel(reason) {
      await iterator.return(reason);
    },
  }, new CountQueuingStrategy({ highWaterMark: 2000 }));
}

/**
 * Streams a database as backup bytes: JSON Lines with a footer, gzip-compressed unless
 * `compress` is false.
 *
 * @param driver A driver connected to the source server.
 * @param options As {@link exportRecords}, plus `compress` (default true).
 * @returns The backup's bytes.
 *
 * @example Back up to a file
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { exportBackup } from "./export.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * const file = await Deno.create("graph.jsonl.gz");
 * await exportBackup(driver).pipeTo(file.writable);
 * await driver.close();
 * ```
 */
export function exportBackup(
  driver: Driver,
  options: ExportOptions & { compress?: boolean } = {},
): ReadableStream<Uint8Array> {
  return encodeBackup(exportRecords(driver, options), { compress: options.compress ?? true });
}

async function* generate(driver: Driver, options: ExportOptions): AsyncGenerator<BodyRecord> {
  const info = await serverInfo(driver, options.database);
  const session: Session = driver.session({
    database: info.database,
    defaultAccessMode: "READ",
    fetchSize: options.fetchSize ?? 10_000,
  });
  let tx: Transaction | undefined;
  try {
    tx = await session.beginTransaction();
    const schema = await readSchema(tx);
    const totals = await counts(tx);
    yield {
      kind: "header",
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      tool: `neo4j-backup ${VERSION}`,
      created: new Date().toISOString(),
      source: { version: info.version, edition: info.edition, database: info.database },
      counts: totals,
    };
    options.onProgress?.({ phase: "schema", done: schema.length, total: schema.length });
    yield* schema;
    yield* streamNodes(tx, totals.nodes, options);
    yield* streamRelationships(tx, totals.relationships, options);
    await tx.commit();
    tx = undefined;
  } finally {
    if (tx?.isOpen()) await tx.rollback().catch(() => {});
    await session.close();
  }
}

async function counts(tx: Transaction): Promise<{ nodes: number; relationships: number }> {
  const n = await tx.run("MATCH (n) RETURN count(n) AS c");
  const r = await tx.run("MATCH ()-[r]->() RETURN count(r) AS c");
  return { nodes: toNumber(n.records[0].get("c")), relationships: toNumber(r.records[0].get("c")) };
}

async function* streamNodes(
  tx: Transaction,
  total: number,
  options: ExportOptions,
): AsyncGenerator<BodyRecord> {
  let done = 0;
  for await (const row of tx.run(NODES)) {
    options.signal?.throwIfAborted();
    yield {
      kind: "node",
      id: toNumber(row.get(0)),
      labels: row.get(1) as string[],
      props: row.get(2) as Properties,
    };
    if (++done % PROGRESS_EVERY === 0) options.onProgress?.({ phase: "nodes", done, total });
  }
  options.onProgress?.({ phase: "nodes", done, total: Math.max(total, done) });
}

async function* streamRelationships(
  tx: Transaction,
  total: number,
  options: ExportOptions,
): AsyncGenerator<BodyRecord> {
  let done = 0;
  for await (const row of tx.run(RELS)) {
    options.signal?.throwIfAborted();
    yield {
      kind: "rel",
      type: row.get(0) as string,
      start: toNumber(row.get(1)),
      end: toNumber(row.get(2)),
      props: row.get(3) as Properties,
    };
    if (++done % PROGRESS_EVERY === 0) {
      options.onProgress?.({ phase: "relationships", done, total });
    }
  }
  options.onProgress?.({ phase: "relationships", done, total: Math.max(total, done) });
}
