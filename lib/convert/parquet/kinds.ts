/**
 * The kinds of Parquet column a property becomes: one per Neo4j property type and one per list
 * of it, each with its Parquet schema, its Cypher type name (for the manifest) and the suffix of
 * its column name when a key needs more than one column.
 *
 * @module
 */

import type { SchemaElement } from "hyparquet";

/** The kinds of single values. */
export const SCALAR_KINDS = [
  "integer",
  "float",
  "string",
  "boolean",
  "bytes",
  "date",
  "local_time",
  "time",
  "local_datetime",
  "datetime",
  "duration",
  "point",
] as const;

/** The kind of a single value. */
export type ScalarKind = typeof SCALAR_KINDS[number];

/** The kind of a column: a scalar kind or a list of one. */
export type ParquetKind = ScalarKind | `list_${ScalarKind}`;

/** The Cypher type names of the scalar kinds (ByteArray has none in Cypher's type system). */
const CYPHER_TYPES: Record<ScalarKind, string> = {
  integer: "INTEGER",
  float: "FLOAT",
  string: "STRING",
  boolean: "BOOLEAN",
  bytes: "BYTE ARRAY",
  date: "DATE",
  local_time: "LOCAL TIME",
  time: "ZONED TIME",
  local_datetime: "LOCAL DATETIME",
  datetime: "ZONED DATETIME",
  duration: "DURATION",
  point: "POINT",
};

/** The Parquet types, as the manifest names them. */
const PARQUET_TYPES: Record<ScalarKind, string> = {
  integer: "INT64",
  float: "DOUBLE",
  string: "STRING",
  boolean: "BOOLEAN",
  bytes: "BINARY",
  date: "DATE",
  local_time: "TIME(NANOS, local)",
  time: "TIME(NANOS, local)",
  local_datetime: "TIMESTAMP(NANOS, local)",
  datetime: "TIMESTAMP(NANOS, UTC)",
  duration: "STRUCT(months INT64, days INT64, seconds INT64, nanoseconds INT32)",
  point: "STRUCT(srid INT32, x DOUBLE, y DOUBLE, z DOUBLE)",
};

/**
 * The element kind of a list kind, or `undefined` for a scalar kind.
 *
 * @param kind A column kind.
 * @returns The scalar kind of its elements.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { elementKind } from "./kinds.ts";
 * assert.equal(elementKind("list_date"), "date");
 * assert.equal(elementKind("date"), undefined);
 * ```
 */
export function elementKind(kind: ParquetKind): ScalarKind | undefined {
  return kind.startsWith("list_") ? kind.slice(5) as ScalarKind : undefined;
}

/**
 * Whether values of the kind carry a zone or offset, written in a sibling `__zone` column.
 *
 * @param kind A column kind.
 * @returns `true` for Time, DateTime and their lists.
 */
export function hasZone(kind: ParquetKind): boolean {
  const scalar = elementKind(kind) ?? kind;
  return scalar === "time" || scalar === "datetime";
}

/**
 * The Cypher type of a kind, e.g. `INTEGER` or `LIST<ZONED DATETIME>`.
 *
 * @param kind A column kind.
 * @returns The type name the manifest gives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cypherType } from "./kinds.ts";
 * assert.equal(cypherType("list_datetime"), "LIST<ZONED DATETIME>");
 * ```
 */
export function cypherType(kind: ParquetKind): string {
  const element = elementKind(kind);
  return element ? `LIST<${CYPHER_TYPES[element]}>` : CYPHER_TYPES[kind as ScalarKind];
}

/**
 * The Parquet type of a kind as the manifest names it, e.g. `LIST<INT64>`.
 *
 * @param kind A column kind.
 * @returns The type name.
 */
export function parquetType(kind: ParquetKind): string {
  const element = elementKind(kind);
  return element ? `LIST<${PARQUET_TYPES[element]}>` : PARQUET_TYPES[kind as ScalarKind];
}

/**
 * The schema elements of a column of the kind (depth-first, as a Parquet footer lists them):
 * an optional leaf, an optional struct, or an optional three-level LIST of required elements.
 *
 * @param name The column name.
 * @param kind The column kind.
 * @returns The elements, the column's own first.
 *
 * @example A list of integers
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaElements } from "./kinds.ts";
 * const [list, repeated, element] = schemaElements("ids", "list_integer");
 * assert.equal(list.converted_type, "LIST");
 * assert.equal(repeated.repetition_type, "REPEATED");
 * assert.equal(element.type, "INT64");
 * ```
 */
export function schemaElements(name: string, kind: ParquetKind): SchemaElement[] {
  const element = elementKind(kind);
  if (element === undefined) return scalarElements(name, kind as ScalarKind, "OPTIONAL");
  return [
    {
      name,
      repetition_type: "OPTIONAL",
      converted_type: "LIST",
      logical_type: { type: "LIST" },
      num_children: 1,
    },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    ...scalarElements("element", element, "REQUIRED"),
  ];
}

/**
 * The schema elements of a zone column: an optional string, or a list of strings.
 *
 * @param name The column name.
 * @param list Whether the zoned values are lists.
 * @returns The elements.
 */
export function zoneElements(name: string, list: boolean): SchemaElement[] {
  return schemaElements(name, list ? "list_string" : "string");
}

function scalarElements(
  name: string,
  kind: ScalarKind,
  repetition: "OPTIONAL" | "REQUIRED",
): SchemaElement[] {
  const leaf = (element: Omit<SchemaElement, "name" | "repetition_type">): SchemaElement[] => [
    { name, repetition_type: repetition, ...element },
  ];
  switch (kind) {
    case "integer":
      return leaf({ type: "INT64" });
    case "float":
      return leaf({ type: "DOUBLE" });
    case "string":
      return leaf({ type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } });
    case "boolean":
      return leaf({ type: "BOOLEAN" });
    case "bytes":
      return leaf({ type: "BYTE_ARRAY" });
    case "date":
      return leaf({ type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } });
    case "local_time":
    case "time":
      return leaf({
        type: "INT64",
        logical_type: { type: "TIME", isAdjustedToUTC: false, unit: "NANOS" },
      });
    case "local_datetime":
    case "datetime":
      return leaf({
        type: "INT64",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: kind === "datetime", unit: "NANOS" },
      });
    case "duration":
      return [
        { name, repetition_type: repetition, num_children: 4 },
        { name: "months", type: "INT64", repetition_type: "REQUIRED" },
        { name: "days", type: "INT64", repetition_type: "REQUIRED" },
        { name: "seconds", type: "INT64", repetition_type: "REQUIRED" },
        { name: "nanoseconds", type: "INT32", repetition_type: "REQUIRED" },
      ];
    case "point":
      return [
        { name, repetition_type: repetition, num_children: 4 },
        { name: "srid", type: "INT32", repetition_type: "REQUIRED" },
        { name: "x", type: "DOUBLE", repetition_type: "REQUIRED" },
        { name: "y", type: "DOUBLE", repetition_type: "REQUIRED" },
        { name: "z", type: "DOUBLE", repetition_type: "OPTIONAL" },
      ];
  }
}
