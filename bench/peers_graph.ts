/**
 * The every-type graph of the peers benchmark (`bench/bench_peers.ts`): N nodes over the
 * benchmark's labels, each with an int key `uid` and one value of every property type (64-bit
 * and big integers, awkward floats, Unicode and tag-like strings, byte arrays, every temporal
 * type with nanoseconds and a named zone, durations, points in all four systems, lists), and 5N
 * relationships with a key `rid` and typed values; one range index and one uniqueness
 * constraint. Every value is derived from the entity's index. Sent as parameters (byte arrays
 * cannot be Cypher literals). Two things are left out so that every peer finishes and has a
 * restored graph to compare: unlabelled nodes (the Python `neo4j-backup` importer crashes on
 * one) and lists of points (`apoc.import.json` fails on the whole file: "Property values can
 * only be of primitive types or arrays thereof. Encountered: Map{x -> ..., crs -> ...}").
 *
 * Runs under Deno and Node (only `node:` built-ins and neo4j-driver).
 *
 * @module
 */

import neo4j, { type Driver } from "neo4j-driver";
import type { Properties } from "../lib/format/records.ts";

/** The labels (as in bench/bench_worker.ts): node `i` has `LABELS[i % 4]`, every fifth also `Active`. */
const LABELS = ["Person", "Company", "Product", "Place"];
const TYPES = ["KNOWS", "LIKES", "BOUGHT"];
/** Relationships per node. */
export const RELATIONSHIPS_PER_NODE = 5;

function nodeLabels(i: number): string[] {
  const first = LABELS[i % LABELS.length];
  return i % 5 === 0 ? [first, "Active"] : [first];
}

const { Date: D, DateTime, Duration, LocalDateTime, LocalTime, Point, Time } = neo4j.types;

/** The schema the every-type graph has after its data. */
export const PEERS_SCHEMA = [
  "CREATE INDEX peers_person_name FOR (n:Person) ON (n.name)",
  "CREATE CONSTRAINT peers_company_uid FOR (n:Company) REQUIRE n.uid IS UNIQUE",
];

/** The typed properties of node `i` (its key `uid` included). */
export function typedNodeProperties(i: number): Properties {
  const b = BigInt(i);
  const day = BigInt(1 + (i % 28));
  return {
    uid: b,
    name: `node-${i}`,
    int_big: 9007199254740993n + b,
    int_max: 9223372036854775807n,
    float: (i % 1000) + 0.25,
    float_integral: 1,
    float_neg_zero: -0,
    float_inf: Infinity,
    float_nan: NaN,
    string_emoji: `🙂 日本語 ünï ${i}`,
    string_tag_like: "$date('2020-01-01')",
    bool: i % 3 === 0,
    bytes: new Int8Array([i % 128, -1, 0, 127, -128]),
    date: new D(BigInt(1950 + (i % 70)), BigInt(1 + (i % 12)), day),
    local_time: new LocalTime(12n, 50n, 35n, 556000001n + b),
    time: new Time(21n, 40n, 32n, 142000000n, 3600n),
    local_date_time: new LocalDateTime(2015n, 7n, day, 19n, 32n, 24n, 999999999n),
    date_time_offset: new DateTime(2015n, 6n, day, 12n, 50n, 35n, 556000000n, 3600n),
    date_time_zone: new DateTime(2015n, 6n, day, 12n, 50n, 35n, 1n, 7200n, "Europe/Stockholm"),
    duration: new Duration(5n, 1n, 43200n + b, 5n),
    duration_unnormalised: new Duration(0n, 45n, 200000n, 0n),
    point_cartesian: new Point(7203n, i, 0.5),
    point_cartesian_3d: new Point(9157n, i, 0, 2),
    point_wgs84: new Point(4326n, 12.1, 56.7),
    point_wgs84_3d: new Point(4979n, 12, 56, 2),
    list_int: [1n, 9007199254740993n, -b],
    list_float: [1.5, 2, -0],
    list_string: ["a", "", "🙂"],
    list_date: [new D(2020n, 1n, day), new D(1999n, 12n, 31n)],
    list_date_time: [new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 1n, -3600n)],
    list_duration: [new Duration(1n, 0n, 0n, b)],
  };
}

/** Relationship `j` of a graph of `n` nodes: type, endpoints (node indexes), typed properties. */
export function typedRelationship(
  j: number,
  n: number,
): { type: string; start: number; end: number; props: Properties } {
  const b = BigInt(j);
  return {
    type: TYPES[j % TYPES.length],
    start: (j * 7919) % n,
    end: (j * 104729 + 13) % n,
    props: {
      rid: b,
      weight: BigInt(j % 100),
      strength: (j % 1000) + 0.5,
      since: new DateTime(2020n, 1n, BigInt(1 + (j % 28)), 10n, 0n, 0n, 5n, 0n),
      zoned: new DateTime(2021n, 3n, 4n, 5n, 6n, 7n, 8n, 3600n, "Europe/Paris"),
      local: new LocalDateTime(2000n, 1n, 1n, 0n, 0n, 0n, 1n + b),
      bytes: new Int8Array([j % 128, 1]),
    },
  };
}

/**
 * Creates the every-type graph in an empty database: `n` nodes, `5n` relationships, then the
 * schema.
 *
 * @param driver A driver with `useBigInt: true`.
 * @param n Nodes.
 * @returns The counts created.
 */
export async function loadPeersGraph(
  driver: Driver,
  n: number,
): Promise<{ nodes: number; relationships: number }> {
  const ids: bigint[] = new Array(n);
  const batch = 1000;
  for (let from = 0; from < n; from += batch) {
    const groups = new Map<string, { index: number[]; rows: Properties[] }>();
    for (let i = from; i < Math.min(n, from + batch); i++) {
      const key = nodeLabels(i).map((l) => `\`${l}\``).join(":");
      let g = groups.get(key);
      if (!g) groups.set(key, g = { index: [], rows: [] });
      g.index.push(i);
      g.rows.push(typedNodeProperties(i));
    }
    for (const [labels, g] of groups) {
      const { records } = await driver.executeQuery(
        `UNWIND $rows AS p CREATE (x:${labels}) SET x = p RETURN id(x) AS id`,
        { rows: g.rows },
      );
      records.forEach((r, k) => ids[g.index[k]] = r.get("id") as bigint);
    }
  }
  const total = RELATIONSHIPS_PER_NODE * n;
  for (let from = 0; from < total; from += batch) {
    const groups = new Map<string, { s: bigint; e: bigint; p: Properties }[]>();
    for (let j = from; j < Math.min(total, from + batch); j++) {
      const r = typedRelationship(j, n);
      let g = groups.get(r.type);
      if (!g) groups.set(r.type, g = []);
      g.push({ s: ids[r.start], e: ids[r.end], p: r.props });
    }
    for (const [type, rows] of groups) {
      await driver.executeQuery(
        "UNWIND $rows AS row MATCH (a) WHERE id(a) = row.s MATCH (b) WHERE id(b) = row.e " +
          `CREATE (a)-[r:${type}]->(b) SET r = row.p`,
        { rows },
      );
    }
  }
  for (const statement of PEERS_SCHEMA) await driver.executeQuery(statement);
  await driver.executeQuery("CALL db.awaitIndexes(600)");
  return { nodes: n, relationships: total };
}
