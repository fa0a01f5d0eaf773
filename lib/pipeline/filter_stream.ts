/**
 * Record filters as a stream: {@link FilterStream} applies the rules of `filter.ts` to a stream
 * of records, the same for import and convert (an export asks the server for what it keeps).
 *
 * @module
 */

import type {
  BackupRecord,
  FooterRecord,
  NodeRecord,
  RelationshipRecord,
} from "../format/records.ts";
import {
  emptySummary,
  type FilterSummary,
  leftOutSentence,
  type RecordFilter,
  RecordSelector,
} from "./filter.ts";
import { IdSet } from "./id_set.ts";

/**
 * Filters a stream of backup records (as a decoder or an export produces them): drops nodes,
 * relationships and schema items, strips property keys, and counts what it left out in
 * {@link FilterStream.summary}. The header passes unchanged. A footer is replaced by one with
 * the counts of what was kept (its `sha256` stays the source's, which the decoder verified) and,
 * when anything was left out, a warning that says what.
 *
 * @example Keep the people and what connects them
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BackupRecord } from "../format/records.ts";
 * import { FilterStream } from "./filter_stream.ts";
 * const records: BackupRecord[] = [
 *   { kind: "node", id: 0, labels: ["Person"], props: { name: "Ann" } },
 *   { kind: "node", id: 1, labels: ["Robot"], props: {} },
 *   { kind: "rel", type: "KNOWS", start: 0, end: 1, props: {} },
 *   { kind: "footer", nodes: 2, relationships: 1, schema: 0, sha256: "0".repeat(64) },
 * ];
 * const filter = new FilterStream({ labels: ["Person"] });
 * const kept: BackupRecord[] = [];
 * for await (const record of ReadableStream.from(records).pipeThrough(filter)) kept.push(record);
 * assert.deepEqual(kept.map((r) => r.kind), ["node", "footer"]);
 * assert.equal(filter.summary.nodes, 1);
 * assert.equal(filter.summary.relationships, 1);
 * ```
 */
export class FilterStream extends TransformStream<BackupRecord, BackupRecord> {
  #state: FilterState;

  /**
   * Makes a filter stream; its summary counts from zero.
   *
   * @param filter What to keep.
   */
  constructor(filter: RecordFilter) {
    const state = new FilterState(new RecordSelector(filter));
    super({
      transform(record, controller) {
        const kept = state.apply(record);
        if (kept) controller.enqueue(kept);
      },
    });
    this.#state = state;
  }

  /** What was left out so far (complete once the stream has ended). */
  get summary(): FilterSummary {
    return this.#state.summary;
  }
}

/** The counts and dropped node ids of one {@link FilterStream}. */
class FilterState {
  readonly summary: FilterSummary = emptySummary();
  #selector: RecordSelector;
  #dropped = new IdSet();
  #kept = { nodes: 0, relationships: 0, schema: 0 };

  constructor(selector: RecordSelector) {
    this.#selector = selector;
  }

  apply(record: BackupRecord): BackupRecord | undefined {
    switch (record.kind) {
      case "header":
        return record;
      case "index":
      case "constraint":
        if (this.#selector.keepsSchema(record)) {
          this.#kept.schema++;
          return record;
        }
        this.summary.schema.push(record.name);
        return undefined;
      case "node":
        return this.#node(record);
      case "rel":
        return this.#relationship(record);
      case "footer":
        return this.#footer(record);
    }
  }

  #node(node: NodeRecord): NodeRecord | undefined {
    if (!this.#selector.keepsNode(node.labels)) {
      this.#dropped.add(node.id);
      this.summary.nodes++;
      return undefined;
    }
    this.#kept.nodes++;
    const { props, removed } = this.#selector.nodeProperties(node.labels, node.props);
    this.summary.properties += removed;
    return removed === 0 ? node : { ...node, props };
  }

  #relationship(rel: RelationshipRecord): RelationshipRecord | undefined {
    const ends = !this.#dropped.has(rel.start) && !this.#dropped.has(rel.end);
    if (!ends || !this.#selector.keepsType(rel.type)) {
      this.summary.relationships++;
      return undefined;
    }
    this.#kept.relationships++;
    const { props, removed } = this.#selector.relationshipProperties(rel.type, rel.props);
    this.summary.properties += removed;
    return removed === 0 ? rel : { ...rel, props };
  }

  #footer(footer: FooterRecord): FooterRecord {
    const note = leftOutSentence(this.summary);
    const warnings = [...(footer.warnings ?? []), ...(note ? [note] : [])];
    return {
      ...footer,
      ...this.#kept,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }
}
