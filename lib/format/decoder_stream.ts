/**
 * JSON Lines bytes -> records: splits lines, checks the header, every record's shape and order,
 * and the footer's counts and SHA-256 (see docs/FORMAT.md). The line splitting is in
 * `line_splitter.ts`, the checks of each record in `record_readers.ts`, and the detection of
 * gzip in `gunzip_if_needed.ts`.
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { errorMessage, FormatError } from "../errors.ts";
import type { BackupRecord, FooterRecord } from "./records.ts";
import { IntegrityCheck } from "./integrity_stream.ts";
import { LineSplitter, NEWLINE } from "./line_splitter.ts";
import {
  afterFooter,
  describeKind,
  FOOTER_RANK,
  invalid,
  isFooter,
  isJson,
  type Json,
  notABackup,
  RANK,
  readFooter,
  readHeader,
  readNode,
  readRelationship,
  readSchema,
  startsLikeOurHeader,
  tooLong,
} from "./record_readers.ts";
import { gunzipIfNeeded } from "./gunzip_if_needed.ts";

/** Options for {@link DecoderStream}. */
export interface DecoderStreamOptions {
  /**
   * Verify the footer's SHA-256 (the default). `false` skips hashing; the footer's counts,
   * the header and every record are still checked.
   */
  checksum?: boolean;
  /**
   * The longest line accepted, in bytes without its newline; {@link MAX_LINE_BYTES} by
   * default. A longer line fails the stream as soon as it is seen, so that a corrupt input
   * without newlines is never buffered whole.
   */
  maxLineBytes?: number;
  /**
   * Also refuse a node whose id an earlier node has and a relationship to a node the backup
   * does not hold (an {@link IntegrityCheck}, run inline), naming the line. Off by default: it
   * keeps the node ids, about a bit each, and `import` checks the same through its own id map.
   */
  integrity?: boolean;
}

/**
 * The longest line a decoder accepts by default: 256 MiB. One line holds one node or
 * relationship, so this bounds one record, not the backup. It leaves room for values far
 * beyond everyday sizes (a 10 MB string of control characters, each escaped as `\u0000`, is
 * 60 MB; a 100 MB byte array is 134 MB of base64), while a line twice as long would not fit
 * in a JavaScript string (about 512 Mi UTF-16 units in V8) and so could never be parsed.
 *
 * @example Configure a smaller cap
 * ```ts
 * import assert from "node:assert/strict";
 * import { DecoderStream, MAX_LINE_BYTES } from "./decoder_stream.ts";
 * assert.equal(MAX_LINE_BYTES, 256 * 1024 * 1024);
 * const decoder = new DecoderStream({ maxLineBytes: 64 * 1024 * 1024 });
 * assert.ok(decoder.readable instanceof ReadableStream);
 * ```
 */
export const MAX_LINE_BYTES: number = 256 * 1024 * 1024;

const NEWLINE_BYTES = new Uint8Array([NEWLINE]);
/** A header is a few hundred bytes: a longer first line is not a backup, and is not buffered. */
const MAX_HEADER_BYTES = 1 << 20;

type Controller = TransformStreamDefaultController<BackupRecord>;

/**
 * Turns the bytes of an uncompressed backup into its records, footer included, after checking
 * them: the stream errors with a {@link FormatError} (carrying the line number) when the input
 * is not a backup, has an unsupported version, has a malformed line, is truncated, or does not
 * match its footer. For files that may be gzip-compressed use {@link decodeBackup}.
 *
 * Property values come out as driver types (`bigint` integers, driver temporal and spatial
 * classes, `Int8Array` bytes).
 *
 * @example Read the records of an uncompressed backup
 * ```ts
 * import assert from "node:assert/strict";
 * import { EncoderStream } from "./encoder_stream.ts";
 * import { DecoderStream } from "./decoder_stream.ts";
 * import type { BodyRecord } from "./records.ts";
 *
 * const header: BodyRecord = {
 *   kind: "header", format: "neo4j-backup", version: 1, tool: "example 1.0",
 *   created: new Date().toISOString(),
 *   source: { version: "5.26.29", edition: "community", database: "neo4j" },
 * };
 * const bytes = ReadableStream.from([header]).pipeThrough(new EncoderStream());
 * const kinds = [];
 * for await (const record of bytes.pipeThrough(new DecoderStream())) kinds.push(record.kind);
 * assert.equal(kinds.join(), "header,footer");
 * ```
 */
