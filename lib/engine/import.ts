/**
 * A stream of backup records to a database: nodes and relationships in UNWIND batches (one static
 * query per label set or relationship type), endpoints matched through an in-client id map (no
 * temporary property, label or index in the target), then the schema, then index population.
 *
 * @module
 */

import type { Driver, ManagedTransaction, Session } from "neo4j-driver";
import { labelPattern, quote } from "../neo4j/cypher.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import { DatabaseError, FormatError, RefusedError } from "../errors.ts";
import { toNumber } from "../neo4j/integers.ts";
import { IdMap } from "./id_map.ts";
import type { ProgressEvent } from "./progress_event.ts";
import type {
  BackupRecord,
  HeaderRecord,
  NodeRecord,
  Properties,
  RelationshipRecord,
  SchemaRecord,
} from "../format/records.ts";
import { describeSchema, planSchema } from "../neo4j/schema.ts";
import { type ServerInfo, serverInfo } from "../neo4j/server.ts";
import { splitZoned, zonedKeys, zonedSetClause } from "../neo4j/zoned_datetimes.ts";

/** Options of {@link importRecords} and {@link importBackup}. */
export interface ImportOptions {
  /** The target database; the server's default when omitted. */
  database?: string;
  /** Nodes or relationships per write transaction (default 5,000). */
  batchSize?: number;
  /** Import even when the target already holds data, without asking. */
  allowNonEmpty?: boolean;
  /** Asked when the target holds data and `allowNonEmpty` is not set; resolve true to go on. */
  confirmNonEmpty?: (
    info: { database: string; nodes: number; relationships: number },
  ) => Promise<boolean>;
  /** Called as the import advances. */
  onProgress?: (event: ProgressEvent) => void;
  /** Called once per schema item that cannot be recreated, and for other non-fatal problems. */
  onWarning?: (message: string) => void;
  /** Seconds to wait for new indexes to come online (default 3,600). */
  indexTimeoutSeconds?: number;
}

/** What an import did. */
export interface ImportSummary {
  /** The backup's header. */
  header: HeaderRecord;
  /** The target server and database. */
  target: ServerInfo;
  /** Nodes created. */
  nodes: number;
  /** Relationships created. */
  relationships: number;
  /** Schema items created (or already present, for the built-in lookup indexes). */
  schemaCreated: number;
  /**
   * Schema items the target could not take, with the reason; `partial` marks an item that was
   * created without the parts named in the reason (an index provider or settings the target
   * does not have).
   */
  skipped: SkippedSchema[];
  /** Wall-clock seconds. */
  seconds: number;
}

/** A schema item, or part of one, that the target could not take. */
export interface SkippedSchema {
  /** The index or constraint name. */
  name: string;
  /** Why, in words for the user. */
  reason: string;
  /** True when the item was created, only without what the reason names. */
  partial?: boolean;
}

interface PendingRel {
  record: RelationshipRecord;
  line: number;
}

/**
 * Imports a stream of records (as a decoder or the legacy reader produces them) into a database.
 * Refuses a target that already holds data unless allowed or confirmed.
 *
 * @param driver A driver connected to the target server.
 * @param records The records, header first.
 * @param options Database, batch size, confirmation, progress, warnings.
 * @returns What was imported and what was skipped.
 *
 * @example Copy one database into another without a file
 * ```ts ignore
 * import { exportRecords } from "./export.ts";
 * import { importRecords } from "./import.ts";
 * const summary = await importRecords(target, exportRecords(source));
 * console.log(`${summary.nodes} nodes, ${summary.relationships} relationships`);
 * ```
 */
