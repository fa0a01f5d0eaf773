/**
 * What a backup holds, as `list` shows it: nodes per label set and label, relationships per
 * type and pattern, property keys with their value types, and the schema items.
 *
 * @module
 */

import type { EntityType, FooterRecord, HeaderRecord, SchemaRecord } from "../format/records.ts";

/**
 * One property key of a label set or a relationship type: how many nodes or relationships have
 * it, and how many of those hold each value type.
 */
export interface PropertyKeyContents {
  /** The property key. */
  key: string;
  /** The nodes or relationships that have the key. */
  count: number;
  /**
   * Counts by value type, most frequent first: `Integer`, `Float`, `String`, `Boolean`,
   * `Date`, `LocalTime`, `Time`, `LocalDateTime`, `DateTime`, `Duration`, `Point`,
   * `ByteArray`, or `List of X` (`List of Nothing` for an empty list).
   */
  types: Record<string, number>;
}

/** The nodes that have exactly one set of labels. */
export interface LabelSetContents {
  /** The labels, sorted; empty for nodes without labels. */
  labels: string[];
  /** How many nodes have exactly these labels. */
  nodes: number;
  /** Their property keys, sorted by key. */
  properties: PropertyKeyContents[];
}

/** The nodes that have one label (among others). */
export interface LabelContents {
  /** The label. */
  label: string;
  /** How many nodes have it. */
  nodes: number;
}

/** The relationships of one type. */
export interface TypeContents {
  /** The relationship type. */
  type: string;
  /** How many relationships have it. */
  relationships: number;
  /** Their property keys, sorted by key. */
  properties: PropertyKeyContents[];
}

/** The relationships of one type between nodes of two label sets. */
export interface PatternContents {
  /** The start node's labels, sorted; `null` when the start node is not in the backup. */
  start: string[] | null;
  /** The relationship type. */
  type: string;
  /** The end node's labels, sorted; `null` when the end node is not in the backup. */
  end: string[] | null;
  /** How many relationships match. */
  relationships: number;
}

/** An index or a constraint, as the backup describes it. */
export interface SchemaItemContents {
  /** `"index"` or `"constraint"`. */
  kind: SchemaRecord["kind"];
  /** The name. */
  name: string;
  /** The index or constraint type, e.g. `RANGE` or `UNIQUENESS`. */
  type: string;
  /** Whether it is on nodes or relationships. */
  entity: EntityType;
  /** The labels or relationship types; empty for a LOOKUP index. */
  labelsOrTypes: string[];
  /** The property keys; empty for a LOOKUP index. */
  properties: string[];
  /** For a property-type constraint, the Cypher type, e.g. `INTEGER`. */
  propertyType?: string;
}

/** What a backup holds, as {@link tallyBackup} found it. Every list is in a fixed order. */
export interface BackupContents {
  /** The header, when the records had one. */
  header?: HeaderRecord;
  /**
   * The footer, when the records had one. A footer that came out of the decoder has had its
   * counts and checksum verified; a Python tool's folder has none.
   */
  footer?: FooterRecord;
  /** The node records. */
  nodes: number;
  /** The relationship records. */
  relationships: number;
  /** Nodes per label set, the most frequent first. */
  labelSets: LabelSetContents[];
  /** Nodes per label, the most frequent first. */
  labels: LabelContents[];
  /** Relationships per type, the most frequent first. */
  types: TypeContents[];
  /** Relationships per pattern, the most frequent first. */
  patterns: PatternContents[];
  /** The indexes and constraints, in the order of the backup. */
  schema: SchemaItemContents[];
}
