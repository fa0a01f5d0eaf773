/**
 * JSON Lines bytes -> records: splits lines, checks the header, every record's shape and order,
 * and the footer's counts and SHA-256 (see docs/FORMAT.md).
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { BackupError, errorMessage, FormatError } from "../errors.ts";
import type {
  BackupRecord,
  ConstraintRecord,
  FooterRecord,
  HeaderRecord,
  IndexRecord,
  NodeRecord,
  RelationshipRecord,
} from "./records.ts";
import { FORMAT_NAME, FORMAT_VERSION } from "./records.ts";
import { IntegrityCheck } from "./integrity_stream.ts";
import { decodeProperties } from "./values.ts";
import { checkKeys, checkName, checkNames } from "./names.ts";

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

const NEWLINE = 0x0a;
const NEWLINE_BYTES = new Uint8Array([NEWLINE]);
/** A header is a few hundred bytes: a longer first line is not a backup, and is not buffered. */
const MAX_HEADER_BYTES = 1 << 20;
/**
 * The position of each record kind in a backup; a record may not follow one of a higher rank.
 * A map, not an object: a kind such as `"constructor"` must not find `Object.prototype`'s.
 */
const RANK = new Map<string, number>([
  ["header", 0],
  ["index", 1],
  ["constraint", 1],
  ["node", 2],
  ["rel", 3],
  ["footer", 4],
]);
/** The rank of the footer. */
const FOOTER_RANK = 4;

