/**
 * `manifest.json` of a Parquet folder: what each file holds (its label set or type, its rows,
 * its columns with their Cypher and Parquet types), which node tables each relationship table
 * connects, the backup's indexes and constraints, and the loss report; enough for a consumer to
 * declare its tables without opening a file (see docs/FORMATS.md).
 *
 * @module
 */

import type { HeaderRecord, SchemaRecord } from "../../format/records.ts";
import { encodeProperties, type JsonValue } from "../../format/values.ts";
import type { LossEntry } from "../loss_report.ts";
import type { ColumnInfo } from "./table.ts";

/** The value of `format` in every manifest. */
export const MANIFEST_FORMAT = "neo4j-backup parquet";

/** A node file of the manifest. */
export interface NodeFileEntry {
  /** The file, relative to the folder: `nodes/<table>.parquet`. */
  file: string;
  /** The table name: the file's name without `.parquet`, a plain identifier. */
  table: string;
  /** The label set of every node in the file (possibly empty). */
  labels: string[];
  /** The number of rows (nodes). */
  rows: number;
  /** The columns, in file order: `id`, then the properties. */
  columns: ColumnInfo[];
}

/** How many relationships of a file go from nodes of one table to nodes of another. */
export interface EndpointEntry {
  /** The table of the start nodes, `null` when they are not in the folder. */
  start: string | null;
  /** The table of the end nodes, `null` when they are not in the folder. */
  end: string | null;
  /** The number of relationships. */
  rows: number;
}

/** A relationship file of the manifest. */
export interface RelationshipFileEntry {
  /** The file, relative to the folder: `relationships/<table>.parquet`. */
  file: string;
  /** The table name: the file's name without `.parquet`, a plain identifier. */
  table: string;
  /** The relationship type. */
  type: string;
  /** The number of rows (relationships). */
  rows: number;
  /** The columns, in file order: `id`, `start`, `end`, then the properties. */
  columns: ColumnInfo[];
  /** The node tables the relationships connect, with counts. */
  endpoints: EndpointEntry[];
}

/** The whole manifest. */
export interface ParquetManifest {
  /** Always {@link MANIFEST_FORMAT}. */
  format: typeof MANIFEST_FORMAT;
  /** The manifest's version, 1. */
  version: 1;
  /** The tool that wrote the folder, e.g. `neo4j-backup 0.1.0`. */
  tool: string;
  /** The backup's header: its source server and when it was made. */
  backup: { tool: string; created: string; source: HeaderRecord["source"] } | null;
  /** `zstd`, `snappy`, `gzip` or `none`. */
  compression: string;
  /** The node files. */
  nodes: NodeFileEntry[];
  /** The relationship files. */
  relationships: RelationshipFileEntry[];
  /** The backup's indexes and constraints, as the backup holds them (Parquet has none). */
  schema: Record<string, JsonValue>[];
  /** The loss report's entries. */
  losses: LossEntry[];
}

/**
 * A schema record as JSON, its configuration values written as the backup writes them.
 *
 * @param record An index or constraint record.
 * @returns A plain JSON object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaJson } from "./manifest.ts";
 * const json = schemaJson({
 *   kind: "index", name: "i", type: "RANGE", entity: "NODE", labelsOrTypes: ["A"],
 *   properties: ["k"], config: { dims: 3n },
 * });
 * assert.deepEqual(json.config, { dims: 3 });
 * ```
 */
export function schemaJson(record: SchemaRecord): Record<string, JsonValue> {
  const { config, ...rest } = record;
  return { ...rest, config: encodeProperties(config) } as Record<string, JsonValue>;
}
