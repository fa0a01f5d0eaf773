/**
 * Records -> JSON Lines bytes: serialises each record on one line, keeps the SHA-256 of every
 * byte written and appends the footer (see docs/FORMAT.md).
 *
 * @module
 */

import { createHash, type Hash } from "node:crypto";
import { BackupError } from "../errors.ts";
import type { BodyRecord, FooterRecord } from "./records.ts";
import { FORMAT_NAME } from "./records.ts";
import { GzipStream } from "./gzip_stream.ts";
import { encodeProperties } from "./values.ts";

/** Options for {@link EncoderStream}. */
export interface EncoderStreamOptions {
  /**
   * About how many bytes each output chunk holds: lines are batched until this size is reached
   * (a longer line makes a longer chunk). Defaults to 65536.
   */
  chunkSize?: number;
}

/** The position of each record kind in a backup; a record may not follow one of a higher rank. */
const RANK: Record<string, number> = { header: 0, index: 1, constraint: 1, node: 2, rel: 3 };

/**
 * Turns a stream of records (header first, then schema items, nodes and relationships) into the
 * bytes of an uncompressed backup, footer included. Pipe the output through
 * `new GzipStream()` (or `new CompressionStream("gzip")`) for a `.jsonl.gz` file, or use
 * {@link encodeBackup}.
 *
 * The stream errors with a {@link BackupError} when the first record is not a header, when
 * records come out of order, or when it is given a footer (it writes the footer itself).
 *
 * @example Encode a tiny backup
 * ```ts
 * import assert from "node:assert/strict";
 * import { EncoderStream } from "./encoder_stream.ts";
 * import type { BodyRecord } from "./records.ts";
 *
 * const records: BodyRecord[] = [
 *   {
 *     kind: "header", format: "neo4j-backup", version: 1, tool: "example 1.0",
 *     created: new Date().toISOString(),
 *     source: { version: "5.26.29", edition: "community", database: "neo4j" },
 *   },
 *   { kind: "node", id: 0, labels: ["Movie"], props: { title: "The Matrix", released: 1999n } },
 * ];
 * const text = await new Response(
 *   ReadableStream.from(records).pipeThrough(new EncoderStream()),
 * ).text();
 * assert.equal(text.split("\n").length, 4); // header, node, footer and the final newline
 * ```
 */
export class EncoderStream extends TransformStream<BodyRecord, Uint8Array<ArrayBuffer>> {
  /**
   * Creates an encoder.
   *
   * @param options The output chunk size.
   */
  constructor(options: EncoderStreamOptions = {}) {
    let encoder: LineEncoder;
    super({
      start: (controller) => {
        encoder = new LineEncoder((bytes) => controller.enqueue(bytes), options);
      },
      transform: (record) => encoder.write(record),
      flush: () => encoder.finish(),
    });
  }
}

/**
 * The encoder behind {@link EncoderStream}, push-style: records in through `write`, chunks out
 * through a callback, without a stream hop per record (the export's fast path).
 *
 * @example Encode two records into chunks
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineEncoder } from "./encoder_stream.ts";
 * const chunks: Uint8Array[] = [];
 * const encoder = new LineEncoder((bytes) => chunks.push(bytes));
 * encoder.write({
 *   kind: "header", format: "neo4j-backup", version: 1, tool: "example 1.0",
 *   created: new Date().toISOString(),
 *   source: { version: "5.26.29", edition: "community", database: "neo4j" },
 * });
 * encoder.finish();
 * assert.equal(chunks.length, 2); // the header line, then the footer
 * ```
 */
export class LineEncoder {
  #out: (bytes: Uint8Array<ArrayBuffer>) => void;
  #chunkSize: number;
  #hash: Hash = createHash("sha256");
  #encoder = new TextEncoder();
  #pending = "";
  #rank = -1;
  #kind = "";
  #nodes = 0;
  #relationships = 0;
  #schema = 0;

  /**
   * Creates an encoder.
   *
   * @param out Receives each chunk of bytes.
   * @param options The output chunk size.
   */
  constructor(out: (bytes: Uint8Array<ArrayBuffer>) => void, options: EncoderStreamOptions = {}) {
    this.#out = out;
    this.#chunkSize = options.chunkSize ?? 65536;
  }

  /**
   * Encodes one record; hands out a chunk when enough lines are pending.
   *
   * @param record The next record.
   * @throws {BackupError} When the record is out of order or holds a value that cannot be stored.
   */
  write(record: BodyRecord): void {
    this.#checkOrder(record);
    this.#pending += this.#line(record) + "\n";
    if (this.#pending.length >= this.#chunkSize) this.#emit();
  }

  #checkOrder(record: BodyRecord): void {
    const kind: string = record.kind;
    const rank = RANK[kind];
    if (rank === undefined) {
      throw new BackupError(
        kind === "footer"
          ? "Cannot write a 'footer' record: the encoder writes the footer itself"
          : `Cannot write a record of unknown kind '${kind}'`,
      );
    }
    if (this.#rank < 0 && rank !== 0) {
      throw new BackupError(`Cannot write a '${kind}' record first: a backup starts with a header`);
    }
    if (rank < this.#rank || (rank === 0 && this.#rank === 0)) {
      throw new BackupError(
        `Cannot write a '${kind}' record after a '${this.#kind}' record: ` +
          "the order is header, schema, nodes, relationships",
      );
    }
    this.#rank = rank;
    this.#kind = kind;
  }

