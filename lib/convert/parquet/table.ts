/**
 * One table of a Parquet folder (the nodes of one label set, or the relationships of one type):
 * its columns as they are discovered, the rows of the row group being filled, and the part files
 * written so far.
 *
 * Rows are held column by column, already converted. When a row group is flushed with the same
 * columns as the part being written, it is appended to it; when columns were added since, the
 * part is closed and a new one starts with every column known; at the end several parts are
 * merged into one file ({@link mergeParts}).
 *
 * @module
 */

import type { CompressionCodec, SchemaElement } from "hyparquet";
import type { ColumnSource } from "hyparquet-writer";
import type { Properties } from "../../format/records.ts";
import { LONE_SURROGATE_LOSS, type LossReport } from "../loss_report.ts";
import { type ParquetKind, schemaElements, zoneElements } from "./kinds.ts";
import { cypherType, elementKind, hasZone, parquetType } from "./kinds.ts";
import { mergeParts } from "./merge.ts";
import { ColumnNames } from "./names.ts";
import { type OpenFiles, PartFile } from "./part_file.ts";
import { type ColumnScalar, columnValue } from "./values.ts";
import { ColumnBuffer } from "./column_buffer.ts";

/** A column as the manifest describes it. */
export interface ColumnInfo {
  /** The column's name in the file. */
  name: string;
  /** `id`, `start`, `end`: the fixed columns; `property`; `zone`: the zone beside a value column. */
  role: "id" | "start" | "end" | "property" | "zone";
  /** The property key (for `property` and `zone` columns). */
  key?: string;
  /** The Cypher type of the values, e.g. `INTEGER` or `LIST<ZONED DATETIME>`. */
  cypherType: string;
  /** The Parquet type, e.g. `INT64` or `TIMESTAMP(NANOS, UTC)`. */
  parquetType: string;
  /** For a zoned column: its sibling column holding each value's zone or offset. */
  zoneColumn?: string;
}

interface Column {
  info: ColumnInfo;
  kind: ParquetKind;
  /** The values of the rows being buffered. */
  buffer: ColumnBuffer;
  zone?: Column;
}

/** A fixed column (`id`, `start`, `end`): never null, so a typed array (8 bytes a row). */
interface FixedColumn {
  info: ColumnInfo;
  values: BigInt64Array;
}

/** Where the table's files go, and how. */
export interface TableOptions {
  /** The output folder. */
  folder: string;
  /** The compression of every column. */
  codec: CompressionCodec;
  /** The limit of open files shared by the conversion's tables. */
  openFiles: OpenFiles;
  /** Names a temporary file in the folder. */
  temporary: (stem: string) => string;
}

/**
 * A table being written.
 *
 * @example Buffer two rows and flush them as one row group
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { LossReport } from "../loss_report.ts";
 * import { OpenFiles } from "./part_file.ts";
 * import { ParquetTable } from "./table.ts";
 * const dir = mkdtempSync(join(tmpdir(), "table-"));
 * let n = 0;
 * const table = new ParquetTable("Person", ["id"], {
 *   folder: dir, codec: "SNAPPY", openFiles: new OpenFiles(), temporary: (s) => join(dir, `${s}.${n++}.tmp`),
 * });
 * const loss = new LossReport();
 * table.add([0n], { name: "Ann" }, "Person", loss);
 * table.add([1n], { name: "Bob", born: 1990n }, "Person", loss);
 * await table.flush();
 * const file = await table.finish();
 * assert.equal(table.rows, 2);
 * assert.deepEqual(table.columns().map((c) => c.name), ["id", "name", "born"]);
 * assert.ok(file.endsWith(".tmp"));
 * rmSync(dir, { recursive: true });
 * ```
 */
