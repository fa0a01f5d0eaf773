/**
 * `convert --to parquet`: a backup as a folder of Apache Parquet files for DuckDB, Spark,
 * Polars, the embedded graph databases of the Kuzu family and `neo4j-admin import`: one file per
 * label set under `nodes/`, one per relationship type under `relationships/`, and
 * `manifest.json`, which describes them, and `loss-report.txt`.
 *
 * The backup is read once. Each table keeps the rows of the row group it is filling, converted
 * to column values; a table's row group is written when it reaches {@link ParquetOptions.rowGroupRows}
 * rows or {@link ParquetOptions.tableBytes}, and the largest one when all of them together
 * reach {@link ParquetOptions.memoryBytes}: memory holds at most that, whatever the backup's
 * size, plus the map from node id to table (8 bytes per node when ids are dense). A column that
 * first appears after a table's first row group was written starts a new part file; the parts
 * are joined into one file at the end (read back and written again, one row group at a time).
 *
 * @module
 */

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type {
  BackupRecord,
  HeaderRecord,
  NodeRecord,
  RelationshipRecord,
  SchemaRecord,
} from "../../format/records.ts";
import { IdMap } from "../../pipeline/id_map.ts";
import { removeFile, renameFile } from "../../storage/files.ts";
import { writeFileAtomically } from "../../storage/atomic_write.ts";
import { VERSION } from "../../version.ts";
import { makeFolder } from "../folder.ts";
import { type LossReport, lossReportText } from "../loss_report.ts";
import { writeAdminImport } from "./admin_import.ts";
import { type Compression, parquetCodec } from "./codecs.ts";
import {
  type EndpointEntry,
  MANIFEST_FORMAT,
  type NodeFileEntry,
  type ParquetManifest,
  type RelationshipFileEntry,
  schemaJson,
} from "./manifest.ts";
import { TableNames } from "./names.ts";
import { OpenFiles } from "./part_file.ts";
import { ParquetTable, type TableOptions } from "./table.ts";

/**
 * The rows of a row group unless told otherwise: 8,192. hyparquet-writer takes a row group as
 * one JavaScript array per column and builds a few more while it encodes; up to 16,000 rows
 * these arrays are under V8's 128 KiB limit of ordinary objects and die young, while larger
 * ones go straight to the old generation, which V8 lets grow to several times the data alive
 * before it collects. Measured at 1M nodes and 5M relationships (docs/BENCHMARKS.md): 272 MiB
 * peak RSS with 8,192 rows, 485 MiB with 65,536, for files 10 % larger. `--row-group-rows`
 * chooses larger groups where memory allows.
 */
export const DEFAULT_ROW_GROUP_ROWS = 8_192;

/** The largest `--row-group-rows` accepted: 1,048,576. */
export const MAX_ROW_GROUP_ROWS = 1 << 20;

/** Options of {@link writeParquet}. */
export interface ParquetOptions {
  /** The output folder, absolute; it must exist (and should be empty). */
  folder: string;
  /** Receives every value Parquet cannot hold. */
  loss: LossReport;
  /** The compression of every column. */
  compression: Compression;
  /** The most rows of a row group ({@link DEFAULT_ROW_GROUP_ROWS} by default). */
  rowGroupRows?: number;
  /** The most buffered bytes (estimated) of one table before its row group is written (16 MiB). */
  tableBytes?: number;
  /** The most buffered bytes (estimated) of all tables together (48 MiB). */
  memoryBytes?: number;
}

/** What {@link writeParquet} wrote. */
export interface ParquetResult {
  /** The backup's header. */
  header?: HeaderRecord;
  /** Nodes written. */
  nodes: number;
  /** Relationships written. */
  relationships: number;
  /** Schema records read (listed in the manifest). */
  schema: number;
  /** Bytes of the Parquet files. */
  bytes: number;
  /** The files written, relative to the folder. */
  files: string[];
  /** The manifest, as written to `manifest.json`. */
  manifest: ParquetManifest;
}

/**
 * Writes a backup's records as a Parquet folder.
 *
 * @param records The backup's records, header first.
 * @param options The folder, the loss report and the compression.
 * @returns What was written.
 *
 * @example Convert a backup file
 * ```ts ignore
 * import { decodeBackup } from "../../format/decoder_stream.ts";
 * import { LossReport } from "../loss_report.ts";
 * import { writeParquet } from "./parquet.ts";
 * const file = await Deno.open("backup.jsonl.gz");
 * const result = await writeParquet(decodeBackup(file.readable), {
 *   folder: "/tmp/parquet", loss: new LossReport(), compression: "zstd",
 * });
 * console.log(result.files);
 * ```
 */