export class DecoderStream extends TransformStream<Uint8Array, BackupRecord> {
  #hash: Hash | undefined;
  #maxLine: number;
  #integrity: IntegrityCheck | undefined;
  #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  #lines = new LineSplitter<Controller>({
    lines: (chunk, start, end, controller) => this.#readLines(chunk, start, end, controller),
    line: (bytes, controller) => this.#readLine(bytes, controller),
    limit: (length, bytes) => this.#limit(length, bytes),
  });
  #started = false;
  /** The number of lines read so far, i.e. the number of the last line read. */
  #line = 0;
  #rank = -1;
  #kind = "";
  #footerLine = 0;
  #nodes = 0;
  #relationships = 0;
  #schema = 0;

  /**
   * Creates a decoder.
   *
   * @param options Whether to verify the checksum, the longest line accepted, and whether to
   *   check node ids and relationship ends.
   * @throws {RangeError} When `maxLineBytes` is not a positive integer.
   */
  constructor(options: DecoderStreamOptions = {}) {
    super({
      transform: (chunk, controller) => this.#transform(chunk, controller),
      flush: (controller) => this.#flush(controller),
    });
    this.#hash = options.checksum === false ? undefined : createHash("sha256");
    this.#maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.#integrity = options.integrity ? new IntegrityCheck() : undefined;
    if (!Number.isSafeInteger(this.#maxLine) || this.#maxLine < 1) {
      throw new RangeError(`Invalid maxLineBytes ${this.#maxLine}: expected a positive integer`);
    }
  }

  #transform(chunk: Uint8Array, controller: Controller): void {
    if (chunk.length === 0) return;
    if (!this.#started) {
      this.#started = true;
      if (chunk[0] !== 0x7b) throw notABackup(chunk);
    }
    this.#lines.push(chunk, controller);
  }

  /**
   * Refuses to keep more of an unfinished line than a line may hold: a header's worth while no
   * line is read, so that a first line that is no header is not buffered, then the line cap.
   */
  #limit(length: number, bytes: Uint8Array): void {
    if (this.#line === 0 && length > MAX_HEADER_BYTES) throw notABackup(bytes);
    if (length > this.#maxLine) throw tooLong(this.#line + 1, this.#maxLine);
  }

  /** Reads the complete lines in `chunk[start, end)`, each ended by a newline. */
  #readLines(chunk: Uint8Array, start: number, end: number, controller: Controller): void {
    // Only a chunk larger than the cap can hold a line that is too long.
    if (end - start > this.#maxLine) return this.#readEach(chunk, start, end, controller);
    let text: string;
    try {
      text = this.#decoder.decode(chunk.subarray(start, end));
    } catch {
      // Invalid UTF-8 somewhere: read line by line to name the line.
      return this.#readEach(chunk, start, end, controller);
    }
    const lines = text.split("\n");
    const last = lines.length - 2; // the text ends with "\n", so the final element is ""
    for (let i = 0; i <= last; i++) {
      const record = this.#parse(lines[i]);
      if (record.kind === "footer") {
        if (i !== last) throw afterFooter(this.#line + 1);
        // The footer is the last line: hash everything before it, then check.
        const footerStart = chunk.lastIndexOf(NEWLINE, end - 2) + 1;
        this.#hash?.update(chunk.subarray(start, Math.max(start, footerStart)));
        this.#verify(record);
      }
      controller.enqueue(record);
    }
    if (this.#footerLine === 0) this.#hash?.update(chunk.subarray(start, end));
  }

  /** Reads the lines in `chunk[start, end)` one at a time, checking the length of each. */
  #readEach(chunk: Uint8Array, start: number, end: number, controller: Controller): void {
    for (let from = start; from < end;) {
      const to = chunk.indexOf(NEWLINE, from);
      if (to - from > this.#maxLine) throw tooLong(this.#line + 1, this.#maxLine);
      this.#readLine(chunk.subarray(from, to), controller);
      from = to + 1;
    }
  }

  /** Reads one complete line given without its newline. */
  #readLine(bytes: Uint8Array, controller: Controller): void {
    const record = this.#parse(this.#text(bytes));
    if (record.kind === "footer") {
      this.#verify(record);
    } else {
      this.#hash?.update(bytes);
      this.#hash?.update(NEWLINE_BYTES);
    }
    controller.enqueue(record);
  }

  #text(bytes: Uint8Array): string {
    try {
      return this.#decoder.decode(bytes);
    } catch {
      const line = this.#line + 1;
      if (line === 1) throw notABackup(bytes);
      throw new FormatError(`Cannot parse line ${line}: invalid UTF-8`, { line });
    }
  }

  #flush(controller: Controller): void {
    if (!this.#started) throw new FormatError("Not a neo4j-backup file: the input is empty");
    const bytes = this.#lines.rest();
    if (bytes !== undefined) {
      // The last line has no newline. Accept it only if it is the footer.
      if (this.#footerLine !== 0) throw afterFooter(this.#line + 1);
      if (this.#line === 0 && startsLikeOurHeader(bytes) && !isJson(bytes)) {
        throw new FormatError("Backup is truncated: it ends inside the header (line 1)", {
          line: 1,
        });
      }
      if (this.#line === 0 || isFooter(bytes)) this.#readLine(bytes, controller);
    }
    if (this.#footerLine === 0) {
      throw new FormatError(`Backup is truncated: no footer after line ${this.#line}`, {
        line: this.#line,
      });
    }
  }

  #parse(text: string): BackupRecord {
    const line = ++this.#line;
    if (this.#footerLine !== 0) throw afterFooter(line);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      if (line === 1) throw notABackup(new Uint8Array());
      throw new FormatError(`Cannot parse line ${line}: ${errorMessage(e)}`, { line, cause: e });
    }
    if (line === 1) {
      const header = readHeader(json);
      this.#rank = 0;
      this.#kind = "header";
      return header;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw invalid(line, "a record must be a JSON object");
    }
    const record = json as Json;
    const kind = record.kind;
    const rank = typeof kind === "string" ? RANK.get(kind) : undefined;
    if (rank === undefined || typeof kind !== "string") {
      throw invalid(line, `unknown record kind ${describeKind(kind)}`);
    }
    if (rank < this.#rank || rank === 0) {
      throw invalid(
        line,
        `a '${kind}' record cannot follow a '${this.#kind}' record ` +
          "(the order is header, schema, nodes, relationships, footer)",
      );
    }
    this.#rank = rank;
    this.#kind = kind;
    try {
      const checked = this.#check(kind, record, line);
      this.#integrity?.check(checked, line);
      return checked;
    } catch (e) {
      // values.ts names the key and the line but cannot know the line as a number.
      if (e instanceof FormatError && e.line === undefined) {
        throw new FormatError(e.message, { line, cause: e.cause });
      }
      throw e;
    }
  }

  /**
   * Checks a record and returns a new one made of the documented fields only: fields a reader
   * does not know are ignored (docs/FORMAT.md), and dropping them here means that nothing
   * downstream ever meets one, however deeply nested (JSON.stringify recurses, JSON.parse
   * does not).
   */
  #check(kind: string, r: Json, line: number): BackupRecord {
    switch (kind) {
      case "node":
        this.#nodes++;
        return readNode(r, line);
      case "rel":
        this.#relationships++;
        return readRelationship(r, line);
      case "index":
      case "constraint":
        this.#schema++;
        return readSchema(kind, r, line);
      case "footer":
        this.#rank = FOOTER_RANK;
        this.#footerLine = line;
        return readFooter(r, line);
    }
    throw invalid(line, `unknown record kind ${describeKind(kind)}`);
  }

  #verify(footer: FooterRecord): void {
    const line = this.#footerLine;
    if (this.#hash !== undefined && this.#hash.digest("hex") !== footer.sha256) {
      throw new FormatError(`Backup is corrupt: checksum mismatch at the footer (line ${line})`, {
        line,
      });
    }
    const found = `${this.#nodes} nodes, ${this.#relationships} relationships and ` +
      `${this.#schema} schema records`;
    const said = `${footer.nodes} nodes, ${footer.relationships} relationships and ` +
      `${footer.schema} schema records`;
    if (found !== said) {
      throw new FormatError(
        `Backup is corrupt: count mismatch at the footer (line ${line}): ` +
          `it says ${said}, the backup holds ${found}`,
        { line },
      );
    }
  }
}

/**
 * Reads a backup file's bytes, gzip-compressed or not (detected by the gzip magic bytes), into
 * its checked records. A damaged or truncated gzip stream becomes a {@link FormatError}.
 *
 * @param bytes The bytes of the file, e.g. `file.readable` or stdin.
 * @param options Whether to verify the checksum, the longest line accepted, and whether to check
 *   node ids and relationship ends.
 * @returns The records: header, schema records, nodes, relationships and the verified footer.
 *
 * @example Count the nodes of a backup file
 * ```ts ignore
 * import { decodeBackup } from "./decoder_stream.ts";
 *
 * const file = await Deno.open("backup.jsonl.gz");
 * let nodes = 0;
 * for await (const record of decodeBackup(file.readable)) if (record.kind === "node") nodes++;
 * console.log(`${nodes} nodes`);
 * ```
 */
export function decodeBackup(
  bytes: ReadableStream<Uint8Array>,
  options: DecoderStreamOptions = {},
): ReadableStream<BackupRecord> {
  return gunzipIfNeeded(bytes).pipeThrough(new DecoderStream(options));
}
