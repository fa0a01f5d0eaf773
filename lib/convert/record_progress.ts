/**
 * Progress of a conversion: a pass-through stream of records that reports the `nodes` and
 * `relationships` phases, with the header's counts as totals.
 *
 * @module
 */

import { PhaseProgress } from "../pipeline/phase_progress.ts";
import type { ProgressEvent } from "../pipeline/progress_event.ts";
import type { BackupRecord, HeaderRecord } from "../format/records.ts";

/** The records a {@link RecordProgressStream} passed, by kind. */
export interface RecordCounts {
  /** The header, once seen. */
  header?: HeaderRecord;
  /** Node records. */
  nodes: number;
  /** Relationship records. */
  relationships: number;
  /** Index and constraint records. */
  schema: number;
}

const EVERY = 1000;

/**
 * Passes records through unchanged and reports how many nodes and relationships went by.
 *
 * @example Count the records of a stream
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BackupRecord } from "../format/records.ts";
 * import { RecordProgressStream } from "./record_progress.ts";
 * const events: string[] = [];
 * const node: BackupRecord = { kind: "node", id: 0, labels: [], props: {} };
 * const stream = ReadableStream.from([node]).pipeThrough(new RecordProgressStream((e) => events.push(`${e.type} ${e.phase} ${e.done}`)));
 * await stream.pipeTo(new WritableStream());
 * assert.deepEqual(events, ["start nodes 0", "end nodes 1"]);
 * ```
 */
export class RecordProgressStream extends TransformStream<BackupRecord, BackupRecord> {
  /** The records that went by, by kind (complete once the stream has ended). */
  readonly counts: RecordCounts;

  /**
   * Creates the stream.
   *
   * @param onProgress Receives the phase events.
   */
  constructor(onProgress: (event: ProgressEvent) => void) {
    let phase: PhaseProgress | undefined;
    let kind: "node" | "rel" | undefined;
    let done = 0;
    let totals: Record<string, number | undefined> = {};
    const end = () => phase?.end(done);
    const counts: RecordCounts = { nodes: 0, relationships: 0, schema: 0 };
    super({
      transform(record, controller) {
        if (record.kind === "node") counts.nodes++;
        else if (record.kind === "rel") counts.relationships++;
        else if (record.kind === "index" || record.kind === "constraint") counts.schema++;
        else if (record.kind === "header") counts.header = record;
        if (record.kind === "header") {
          totals = { node: record.counts?.nodes, rel: record.counts?.relationships };
        }
        if (record.kind === "node" || record.kind === "rel") {
          if (kind !== record.kind) {
            end();
            kind = record.kind;
            done = 0;
            const name = kind === "node" ? "nodes" : "relationships";
            phase = new PhaseProgress(name, totals[kind], onProgress);
          }
          if (++done % EVERY === 0) phase!.advance(done);
        }
        controller.enqueue(record);
      },
      flush() {
        end();
      },
    });
    this.counts = counts;
  }
}
