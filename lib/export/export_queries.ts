/**
 * The export's Cypher: the chunk reads by id seek (with the filter's label and type tests when
 * it has any), the highest ids, the counts, and the rows they return turned into records.
 *
 * @module
 */

import type { Record as Neo4jRecord, Transaction } from "neo4j-driver";
import type { NodeRecord, Properties, RelationshipRecord } from "../format/records.ts";
import { toNumber } from "../neo4j/integers.ts";
import type { RecordFilter } from "../pipeline/filter.ts";

const NODES = "UNWIND range($from, $to) AS i MATCH (n) WHERE id(n) = i " +
  "RETURN i, labels(n) AS l, properties(n) AS p";
const RELS = "UNWIND range($from, $to) AS i MATCH ()-[r]->() WHERE id(r) = i " +
  "RETURN i, type(r) AS t, id(startNode(r)) AS s, id(endNode(r)) AS e, properties(r) AS p";
/** Whether a node passes the label filter, in Cypher with the parameters of `chunkQueries`. */
const KEEP_NODE = (n: string) =>
  `(size($labels) = 0 OR any(x IN labels(${n}) WHERE x IN $labels)) AND ` +
  `none(x IN labels(${n}) WHERE x IN $excludeLabels)`;
const KEEP_TYPE = "(size($types) = 0 OR type(r) IN $types) AND NOT type(r) IN $excludeTypes";
/** As {@link NODES}, with labels and properties null for a node the filter leaves out. */
const FILTERED_NODES = "UNWIND range($from, $to) AS i MATCH (n) WHERE id(n) = i " +
  `WITH i, n, ${KEEP_NODE("n")} AS k ` +
  "RETURN i, CASE WHEN k THEN labels(n) END AS l, CASE WHEN k THEN properties(n) END AS p";
/** As {@link RELS}, with type and properties null for a relationship the filter leaves out. */
const filteredRels = (labels: boolean) =>
  "UNWIND range($from, $to) AS i MATCH (a)-[r]->(b) WHERE id(r) = i " +
  `WITH i, r, a, b, ${KEEP_TYPE}${
    labels ? ` AND ${KEEP_NODE("a")} AND ${KEEP_NODE("b")}` : ""
  } AS k ` +
  "RETURN i, CASE WHEN k THEN type(r) END AS t, id(a) AS s, id(b) AS e, " +
  "CASE WHEN k THEN properties(r) END AS p";

/** The highest node id (null in an empty database). */
export const MAX_NODE_ID = "MATCH (n) RETURN max(id(n)) AS m";
/** The highest relationship id (null when there is none). */
export const MAX_REL_ID = "MATCH ()-[r]->() RETURN max(id(r)) AS m";

/** The chunk queries of an export and the filter parameters they take besides `$from`, `$to`. */
export interface ChunkQueries {
  /** Reads nodes: rows of id, labels, properties (labels null for a node left out). */
  nodes: string;
  /** Reads relationships: rows of id, type, start, end, properties (type null when left out). */
  rels: string;
  /** The label and type lists the queries test. */
  params: Record<string, string[]>;
}

/**
 * The chunk queries for a filter: the plain id seeks without label or type rules, the filtered
 * ones otherwise.
 *
 * @param filter What to keep; everything when omitted.
 * @returns The queries and their parameters.
 *
 * @example Plain and filtered queries
 * ```ts
 * import assert from "node:assert/strict";
 * import { chunkQueries } from "./export_queries.ts";
 * assert.deepEqual(chunkQueries().params, {});
 * assert.match(chunkQueries({ types: ["KNOWS"] }).rels, /\$types/);
 * ```
 */
export function chunkQueries(filter: RecordFilter = {}): ChunkQueries {
  const labels = (filter.labels?.length ?? 0) + (filter.excludeLabels?.length ?? 0) > 0;
  const types = (filter.types?.length ?? 0) + (filter.excludeTypes?.length ?? 0) > 0;
  if (!labels && !types) return { nodes: NODES, rels: RELS, params: {} };
  return {
    nodes: labels ? FILTERED_NODES : NODES,
    rels: filteredRels(labels),
    params: {
      labels: filter.labels ?? [],
      excludeLabels: filter.excludeLabels ?? [],
      types: filter.types ?? [],
      excludeTypes: filter.excludeTypes ?? [],
    },
  };
}

/**
 * A row of the node query as a record.
 *
 * @param row A row of {@link ChunkQueries.nodes} whose labels are not null.
 * @returns The node.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toNode } from "./export_queries.ts";
 * const row = { get: (i: number) => [7n, ["A"], {}][i] };
 * assert.deepEqual(toNode(row), { kind: "node", id: 7, labels: ["A"], props: {} });
 * ```
 */
export function toNode(row: Pick<Neo4jRecord, "get">): NodeRecord {
  return {
    kind: "node",
    id: toNumber(row.get(0)),
    labels: row.get(1) as string[],
    props: row.get(2) as Properties,
  };
}

/**
 * A row of the relationship query as a record.
 *
 * @param row A row of {@link ChunkQueries.rels} whose type is not null.
 * @returns The relationship.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toRelationship } from "./export_queries.ts";
 * const row = { get: (i: number) => [0n, "KNOWS", 1n, 2n, {}][i] };
 * assert.deepEqual(toRelationship(row), { kind: "rel", type: "KNOWS", start: 1, end: 2, props: {} });
 * ```
 */
export function toRelationship(row: Pick<Neo4jRecord, "get">): RelationshipRecord {
  return {
    kind: "rel",
    type: row.get(1) as string,
    start: toNumber(row.get(2)),
    end: toNumber(row.get(3)),
    props: row.get(4) as Properties,
  };
}

/**
 * Counts the nodes and relationships of the database a transaction reads.
 *
 * @param tx An open transaction.
 * @returns The counts.
 *
 * @example
 * ```ts ignore
 * import { counts } from "./export_queries.ts";
 * declare const tx: import("neo4j-driver").Transaction;
 * console.log(await counts(tx));
 * ```
 */
export async function counts(tx: Transaction): Promise<{ nodes: number; relationships: number }> {
  const n = await tx.run("MATCH (n) RETURN count(n) AS c");
  const r = await tx.run("MATCH ()-[r]->() RETURN count(r) AS c");
  return { nodes: toNumber(n.records[0].get("c")), relationships: toNumber(r.records[0].get("c")) };
}