export async function importRecords(
  driver: Driver,
  records: ReadableStream<BackupRecord>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const reader = records.getReader();
  try {
    const first = await reader.read();
    if (first.done || first.value.kind !== "header") {
      throw new FormatError("Not a backup: the first record is not a header", { line: 1 });
    }
    const header = first.value;
    const target = await serverInfo(driver, options.database);
    await ensureEmpty(driver, target, options);
    const session = driver.session({ database: target.database, defaultAccessMode: "WRITE" });
    try {
      const writer = new BatchWriter(session, target, options, header.counts);
      const schema = await writer.consume(reader);
      const { created, skipped } = await applySchema(session, schema, target, header, options);
      return {
        header,
        target,
        nodes: writer.nodes,
        relationships: writer.relationships,
        schemaCreated: created,
        skipped,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      await session.close();
    }
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    throw e;
  } finally {
    reader.releaseLock();
  }
}

/**
 * Imports a backup's bytes (gzip-compressed or plain) into a database.
 *
 * @param driver A driver connected to the target server.
 * @param bytes The backup file's bytes.
 * @param options As {@link importRecords}.
 * @returns What was imported and what was skipped.
 *
 * @example Restore a file
 * ```ts ignore
 * import { importBackup } from "./import.ts";
 * const file = await Deno.open("graph.jsonl.gz");
 * const summary = await importBackup(driver, file.readable);
 * console.log(summary.skipped);
 * ```
 */
export function importBackup(
  driver: Driver,
  bytes: ReadableStream<Uint8Array>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return importRecords(driver, decodeBackup(bytes), options);
}

async function ensureEmpty(
  driver: Driver,
  target: ServerInfo,
  options: ImportOptions,
): Promise<void> {
  const count = async (query: string) => {
    const { records } = await driver.executeQuery(query, {}, {
      database: target.database,
      routing: "READ",
    });
    return toNumber(records[0].get(0));
  };
  const nodes = await count("MATCH (n) RETURN count(n)");
  const relationships = await count("MATCH ()-[r]->() RETURN count(r)");
  if (nodes === 0 || options.allowNonEmpty) return;
  const info = { database: target.database, nodes, relationships };
  if (options.confirmNonEmpty && await options.confirmNonEmpty(info)) return;
  throw new RefusedError(
    `Target database '${target.database}' is not empty (${nodes} nodes, ${relationships} relationships): ` +
      "import into an empty database, or confirm with --yes to add the backup to it",
  );
}

/** Reads records and writes them in batches, one transaction in flight while the next fills. */
class BatchWriter {
  nodes = 0;
  relationships = 0;
  #session: Session;
  #size: number;
  #options: ImportOptions;
  #ids = new IdMap();
  #pending: Promise<void> = Promise.resolve();
  #nodeBatch: NodeRecord[] = [];
  #relBatch: PendingRel[] = [];
  #nodesTotal?: number;
  #relsTotal?: number;
  /** 4.4 targets get zoned DateTimes as epoch seconds (see zoned_datetimes.ts). */
  #zonedDetour: boolean;

  constructor(
    session: Session,
    target: ServerInfo,
    options: ImportOptions,
    expected?: HeaderRecord["counts"],
  ) {
    this.#session = session;
    this.#nodesTotal = expected?.nodes;
    this.#relsTotal = expected?.relationships;
    this.#zonedDetour = target.major < 5;
    this.#size = options.batchSize ?? 5_000;
    this.#options = options;
  }

  /** Consumes the rest of the stream; returns the schema records to apply after the data. */
  async consume(reader: ReadableStreamDefaultReader<BackupRecord>): Promise<SchemaRecord[]> {
    const schema: SchemaRecord[] = [];
    let line = 1;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        line++;
        switch (value.kind) {
          case "node":
            this.#nodeBatch.push(value);
            if (this.#nodeBatch.length >= this.#size) await this.#flushNodes();
            break;
          case "rel":
            if (this.#nodeBatch.length) await this.#flushNodes();
            this.#relBatch.push({ record: value, line });
            if (this.#relBatch.length >= this.#size) await this.#flushRels();
            break;
          case "index":
          case "constraint":
            schema.push(value);
            break;
          case "footer":
            this.#nodesTotal = value.nodes;
            this.#relsTotal = value.relationships;
            break;
          default:
            throw new FormatError(`Backup is corrupt: a second header at line ${line}`, { line });
        }
      }
      await this.#flushNodes();
      await this.#flushRels();
      await this.#pending;
    } catch (e) {
      await this.#pending.catch(() => {});
      throw this.#partial(e);
    }
    this.#options.onProgress?.({
      phase: "nodes",
      done: this.nodes,
      total: this.#nodesTotal ?? this.nodes,
    });
    this.#options.onProgress?.({
      phase: "relationships",
      done: this.relationships,
      total: this.#relsTotal ?? this.relationships,
    });
    return schema;
  }

  #partial(e: unknown): unknown {
    if (!(e instanceof FormatError) || (this.nodes === 0 && this.relationships === 0)) return e;
    return new FormatError(
      `${e.message}; the target now holds a partial import (${this.nodes} nodes, ` +
        `${this.relationships} relationships)`,
      { line: e.line, cause: e },
    );
  }

  /** Waits for the transaction in flight, then starts the next one without waiting for it. */
  async #start(write: () => Promise<void>): Promise<void> {
    await this.#pending;
    const p = write();
    p.catch(() => {}); // observed when awaited next; avoids an unhandled rejection meanwhile
    this.#pending = p;
  }

  async #flushNodes(): Promise<void> {
    if (!this.#nodeBatch.length) return;
    const batch = this.#nodeBatch;
    this.#nodeBatch = [];
    await this.#start(async () => {
      const groups = groupBy(batch, (n) => n.labels.join("\u0000"));
      const created = await this.#session.executeWrite(async (tx) => {
        const out: [number, number][] = [];
        for (const group of groups.values()) {
          await createNodes(tx, group, out, this.#zonedDetour);
        }
        return out;
      });
      for (const [from, to] of created) this.#ids.set(from, to);
      this.nodes += batch.length;
      this.#options.onProgress?.({ phase: "nodes", done: this.nodes, total: this.#nodesTotal });
    });
  }

  async #flushRels(): Promise<void> {
    if (!this.#relBatch.length) return;
    const batch = this.#relBatch;
    this.#relBatch = [];
    await this.#pending; // endpoints must be in the id map
    const rows = batch.map(({ record, line }) => ({
      type: record.type,
      row: {
        s: this.#target(record.start, line),
        e: this.#target(record.end, line),
        p: record.props,
      },
    }));
    await this.#start(async () => {
      const groups = groupBy(rows, (r) => r.type);
      await this.#session.executeWrite(async (tx) => {
        for (const [type, group] of groups) {
          await createRels(tx, type, group.map((g) => g.row), this.#zonedDetour);
        }
      });
      this.relationships += batch.length;
      this.#options.onProgress?.({
        phase: "relationships",
        done: this.relationships,
        total: this.#relsTotal,
      });
    });
  }

  #target(id: number, line: number): bigint {
    const t = this.#ids.get(id);
    if (t === undefined) {
      throw new FormatError(
        `Backup is corrupt: the relationship at line ${line} refers to node ${id}, which the backup does not hold`,
        { line },
      );
    }
    return BigInt(t);
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

