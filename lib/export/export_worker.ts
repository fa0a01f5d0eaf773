/**
 * The worker thread of `export --jobs N`: it has a driver of its own, reads the chunks it is
 * asked for (each in a read transaction of its own, as the export's main thread would), applies
 * the filter's property rules, leaves out relationships to nodes not written, and sends back
 * each chunk as the bytes of its lines: the Bolt decoding and the JSON encoding, the export's
 * heavy work, run here. Retries, order, the footer and gzip stay with the main thread.
 *
 * Started by `chunk_workers.ts`; it runs {@link serveChunks} when it is a worker thread.
 *
 * @module
 */

import neo4j, { type Driver } from "neo4j-driver";
import { recordLine } from "../format/encoder_stream.ts";
import type { BodyRecord } from "../format/records.ts";
import { ResultReader } from "../neo4j/result_stream.ts";
import { parentThread, type Transfer } from "../runtime/workers.ts";
import { toNode, toRelationship } from "./export_queries.ts";
import { isEmptyFilter, type RecordFilter, RecordSelector } from "../pipeline/filter.ts";
import { IdSet } from "../pipeline/id_set.ts";
import type {
  ChunkFailure,
  ChunkRequest,
  EncodedChunk,
  WorkerReply,
  WorkerRequest,
  WorkerSetup,
} from "./worker_protocol.ts";

/** A link to the main thread. */
interface Port {
  post(message: WorkerReply, transfer?: Transfer): void;
  onMessage(listener: (message: unknown) => void): void;
}

/**
 * Answers the main thread's requests until it says `close`: one chunk at a time.
 *
 * @param port The link to the main thread.
 *
 * @example Serve the main thread (what this module does in a worker thread)
 * ```ts ignore
 * import { parentThread } from "../runtime/workers.ts";
 * import { serveChunks } from "./export_worker.ts";
 * serveChunks(parentThread()!);
 * ```
 */
export function serveChunks(port: Port): void {
  let setup: WorkerSetup | undefined;
  let driver: Driver | undefined;
  let written = new IdSet();
  let work = Promise.resolve();
  port.onMessage((data) => {
    const message = data as WorkerRequest;
    work = work.then(async () => {
      if (message.type === "setup") {
        setup = message;
        const { uri, username, password, config } = message.connection;
        driver = neo4j.driver(uri, neo4j.auth.basic(username, password), {
          ...config,
          useBigInt: true,
          disableLosslessIntegers: false,
        });
      } else if (message.type === "written") {
        written = IdSet.fromPages(message.pages);
      } else if (message.type === "close") {
        await driver?.close().catch(() => {});
        port.post({ type: "closed" });
      } else {
        try {
          const chunk = await readChunk(driver!, setup!, written, message);
          const transfer = [chunk.bytes.buffer, ...(chunk.ids ? [chunk.ids.buffer] : [])];
          port.post(chunk, transfer);
        } catch (e) {
          port.post({ type: "failure", id: message.id, error: describe(e) });
        }
      }
    });
  });
}

function describe(e: unknown): ChunkFailure["error"] {
  const error = e instanceof Error ? e : new Error(String(e));
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === "string" ? { code } : {}),
  };
}

/** Reads one chunk in a read transaction of its own, and encodes what it keeps. */
async function readChunk(
  driver: Driver,
  setup: WorkerSetup,
  written: IdSet,
  request: ChunkRequest,
): Promise<EncodedChunk> {
  const session = driver.session({
    database: setup.database,
    defaultAccessMode: "READ",
    fetchSize: setup.fetchSize,
  });
  try {
    const tx = await session.beginTransaction();
    try {
      const chunk = new ChunkLines(request, setup.filter, written);
      const params = { ...setup.params, from: neo4j.int(request.from), to: neo4j.int(request.to) };
      const reader = new ResultReader(tx.run(request.query, params), (row) => {
        chunk.add(row);
        return true;
      });
      await reader.done;
      await tx.commit();
      return chunk.finish();
    } finally {
      if (tx.isOpen()) await tx.rollback().catch(() => {});
    }
  } finally {
    await session.close().catch(() => {});
  }
}

/** The lines of one chunk, built row by row. */
class ChunkLines {
  #request: ChunkRequest;
  #selector?: RecordSelector;
  #written: IdSet;
  #text = "";
  #ids: number[] = [];
  #records = 0;
  #leftOut = { nodes: 0, relationships: 0, properties: 0 };
  #dangling = 0;

  constructor(request: ChunkRequest, filter: RecordFilter | undefined, written: IdSet) {
    this.#request = request;
    this.#written = written;
    if (!isEmptyFilter(filter)) this.#selector = new RecordSelector(filter);
  }

  add(row: Parameters<typeof toNode>[0]): void {
    if (row.get(1) === null) { // left out by the filter
      if (this.#request.phase === "nodes") this.#leftOut.nodes++;
      else this.#leftOut.relationships++;
      return;
    }
    if (this.#request.phase === "nodes") this.#node(row);
    else this.#relationship(row);
  }

  #node(row: Parameters<typeof toNode>[0]): void {
    let node = toNode(row);
    if (this.#selector?.stripsProperties) {
      const { props, removed } = this.#selector.nodeProperties(node.labels, node.props);
      this.#leftOut.properties += removed;
      node = { ...node, props };
    }
    this.#ids.push(node.id);
    this.#write(node);
  }

  #relationship(row: Parameters<typeof toNode>[0]): void {
    let rel = toRelationship(row);
    if (!this.#written.has(rel.start) || !this.#written.has(rel.end)) {
      this.#dangling++;
      return;
    }
    if (this.#selector?.stripsProperties) {
      const { props, removed } = this.#selector.relationshipProperties(rel.type, rel.props);
      this.#leftOut.properties += removed;
      rel = { ...rel, props };
    }
    this.#write(rel);
  }

  #write(record: BodyRecord): void {
    // The export's own line format, so that a line written here is the very line the main
    // thread would write.
    this.#text += recordLine(record) + "\n";
    this.#records++;
  }

  finish(): EncodedChunk {
    const bytes = new TextEncoder().encode(this.#text);
    return {
      type: "chunk",
      id: this.#request.id,
      bytes,
      records: this.#records,
      ...(this.#request.phase === "nodes" ? { ids: Float64Array.from(this.#ids) } : {}),
      leftOut: this.#leftOut,
      dangling: this.#dangling,
    };
  }
}

const parent = parentThread();
if (parent) serveChunks(parent);
