/**
 * Record filters, the same for export, import and convert: keep nodes by label, relationships by
 * type (and only between kept nodes), leave out property keys, and drop the schema items that
 * refer only to what was left out. {@link RecordSelector} holds the rules; `FilterStream`
 * (`filter_stream.ts`) applies them to a stream of records and counts what it left out.
 *
 * The rules:
 *
 * - A node is kept when it has at least one label of `labels` (when `labels` is given and not
 *   empty) and none of `excludeLabels`. A node without labels is dropped when `labels` is given,
 *   kept otherwise.
 * - A relationship is kept when its type is in `types` (when given), not in `excludeTypes`, and
 *   both its end nodes are kept.
 * - A property exclusion is a bare key (left out of every node and relationship) or an owner and
 *   a key: left out of the nodes that have the label `owner` and the relationships of type
 *   `owner`.
 * - A schema item is dropped when it names labels (or types) and none of them is selected (a
 *   label is selected when it is not in `excludeLabels` and, when `labels` is given, in
 *   `labels`), or when one of its property keys is left out on every selected label (or type)
 *   it names. Token lookup indexes (no labels, no keys) are always kept.
 *
 * @module
 */

import type { Properties, SchemaRecord } from "../format/records.ts";

/**
 * A property key to leave out: a bare key (everywhere), or a key on the nodes with one label or
 * the relationships of one type (`owner`).
 */
export type PropertyExclusion = string | { owner: string; key: string };

/**
 * What to keep of a backup. Every field is optional; an omitted or empty list restricts nothing.
 *
 * @example Back up people and movies, without embeddings
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEmptyFilter, type RecordFilter } from "./filter.ts";
 * const filter: RecordFilter = {
 *   labels: ["Person", "Movie"],
 *   excludeProperties: ["embedding", { owner: "Person", key: "email" }],
 * };
 * assert.ok(!isEmptyFilter(filter));
 * ```
 */
export interface RecordFilter {
  /** Keep only the nodes that have at least one of these labels. */
  labels?: string[];
  /** Drop the nodes that have any of these labels. */
  excludeLabels?: string[];
  /** Keep only the relationships of these types. */
  types?: string[];
  /** Drop the relationships of these types. */
  excludeTypes?: string[];
  /** Property keys to leave out, everywhere or on one label or relationship type. */
  excludeProperties?: PropertyExclusion[];
}

/** What a filter left out. */
export interface FilterSummary {
  /** Nodes dropped. */
  nodes: number;
  /** Relationships dropped (by their type, or because an end node was dropped). */
  relationships: number;
  /** Property values removed from the nodes and relationships that were kept. */
  properties: number;
  /** The names of the schema items dropped, in the order met. */
  schema: string[];
}

/**
 * Whether a filter keeps everything: no filter, or one whose lists are all empty.
 *
 * @param filter The filter, or `undefined`.
 * @returns True when nothing would be left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEmptyFilter } from "./filter.ts";
 * assert.ok(isEmptyFilter(undefined));
 * assert.ok(isEmptyFilter({ labels: [] }));
 * assert.ok(!isEmptyFilter({ excludeTypes: ["LIKES"] }));
 * ```
 */
export function isEmptyFilter(filter: RecordFilter | undefined): boolean {
  if (!filter) return true;
  const { labels, excludeLabels, types, excludeTypes, excludeProperties } = filter;
  return [labels, excludeLabels, types, excludeTypes, excludeProperties]
    .every((list) => !list || list.length === 0);
}

/**
 * An empty {@link FilterSummary}: nothing left out yet.
 *
 * @returns A fresh summary with every count 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptySummary } from "./filter.ts";
 * assert.deepEqual(emptySummary(), { nodes: 0, relationships: 0, properties: 0, schema: [] });
 * ```
 */
export function emptySummary(): FilterSummary {
  return { nodes: 0, relationships: 0, properties: 0, schema: [] };
}

/**
 * The rules of a {@link RecordFilter}, compiled into sets: which labels, types, property keys
 * and schema items pass. Stateless; {@link FilterStream} adds the node ids it dropped.
 *
 * @example Keep a node, strip a key
 * ```ts
 * import assert from "node:assert/strict";
 * import { RecordSelector } from "./filter.ts";
 * const selector = new RecordSelector({ excludeLabels: ["Secret"], excludeProperties: ["pii"] });
 * assert.ok(selector.keepsNode(["Person"]));
 * assert.ok(!selector.keepsNode(["Person", "Secret"]));
 * const { props, removed } = selector.nodeProperties(["Person"], { name: "Ann", pii: "x" });
 * assert.deepEqual(props, { name: "Ann" });
 * assert.equal(removed, 1);
 * ```
 */
export class RecordSelector {
  #labels?: Set<string>;
  #excludeLabels: Set<string>;
  #types?: Set<string>;
  #excludeTypes: Set<string>;
  #bareKeys = new Set<string>();
  #ownedKeys = new Map<string, Set<string>>();

