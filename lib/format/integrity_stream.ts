/**
 * The graph-level checks of a backup, which no single line can show: every node id is unique,
 * and every relationship connects two nodes of the backup. `verify`, `list` and `convert` read
 * records through it, so that a backup no export could have written is refused before anything
 * is made from it.
 *
 * @module
 */

import { FormatError } from "../errors.ts";
import { CompactIdSet } from "./compact_id_set.ts";
import type { BackupRecord } from "./records.ts";

/** What the position of a record is called in messages. */
export type RecordPosition = "line" | "record";

/**
 * The checks themselves, one record at a time: the decoder runs them inline when asked
 * (`decodeBackup(bytes, { integrity: true })`, no extra stream stage per record), and
 * {@link IntegrityStream} runs them over records from elsewhere.
 *
 * Memory: the node ids, in a {@link CompactIdSet} (about a bit per id when the ids are dense as
 * Neo4j's are, at most 10 bytes per id however they are spread).
 *
 * @example Check records as they come
 * ```ts
 * import assert from "node:assert/strict";
 * import { IntegrityCheck } from "./integrity_stream.ts";
 * const check = new IntegrityCheck();
 * check.check({ kind: "node", id: 3, labels: [], props: {} }, 2);
 * assert.throws(
 *   () => check.check({ kind: "node", id: 3, labels: [], props: {} }, 3),
 *   /the node at line 3 has id 3, which an earlier node has/,
 * );
 * ```
 */
export class IntegrityCheck {
  #nodes = new CompactIdSet();
  #position: RecordPosition;

  /**
   * Creates the check.
   *
   * @param position `"line"` (the default) when record N is line N of a file; `"record"`
   *   otherwise (a Python tool's folder), and then errors carry no line number.
   */
  constructor(position: RecordPosition = "line") {
    this.#position = position;
  }

  /**
   * Checks the next record.
   *
   * @param record Any record; only nodes and relationships are looked at.
   * @param at The record's position, for the message.
   * @throws {FormatError} At a node id seen before, or a relationship to a node not seen.
   */
  check(record: BackupRecord, at: number): void {
    if (record.kind === "node") {
      if (!this.#nodes.add(record.id)) {
        throw this.#error(
          at,
          `the node at ${this.#position} ${at} has id ${record.id}, which an earlier node has`,
        );
      }
    } else if (record.kind === "rel") {
      const missing = !this.#nodes.has(record.start)
        ? record.start
        : !this.#nodes.has(record.end)
        ? record.end
        : undefined;
      if (missing !== undefined) {
        throw this.#error(
          at,
          `the relationship at ${this.#position} ${at} refers to node ${missing}, ` +
            "which the backup does not hold",
        );
      }
    }
  }

  #error(at: number, what: string): FormatError {
    return new FormatError(
      `Backup is corrupt: ${what}`,
      this.#position === "line" ? { line: at } : {},
    );
  }
}

/** Options for {@link IntegrityStream}. */
export interface IntegrityStreamOptions {
  /**
   * What the position of a record is called in messages: `"line"` (the default) for records
   * from the decoder, where record N is line N, or `"record"` for records from elsewhere
   * (a Python tool's folder), counted from 1 with the header.
   */
  position?: RecordPosition;
}

/**
 * Passes records through unchanged and fails the stream with a {@link FormatError} naming the
 * line at the first node whose id an earlier node has, or the first relationship whose start or
 * end is not the id of a node before it ({@link IntegrityCheck}). The format puts every node
 * before every relationship (the decoder refuses any other order), so one pass suffices; a
 * relationship that came first would be refused here too, as one to a node the backup does not
 * hold. For a backup file, `decodeBackup(bytes, { integrity: true })` does the same without a
 * stream stage.
 *
 * @example Refuse a relationship to a node that is not in the backup
 * ```ts
 * import assert from "node:assert/strict";
 * import { IntegrityStream } from "./integrity_stream.ts";
 * import type { BackupRecord } from "./records.ts";
 * const records: BackupRecord[] = [
 *   { kind: "node", id: 0, labels: [], props: {} },
 *   { kind: "rel", type: "KNOWS", start: 0, end: 7, props: {} },
 * ];
 * const checked = ReadableStream.from(records).pipeThrough(new IntegrityStream());
 * await assert.rejects(Array.fromAsync(checked), /refers to node 7, which the backup does not hold/);
 * ```
 */
export class IntegrityStream extends TransformStream<BackupRecord, BackupRecord> {
  /**
   * Creates the check.
   *
   * @param options What a record's position is called in messages.
   */
  constructor(options: IntegrityStreamOptions = {}) {
    const check = new IntegrityCheck(options.position);
    let at = 0;
    super({
      transform: (record, controller) => {
        check.check(record, ++at);
        controller.enqueue(record);
      },
    });
  }
}
