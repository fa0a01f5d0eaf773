/**
 * UNWIND batches of a Cypher script: rows collected per statement shape (one per label set or
 * relationship type), each written as one line as soon as it is full by rows or by bytes, so
 * that memory stays bounded whatever the size of the backup.
 *
 * @module
 */

/** Limits of {@link UnwindBatches}. */
export interface UnwindBatchesOptions {
  /** Rows per statement. */
  rows: number;
  /** Bytes per statement (UTF-8); a single larger row is written alone. */
  bytes: number;
  /** Rows held over all shapes before every batch is written, however full. */
  pendingRows: number;
  /** Bytes held over all shapes before every batch is written, however full. */
  pendingBytes: number;
}

interface Batch {
  head: string;
  tail: string;
  rows: string[];
  /** The statement's bytes so far. */
  bytes: number;
  /** The bytes of its rows alone. */
  rowBytes: number;
}

/**
 * Collects rows into `UNWIND [row, ...] AS row <tail>` statements.
 *
 * @example Two shapes, a batch of two rows each
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnwindBatches } from "./cypher_batches.ts";
 * const lines: string[] = [];
 * const batches = new UnwindBatches({ rows: 2, bytes: 1000, pendingRows: 10, pendingBytes: 4000 }, (l) => lines.push(l));
 * batches.add("CREATE (n:A) SET n += row;", "{x: 1}");
 * batches.add("CREATE (n:B) SET n += row;", "{x: 2}");
 * batches.add("CREATE (n:A) SET n += row;", "{x: 3}");
 * batches.flush();
 * assert.deepEqual(lines, [
 *   "UNWIND [{x: 1}, {x: 3}] AS row CREATE (n:A) SET n += row;",
 *   "UNWIND [{x: 2}] AS row CREATE (n:B) SET n += row;",
 * ]);
 * ```
 */
export class UnwindBatches {
  #options: UnwindBatchesOptions;
  #emit: (line: string) => void;
  #batches = new Map<string, Batch>();
  #pending = 0;
  #pendingBytes = 0;

  /**
   * @param options The limits.
   * @param emit Receives each statement, without a newline.
   */
  constructor(options: UnwindBatchesOptions, emit: (line: string) => void) {
    this.#options = options;
    this.#emit = emit;
  }

  /**
   * Adds a row to the statement of shape `tail`, writing that statement first when the row
   * would make it too long, and after when it is full.
   *
   * @param tail The statement after `UNWIND [...] AS row `, e.g. `CREATE (n:A) SET n += row;`.
   * @param row The row as a Cypher map literal.
   */
  add(tail: string, row: string): void {
    const size = utf8Length(row) + 2;
    let batch = this.#batches.get(tail);
    if (batch && batch.bytes + size > this.#options.bytes) this.#write(batch);
    batch = this.#batches.get(tail);
    if (!batch) {
      batch = { head: "UNWIND [", tail: "] AS row " + tail, rows: [], bytes: 0, rowBytes: 0 };
      batch.bytes = utf8Length(batch.head) + utf8Length(batch.tail);
      this.#batches.set(tail, batch);
    }
    batch.rows.push(row);
    batch.bytes += size;
    batch.rowBytes += size;
    this.#pending++;
    this.#pendingBytes += size;
    if (batch.rows.length >= this.#options.rows || batch.bytes >= this.#options.bytes) {
      this.#write(batch);
    } else if (
      this.#pending >= this.#options.pendingRows || this.#pendingBytes >= this.#options.pendingBytes
    ) this.flush();
  }

  /** Writes every batch that holds rows. */
  flush(): void {
    for (const batch of [...this.#batches.values()]) this.#write(batch);
  }

  #write(batch: Batch): void {
    this.#batches.delete(batch.tail.slice("] AS row ".length));
    this.#pending -= batch.rows.length;
    this.#pendingBytes -= batch.rowBytes;
    this.#emit(batch.head + batch.rows.join(", ") + batch.tail);
  }
}

/**
 * The UTF-8 length of a string, without encoding it.
 *
 * @param s The string.
 * @returns Its length in UTF-8 bytes (a lone surrogate counts as the 3 bytes of U+FFFD).
 */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && isLow(s.charCodeAt(i + 1))) {
      n += 2; // a pair: two units, four bytes
      i++;
    } else n += 2;
  }
  return n;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
