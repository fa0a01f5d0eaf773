/**
 * One Parquet file being written, row group by row group: hyparquet-writer's `ParquetWriter`
 * encodes into a buffer that is appended to the file after each row group. Its handle is closed
 * between row groups when many files are open ({@link OpenFiles}), and reopened only when the
 * path still is the very file it created (same device and inode), so that no byte goes through
 * a link put in its place.
 *
 * @module
 */

import { lstat, open } from "node:fs/promises";
import type { CompressionCodec, SchemaElement } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { ColumnSource } from "hyparquet-writer";
import { FileError } from "../../errors.ts";
import { fileError } from "../../storage/files.ts";
import { compressors } from "./codecs.ts";

type FileHandle = Awaited<ReturnType<typeof open>>;

/** A buffer this large is replaced by a small one after a flush, so idle files hold little. */
const KEEP_BUFFER = 1 << 20;

/** At most this many part files keep their handle open; the least recently written closes. */
export class OpenFiles {
  #open = new Map<PartFile, true>();
  #max: number;

  /**
   * @param max The most handles open at once.
   */
  constructor(max = 32) {
    this.#max = max;
  }

  /** Marks a file as written now; closes the least recent one past the limit. */
  async touch(file: PartFile): Promise<void> {
    this.#open.delete(file);
    this.#open.set(file, true);
    while (this.#open.size > this.#max) {
      const [oldest] = this.#open.keys();
      this.#open.delete(oldest);
      await oldest.closeHandle();
    }
  }

  /** Forgets a file that closed for good. */
  forget(file: PartFile): void {
    this.#open.delete(file);
  }
}

/** The `Writer` hyparquet-writer encodes into: a growing buffer flushed to the part's file. */
class FileByteWriter extends ByteWriter {
  #part: PartFile;

  constructor(part: PartFile) {
    super(64 * 1024);
    this.#part = part;
  }

  flush(): Promise<void> {
    return this.#part.append();
  }

  override finish(): Promise<void> {
    return this.#part.append();
  }

  /** Takes the buffered bytes and empties the buffer. */
  take(): Uint8Array {
    const bytes = this.getBytes();
    return bytes;
  }

  reset(): void {
    this.index = 0;
    if (this.buffer.byteLength > KEEP_BUFFER) {
      this.buffer = new ArrayBuffer(64 * 1024);
      this.view = new DataView(this.buffer);
    }
  }
}

/**
 * A Parquet file of a fixed schema, written one row group at a time.
 *
 * @example Write one row group and close the file
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, readFileSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { OpenFiles, PartFile } from "./part_file.ts";
 * const dir = mkdtempSync(join(tmpdir(), "part-"));
 * const schema = [{ name: "root", num_children: 1 }, { name: "id", type: "INT64" as const }];
 * const file = new PartFile(join(dir, "a.parquet"), schema, "SNAPPY", new OpenFiles());
 * await file.write([{ name: "id", data: [1n, 2n] }], 2);
 * await file.close();
 * assert.equal(new TextDecoder().decode(readFileSync(join(dir, "a.parquet")).subarray(0, 4)), "PAR1");
 * rmSync(dir, { recursive: true });
 * ```
 */
export class PartFile {
  /** The file's path. */
  readonly path: string;
  /** The schema it was created with. */
  readonly schema: SchemaElement[];
  /** Rows written. */
  rows = 0;
  /** Bytes written. */
  bytes = 0;
  #writer: FileByteWriter;
  #parquet: ParquetWriter;
  #open: OpenFiles;
  #handle?: FileHandle;
  #identity?: { dev: number; ino: number };

  /**
   * Prepares the file; it is created at the first row group.
   *
   * @param path A path where nothing is yet.
   * @param schema The Parquet schema (root first).
   * @param codec The compression of every column.
   * @param openFiles The limit of open handles shared by all files of the conversion.
   */
  constructor(
    path: string,
    schema: SchemaElement[],
    codec: CompressionCodec,
    openFiles: OpenFiles,
  ) {
    this.path = path;
    this.schema = schema;
    this.#open = openFiles;
    this.#writer = new FileByteWriter(this);
    this.#parquet = new ParquetWriter({
      writer: this.#writer,
      schema,
      codec,
      compressors: compressors(),
      createdBy: "neo4j-backup",
    });
  }

  /**
   * Writes one row group.
   *
   * @param columns One entry per top-level column of the schema, each with `rows` values.
   * @param rows The number of rows.
   */
  async write(columns: ColumnSource[], rows: number): Promise<void> {
    if (rows === 0) return;
    await this.#parquet.write({ columnData: columns, rowGroupSize: rows });
    this.rows += rows;
  }

  /** Writes the footer and closes the file. */
  async close(): Promise<void> {
    await this.#parquet.finish();
    await this.closeHandle();
    this.#open.forget(this);
  }

  /** Closes the handle (the file stays open for writing: the next row group reopens it). */
  async closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle === undefined) return;
    try {
      await handle.sync();
      await handle.close();
    } catch (e) {
      throw fileError(e, "write", this.path);
    }
  }

  /** Appends the buffered bytes to the file (called by the writer after each row group). */
  async append(): Promise<void> {
    const bytes = this.#writer.take();
    if (bytes.length > 0) {
      const handle = await this.#handleForWrite();
      try {
        await handle.write(bytes);
      } catch (e) {
        throw fileError(e, "write", this.path);
      }
      this.bytes += bytes.length;
    }
    this.#writer.reset();
    if (this.#handle) await this.#open.touch(this);
  }

  async #handleForWrite(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    try {
      if (this.#identity === undefined) {
        this.#handle = await open(this.path, "wx");
        const { dev, ino } = await this.#handle.stat();
        this.#identity = { dev, ino };
      } else {
        const seen = await lstat(this.path);
        if (
          !seen.isFile() || seen.dev !== this.#identity.dev || seen.ino !== this.#identity.ino
        ) {
          throw new FileError(
            `Cannot write '${this.path}': another file took its place while the conversion ran; convert again into a folder no one else writes to`,
          );
        }
        this.#handle = await open(this.path, "a");
      }
    } catch (e) {
      if (e instanceof FileError) throw e;
      throw fileError(e, "create", this.path);
    }
    return this.#handle;
  }
}