  /**
   * Compiles a filter into sets.
   *
   * @param filter What to keep.
   */
  constructor(filter: RecordFilter = {}) {
    this.#labels = nonEmptySet(filter.labels);
    this.#excludeLabels = new Set(filter.excludeLabels ?? []);
    this.#types = nonEmptySet(filter.types);
    this.#excludeTypes = new Set(filter.excludeTypes ?? []);
    for (const exclusion of filter.excludeProperties ?? []) {
      if (typeof exclusion === "string") this.#bareKeys.add(exclusion);
      else {
        const keys = this.#ownedKeys.get(exclusion.owner) ?? new Set();
        keys.add(exclusion.key);
        this.#ownedKeys.set(exclusion.owner, keys);
      }
    }
  }

  /** Whether any property key is left out. */
  get stripsProperties(): boolean {
    return this.#bareKeys.size > 0 || this.#ownedKeys.size > 0;
  }

  /**
   * Whether a node with these labels is kept.
   *
   * @param labels The node's labels.
   * @returns True when it has a wanted label (or none is asked for) and no excluded one.
   */
  keepsNode(labels: readonly string[]): boolean {
    if (labels.some((label) => this.#excludeLabels.has(label))) return false;
    return !this.#labels || labels.some((label) => this.#labels!.has(label));
  }

  /**
   * Whether relationships of this type are kept (when both their end nodes are).
   *
   * @param type The relationship type.
   * @returns True when the type is wanted (or none is asked for) and not excluded.
   */
  keepsType(type: string): boolean {
    return !this.#excludeTypes.has(type) && (!this.#types || this.#types.has(type));
  }

  /**
   * A node's properties without the keys left out on it.
   *
   * @param labels The node's labels.
   * @param props Its properties (not changed).
   * @returns The properties to keep (the same object when nothing is removed) and how many
   *   values were removed.
   */
  nodeProperties(labels: readonly string[], props: Properties): Stripped {
    const owned = labels.map((label) => this.#ownedKeys.get(label)).filter((keys) => keys);
    return this.#strip(props, (key) => owned.some((keys) => keys!.has(key)));
  }

  /**
   * A relationship's properties without the keys left out on its type.
   *
   * @param type The relationship type.
   * @param props Its properties (not changed).
   * @returns As {@link RecordSelector.nodeProperties}.
   */
  relationshipProperties(type: string, props: Properties): Stripped {
    const owned = this.#ownedKeys.get(type);
    return this.#strip(props, (key) => owned?.has(key) === true);
  }

  /**
   * Whether a schema item is kept: it names a selected label or type (or none at all), and
   * none of its keys is left out on every selected label or type it names.
   *
   * @param item An index or constraint.
   * @returns True when the item still applies to what is kept.
   */
  keepsSchema(item: SchemaRecord): boolean {
    const owners = item.labelsOrTypes;
    const selected = item.entity === "RELATIONSHIP"
      ? owners.filter((type) => this.keepsType(type))
      : owners.filter((label) => this.#selectsLabel(label));
    if (owners.length > 0 && selected.length === 0) return false;
    return !item.properties.some((key) =>
      this.#bareKeys.has(key) ||
      (selected.length > 0 && selected.every((owner) => this.#ownedKeys.get(owner)?.has(key)))
    );
  }

  #selectsLabel(label: string): boolean {
    return !this.#excludeLabels.has(label) && (!this.#labels || this.#labels.has(label));
  }

  #strip(props: Properties, owned: (key: string) => boolean): Stripped {
    if (!this.stripsProperties) return { props, removed: 0 };
    let kept: Properties | undefined;
    let removed = 0;
    for (const key of Object.keys(props)) {
      if (!this.#bareKeys.has(key) && !owned(key)) continue;
      kept ??= { ...props };
      delete kept[key];
      removed++;
    }
    return { props: kept ?? props, removed };
  }
}

/** Properties after a filter: what is kept, and how many values were removed. */
export interface Stripped {
  /** The properties kept. */
  props: Properties;
  /** How many property values were removed. */
  removed: number;
}

function nonEmptySet(list: string[] | undefined): Set<string> | undefined {
  return list && list.length > 0 ? new Set(list) : undefined;
}

/**
 * One sentence saying what a filter left out, for a footer's warnings or a summary line; empty
 * when nothing was left out.
 *
 * @param summary What was left out.
 * @returns E.g. `Left out by the filter: 3 nodes, 1 relationship, 2 property values, schema
 *   items 'a', 'b'`, or `""`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leftOutSentence } from "./filter.ts";
 * assert.equal(
 *   leftOutSentence({ nodes: 3, relationships: 1, properties: 0, schema: ["person_name"] }),
 *   "Left out by the filter: 3 nodes, 1 relationship, 0 property values, schema item 'person_name'",
 * );
 * assert.equal(leftOutSentence({ nodes: 0, relationships: 0, properties: 0, schema: [] }), "");
 * ```
 */
export function leftOutSentence(summary: FilterSummary): string {
  const { nodes, relationships, properties, schema } = summary;
  if (nodes + relationships + properties + schema.length === 0) return "";
  const count = (n: number, one: string, many: string) =>
    `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
  const parts = [
    count(nodes, "node", "nodes"),
    count(relationships, "relationship", "relationships"),
    count(properties, "property value", "property values"),
  ];
  if (schema.length > 0) {
    const names = schema.map((name) => `'${name}'`).join(", ");
    parts.push(`schema item${schema.length === 1 ? "" : "s"} ${names}`);
  }
  return `Left out by the filter: ${parts.join(", ")}`;
}
