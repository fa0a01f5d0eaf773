/**
 * The encoder of an export whose node and relationship lines were encoded elsewhere (by the
 * workers of `export --jobs N`): records for the header and the schema, blocks of finished
 * lines for the rest, and the footer over every byte, as `LineEncoder` writes it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { footerLine, LineEncoder } from "../format/encoder_stream.ts";
import type { BodyRecord } from "../format/records.ts";

/** Lines encoded elsewhere: nodes or relationships, each line ended by a newline. */
export interface EncodedBlock {
  kind: "block";
  /** The lines. */
  bytes: Uint8Array<ArrayBuffer>;
  /** How many node lines `bytes` holds. */
  nodes: number;
  /** How many relationship lines `bytes` holds. */
  relationships: number;
}

/**
 * Writes the header and schema records through a `LineEncoder` (so that their lines are the
 * same), passes blocks through, and writes the footer with the counts and the SHA-256 of every
 * byte before it.
 *
 * @example A header, a block, the footer
 * ```ts
 * import assert from "node:assert/strict";
 * import { BlockEncoder } from "./block_encoder.ts";
 * const chunks: Uint8Array[] = [];
 * const encoder = new BlockEncoder((bytes) => chunks.push(bytes));
 * encoder.write({
 *   kind: "header", format: "neo4j-backup", version: 1, tool: "example 1.0",
 *   created: new Date().toISOString(),
 *   source: { version: "5.26.29", edition: "community", database: "neo4j" },
 * });
 * const line = '{"kind":"node","id":0,"labels":[],"props":{}}\n';
 * encoder.writeBlock({
 *   kind: "block", bytes: new TextEncoder().encode(line), nodes: 1, relationships: 0,
 * });
 * encoder.finish();
 * const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
 * assert.match(text.split("\n")[2], /^\{"kind":"footer","nodes":1,"relationships":0,"schema":0,/);
 * ```
 */
export class BlockEncoder {
  #out: (bytes: Uint8Array<ArrayBuffer>) => void;
  #hash = createHash("sha256");
  #lines: LineEncoder;
  #nodes = 0;
  #relationships = 0;
  #schema = 0;

  /**
   * Creates an encoder.
   *
   * @param out Receives each chunk of bytes.
   */
  constructor(out: (bytes: Uint8Array<ArrayBuffer>) => void) {
    this.#out = out;
    // A chunk size of 0: every record comes out as its line at once.
    this.#lines = new LineEncoder((bytes) => this.#send(bytes), { chunkSize: 0 });
  }

  /**
   * Encodes the header or a schema record.
   *
   * @param record The next record.
   */
  write(record: BodyRecord): void {
    if (record.kind === "index" || record.kind === "constraint") this.#schema++;
    this.#lines.write(record);
  }

  /**
   * Passes a block of lines through.
   *
   * @param block The lines and what they hold.
   */
  writeBlock(block: EncodedBlock): void {
    this.#nodes += block.nodes;
    this.#relationships += block.relationships;
    this.#send(block.bytes);
  }

  /**
   * Hands out the footer.
   *
   * @param warnings What the footer should say about the backup; none by default.
   */
  finish(warnings: string[] = []): void {
    const counts = { nodes: this.#nodes, relationships: this.#relationships, schema: this.#schema };
    this.#out(new TextEncoder().encode(footerLine(counts, this.#hash.digest("hex"), warnings)));
  }

  #send(bytes: Uint8Array<ArrayBuffer>): void {
    this.#hash.update(bytes);
    this.#out(bytes);
  }
}