async function createNodes(
  tx: ManagedTransaction,
  group: NodeRecord[],
  out: [number, number][],
  zonedDetour: boolean,
) {
  const labels = labelPattern(group[0].labels);
  const keys = zonedDetour ? zonedKeys(group.map((n) => n.props)) : [];
  const query = keys.length
    ? `UNWIND $rows AS row CREATE (n${labels}) SET n = row.p${
      zonedSetClause("n", keys)
    } RETURN id(n) AS t`
    : `UNWIND $rows AS p CREATE (n${labels}) SET n = p RETURN id(n) AS t`;
  const rows = keys.length
    ? group.map((n) => splitZoned(n.props, keys))
    : group.map((n) => n.props);
  const result = await tx.run(query, { rows });
  const ids = result.records;
  if (ids.length !== group.length) {
    throw new DatabaseError(`Cannot create nodes: ${ids.length} of ${group.length} were created`);
  }
  for (let i = 0; i < group.length; i++) out.push([group[i].id, toNumber(ids[i].get(0))]);
}

async function createRels(
  tx: ManagedTransaction,
  type: string,
  rows: { s: bigint; e: bigint; p: Properties }[],
  zonedDetour: boolean,
) {
  const keys = zonedDetour ? zonedKeys(rows.map((r) => r.p)) : [];
  const query = "UNWIND $rows AS row MATCH (a) WHERE id(a) = row.s MATCH (b) WHERE id(b) = row.e " +
    `CREATE (a)-[r:${quote(type)}]->(b) SET r = row.p${zonedSetClause("r", keys)}`;
  const params = keys.length
    ? rows.map((r) => ({ s: r.s, e: r.e, ...splitZoned(r.p, keys) }))
    : rows;
  const result = await tx.run(query, { rows: params });
  const made = result.summary.counters.updates().relationshipsCreated;
  if (made !== rows.length) {
    throw new DatabaseError(
      `Cannot create relationships of type '${type}': ${made} of ${rows.length} were created ` +
        "(a node they connect is missing from the target; was it changed during the import?)",
    );
  }
}

