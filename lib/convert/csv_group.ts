/**
 * One group of `neo4j-admin import` files: a header file and gzip data parts that share one
 * header. Property columns are added as new keys appear (the header is written last, and the
 * importer reads a row with fewer fields as one without the missing properties); a key seen with
 * another type belongs in another group.
 *
 * @module
 */

import { GzipStream } from "../format/gzip_stream.ts";
import { openWrite } from "../storage/files.ts";
import { type CsvField, type CsvText, quotedField } from "./csv_values.ts";

const FLUSH_CHARS = 1 << 16;

/** Fields joined by commas, then a newline. */
function commaSeparated(fields: CsvText[]): CsvText[] {
  return [...fields.flatMap((f, i) => i === 0 ? [f] : [",", f]), "\n"];
}

/**
 * A group of data files with one header. Its data files are opened lazily and may be closed
 * between rows (to bound the open files); writing again opens the next part.
 *
 * @example Build the rows and header of a node group in memory
 * ```ts
 * import assert from "node:assert/strict";
 * import { CsvGroup } from "./csv_group.ts";
 * const group = new CsvGroup("/tmp", "nodes-1", [":ID", ":LABEL"]);
 * const cells = new Map([["born", { type: "long", text: "1964" }]]);
 * assert.equal(group.fits(cells), true);
 * assert.equal(group.row(["0", '"Person"'], cells).join(""), '0,"Person",1964\n');
 * assert.equal(group.header().join(""), ':ID,:LABEL,"born:long"\n');
 * assert.equal(group.fits(new Map([["born", { type: "string", text: '"x"' }]])), false);
 * ```
 */
export class CsvGroup {
  /** The folder of the files. */
  readonly folder: string;
  /** The file name stem, e.g. `"nodes-3"`. */
  readonly stem: string;
  /** Rows written. */
  rows = 0;
  /** Compressed bytes written. */
  bytes = 0;
  /** The data files, in order. */
  readonly parts: string[] = [];
  #fixed: string[];
  #columns = new Map<string, { index: number; type: string }>();
  #buffer = "";
  #writer?: ReturnType<WritableStream<Uint8Array>["getWriter"]>;
  #done?: Promise<void>;
  #encoder = new TextEncoder();

  /**
   * Creates an empty group; no file is opened until a row is written.
   *
   * @param folder The output folder.
   * @param stem The file name stem.
   * @param fixed The leading header fields, e.g. `[":ID", ":LABEL"]`.
   */
  constructor(folder: string, stem: string, fixed: string[]) {
    this.folder = folder;
    this.stem = stem;
    this.#fixed = fixed;
  }

  /** The header file's name. */
  get headerFile(): string {
    return `${this.stem}-header.csv`;
  }

  /** Whether a data file is open. */
  get open(): boolean {
    return this.#writer !== undefined;
  }

  /**
   * Whether every property of a row has the type of its column (or no column yet).
   *
   * @param cells The row's properties.
   * @returns `true` when the row fits this group's header.
   */
  fits(cells: Map<string, CsvField>): boolean {
    for (const [key, cell] of cells) {
      const column = this.#columns.get(key);
      if (column !== undefined && column.type !== cell.type) return false;
      // Neo4j 4.4's importer fails on an empty point[] field (it makes an empty point array):
      // every row of a group has the same point[] keys.
      if (column === undefined && cell.type === "point[]" && this.rows > 0) return false;
    }
    for (const [key, column] of this.#columns) {
      if (column.type === "point[]" && !cells.has(key)) return false;
    }
    return true;
  }

  /**
   * Builds the text of a row, adding columns for new keys; the row must {@link CsvGroup.fits}.
   *
   * @param fixed The leading fields, already quoted.
   * @param cells The row's properties.
   * @returns The row's pieces (fields, commas, its newline), trailing empty fields left out.
   */
  row(fixed: CsvText[], cells: Map<string, CsvField>): CsvText[] {
    const fields: CsvText[] = [];
    for (const [key, cell] of cells) {
      let column = this.#columns.get(key);
      if (column === undefined) {
        column = { index: this.#columns.size, type: cell.type };
        this.#columns.set(key, column);
      }
      fields[column.index] = cell.text;
    }
    for (let i = 0; i < fields.length; i++) fields[i] ??= "";
    return commaSeparated([...fixed, ...fields]);
  }

  /**
   * Adds a row to the data, opening the next part file when none is open. A long field is
   * written piece by piece as its pieces are made.
   *
   * @param row A row from {@link CsvGroup.row}.
   * @returns Resolves once the row is buffered or written.
   */
  async write(row: CsvText[]): Promise<void> {
    if (this.#writer === undefined) await this.#openPart();
    this.rows++;
    for (const part of row) {
      for (const piece of typeof part === "string" ? [part] : part) {
        this.#buffer += piece;
        if (this.#buffer.length >= FLUSH_CHARS) await this.#flush();
      }
    }
  }

  /**
   * Flushes and closes the open data file, if any.
   *
   * @returns Resolves once the file is complete on disk.
   */
  async close(): Promise<void> {
    if (this.#writer === undefined) return;
    await this.#flush();
    const writer = this.#writer;
    this.#writer = undefined;
    await writer.close();
    await this.#done;
  }

  /**
   * The header line: the fixed fields, then `"key:type"` per column, each quoted.
   *
   * @returns The line's pieces, its newline last.
   */
  header(): CsvText[] {
    const columns = [...this.#columns].map(([key, c]) => quotedField([`${key}:${c.type}`]));
    return commaSeparated([...this.#fixed, ...columns]);
  }

  async #openPart(): Promise<void> {
    const name = `${this.stem}${
      this.parts.length === 0 ? "" : `.part${this.parts.length + 1}`
    }.csv.gz`;
    this.parts.push(name);
    const file = await openWrite(`${this.folder}/${name}`);
    const gzip = new GzipStream();
    const count = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.bytes += chunk.length;
        controller.enqueue(chunk);
      },
    });
    this.#done = gzip.readable.pipeThrough(count).pipeTo(file);
    this.#done.catch(() => {});
    this.#writer = gzip.writable.getWriter();
  }

  async #flush(): Promise<void> {
    if (this.#buffer === "" || this.#writer === undefined) return;
    const chunk = this.#encoder.encode(this.#buffer);
    this.#buffer = "";
    await this.#writer.ready;
    await this.#writer.write(chunk);
  }
}