export async function writeParquet(
  records: ReadableStream<BackupRecord>,
  options: ParquetOptions,
): Promise<ParquetResult> {
  const writer = new ParquetFolderWriter(options);
  await writer.prepare();
  let done = false;
  try {
    for await (const record of records) await writer.add(record);
    const result = await writer.finish();
    done = true;
    return result;
  } finally {
    if (!done) await writer.abandon();
  }
}

interface TableState {
  table: ParquetTable;
  kind: "nodes" | "relationships";
  labels?: string[];
  type?: string;
  owner: string;
  /** Relationship counts by {@link pairKey} of the start and end tables. */
  endpoints?: Map<number, number>;
}

/** Room for the index of every node table (the number of label sets) in a {@link pairKey}. */
const PAIR_SPAN = 2 ** 26;

/** The start and end node tables of a relationship as one number (-1: a node not in the backup). */
function pairKey(start: number | undefined, end: number | undefined): number {
  return ((start ?? -1) + 1) * PAIR_SPAN + (end ?? -1) + 1;
}

/** The tables of a {@link pairKey}. */
function pairTables(key: number): [number, number] {
  return [Math.floor(key / PAIR_SPAN) - 1, (key % PAIR_SPAN) - 1];
}

class ParquetFolderWriter {
  #options: ParquetOptions;
  #header?: HeaderRecord;
  #schema: SchemaRecord[] = [];
  #names = new TableNames();
  #tables: TableState[] = [];
  #nodeTables = new Map<string, number>();
  #relTables = new Map<string, number>();
  #nodeTable = new IdMap();
  #openFiles = new OpenFiles();
  #tableOptions: TableOptions;
  #buffered = 0;
  #nodes = 0;
  #relationships = 0;
  #temporary = new Set<string>();
  /** The fixed values of the row being added, reused: one array per row adds up. */
  #nodeFixed: bigint[] = [0n];
  #relFixed: bigint[] = [0n, 0n, 0n];