async function applySchema(
  session: Session,
  schema: SchemaRecord[],
  target: ServerInfo,
  header: HeaderRecord,
  options: ImportOptions,
): Promise<{ created: number; skipped: SkippedSchema[] }> {
  const skipped: SkippedSchema[] = [];
  let created = 0;
  const lookups = await existingLookups(session);
  const isLookup = (r: SchemaRecord) => r.kind === "index" && r.type === "LOOKUP";
  // Lookup indexes first, online before the rest: other indexes populate from them, and 4.4
  // fails an index whose population loses its lookup index to a DROP.
  const ordered = [...schema.filter(isLookup), ...schema.filter((r) => !isLookup(r))];
  let replaced = false;
  for (const record of ordered) {
    if (replaced && !isLookup(record)) {
      replaced = false;
      await session.run("CALL db.awaitIndexes($t)", {
        t: BigInt(options.indexTimeoutSeconds ?? 3600),
      });
    }
    if (isLookup(record)) {
      const existing = lookups.get(record.entity);
      if (existing === record.name) {
        created++;
        continue;
      }
      if (existing !== undefined) await session.run(`DROP INDEX ${quote(existing)}`);
      replaced = true;
    }
    const plan = planSchema(record, target, header.source?.version);
    const reason = "skip" in plan ? plan.skip : await tryRun(session, plan.statement);
    if (reason === undefined) {
      created++;
      options.onProgress?.({ phase: "schema", done: created, total: schema.length });
      if ("dropped" in plan && plan.dropped) {
        const partial = `Neo4j ${target.version} cannot hold ${plan.dropped.join(", ")}`;
        skipped.push({ name: record.name, reason: partial, partial: true });
        options.onWarning?.(`Created ${describeSchema(record)} without some options: ${partial}`);
      }
      continue;
    }
    skipped.push({ name: record.name, reason });
    options.onWarning?.(`Skipped ${describeSchema(record)}: ${reason}`);
  }
  if (created > 0) {
    options.onProgress?.({ phase: "indexes", done: 0 });
    await session.run("CALL db.awaitIndexes($t)", {
      t: BigInt(options.indexTimeoutSeconds ?? 3600),
    });
    options.onProgress?.({ phase: "indexes", done: created, total: created });
  }
  return { created, skipped };
}

async function existingLookups(session: Session): Promise<Map<string, string>> {
  const result = await session.run(
    "SHOW INDEXES YIELD name, type, entityType WHERE type = 'LOOKUP' RETURN name, entityType",
  );
  return new Map(result.records.map((r) => [String(r.get("entityType")), String(r.get("name"))]));
}

async function tryRun(session: Session, statement: string): Promise<string | undefined> {
  try {
    await session.run(statement);
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return `the target refused it: ${message.split("\n")[0]}`;
  }
}
