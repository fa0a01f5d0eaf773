/**
 * The table of contents of a backup, tallied in one pass over its records: nodes per label set
 * and per label, relationships per type and per (start labels)-[type]->(end labels) pattern,
 * property keys with the value types seen, and the schema items.
 *
 * Memory stays flat as the backup grows: it keeps tallies keyed by label set, label, type,
 * pattern and property key, never a node or a relationship. The one per-node cost is the map
 * from node id to the index of its label set (an {@link IdMap}, 8 bytes per node when ids are
 * dense as Neo4j's are, at most 20), which a relationship's end labels are looked up in.
 *
 * @module
 */

import type {
  BackupRecord,
  FooterRecord,
  HeaderRecord,
  NodeRecord,
  RelationshipRecord,
  SchemaRecord,
} from "../format/records.ts";
import { IdMap } from "../pipeline/id_map.ts";
import { PhaseProgress } from "../pipeline/phase_progress.ts";
import type { ProgressEvent, ProgressPhase } from "../pipeline/progress_event.ts";
import type { BackupContents, SchemaItemContents } from "./contents.ts";
import { addProperties, compare, propertyContents, type PropertyTally } from "./property_tally.ts";

/** Options of {@link tallyBackup}. */
export interface TallyOptions {
  /**
   * Called with the `schema`, `nodes` and `relationships` phases as the records go by (totals
   * from the header's counts, when it has them).
   */
  onProgress?: (event: ProgressEvent) => void;
}

/** How often, in records, a phase reports that it advanced. */
const ADVANCE_EVERY = 1000;

/**
 * Tallies records one at a time; {@link BackupTally.contents} reports what it has seen so far.
 * {@link tallyBackup} is the same over a stream.
 *
 * @example Tally two nodes and a relationship
 * ```ts
 * import assert from "node:assert/strict";
 * import { BackupTally } from "./tally.ts";
 * const tally = new BackupTally();
 * tally.add({ kind: "node", id: 0, labels: ["Movie"], props: { released: 1999n } });
 * tally.add({ kind: "node", id: 1, labels: ["Person"], props: { name: "Keanu" } });
 * tally.add({ kind: "rel", type: "ACTED_IN", start: 1, end: 0, props: { roles: ["Neo"] } });
 * const contents = tally.contents();
 * assert.deepEqual(contents.patterns, [
 *   { start: ["Person"], type: "ACTED_IN", end: ["Movie"], relationships: 1 },
 * ]);
 * assert.deepEqual(contents.types[0].properties, [
 *   { key: "roles", count: 1, types: { "List of String": 1 } },
 * ]);
 * ```
 */
export class BackupTally {
  #header?: HeaderRecord;
  #footer?: FooterRecord;
  #nodes = 0;
  #relationships = 0;
  /** Label sets by key, in order of first sight; the index is what the id map holds. */
  #setIndex = new Map<string, number>();
  #sets: { labels: string[]; nodes: number; properties: PropertyTally }[] = [];
  #types = new Map<string, { relationships: number; properties: PropertyTally }>();
  /** Pattern counts by `start index, type, end index` (-1 for a node not in the backup). */
  #patterns = new Map<string, { start: number; type: string; end: number; count: number }>();
  #schema: SchemaItemContents[] = [];
  #nodeSets = new IdMap();

  /**
   * Adds one record to the tallies.
   *
   * @param record Any record of a backup.
   */
  add(record: BackupRecord): void {
    switch (record.kind) {
      case "header":
        this.#header = record;
        break;
      case "index":
      case "constraint":
        this.#schema.push(schemaItem(record));
        break;
      case "node":
        this.#addNode(record);
        break;
      case "rel":
        this.#addRelationship(record);
        break;
      case "footer":
        this.#footer = record;
        break;
    }
  }