  #line(record: BodyRecord): string {
    if (record.kind === "node") this.#nodes++;
    else if (record.kind === "rel") this.#relationships++;
    else if (record.kind !== "header") this.#schema++;
    return recordLine(record);
  }

  #emit(): void {
    const bytes = this.#encoder.encode(this.#pending);
    this.#pending = "";
    this.#send(bytes);
  }

  #send(bytes: Uint8Array<ArrayBuffer>): void {
    this.#hash.update(bytes);
    this.#out(bytes);
  }

  /**
   * Hands out the pending lines and the footer.
   *
   * @param warnings What the footer should say about the backup (e.g. that the database
   *   changed while it was read); none by default.
   * @throws {BackupError} When no header was written.
   */
  finish(warnings: string[] = []): void {
    if (this.#rank < 0) throw new BackupError("Cannot write a backup without a header");
    if (this.#pending !== "") this.#emit();
    const counts = { nodes: this.#nodes, relationships: this.#relationships, schema: this.#schema };
    this.#out(this.#encoder.encode(footerLine(counts, this.#hash.digest("hex"), warnings)));
  }
}

/**
 * The footer's line, newline included.
 *
 * @param counts The node, relationship and schema records written.
 * @param sha256 The lower-case hex SHA-256 of every byte before the footer.
 * @param warnings What the footer should say about the backup, when anything.
 * @returns The line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { footerLine } from "./encoder_stream.ts";
 * const line = footerLine({ nodes: 1, relationships: 0, schema: 0 }, "ab", []);
 * assert.equal(line, '{"kind":"footer","nodes":1,"relationships":0,"schema":0,"sha256":"ab"}\n');
 * ```
 */
export function footerLine(
  counts: { nodes: number; relationships: number; schema: number },
  sha256: string,
  warnings: string[],
): string {
  const footer: FooterRecord = { kind: "footer", ...counts, sha256 };
  if (warnings.length) footer.warnings = warnings;
  return JSON.stringify(footer) + "\n";
}

/**
 * The line of one record, without its newline: keys in the documented order, values encoded as
 * docs/FORMAT.md says. The encoder writes these lines; so do the workers of `export --jobs`, so
 * that their lines are the same bytes.
 *
 * @param record A header, schema, node or relationship record.
 * @returns The JSON text of the line.
 * @throws {BackupError} When the record holds an id or value that cannot be stored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordLine } from "./encoder_stream.ts";
 * const line = recordLine({ kind: "node", id: 7, labels: ["A"], props: { n: 1n } });
 * assert.equal(line, '{"kind":"node","id":7,"labels":["A"],"props":{"n":1}}');
 * ```
 */
export function recordLine(record: BodyRecord): string {
  // Objects are rebuilt so that keys are always written in the documented order.
  switch (record.kind) {
    case "node":
      checkId(record.id, "node", "id");
      return JSON.stringify({
        kind: "node",
        id: record.id,
        labels: record.labels,
        props: encodeProperties(record.props),
      });
    case "rel":
      checkId(record.start, "rel", "start");
      checkId(record.end, "rel", "end");
      return JSON.stringify({
        kind: "rel",
        type: record.type,
        start: record.start,
        end: record.end,
        props: encodeProperties(record.props),
      });
    case "index":
      return JSON.stringify({
        kind: "index",
        name: record.name,
        type: record.type,
        entity: record.entity,
        labelsOrTypes: record.labelsOrTypes,
        properties: record.properties,
        provider: record.provider,
        config: encodeProperties(record.config),
        statement: record.statement,
      });
    case "constraint":
      return JSON.stringify({
        kind: "constraint",
        name: record.name,
        type: record.type,
        entity: record.entity,
        labelsOrTypes: record.labelsOrTypes,
        properties: record.properties,
        propertyType: record.propertyType,
        provider: record.provider,
        config: encodeProperties(record.config),
        statement: record.statement,
      });
    case "header":
      if (record.format !== FORMAT_NAME) {
        throw new BackupError(`Cannot write a header of format '${record.format}'`);
      }
      return JSON.stringify({
        kind: "header",
        format: record.format,
        version: record.version,
        tool: record.tool,
        created: record.created,
        source: {
          version: record.source.version,
          edition: record.source.edition,
          database: record.source.database,
        },
        counts: record.counts &&
          { nodes: record.counts.nodes, relationships: record.counts.relationships },
      });
  }
}

function checkId(id: unknown, kind: string, field: string): void {
  if (!Number.isSafeInteger(id)) {
    throw new BackupError(`Cannot write a '${kind}' record: '${field}' must be an integer number`);
  }
}

/** Options for {@link encodeBackup}. */
export interface EncodeBackupOptions extends EncoderStreamOptions {
  /** Gzip the output (the default); `false` writes plain JSON Lines. */
  compress?: boolean;
  /** The gzip level, 1 (fastest) to 9 (smallest); 5 when omitted. */
  compressionLevel?: number;
}

/**
 * Encodes a stream of records into the bytes of a backup file: JSON Lines with a footer,
 * gzip-compressed unless `compress` is `false`.
 *
 * @param records The header, schema records, nodes and relationships, in that order.
 * @param options Whether to compress, and the chunk size.
 * @returns The bytes of the backup, ready to be written to a file or stdout.
 *
 * @example Write a backup to a file
 * ```ts ignore
 * import { encodeBackup } from "./encoder_stream.ts";
 * import type { BodyRecord } from "./records.ts";
 *
 * declare const records: ReadableStream<BodyRecord>;
 * const file = await Deno.open("backup.jsonl.gz", { write: true, create: true });
 * await encodeBackup(records).pipeTo(file.writable);
 * ```
 */
export function encodeBackup(
  records: ReadableStream<BodyRecord>,
  options: EncodeBackupOptions = {},
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const { compress = true, compressionLevel, ...encoderOptions } = options;
  const lines = records.pipeThrough(new EncoderStream(encoderOptions));
  return compress ? lines.pipeThrough(new GzipStream(compressionLevel)) : lines;
}
