/**
 * The course of an export: connect, refuse a driver that loses integers, read the schema and
 * the counts, then the nodes and the relationships chunk by chunk (on the single-stream or the
 * parallel path), and compare the counts at the end. Every record goes to one `push`.
 *
 * @module
 */

import type { Driver, Record as Neo4jRecord } from "neo4j-driver";
import { UsageError } from "../errors.ts";
import {
  type BodyRecord,
  FORMAT_NAME,
  FORMAT_VERSION,
  type NodeRecord,
  type RelationshipRecord,
} from "../format/records.ts";
import { readSchema } from "../neo4j/schema_read.ts";
import { integerForm, type ServerInfo, serverInfo } from "../neo4j/server.ts";
import { toNumber } from "../neo4j/integers.ts";
import { IdSet } from "../pipeline/id_set.ts";
import {
  emptySummary,
  type FilterSummary,
  isEmptyFilter,
  leftOutSentence,
  RecordSelector,
} from "../pipeline/filter.ts";
import type { ProgressEvent, ProgressPhase } from "../pipeline/progress_event.ts";
import { VERSION } from "../version.ts";
import type { EncodedBlock } from "./block_encoder.ts";
import { ChunkWorkers } from "./chunk_workers.ts";
import type { ExportOptions } from "./export_options.ts";
import {
  chunkQueries,
  counts,
  MAX_NODE_ID,
  MAX_REL_ID,
  toNode,
  toRelationship,
} from "./export_queries.ts";
import { readAhead, readInWorkers } from "./read_parallel.ts";
import { readStreaming } from "./read_streaming.ts";
import { SourceReads } from "./source_reads.ts";
import type { EncodedChunk } from "./worker_protocol.ts";

const PROGRESS_EVERY = 5000;
/** The size of the pieces the workers' lines are handed out in: the encoder's chunk size. */
const BLOCK_BYTES = 65536;

/**
 * Reads the database chunk by chunk and hands every record to `push`, which returns false when
 * the consumer is full: the chunk's stream is then paused until {@link ExportPump.resume}.
 *
 * @example Pump a database into an array
 * ```ts ignore
 * import { ExportPump } from "./export_pump.ts";
 * const records = [];
 * await new ExportPump(driver, {}, false, (r) => records.push(r) > 0).run();
 * ```
 */
export class ExportPump {
  /** What the user should know about the backup once it is written (see `onWarning`). */
  readonly warnings: string[] = [];
  #driver: Driver;
  #options: ExportOptions;
  #push: (record: BodyRecord | EncodedBlock) => boolean;
  /** Whether the chunks are read in worker threads. */
  #encoded: boolean;
  #workers?: ChunkWorkers;
  #reads: SourceReads;
  #filter?: RecordSelector;
  #leftOut: FilterSummary = emptySummary();

  /**
   * @param driver The source's driver.
   * @param options The export's options.
   * @param encoded Whether the chunks are read and encoded in worker threads.
   * @param push Takes each record or block of lines; returns false when the consumer is full.
   */
  constructor(
    driver: Driver,
    options: ExportOptions,
    encoded: boolean,
    push: (record: BodyRecord | EncodedBlock) => boolean,
  ) {
    this.#driver = driver;
    this.#encoded = encoded;
    this.#options = options;
    this.#push = push;
    this.#reads = new SourceReads(driver, options);
    if (!isEmptyFilter(options.filter)) this.#filter = new RecordSelector(options.filter);
  }

  /** The consumer has room again. */
  resume(): void {
    this.#reads.resume();
  }

  /**
   * Stops the export: the query in flight fails with `reason`.
   *
   * @param reason What the export fails with.
   */
  cancel(reason: unknown): void {
    this.#reads.cancel(reason);
    this.#workers?.terminate(reason);
  }

  /**
   * Runs the export; the abort listener is on the signal only while this runs.
   *
   * @returns Resolves once every record was pushed.
   */
  async run(): Promise<void> {
    const { database, signal } = this.#options;
    signal?.throwIfAborted();
    const abort = () => this.cancel(signal?.reason);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      const info = await this.#reads.retry(
        "connecting",
        () => serverInfo(this.#driver, database),
      );
      this.#reads.throwIfCancelled();
      if (await integerForm(this.#driver, info.database) === "number") {
        throw new UsageError(
          "Cannot export with a driver made with disableLosslessIntegers, which turns integers " +
            "into floats: make the driver without that option (useBigInt is fine)",
        );
      }
      this.#reads.throwIfCancelled();
      await this.#read(info);
    } finally {
      signal?.removeEventListener("abort", abort);
      await this.#workers?.close();
    }
  }

