/**
 * The write statements of an import's batches: one UNWIND statement per label set or
 * relationship type, the pairing of the created nodes with their backup ids, and the size
 * estimate that bounds a batch.
 *
 * @module
 */

import type { Record as Neo4jRecord } from "neo4j-driver";
import { DatabaseError } from "../errors.ts";
import type { NodeRecord, Properties } from "../format/records.ts";
import { labelPattern, quote } from "../neo4j/cypher.ts";
import { toNumber } from "../neo4j/integers.ts";
import { splitZoned, zonedKeys, zonedSetClause } from "../neo4j/zoned_datetimes.ts";
import type { Runner } from "./exact_write.ts";

/**
 * Rough bytes of a property map, to bound a batch by size as well as by rows.
 *
 * @param props The properties.
 * @returns An estimate of their size in memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { approximateBytes } from "./batch_queries.ts";
 * assert.ok(approximateBytes({ name: "a long name" }) > approximateBytes({ name: "a" }));
 * ```
 */
export function approximateBytes(props: Properties): number {
  let bytes = 16;
  for (const key in props) bytes += key.length + valueBytes(props[key]);
  return bytes;
}

function valueBytes(v: unknown): number {
  if (typeof v === "string") return v.length * 2;
  if (Array.isArray(v)) {
    let n = 8;
    for (const x of v) n += valueBytes(x);
    return n;
  }
  if (v instanceof Int8Array || v instanceof Uint8Array) return v.byteLength;
  return 16;
}

/**
 * Groups items by a key, in the order each key first appears.
 *
 * @param items The items.
 * @param key The key of an item.
 * @returns The groups.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupBy } from "./batch_queries.ts";
 * assert.deepEqual([...groupBy(["ab", "c", "ad"], (s) => s[0])], [["a", ["ab", "ad"]], ["c", ["c"]]]);
 * ```
 */
export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Creates a batch of nodes of one label set with one UNWIND statement, and adds the pairs
 * `[backup id, target id]` to `out`.
 *
 * @param tx Where the statement runs.
 * @param group The nodes, all with the labels of the first.
 * @param out Receives the id pairs, flat.
 * @param zonedDetour Send zoned DateTimes as epoch seconds (4.4 targets).
 * @returns Resolves once the statement ran.
 *
 * @example
 * ```ts ignore
 * const pairs: number[] = [];
 * await createNodes(tx, nodes, pairs, false);
 * ```
 */
export async function createNodes(
  tx: Runner,
  group: NodeRecord[],
  out: number[],
  zonedDetour: boolean,
): Promise<void> {
  const labels = labelPattern(group[0].labels);
  const keys = zonedDetour ? zonedKeys(group.map((n) => n.props)) : [];
  // Each created node comes back with the index of its row: Cypher promises no output order.
  const query = "UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS row " +
    `CREATE (n${labels}) SET n = ${keys.length ? "row.p" : "row"}${zonedSetClause("n", keys)} ` +
    "RETURN i, id(n) AS t";
  const rows = keys.length
    ? group.map((n) => splitZoned(n.props, keys))
    : group.map((n) => n.props);
  const result = await tx.run(query, { rows });
  for (const [from, to] of pairCreated(group, result.records)) out.push(from, to);
}

/**
 * Pairs the nodes of a batch with the target ids the server returned, by the row index each
 * result row carries (never by position: Cypher promises no output order).
 *
 * @param group The node records sent, in the order of their rows.
 * @param records The result rows: the row index, then the created node's id.
 * @returns `[backup id, target id]` for each node.
 * @throws {DatabaseError} When a row is missing, repeated or unknown.
 *
 * @example Rows that come back in another order still pair up
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import type { NodeRecord } from "../format/records.ts";
 * import { pairCreated } from "./batch_queries.ts";
 * const group: NodeRecord[] = [10, 20].map((id) => ({ kind: "node", id, labels: [], props: {} }));
 * const records = [new neo4j.Record(["i", "t"], [1n, 201n]), new neo4j.Record(["i", "t"], [0n, 101n])];
 * assert.deepEqual(pairCreated(group, records), [[20, 201], [10, 101]]);
 * ```
 */
export function pairCreated(group: NodeRecord[], records: Neo4jRecord[]): [number, number][] {
  const seen = new Uint8Array(group.length);
  const pairs: [number, number][] = [];
  for (const record of records) {
    const i = toNumber(record.get(0));
    if (!(i >= 0 && i < group.length) || seen[i]) {
      throw new DatabaseError(`Cannot create nodes: the server returned an unexpected row ${i}`);
    }
    seen[i] = 1;
    pairs.push([group[i].id, toNumber(record.get(1))]);
  }
  if (pairs.length !== group.length) {
    throw new DatabaseError(`Cannot create nodes: ${pairs.length} of ${group.length} were created`);
  }
  return pairs;
}

/**
 * Creates a batch of relationships of one type with one UNWIND statement, the endpoints
 * matched by their target ids.
 *
 * @param tx Where the statement runs.
 * @param type The relationship type.
 * @param rows The start and end node's target ids and the properties.
 * @param zonedDetour Send zoned DateTimes as epoch seconds (4.4 targets).
 * @param ids Receives the created relationships' ids, when given (parallel batches).
 * @returns Resolves once the statement ran.
 * @throws {DatabaseError} When fewer relationships were created than sent.
 *
 * @example
 * ```ts ignore
 * await createRels(tx, "KNOWS", [{ s: 1n, e: 2n, p: {} }], false);
 * ```
 */
export async function createRels(
  tx: Runner,
  type: string,
  rows: { s: bigint; e: bigint; p: Properties }[],
  zonedDetour: boolean,
  ids?: number[],
): Promise<void> {
  const keys = zonedDetour ? zonedKeys(rows.map((r) => r.p)) : [];
  const query = "UNWIND $rows AS row MATCH (a) WHERE id(a) = row.s MATCH (b) WHERE id(b) = row.e " +
    `CREATE (a)-[r:${quote(type)}]->(b) SET r = row.p${zonedSetClause("r", keys)}` +
    (ids ? " RETURN collect(id(r)) AS ids" : "");
  const params = keys.length
    ? rows.map((r) => ({ s: r.s, e: r.e, ...splitZoned(r.p, keys) }))
    : rows;
  const result = await tx.run(query, { rows: params });
  if (ids) { for (const id of result.records[0].get("ids") as unknown[]) ids.push(toNumber(id)); }
  const made = result.summary.counters.updates().relationshipsCreated;
  if (made !== rows.length) {
    throw new DatabaseError(
      `Cannot create relationships of type '${type}': ${made} of ${rows.length} were created ` +
        "(a node they connect is missing from the target; was it changed during the import?)",
    );
  }
}
