/**
 * Test graphs and graph comparison: a source graph with every property type, awkward names,
 * every shape and a schema of every kind Community can hold; and whole-graph fingerprints that
 * compare typed values.
 *
 * @module
 */

import neo4j, { type Driver } from "neo4j-driver";
import type { Properties } from "../lib/format/records.ts";
import { cypher } from "./_server.ts";

export { catalog, fingerprint } from "../scripts/graph_compare.ts";

const { Date: D, DateTime, Duration, LocalDateTime, LocalTime, Point, Time } = neo4j.types;

/** One value of every property type, keyed by a property name that says what it is. */
export const TYPED_VALUES: Properties = {
  int: 42n,
  int_max: 9223372036854775807n,
  int_min: -9223372036854775808n,
  int_beyond_2_53: 9007199254740993n,
  float: 0.334,
  float_integral: 1,
  float_huge: 1e300,
  float_neg_zero: -0,
  float_nan: NaN,
  float_inf: Infinity,
  float_neg_inf: -Infinity,
  string: "plain",
  string_nul: "a\u0000b",
  string_newlines: "line 1\nline 2\r\nend",
  string_emoji: "🙂 👩‍👩‍👧 日本語 ünï",
  string_tag_like: "$date('2020-01-01')",
  string_json_tag_like: '{"$date":"2020-01-01"}',
  string_empty: "",
  bool_true: true,
  bool_false: false,
  bytes: new Int8Array([0, 1, -1, 127, -128]),
  bytes_empty: new Int8Array(0),
  date: new D(2020n, 2n, 29n),
  date_far: new D(-999999999n, 1n, 1n),
  local_time: new LocalTime(12n, 50n, 35n, 556000001n),
  time: new Time(21n, 40n, 32n, 142000000n, 3600n),
  time_odd_offset: new Time(1n, 2n, 3n, 4n, -(5n * 3600n + 30n * 60n + 15n)),
  local_date_time: new LocalDateTime(2015n, 7n, 4n, 19n, 32n, 24n, 999999999n),
  date_time_offset: new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 556000000n, 3600n),
  date_time_zone: new DateTime(
    2015n,
    6n,
    24n,
    12n,
    50n,
    35n,
    556000000n,
    7200n,
    "Europe/Stockholm",
  ),
  // 02:30 on the autumn DST change happens twice in Berlin: the offset tells which one.
  date_time_dst_overlap: new DateTime(2021n, 10n, 31n, 2n, 30n, 0n, 0n, 3600n, "Europe/Berlin"),
  duration: new Duration(5n, 1n, 43200n, 5n),
  duration_negative: new Duration(-14n, -3n, -7n, 500n),
  duration_unnormalised: new Duration(0n, 45n, 200000n, 0n),
  point_cartesian: new Point(7203n, 3, 0.5),
  point_cartesian_3d: new Point(9157n, 3, 0, 2),
  point_wgs84: new Point(4326n, 56.7, 12.1),
  point_wgs84_3d: new Point(4979n, 56, 12, 2),
  list_int: [1n, 9007199254740993n, -3n],
  list_float: [1.5, 2, -0, NaN],
  list_string: ["a", "", "🙂", "$date('x')"],
  list_bool: [true, false],
  list_date: [new D(2020n, 1n, 1n), new D(1999n, 12n, 31n)],
  list_local_time: [new LocalTime(1n, 2n, 3n, 4n)],
  list_time: [new Time(1n, 2n, 3n, 4n, 0n)],
  list_local_date_time: [new LocalDateTime(2000n, 1n, 1n, 0n, 0n, 0n, 1n)],
  list_date_time: [
    new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 1n, 7200n, "Europe/Stockholm"),
    new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 1n, -3600n),
  ],
  list_duration: [new Duration(1n, 2n, 3n, 4n)],
  list_point: [new Point(7203n, 1, 2), new Point(7203n, 3, 4)],
  list_point_3d: [new Point(4979n, 1, 2, 3)],
  list_empty: [],
};

/** Names that need quoting everywhere. */
export const AWKWARD_NAMES = [
  "With Space",
  "back`tick",
  "co:lon",
  "do.t",
  "MATCH",
  "1leading",
  "Ünïcödé",
  "日本語",
  "emoji🙂",
  "$dollar",
  "a-b",
];

const MEGABYTE = "🙂 megabyte ".repeat(80_000);

/** Options of {@link loadTestData}. */
export interface TestDataOptions {
  /**
   * Let the server build the zoned DateTime in a DST overlap instead of sending it as a
   * parameter: 4.4 stores such a parameter with the earlier offset (see lib/neo4j/zoned_datetimes.ts).
   */
  serverSideOverlap?: boolean;
}