  constructor(options: ParquetOptions) {
    this.#options = options;
    this.#tableOptions = {
      folder: options.folder,
      codec: parquetCodec(options.compression),
      openFiles: this.#openFiles,
      temporary: (stem) => this.#temporaryPath(stem),
    };
  }

  async prepare(): Promise<void> {
    await makeFolder(join(this.#options.folder, "nodes"));
    await makeFolder(join(this.#options.folder, "relationships"));
  }

  #temporaryPath(stem: string): string {
    const path = join(this.#options.folder, `.${stem}.${randomBytes(6).toString("hex")}.tmp`);
    this.#temporary.add(path);
    return path;
  }

  async add(record: BackupRecord): Promise<void> {
    switch (record.kind) {
      case "header":
        this.#header = record;
        return;
      case "index":
      case "constraint":
        this.#schema.push(record);
        return;
      case "node":
        return await this.#node(record);
      case "rel":
        return await this.#rel(record);
    }
  }

  async #node(record: NodeRecord): Promise<void> {
    const key = JSON.stringify(record.labels);
    let index = this.#nodeTables.get(key);
    if (index === undefined) {
      index = this.#tables.length;
      this.#nodeTables.set(key, index);
      this.#tables.push({
        table: new ParquetTable(this.#names.take(record.labels, "n"), ["id"], this.#tableOptions),
        kind: "nodes",
        labels: [...record.labels],
        owner: record.labels.length ? record.labels.join(":") : "(no labels)",
      });
    }
    this.#nodeTable.set(record.id, index);
    this.#nodeFixed[0] = BigInt(record.id);
    await this.#addRow(this.#tables[index], this.#nodeFixed, record);
    this.#nodes++;
  }

  async #rel(record: RelationshipRecord): Promise<void> {
    let index = this.#relTables.get(record.type);
    if (index === undefined) {
      index = this.#tables.length;
      this.#relTables.set(record.type, index);
      this.#tables.push({
        table: new ParquetTable(
          this.#names.take([record.type], "r"),
          ["id", "start", "end"],
          this.#tableOptions,
        ),
        kind: "relationships",
        type: record.type,
        owner: record.type,
        endpoints: new Map(),
      });
    }
    const state = this.#tables[index];
    const pair = pairKey(this.#nodeTable.get(record.start), this.#nodeTable.get(record.end));
    state.endpoints!.set(pair, (state.endpoints!.get(pair) ?? 0) + 1);
    const fixed = this.#relFixed;
    fixed[0] = BigInt(this.#relationships);
    fixed[1] = BigInt(record.start);
    fixed[2] = BigInt(record.end);
    await this.#addRow(state, fixed, record);
    this.#relationships++;
  }

  async #addRow(
    state: TableState,
    fixed: bigint[],
    record: NodeRecord | RelationshipRecord,
  ): Promise<void> {
    const table = state.table;
    this.#buffered -= table.bufferedBytes;
    table.add(fixed, record.props, state.owner, this.#options.loss);
    this.#buffered += table.bufferedBytes;
    if (
      table.buffered >= (this.#options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS) ||
      table.bufferedBytes >= (this.#options.tableBytes ?? 16 << 20)
    ) {
      await this.#flush(table);
    }
    while (this.#buffered >= (this.#options.memoryBytes ?? 48 << 20)) {
      let largest = table;
      for (const { table: t } of this.#tables) {
        if (t.bufferedBytes > largest.bufferedBytes) largest = t;
      }
      await this.#flush(largest);
    }
  }

  async #flush(table: ParquetTable): Promise<void> {
    this.#buffered -= table.bufferedBytes;
    await table.flush();
  }

  async finish(): Promise<ParquetResult> {
    const { folder, loss } = this.#options;
    const finished: { state: TableState; temporary: string; file: string }[] = [];
    for (const state of this.#tables) {
      const temporary = await state.table.finish();
      finished.push({ state, temporary, file: `${state.kind}/${state.table.name}.parquet` });
    }
    for (const { temporary, file } of finished) {
      await renameFile(temporary, join(folder, file));
      this.#temporary.delete(temporary);
    }
    if (this.#schema.length > 0) {
      loss.add(
        "*",
        "indexes and constraints (Parquet files hold none)",
        "listed in manifest.json",
        this.#schema.length,
      );
    }
    const manifest = this.#manifest(finished.map((f) => f.state));
    const adminFiles = await writeAdminImport(folder, manifest.nodes, manifest.relationships, loss);
    manifest.losses = loss.entries();
    const encoder = new TextEncoder();
    await writeFileAtomically(
      join(folder, "manifest.json"),
      ReadableStream.from([encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`)]),
    );
    await writeFileAtomically(
      join(folder, "loss-report.txt"),
      ReadableStream.from([encoder.encode(lossReportText(loss, "parquet"))]),
    );
    return {
      header: this.#header,
      nodes: this.#nodes,
      relationships: this.#relationships,
      schema: this.#schema.length,
      bytes: this.#tables.reduce((n, s) => n + s.table.bytes, 0),
      files: [...finished.map((f) => f.file), ...adminFiles, "manifest.json", "loss-report.txt"],
      manifest,
    };
  }

  #manifest(states: TableState[]): ParquetManifest {
    const nodes: NodeFileEntry[] = [];
    const relationships: RelationshipFileEntry[] = [];
    const tableName = (index: number) => index < 0 ? null : this.#tables[index].table.name;
    for (const state of states) {
      const { table } = state;
      const file = `${state.kind}/${table.name}.parquet`;
      if (state.kind === "nodes") {
        nodes.push({
          file,
          table: table.name,
          labels: state.labels!,
          rows: table.rows,
          columns: table.columns(),
        });
        continue;
      }
      const endpoints: EndpointEntry[] = [...state.endpoints!].map(([pair, rows]) => {
        const [start, end] = pairTables(pair);
        return { start: tableName(start), end: tableName(end), rows };
      });
      relationships.push({
        file,
        table: table.name,
        type: state.type!,
        rows: table.rows,
        columns: table.columns(),
        endpoints,
      });
    }
    const header = this.#header;
    return {
      format: MANIFEST_FORMAT,
      version: 1,
      tool: `neo4j-backup ${VERSION}`,
      backup: header
        ? { tool: header.tool, created: header.created, source: { ...header.source } }
        : null,
      compression: this.#options.compression,
      nodes,
      relationships,
      schema: this.#schema.map(schemaJson),
      losses: this.#options.loss.entries(),
    };
  }

  /** Closes and removes the temporary files after a failure. */
  async abandon(): Promise<void> {
    for (const { table } of this.#tables) await table.abandon();
    for (const path of this.#temporary) await removeFile(path);
  }
}