  async #read(info: ServerInfo): Promise<void> {
    const start = await this.#reads.retry(
      "reading the schema and counts",
      () =>
        this.#reads.inReadTransaction(
          info,
          async (tx) => ({ schema: await readSchema(tx), totals: await counts(tx) }),
        ),
    );
    const { totals } = start;
    const schema = start.schema.filter((item) => {
      if (this.#filter?.keepsSchema(item) ?? true) return true;
      this.#leftOut.schema.push(item.name);
      return false;
    });
    this.#reads.throwIfCancelled();
    this.#push({
      kind: "header",
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      tool: `neo4j-backup ${VERSION}`,
      created: new Date().toISOString(),
      source: { version: info.version, edition: info.edition, database: info.database },
      counts: totals,
    });
    this.#progress("start", "schema", 0, schema.length);
    for (const record of schema) this.#push(record);
    this.#progress("end", "schema", schema.length, schema.length);

    const queries = chunkQueries(this.#options.filter);
    this.#reads.params = queries.params;
    if (this.#encoded) this.#startWorkers(info);
    const written = new IdSet();
    let seenNodes = new IdSet(); // nodes the filter left out, in the chunk being read
    await this.#phase(
      info,
      "nodes",
      totals.nodes,
      queries.nodes,
      MAX_NODE_ID,
      (row, id) => {
        if (row.get(1) === null) { // left out by the filter
          if (seenNodes.add(id)) this.#leftOut.nodes++;
          return undefined;
        }
        if (!written.add(id)) return undefined; // read again after a retry
        return this.#node(toNode(row));
      },
      () => seenNodes = new IdSet(),
      (chunk) => {
        for (const id of chunk.ids!) written.add(id);
        this.#leftOut.nodes += chunk.leftOut.nodes;
        this.#leftOut.properties += chunk.leftOut.properties;
      },
    );
    this.#workers?.shareWritten(written);
    let leftOut = 0;
    let seen = new IdSet();
    await this.#phase(
      info,
      "relationships",
      totals.relationships,
      queries.rels,
      MAX_REL_ID,
      (row, id) => {
        if (!seen.add(id)) return undefined;
        if (row.get(1) === null) {
          this.#leftOut.relationships++;
          return undefined;
        }
        const rel = toRelationship(row);
        if (written.has(rel.start) && written.has(rel.end)) return this.#relationship(rel);
        leftOut++;
        return undefined;
      },
      () => seen = new IdSet(),
      (chunk) => {
        leftOut += chunk.dangling;
        this.#leftOut.relationships += chunk.leftOut.relationships;
        this.#leftOut.properties += chunk.leftOut.properties;
      },
    );
    this.#reportLeftOut();
    await this.#checkUnchanged(info, totals, leftOut);
  }

  #node(node: NodeRecord): NodeRecord {
    if (!this.#filter?.stripsProperties) return node;
    const { props, removed } = this.#filter.nodeProperties(node.labels, node.props);
    this.#leftOut.properties += removed;
    return { ...node, props };
  }

  #relationship(rel: RelationshipRecord): RelationshipRecord {
    if (!this.#filter?.stripsProperties) return rel;
    const { props, removed } = this.#filter.relationshipProperties(rel.type, rel.props);
    this.#leftOut.properties += removed;
    return { ...rel, props };
  }

  /** Hands what the filter left out to `onLeftOut`, and a sentence of it to the footer. */
  #reportLeftOut(): void {
    if (!this.#filter) return;
    const sentence = leftOutSentence(this.#leftOut);
    if (sentence) this.warnings.push(sentence);
    this.#options.onLeftOut?.(this.#leftOut);
  }

  /**
   * Reads one kind of entity in chunks of ids up to the highest id, then looks again for ids
   * made meanwhile. `map` turns a row into a record, or `undefined` to skip it; `chunkDone` is
   * called when a chunk is complete (what it read will not be read again). With workers, they
   * do what `map` does, and `encoded` takes the counts of each chunk instead.
   */
  async #phase(
    info: ServerInfo,
    phase: "nodes" | "relationships",
    total: number,
    query: string,
    maxQuery: string,
    map: (row: Neo4jRecord, id: number) => BodyRecord | undefined,
    chunkDone: () => void,
    encoded: (chunk: EncodedChunk) => void,
  ): Promise<void> {
    this.#reads.throwIfCancelled();
    this.#progress("start", phase, 0, total);
    let done = 0;
    const onRow = (row: Neo4jRecord) => {
      const record = map(row, toNumber(row.get(0)));
      if (record === undefined) return true;
      const more = this.#push(record);
      if (++done % PROGRESS_EVERY === 0) {
        this.#progress("advance", phase, done, Math.max(total, done));
      }
      return more;
    };
    const onChunk = async (chunk: EncodedChunk) => {
      encoded(chunk);
      // In pieces of the encoder's chunk size, so that the output queue holds what it holds
      // with -j 1 and a slow reader holds the workers back as early.
      for (let at = 0; at < chunk.bytes.length; at += BLOCK_BYTES) {
        const records = at === 0 ? chunk.records : 0;
        const more = this.#push({
          kind: "block",
          bytes: chunk.bytes.subarray(at, at + BLOCK_BYTES),
          nodes: phase === "nodes" ? records : 0,
          relationships: phase === "nodes" ? 0 : records,
        });
        if (!more) await this.#reads.room();
        this.#reads.throwIfCancelled();
      }
      const before = done;
      done += chunk.records;
      if (Math.floor(done / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) {
        this.#progress("advance", phase, done, Math.max(total, done));
      }
    };
    const chunks = { size: this.#reads.chunkMax, shrunk: false };
    const cancel = (reason: unknown) => this.cancel(reason);
    for (let from = 0, max = await this.#reads.maxId(info, maxQuery); from <= max;) {
      const range = { from, max };
      if (this.#workers) {
        await readInWorkers(
          this.#reads,
          this.#workers,
          { phase, query, range, chunks, cancel },
          onChunk,
        );
      } else if (this.#reads.jobs > 1) {
        await readAhead(
          this.#reads,
          info,
          { phase, query, range, chunks, cancel },
          onRow,
          chunkDone,
        );
      } else {
        await readStreaming(this.#reads, { info, phase, query, range, chunks, onRow, chunkDone });
      }
      from = max + 1;
      max = await this.#reads.maxId(info, maxQuery); // ids made while the export ran
    }
    if (chunks.shrunk) {
      this.#warn(
        `The source's transaction limits made the export read ${phase} in smaller chunks ` +
          "(transaction timeout or memory limit)",
      );
    }
    this.#progress("end", phase, done, done);
  }

  #startWorkers(info: ServerInfo): void {
    this.#workers = new ChunkWorkers(this.#reads.jobs, {
      type: "setup",
      connection: this.#options.connection!,
      database: info.database,
      fetchSize: this.#options.fetchSize ?? 10_000,
      filter: this.#options.filter,
      params: this.#reads.params,
    });
  }

  /** Compares the counts after the export with those before, and warns when they differ. */
  async #checkUnchanged(
    info: ServerInfo,
    before: { nodes: number; relationships: number },
    leftOut: number,
  ): Promise<void> {
    const after = await this.#reads.retry(
      "reading the counts",
      () => this.#reads.inReadTransaction(info, (tx) => counts(tx)),
    );
    if (after.nodes !== before.nodes || after.relationships !== before.relationships) {
      this.#warn(
        `The database changed while it was exported (${before.nodes} nodes and ` +
          `${before.relationships} relationships at the start, ${after.nodes} and ` +
          `${after.relationships} at the end): the backup is not a copy of one moment`,
      );
    }
    if (leftOut > 0) {
      this.#warn(
        `${leftOut} relationship${leftOut === 1 ? " was" : "s were"} left out: ` +
          "their end node was created or deleted while the export ran",
      );
    }
  }

  #warn(message: string): void {
    this.warnings.push(message);
    this.#options.onWarning?.(message);
  }

  #progress(type: ProgressEvent["type"], phase: ProgressPhase, done: number, total: number): void {
    this.#options.onProgress?.({ type, phase, done, total });
  }
}