/**
 * Fills a database with the test graph's data, without schema: every property type on a node
 * and a relationship, awkward names, and the shapes (empty node, self-loop, parallel
 * relationships, hub, wide node, megabyte string).
 */
export async function loadTestData(driver: Driver, options: TestDataOptions = {}): Promise<void> {
  const { date_time_dst_overlap: _, ...rest } = TYPED_VALUES;
  const props = options.serverSideOverlap ? rest : TYPED_VALUES;
  const overlap = options.serverSideOverlap
    ? " SET x.date_time_dst_overlap = datetime({epochSeconds: 1635643800, timezone: 'Europe/Berlin'})"
    : "";
  await cypher(driver, `CREATE (x:Types {k: 'types'}) SET x += $props${overlap}`, { props });
  await cypher(
    driver,
    "CREATE (:Types {k: 'on_rel_holder'})-[x:TYPED]->(:Types {k: 'on_rel_target'}) " +
      `SET x += $props${overlap}`,
    { props },
  );
  for (const name of AWKWARD_NAMES) {
    await cypher(
      driver,
      `CREATE (a:${q(name)} {${q(name)}: $name})-[:${q(name)} {${q(name)}: 1}]->(b:Awkward:${
        q(name)
      })`,
      { name },
    );
  }
  // Shapes.
  await cypher(driver, "CREATE ()"); // no labels, no properties
  await cypher(driver, "CREATE (:Isolated {k: 'isolated'})");
  await cypher(driver, "CREATE (n:Loop {k: 'loop'})-[:SELF {w: 1}]->(n)");
  await cypher(
    driver,
    `CREATE (a:Par {k: 'pa'}), (b:Par {k: 'pb'})
     CREATE (a)-[:P {w: 1}]->(b), (a)-[:P {w: 1}]->(b), (a)-[:P {w: 2}]->(b), (b)-[:P]->(a), (a)-[:Q]->(b)`,
  );
  await cypher(
    driver,
    "CREATE (h:Hub {k: 'hub'}) WITH h UNWIND range(1, 3000) AS i CREATE (h)-[:SPOKE {i: i}]->(:Leaf {i: i})",
  );
  const wide: Record<string, bigint> = {};
  for (let i = 0; i < 300; i++) wide[`p${i}`] = BigInt(i);
  await cypher(driver, "CREATE (n:Wide {k: 'wide'}) SET n += $wide", { wide });
  await cypher(driver, "CREATE (n:Big {k: 'megabyte', s: $s})", { s: MEGABYTE });
}

/** Fills a database with the full test graph and schema. */
export async function loadTestGraph(driver: Driver): Promise<void> {
  await loadTestData(driver);
  // Schema of every kind Community holds.
  for (
    const s of [
      "CREATE INDEX range_composite FOR (n:Par) ON (n.k, n.w)",
      "CREATE INDEX `range on awkward` FOR (n:`back``tick`) ON (n.`co:lon`)",
      "CREATE TEXT INDEX text_idx FOR (n:Types) ON (n.string)",
      "CREATE POINT INDEX point_idx FOR (n:Types) ON (n.point_wgs84) OPTIONS {indexConfig: {`spatial.wgs-84.min`: [-100.0, -80.0], `spatial.wgs-84.max`: [100.0, 80.0]}}",
      "CREATE FULLTEXT INDEX fulltext_idx FOR (n:Types|Par) ON EACH [n.string, n.k] OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}",
      "CREATE FULLTEXT INDEX fulltext_rel FOR ()-[r:P|Q]-() ON EACH [r.w]",
      "CREATE VECTOR INDEX vector_idx FOR (n:Doc) ON (n.embedding) OPTIONS {indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'euclidean'}}",
      "CREATE INDEX rel_range FOR ()-[r:P]-() ON (r.w)",
      "CREATE CONSTRAINT unique_leaf FOR (n:Leaf) REQUIRE n.i IS UNIQUE",
      "CREATE CONSTRAINT unique_spoke FOR ()-[r:SPOKE]-() REQUIRE r.i IS UNIQUE",
      "CREATE CONSTRAINT unique_composite FOR (n:Wide) REQUIRE (n.p1, n.p2) IS UNIQUE",
    ]
  ) await cypher(driver, s);
  await cypher(driver, "CREATE (:Doc {embedding: [1.0, 2.0, 3.0]})");
  await cypher(driver, "CALL db.awaitIndexes(300)");
}

function q(name: string): string {
  return "`" + name.replaceAll("`", "``") + "`";
}

/** Reads a whole byte stream into one array (tests only: backups of test graphs are small). */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(c);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A stream of the given bytes, in chunks of `size`. */
export function streamOf(bytes: Uint8Array, size = 65536): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}