export class ParquetTable {
  /** The table's name (also its file's name without `.parquet`). */
  readonly name: string;
  /** Rows added. */
  rows = 0;
  /** A rough count of the bytes the buffered rows hold, to bound memory. */
  bufferedBytes = 0;
  /** Rows buffered, not yet written. */
  buffered = 0;
  #options: TableOptions;
  #names: ColumnNames;
  #fixed: FixedColumn[] = [];
  #columns: Column[] = [];
  /** The columns of each property key, by kind, in order of creation. */
  #byKey = new Map<string, Map<ParquetKind, Column>>();
  /** Rows with an empty list, by key: the list column is chosen when the rows are written. */
  #emptyLists = new Map<string, number[]>();
  #parts: PartFile[] = [];
  /** How many columns the current part was created with. */
  #partColumns = 0;

  /**
   * @param name The table's name.
   * @param fixed The fixed columns, all INT64: `["id"]`, or `["id", "start", "end"]`.
   * @param options The folder, compression and open-file limit.
   */
  constructor(name: string, fixed: readonly ("id" | "start" | "end")[], options: TableOptions) {
    this.name = name;
    this.#options = options;
    this.#names = new ColumnNames(fixed);
    for (const role of fixed) {
      this.#fixed.push({
        info: { name: role, role, cypherType: "INTEGER", parquetType: "INT64" },
        values: new BigInt64Array(1024),
      });
    }
  }

  /**
   * Adds a row.
   *
   * @param fixed The values of the fixed columns.
   * @param props The entity's properties.
   * @param owner The label set or type, for the loss report (`Person.photo`).
   * @param loss Receives the values Parquet cannot hold.
   */
  add(fixed: readonly bigint[], props: Properties, owner: string, loss: LossReport): void {
    const row = this.buffered;
    for (let i = 0; i < fixed.length; i++) {
      const column = this.#fixed[i];
      if (row === column.values.length) {
        const grown = new BigInt64Array(row * 2);
        grown.set(column.values);
        column.values = grown;
      }
      column.values[row] = fixed[i];
    }
    let bytes = 8 * fixed.length;
    for (const key in props) {
      const converted = columnValue(props[key]);
      if (converted.kind === "empty list") {
        let rows = this.#emptyLists.get(key);
        if (rows === undefined) this.#emptyLists.set(key, rows = []);
        rows.push(row);
        bytes += 16;
        continue;
      }
      if ("lost" in converted) {
        loss.add(`${owner}.${key}`, converted.lost, converted.action);
        continue;
      }
      if (converted.loneSurrogate) {
        loss.add(`${owner}.${key}`, ...LONE_SURROGATE_LOSS);
      }
      const column = this.#column(key, converted.kind);
      bytes -= column.buffer.bytes;
      column.buffer.set(row, converted.value);
      bytes += column.buffer.bytes;
      if (column.zone) {
        bytes -= column.zone.buffer.bytes;
        column.zone.buffer.set(row, converted.zone);
        bytes += column.zone.buffer.bytes;
      }
    }
    this.buffered++;
    this.rows++;
    this.bufferedBytes += bytes;
  }

  #column(key: string, kind: ParquetKind): Column {
    let kinds = this.#byKey.get(key);
    if (kinds === undefined) this.#byKey.set(key, kinds = new Map());
    let column = kinds.get(kind);
    if (column) return column;
    const name = this.#names.property(key, kind, kinds.size === 0);
    column = {
      info: {
        name,
        role: "property",
        key,
        cypherType: cypherType(kind),
        parquetType: parquetType(kind),
      },
      kind,
      buffer: new ColumnBuffer(kind),
    };
    this.#columns.push(column);
    if (hasZone(kind)) {
      const zoneName = this.#names.zone(name);
      const list = elementKind(kind) !== undefined;
      column.zone = {
        info: {
          name: zoneName,
          role: "zone",
          key,
          cypherType: list ? "LIST<STRING>" : "STRING",
          parquetType: list ? "LIST<STRING>" : "STRING",
        },
        kind: list ? "list_string" : "string",
        buffer: new ColumnBuffer(list ? "list_string" : "zone"),
      };
      column.info.zoneColumn = zoneName;
      this.#columns.push(column.zone);
    }
    kinds.set(kind, column);
    return column;
  }

  /** Puts each buffered empty list in its key's list column (a list of strings if none). */
  #placeEmptyLists(): void {
    for (const [key, rows] of this.#emptyLists) {
      const kinds = this.#byKey.get(key);
      let column = kinds && [...kinds.values()].find((c) => elementKind(c.kind) !== undefined);
      column ??= this.#column(key, "list_string");
      for (const row of rows) {
        column.buffer.set(row, []);
        column.zone?.buffer.set(row, []);
      }
    }
    this.#emptyLists.clear();
  }

  /** Writes the buffered rows as one row group. */
  async flush(): Promise<void> {
    if (this.buffered === 0) return;
    this.#placeEmptyLists();
    const rows = this.buffered;
    if (this.#parts.length === 0 || this.#partColumns !== this.#columns.length) {
      await this.#parts.at(-1)?.close();
      this.#parts.push(this.#newPart());
    }
    const data: ColumnSource[] = this.#fixed.map((column) => ({
      name: column.info.name,
      data: column.values.subarray(0, rows),
      // Ids ascend and endpoints cluster: deltas take a fraction of plain 8-byte values.
      encoding: "DELTA_BINARY_PACKED",
    }));
    for (const column of this.#columns) {
      data.push({ name: column.info.name, data: column.buffer.take(rows) as ColumnScalar[] });
    }
    this.buffered = 0;
    this.bufferedBytes = 0;
    await this.#parts.at(-1)!.write(data, rows);
  }

  #newPart(): PartFile {
    this.#partColumns = this.#columns.length;
    return new PartFile(
      this.#options.temporary(this.name),
      this.#schema(),
      this.#options.codec,
      this.#options.openFiles,
    );
  }

  #schema(): SchemaElement[] {
    const count = this.#fixed.length + this.#columns.length;
    const elements: SchemaElement[] = [{ name: "root", num_children: count }];
    for (const column of this.#fixed) {
      elements.push({ name: column.info.name, type: "INT64", repetition_type: "REQUIRED" });
    }
    for (const column of this.#columns) {
      if (column.info.role === "zone") {
        elements.push(...zoneElements(column.info.name, column.kind === "list_string"));
      } else {
        elements.push(...schemaElements(column.info.name, column.kind));
      }
    }
    return elements;
  }

  /**
   * Writes what is buffered and closes the table's file (merging its parts into one).
   *
   * @returns The path of the complete file (a temporary name, for the caller to rename).
   */
  async finish(): Promise<string> {
    await this.flush();
    if (this.#parts.length === 0) this.#parts.push(this.#newPart());
    const last = this.#parts.at(-1)!;
    if (this.#parts.length === 1) {
      await last.close();
      return last.path;
    }
    await last.close();
    const target = this.#newPart();
    const names = [...this.#fixed, ...this.#columns].map((c) => c.info.name);
    await mergeParts(this.#parts, target, names);
    this.#parts = [target];
    return target.path;
  }

  /** Bytes written to the table's files so far. */
  get bytes(): number {
    return this.#parts.reduce((n, p) => n + p.bytes, 0);
  }

  /**
   * The table's columns, as the manifest lists them.
   *
   * @returns Copies of the column descriptions, in file order.
   */
  columns(): ColumnInfo[] {
    return [...this.#fixed, ...this.#columns].map((c) => ({ ...c.info }));
  }

  /** The temporary files of the table, for removal after a failure. */
  get paths(): string[] {
    return this.#parts.map((p) => p.path);
  }

  /** Closes the handles of a failed conversion (its files are removed by the caller). */
  async abandon(): Promise<void> {
    for (const part of this.#parts) await part.closeHandle().catch(() => {});
  }
}
