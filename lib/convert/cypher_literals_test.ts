import { test } from "node:test";
import assert from "node:assert/strict";
import neo4j from "neo4j-driver";
import type { PropertyValue } from "../format/records.ts";
import { type CypherDialect, cypherValue } from "./cypher_literals.ts";
import { cypherName } from "./cypher_names.ts";

const { Date: D, DateTime, Duration, LocalDateTime, LocalTime, Point, Time } = neo4j.types;

function write(value: PropertyValue, dialect: CypherDialect): [string | undefined, string[]] {
  const losses: string[] = [];
  const text = cypherValue(value, dialect, (what, action) => losses.push(`${what}: ${action}`));
  return [text, losses];
}

/** Value, its Neo4j literal, its FalkorDB literal (`undefined`: left out). */
const CASES: [string, PropertyValue, string | undefined, string | undefined][] = [
  ["int64 max", 9223372036854775807n, "9223372036854775807", "9223372036854775807"],
  ["int64 min", -9223372036854775808n, "-9223372036854775808", "-9223372036854775808"],
  ["integral float", 1, "1.0", "1.0"],
  ["huge float", 1e300, "1e+300", "1e+300"],
  ["negative zero", -0, "-0.0", "-0.0"],
  [
    "NaN and infinities",
    [NaN, Infinity, -Infinity],
    "[0.0/0.0, 1.0/0.0, -1.0/0.0]",
    "[0.0/0.0, 1.0/0.0, -1.0/0.0]",
  ],
  ["quotes and backslashes", 'it\'s a \\ "q"', "'it\\'s a \\\\ \"q\"'", "'it\\'s a \\\\ \"q\"'"],
  ["line breaks", "a\nb\r\u2028", "'a\\u000Ab\\u000D\\u2028'", "'a\\nb\\r\u2028'"],
  ["NUL", "a\0b", "'a\\u0000b'", "'ab'"],
  ["emoji", "🙂 日本語", "'🙂 日本語'", "'🙂 日本語'"],
  ["boolean list", [true, false], "[true, false]", "[true, false]"],
  ["empty list", [], "[]", "[]"],
  ["date", new D(2020n, 2n, 29n), "date('2020-02-29')", "date('2020-02-29')"],
  ["far date", new D(-999999999n, 1n, 1n), "date('-999999999-01-01')", "'-999999999-01-01'"],
  [
    "local time",
    new LocalTime(12n, 50n, 35n, 556000001n),
    "localtime('12:50:35.556000001')",
    "localtime('12:50:35')",
  ],
  [
    "time with an offset in seconds",
    new Time(1n, 2n, 3n, 4n, -19815n),
    "time({hour: 1, minute: 2, second: 3, nanosecond: 4, timezone: '-05:30:15'})",
    "'01:02:03.000000004-05:30:15'",
  ],
  [
    "local datetime",
    new LocalDateTime(2015n, 7n, 4n, 19n, 32n, 24n, 1n),
    "localdatetime('2015-07-04T19:32:24.000000001')",
    "localdatetime('2015-07-04T19:32:24')",
  ],
  [
    "datetime with an offset",
    new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 0n, 3600n),
    "datetime('2015-06-24T12:50:35+01:00')",
    "'2015-06-24T12:50:35+01:00'",
  ],
  [
    "datetime in a DST overlap",
    new DateTime(2021n, 10n, 31n, 2n, 30n, 0n, 0n, 3600n, "Europe/Berlin"),
    "datetime({epochSeconds: 1635643800, nanosecond: 0, timezone: 'Europe/Berlin'})",
    "'2021-10-31T02:30:00+01:00[Europe/Berlin]'",
  ],
  [
    "datetime with an offset in seconds",
    new DateTime(1970n, 1n, 1n, 0n, 0n, 0n, 5n, -19815n),
    "datetime({epochSeconds: 19815, nanosecond: 5, timezone: '-05:30:15'})",
    "'1970-01-01T00:00:00.000000005-05:30:15'",
  ],
  [
    "unnormalised duration",
    new Duration(-14n, 45n, 200000n, 500n),
    "duration({months: -14, days: 45, seconds: 200000, nanoseconds: 500})",
    "duration({months: -14, days: 45, seconds: 200000})",
  ],
  [
    "WGS-84 point",
    new Point(4326n, 56.7, 12.1),
    "point({srid: 4326, x: 56.7, y: 12.1})",
    "point({latitude: 12.1, longitude: 56.7})",
  ],
  [
    "cartesian 3D point",
    new Point(9157n, 3, 0, -0),
    "point({srid: 9157, x: 3.0, y: 0.0, z: -0.0})",
    "'point({srid: 9157, x: 3.0, y: 0.0, z: -0.0})'",
  ],
  ["byte array", new Int8Array([1, 2]), undefined, undefined],
];

for (const [name, value, neo, falkor] of CASES) {
  test(`cypherValue() writes ${name} as Neo4j and FalkorDB literals`, () => {
    assert.equal(write(value, "neo4j")[0], neo);
    assert.equal(write(value, "falkordb")[0], falkor);
  });
}

test("cypherValue() reports what it leaves out or changes, and nothing else", () => {
  assert.deepEqual(write(new Int8Array(0), "neo4j")[1], ["ByteArray: left out"]);
  assert.deepEqual(write("a\0b", "neo4j")[1], []);
  assert.deepEqual(write(new Duration(1n, 2n, 3n, 4n), "neo4j")[1], []);
  assert.deepEqual(write("a\0b", "falkordb")[1], [
    "NUL character in a string: removed (FalkorDB strings cannot hold it)",
  ]);
  const [, time] = write([new LocalTime(1n, 2n, 3n, 4n)], "falkordb");
  assert.deepEqual(time, [
    "LocalTime fraction of a second: dropped (FalkorDB keeps whole seconds)",
  ]);
  const [, date] = write(new D(2020n, 1n, 1n), "falkordb");
  assert.deepEqual(date, []);
});

test("cypherName() quotes any name for Neo4j and replaces backticks for FalkorDB", () => {
  const notes: string[] = [];
  const note = (what: string) => notes.push(what);
  assert.equal(cypherName("a`b\\u0060", "neo4j", note), "`a``b\\u005Cu0060`");
  assert.equal(cypherName("With Space", "falkordb", note), "`With Space`");
  assert.equal(cypherName("a`b", "falkordb", note), "`a_b`");
  assert.equal(cypherName("a\nb", "neo4j", note), "`a\\u000Ab`");
  assert.equal(cypherName("a\u2028b", "falkordb", note), "`a_b`");
  assert.deepEqual(notes, ["backtick in a name", "line break in a name"]);
});