  /**
   * Reports the tallies so far.
   *
   * @returns A fresh object; later records do not change it.
   */
  contents(): BackupContents {
    const labelsOf = (index: number) => index < 0 ? null : [...this.#sets[index].labels];
    const contents: BackupContents = {
      nodes: this.#nodes,
      relationships: this.#relationships,
      labelSets: this.#sets
        .map((set) => ({
          labels: [...set.labels],
          nodes: set.nodes,
          properties: propertyContents(set.properties),
        }))
        .sort((a, b) => b.nodes - a.nodes || compareNames(a.labels, b.labels)),
      labels: [...this.#labelCounts()]
        .map(([label, nodes]) => ({ label, nodes }))
        .sort((a, b) => b.nodes - a.nodes || compare(a.label, b.label)),
      types: [...this.#types]
        .map(([type, t]) => ({
          type,
          relationships: t.relationships,
          properties: propertyContents(t.properties),
        }))
        .sort((a, b) => b.relationships - a.relationships || compare(a.type, b.type)),
      patterns: [...this.#patterns.values()]
        .map((p) => ({
          start: labelsOf(p.start),
          type: p.type,
          end: labelsOf(p.end),
          relationships: p.count,
        }))
        .sort((a, b) =>
          b.relationships - a.relationships || compare(a.type, b.type) ||
          compareNames(a.start ?? [], b.start ?? []) || compareNames(a.end ?? [], b.end ?? [])
        ),
      schema: this.#schema.map((item) => ({ ...item })),
    };
    if (this.#header) contents.header = this.#header;
    if (this.#footer) contents.footer = this.#footer;
    return contents;
  }

  #addNode(node: NodeRecord): void {
    this.#nodes++;
    const labels = [...node.labels].sort(compare);
    const key = JSON.stringify(labels);
    let index = this.#setIndex.get(key);
    if (index === undefined) {
      index = this.#sets.length;
      this.#setIndex.set(key, index);
      this.#sets.push({ labels, nodes: 0, properties: new Map() });
    }
    const set = this.#sets[index];
    set.nodes++;
    addProperties(set.properties, node.props);
    this.#nodeSets.set(node.id, index);
  }

  #addRelationship(rel: RelationshipRecord): void {
    this.#relationships++;
    let type = this.#types.get(rel.type);
    if (type === undefined) {
      type = { relationships: 0, properties: new Map() };
      this.#types.set(rel.type, type);
    }
    type.relationships++;
    addProperties(type.properties, rel.props);
    const start = this.#nodeSets.get(rel.start) ?? -1;
    const end = this.#nodeSets.get(rel.end) ?? -1;
    const key = `${start} ${end} ${rel.type}`;
    const pattern = this.#patterns.get(key);
    if (pattern) pattern.count++;
    else this.#patterns.set(key, { start, type: rel.type, end, count: 1 });
  }

  /** Nodes per label, summed over the label sets: no work per node and label. */
  #labelCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const set of this.#sets) {
      for (const label of set.labels) counts.set(label, (counts.get(label) ?? 0) + set.nodes);
    }
    return counts;
  }
}

/**
 * Tallies every record of a stream: the table of contents of a backup in one pass.
 *
 * @param records The records, e.g. from `decodeBackup` or `readLegacyBackup`.
 * @param options Where progress goes.
 * @returns What the records hold; errors of the stream (a damaged file) reject it.
 *
 * @example Count the relationships per pattern of a backup
 * ```ts
 * import assert from "node:assert/strict";
 * import type { BackupRecord } from "../format/records.ts";
 * import { tallyBackup } from "./tally.ts";
 * const records: BackupRecord[] = [
 *   { kind: "node", id: 0, labels: ["Person"], props: { born: 1964n } },
 *   { kind: "node", id: 1, labels: ["Person"], props: { born: "unknown" } },
 *   { kind: "rel", type: "KNOWS", start: 0, end: 1, props: {} },
 * ];
 * const contents = await tallyBackup(ReadableStream.from(records));
 * assert.deepEqual(contents.labelSets[0].properties, [
 *   { key: "born", count: 2, types: { Integer: 1, String: 1 } },
 * ]);
 * assert.equal(contents.patterns[0].relationships, 1);
 * ```
 */
export async function tallyBackup(
  records: ReadableStream<BackupRecord>,
  options: TallyOptions = {},
): Promise<BackupContents> {
  const tally = new BackupTally();
  const phases = new PhaseTracker(options.onProgress);
  for await (const record of records) {
    if (record.kind === "header") phases.totals(record);
    phases.see(record.kind);
    tally.add(record);
  }
  phases.finish();
  return tally.contents();
}

/** Reports the phases of reading: each one that the records reach starts, advances and ends. */
class PhaseTracker {
  static readonly #PHASES: ProgressPhase[] = ["schema", "nodes", "relationships"];
  #emit?: (event: ProgressEvent) => void;
  #totals: (number | undefined)[] = [];
  #running = -1;
  #phase?: PhaseProgress;
  #done = 0;

  constructor(emit?: (event: ProgressEvent) => void) {
    this.#emit = emit;
  }

  totals(header: HeaderRecord): void {
    this.#totals = [undefined, count(header.counts?.nodes), count(header.counts?.relationships)];
  }

  see(kind: BackupRecord["kind"]): void {
    if (this.#emit === undefined || kind === "header") return;
    const at = kind === "node" ? 1 : kind === "rel" ? 2 : kind === "footer" ? 3 : 0;
    while (this.#running < at) this.#next();
    if (at < 3 && ++this.#done % ADVANCE_EVERY === 0) this.#phase?.advance(this.#done);
  }

  finish(): void {
    if (this.#emit !== undefined) { while (this.#running < 3) this.#next(); }
  }

  #next(): void {
    this.#phase?.end(this.#done);
    this.#running++;
    this.#done = 0;
    const phase = PhaseTracker.#PHASES[this.#running];
    this.#phase = phase === undefined
      ? undefined
      : new PhaseProgress(phase, this.#totals[this.#running], this.#emit);
  }
}

function schemaItem(record: SchemaRecord): SchemaItemContents {
  const item: SchemaItemContents = {
    kind: record.kind,
    name: record.name,
    type: record.type,
    entity: record.entity,
    labelsOrTypes: [...record.labelsOrTypes],
    properties: [...record.properties],
  };
  if (record.kind === "constraint" && record.propertyType !== undefined) {
    item.propertyType = record.propertyType;
  }
  return item;
}

function compareNames(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** A count from the header, which the decoder does not check, or nothing. */
function count(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? value as number : undefined;
}