type Json = Record<string, unknown>;

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
  #carry: Uint8Array[] = [];
  #carryLength = 0;
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

  #transform(chunk: Uint8Array, controller: TransformStreamDefaultController<BackupRecord>): void {
    if (chunk.length === 0) return;
    if (!this.#started) {
      this.#started = true;
      if (chunk[0] !== 0x7b) throw notABackup(chunk);
    }
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (newline === -1) return this.#keep(chunk);
    if (this.#carryLength > 0) {
      // The line began in an earlier chunk: join its parts once, now that it is complete.
      this.#keep(chunk.subarray(0, newline));
      const line = concat(this.#carry, this.#carryLength);
      this.#carry = [];
      this.#carryLength = 0;
      this.#readLine(line, controller);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (newline !== -1) {
      const end = chunk.lastIndexOf(NEWLINE) + 1;
      this.#readLines(chunk, start, end, controller);
      start = end;
    }
    if (start < chunk.length) this.#keep(chunk.subarray(start));
  }

  /**
   * Keeps the start of an unfinished line, copied: the producer may reuse its buffers. Fails
   * before keeping more than a line may hold.
   */
  #keep(bytes: Uint8Array): void {
    const length = this.#carryLength + bytes.length;
    if (this.#line === 0 && length > MAX_HEADER_BYTES) throw notABackup(bytes);
    if (length > this.#maxLine) throw tooLong(this.#line + 1, this.#maxLine);
    this.#carry.push(bytes.slice());
    this.#carryLength = length;
  }

  /** Reads the complete lines in `chunk[start, end)`, each ended by a newline. */
  #readLines(
    chunk: Uint8Array,
    start: number,
    end: number,
    controller: TransformStreamDefaultController<BackupRecord>,
  ): void {
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
  #readEach(
    chunk: Uint8Array,
    start: number,
    end: number,
    controller: TransformStreamDefaultController<BackupRecord>,
  ): void {
    for (let from = start; from < end;) {
      const to = chunk.indexOf(NEWLINE, from);
      if (to - from > this.#maxLine) throw tooLong(this.#line + 1, this.#maxLine);
      this.#readLine(chunk.subarray(from, to), controller);
      from = to + 1;
    }
  }

  /** Reads one complete line given without its newline. */
  #readLine(bytes: Uint8Array, controller: TransformStreamDefaultController<BackupRecord>): void {
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

  #flush(controller: TransformStreamDefaultController<BackupRecord>): void {
    if (!this.#started) throw new FormatError("Not a neo4j-backup file: the input is empty");
    if (this.#carryLength > 0) {
      // The last line has no newline. Accept it only if it is the footer.
      const bytes = concat(this.#carry, this.#carryLength);
      this.#carry = [];
      this.#carryLength = 0;
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
      case "node": {
        this.#nodes++;
        const node: NodeRecord = {
          kind,
          id: integer(r, "id", line),
          labels: strings(r, "labels", line),
          props: decodeProperties(r.props, `in 'props' on line ${line}`),
        };
        checkNames(node.labels, "labels", line);
        checkKeys(node.props, "props", line);
        return node;
      }
      case "rel": {
        this.#relationships++;
        const rel: RelationshipRecord = {
          kind,
          type: string(r, "type", line),
          start: integer(r, "start", line),
          end: integer(r, "end", line),
          props: decodeProperties(r.props, `in 'props' on line ${line}`),
        };
        checkName(rel.type, "the relationship type", line);
        checkKeys(rel.props, "props", line);
        return rel;
      }
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

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function parseLoosely(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

function isJson(bytes: Uint8Array): boolean {
  return parseLoosely(bytes) !== undefined;
}

function isFooter(bytes: Uint8Array): boolean {
  const json = parseLoosely(bytes) as Json | undefined;
  return typeof json === "object" && json !== null && json.kind === "footer";
}

const HEADER_START = new TextEncoder().encode(`{"kind":"header","format":"${FORMAT_NAME}"`);

/** Whether the bytes begin as the header line this code writes, or a prefix of it. */
function startsLikeOurHeader(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, HEADER_START.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== HEADER_START[i]) return false;
  return n >= 2;
}

function notABackup(start: Uint8Array): FormatError {
  const gzip = start[0] === 0x1f && start[1] === 0x8b;
  return new FormatError(
    "Not a neo4j-backup file: line 1 is not a backup header" +
      (gzip ? " (the input is gzip-compressed: decompress it first)" : ""),
    { line: 1 },
  );
}

function tooLong(line: number, max: number): FormatError {
  const MiB = 1024 * 1024;
  const size = max % MiB === 0
    ? `${max / MiB} MiB`
    : max % 1024 === 0
    ? `${max / 1024} KiB`
    : `${max} bytes`;
  return new FormatError(
    `Cannot read line ${line}: longer than ${size}; the file is corrupt or not a backup`,
    { line },
  );
}

function afterFooter(line: number): FormatError {
  return new FormatError(`Backup is corrupt: line ${line} follows the footer`, { line });
}

function invalid(line: number, why: string): FormatError {
  return new FormatError(`Cannot read line ${line}: ${why}`, { line });
}

function string(r: Json, key: string, line: number): string {
  const value = r[key];
  if (typeof value !== "string") throw invalid(line, `field '${key}' must be a string`);
  return value;
}

function optionalString(r: Json, key: string, line: number): string | undefined {
  const value = r[key];
  if (value !== undefined && typeof value !== "string") {
    throw invalid(line, `field '${key}' must be a string when present`);
  }
  return value;
}

function integer(r: Json, key: string, line: number): number {
  const value = r[key];
  if (!Number.isSafeInteger(value)) throw invalid(line, `field '${key}' must be an integer`);
  return value as number;
}

function count(r: Json, key: string, line: number, what = key): number {
  const value = r[key];
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw invalid(line, `field '${what}' must be a count (an integer, 0 or more)`);
  }
  return value as number;
}

function strings(r: Json, key: string, line: number, when = ""): string[] {
  const value = r[key];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw invalid(line, `field '${key}' must be a list of strings${when}`);
  }
  return value;
}

/** A record kind that is not one, described in a few characters whatever it holds. */
function describeKind(kind: unknown): string {
  if (kind === undefined) return "(none)";
  if (typeof kind === "string") {
    return JSON.stringify(kind.length > 40 ? kind.slice(0, 37) + "..." : kind);
  }
  if (kind === null) return "null";
  return Array.isArray(kind) ? "(a list)" : `(a ${typeof kind})`;
}

function readSchema(
  kind: "index" | "constraint",
  r: Json,
  line: number,
): IndexRecord | ConstraintRecord {
  const name = string(r, "name", line);
  const type = string(r, "type", line);
  const entity = r.entity;
  if (entity !== "NODE" && entity !== "RELATIONSHIP") {
    throw invalid(line, `field 'entity' must be "NODE" or "RELATIONSHIP"`);
  }
  const labelsOrTypes = strings(r, "labelsOrTypes", line);
  const properties = strings(r, "properties", line);
  const propertyType = kind === "constraint" ? optionalString(r, "propertyType", line) : undefined;
  const provider = optionalString(r, "provider", line);
  const statement = optionalString(r, "statement", line);
  const config = decodeProperties(r.config, `in 'config' on line ${line}`);
  checkName(name, `the ${kind} name`, line);
  checkNames(labelsOrTypes, "labelsOrTypes", line);
  checkNames(properties, "properties", line);
  // Built key by key, in the documented order, without keys for absent optional fields.
  const record: Json = { kind, name, type, entity, labelsOrTypes, properties };
  if (propertyType !== undefined) record.propertyType = propertyType;
  if (provider !== undefined) record.provider = provider;
  record.config = config;
  if (statement !== undefined) record.statement = statement;
  return record as unknown as IndexRecord | ConstraintRecord;
}

function readFooter(r: Json, line: number): FooterRecord {
  const footer: FooterRecord = {
    kind: "footer",
    nodes: integer(r, "nodes", line),
    relationships: integer(r, "relationships", line),
    schema: integer(r, "schema", line),
    sha256: "",
  };
  if (typeof r.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(r.sha256)) {
    throw invalid(line, "field 'sha256' must be 64 lower-case hex digits");
  }
  footer.sha256 = r.sha256;
  if (r.warnings !== undefined) {
    footer.warnings = strings(r, "warnings", line, " when present");
  }
  return footer;
}

function readHeader(json: unknown): HeaderRecord {
  const r = json as Json;
  if (
    typeof json !== "object" || json === null || r.kind !== "header" || r.format !== FORMAT_NAME
  ) {
    throw notABackup(new Uint8Array());
  }
  const version = r.version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw invalid(1, "field 'version' must be a positive integer");
  }
  if ((version as number) > FORMAT_VERSION) {
    throw new FormatError(
      `Unsupported format version ${version}: this neo4j-backup reads version ${FORMAT_VERSION}; ` +
        "upgrade neo4j-backup",
      { line: 1 },
    );
  }
  const tool = string(r, "tool", 1);
  const created = string(r, "created", 1);
  const source = r.source as Json;
  if (typeof source !== "object" || source === null || Array.isArray(source)) {
    throw invalid(1, "field 'source' must be an object");
  }
  const sourceField = (key: string) => {
    if (typeof source[key] !== "string") {
      throw invalid(1, `field 'source.${key}' must be a string`);
    }
    return source[key] as string;
  };
  const header: HeaderRecord = {
    kind: "header",
    format: FORMAT_NAME,
    version: version as number,
    tool,
    created,
    source: {
      version: sourceField("version"),
      edition: sourceField("edition"),
      database: sourceField("database"),
    },
  };
  const counts = r.counts as Json | undefined;
  if (counts !== undefined) {
    if (typeof counts !== "object" || counts === null || Array.isArray(counts)) {
      throw invalid(1, "field 'counts' must be an object when present");
    }
    header.counts = {
      nodes: count(counts, "nodes", 1, "counts.nodes"),
      relationships: count(counts, "relationships", 1, "counts.relationships"),
    };
  }
  return header;
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

/** The input as it is, or decompressed when it starts with the gzip magic bytes `1f 8b`. */
function gunzipIfNeeded(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const source = input.getReader();
  let inputFailed = false;
  let gzip = false;
  let output: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const read = async () => {
    try {
      return await source.read();
    } catch (e) {
      inputFailed = true; // the input's own error, not the decompressor's: pass it on as it is
      throw e;
    }
  };
  return new ReadableStream<Uint8Array>({
    async start() {
      const head: Uint8Array[] = [];
      let length = 0;
      let done = false;
      while (length < 2 && !done) {
        const result = await read();
        if (result.done) done = true;
        else if (result.value.length > 0) {
          head.push(result.value);
          length += result.value.length;
        }
      }
      const first = concat(head, length);
      gzip = length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
      // Typed as ArrayBuffer-backed for DecompressionStream; byte streams never carry shared memory.
      const raw = new ReadableStream<Uint8Array<ArrayBuffer>>({
        start(controller) {
          if (length > 0) controller.enqueue(first as Uint8Array<ArrayBuffer>);
          if (done) controller.close();
        },
        async pull(controller) {
          const result = await read();
          if (result.done) controller.close();
          else controller.enqueue(result.value as Uint8Array<ArrayBuffer>);
        },
        cancel: (reason) => source.cancel(reason),
      }, { highWaterMark: 0 });
      output = (gzip ? raw.pipeThrough(new DecompressionStream("gzip")) : raw).getReader();
    },
    async pull(controller) {
      try {
        const result = await output!.read();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      } catch (e) {
        if (!gzip || inputFailed || e instanceof BackupError) throw e;
        throw new FormatError(
          "Backup is truncated or corrupt: the gzip stream ended early or is damaged; " +
            "the file was cut short or changed after it was written",
          { cause: e },
        );
      }
    },
    cancel: (reason) => (output ?? source).cancel(reason),
  }, { highWaterMark: 0 });
}
