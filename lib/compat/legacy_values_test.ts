import assert from "node:assert/strict";
import { test } from "node:test";
import neo4j from "neo4j-driver";
import { FormatError } from "../errors.ts";
import {
  decodeLegacyProperties,
  decodeLegacyTag,
  type LegacyJson,
  type LegacyPropertyIssue,
  looksLikeLegacyBytes,
  parseLegacyJson,
} from "./legacy_values.ts";

const { Date: Neo4jDate, DateTime, Duration, LocalDateTime, LocalTime, Point, Time } = neo4j.types;

test("parseLegacyJson() replaces NaN and Infinity outside strings only", () => {
  const text = String.raw`{"NaN": NaN, "s": ["NaN", "a \"NaN\" Infinity", "\\", Infinity,
    "\\\"-Infinity", -Infinity, "x\\"]}`;
  const value = parseLegacyJson(text);
  assert.deepStrictEqual(value, {
    NaN: NaN,
    s: ["NaN", 'a "NaN" Infinity', "\\", Infinity, '\\"-Infinity', -Infinity, "x\\"],
  });
});

test("parseLegacyJson() tells integers from floats and keeps big integers exact", () => {
  const value = parseLegacyJson(
    "[1, 1.0, -0.0, 0, 1e+20, 1.5e-07, 2E3, 9007199254740993, -9223372036854775808, 123456789012345]",
  );
  assert.deepStrictEqual(value, [
    1n,
    1,
    -0,
    0n,
    1e20,
    1.5e-7,
    2000,
    9007199254740993n,
    -9223372036854775808n,
    123456789012345n,
  ]);
});

test("parseLegacyJson() leaves strings that hold its marker characters alone", () => {
  const text = '["\uE000123", "\\ue001NaN", 1.5]';
  assert.deepStrictEqual(parseLegacyJson(text), ["\uE000123", "\uE001NaN", 1.5]);
});

test("parseLegacyJson() rejects what is not JSON", () => {
  for (const text of ["[NaNa]", "[Infinityy]", '["open', "[1,]", "[nan]", "[- 1]"]) {
    assert.throws(() => parseLegacyJson(text), SyntaxError, text);
  }
});

test("decodeLegacyTag() reads dates, times and date-times with and without offsets", () => {
  const cases: [string, unknown][] = [
    ["$date('1999-01-01')", new Neo4jDate(1999n, 1n, 1n)],
    ["$time('21:40:32.142000000+01:00')", new Time(21n, 40n, 32n, 142000000n, 3600n)],
    ["$time('21:40:32Z')", new Time(21n, 40n, 32n, 0n, 0n)],
    ["$time('12:50:35.556000000')", new LocalTime(12n, 50n, 35n, 556000000n)],
    ["$time('12:50')", new LocalTime(12n, 50n, 0n, 0n)],
    ["$time('01:02:03.5-05:30')", new Time(1n, 2n, 3n, 500000000n, -19800n)],
    [
      "$datetime('2015-06-24T12:50:35.556000000+01:00')",
      new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 556000000n, 3600n),
    ],
    [
      "$datetime('2015-07-04T19:32:24.123456789')",
      new LocalDateTime(2015n, 7n, 4n, 19n, 32n, 24n, 123456789n),
    ],
    [
      "$datetime('2021-06-01T12:00:00.5+02:00[Europe/Berlin]')",
      new DateTime(2021n, 6n, 1n, 12n, 0n, 0n, 500000000n, 7200n, "Europe/Berlin"),
    ],
  ];
  for (const [text, expected] of cases) {
    assert.deepStrictEqual(decodeLegacyTag(text), expected, text);
  }
});

test("decodeLegacyTag() keeps a duration's months, days and seconds as the text says", () => {
  const cases: [string, [bigint, bigint, bigint, bigint]][] = [
    ["P5M1DT12H", [5n, 1n, 43200n, 0n]],
    ["P1Y2M", [14n, 0n, 0n, 0n]],
    ["PT12H", [0n, 0n, 43200n, 0n]],
    ["PT25H", [0n, 0n, 90000n, 0n]],
    ["P2W3D", [0n, 17n, 0n, 0n]],
    ["PT0S", [0n, 0n, 0n, 0n]],
    ["P1Y2M25DT5H6M7.123456789S", [14n, 25n, 18367n, 123456789n]],
    ["PT0.000000005S", [0n, 0n, 0n, 5n]],
    ["PT-1.5S", [0n, 0n, -2n, 500000000n]],
    ["PT-0.5S", [0n, 0n, -1n, 500000000n]],
    ["PT-4.999999997S", [0n, 0n, -5n, 3n]],
    ["P-3M2DT-2H", [-3n, 2n, -7200n, 0n]],
    ["PT-1H-1M-1S", [0n, 0n, -3661n, 0n]],
    ["P-1Y-2M", [-14n, 0n, 0n, 0n]],
    ["-P1DT1S", [0n, -1n, -1n, 0n]],
  ];
  for (const [text, [months, days, seconds, nanos]] of cases) {
    assert.deepStrictEqual(
      decodeLegacyTag(`$duration('${text}')`),
      new Duration(months, days, seconds, nanos),
      text,
    );
  }
});

test("decodeLegacyTag() reads the four point systems the Python tool writes", () => {
  const cases: [string, unknown][] = [
    ["{x: 3.0, y: 0.0, crs: 'cartesian'}", new Point(7203n, 3, 0)],
    ["{x: 3.0, y: 0.0, z: 2.0, crs: 'cartesian-3d'}", new Point(9157n, 3, 0, 2)],
    ["{x: 56.0, y: 12.0, crs: 'wgs-84'}", new Point(4326n, 56, 12)],
    ["{x: 56.0, y: 12.0, z: 2.0, crs: 'wgs-84-3d'}", new Point(4979n, 56, 12, 2)],
    ["{x: -1e+20, y: 1.5e-07, crs: 'cartesian'}", new Point(7203n, -1e20, 1.5e-7)],
    ["{x: 1.0, y: 2.0, srid: 7203}", new Point(7203n, 1, 2)],
  ];
  for (const [map, expected] of cases) {
    assert.deepStrictEqual(decodeLegacyTag(`$point(${map})`), expected, map);
  }
});

test("decodeLegacyTag() returns undefined for text that is not a well-formed tag", () => {
  const texts = [
    "$date('1999-13-01')",
    "$date(1999-01-01)",
    "$date('1999-01-01') ",
    "date('1999-01-01')",
    "$time('25:00:00')",
    "$time('12:00:00+1')",
    "$datetime('2015-07-04')",
    "$duration('P')",
    "$duration('PT')",
    "$duration('P1.5D')",
    "$duration(not a duration",
    "$point({x: 1.0, crs: 'cartesian'})",
    "$point({x: 1.0, y: 2.0, crs: 'cartesian-3d'})",
    "$point({x: 1.0, y: 2.0, z: 3.0, crs: 'cartesian'})",
    "$point({x: 1.0, y: 2.0, crs: 'mars'})",
    "$point({x: 1.0, y: 2.0, crs: 'constructor'})",
    "$point({x: one, y: 2.0, crs: 'cartesian'})",
    "$point(not a point)",
    "$localtime('12:00')",
  ];
  for (const text of texts) assert.equal(decodeLegacyTag(text), undefined, text);
});

test("looksLikeLegacyBytes() matches Python's text for bytes and bytearray only", () => {
  for (const text of ["b''", "b'\\x00\\x01abc'", 'b"it\'s"', "bytearray(b'\\xff')"]) {
    assert.equal(looksLikeLegacyBytes(text), true, text);
  }
  for (const text of ["b'", "b'a'b'", "bytes", "B'abc'", "b'abc' ", "xb'abc'"]) {
    assert.equal(looksLikeLegacyBytes(text), false, text);
  }
});

test("decodeLegacyProperties() restores hashed strings and converts only whole tag lists", () => {
  const issues: LegacyPropertyIssue[] = [];
  const props = decodeLegacyProperties(
    {
      hashed: "e425c2703cf3d6d063f3de705c8f55a9be5e6fdee62bba4d95ce209352da2833",
      dates: ["$date('2020-01-01')", "$date('2020-01-02')"],
      mixed_kinds: ["$date('2020-01-01')", "$time('12:00')"],
      one_bad: ["$date('2020-01-01')", "$date('2020-01-32')"],
      strings: ["a", "b"],
      bad_tag: "$point(nowhere)",
      bytes: "b'\\x00'",
      count: 3n,
      ratio: 0.5,
      flag: true,
      ["__proto__"]: "a key like any other",
    },
    { hashed: "$time('21:40:32.142000000+01:00')", extra: "$date(kept)" },
    (issue) => issues.push(issue),
  );
  assert.deepStrictEqual(Object.keys(props), [
    "hashed",
    "dates",
    "mixed_kinds",
    "one_bad",
    "strings",
    "bad_tag",
    "bytes",
    "count",
    "ratio",
    "flag",
    "__proto__",
    "extra",
  ]);
  assert.equal(props.hashed, "$time('21:40:32.142000000+01:00')");
  assert.deepStrictEqual(props.dates, [new Neo4jDate(2020n, 1n, 1n), new Neo4jDate(2020n, 1n, 2n)]);
  assert.deepStrictEqual(props.mixed_kinds, ["$date('2020-01-01')", "$time('12:00')"]);
  assert.deepStrictEqual(props.one_bad, ["$date('2020-01-01')", "$date('2020-01-32')"]);
  assert.deepStrictEqual(props.strings, ["a", "b"]);
  assert.equal(props.bad_tag, "$point(nowhere)");
  assert.equal(props.bytes, "b'\\x00'");
  assert.equal(props.extra, "$date(kept)");
  assert.equal(Object.getPrototypeOf(props), Object.prototype);
  assert.deepStrictEqual(issues, [
    { key: "bad_tag", kind: "tag", text: "$point(nowhere)" },
    { key: "bytes", kind: "bytes", text: "b'\\x00'" },
  ]);
});

test("decodeLegacyProperties() rejects values no Neo4j property holds", () => {
  const cases: [LegacyJson, RegExp][] = [
    [null, /Property 'k' holds null/],
    [{ a: 1n }, /Property 'k' holds a map/],
    [[[1n]], /Property 'k' holds a nested list/],
    [[1n, "a"], /Property 'k' holds a list of mixed types/],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => decodeLegacyProperties({ k: value }),
      (error: unknown) => error instanceof FormatError && message.test(error.message),
    );
  }
});

test("decodeLegacyTag() reads a hostile megabyte in one pass", () => {
  // Each of these took minutes with backtracking regular expressions.
  const run = "[".repeat(1 << 20);
  assert.equal(decodeLegacyTag(`$datetime('2020-01-01T00:00${run}')`), undefined);
  const digits = "1".repeat(1 << 20);
  assert.equal(decodeLegacyTag(`$point({x: ${digits}x, y: 1.0, crs: 'cartesian'})`), undefined);
  assert.deepStrictEqual(
    decodeLegacyTag(`$point({x: ${digits}.5, y: 1.0, crs: 'cartesian'})`),
    new Point(7203n, Number(`${digits}.5`), 1),
  );
  assert.deepStrictEqual(
    decodeLegacyTag("$datetime('2021-06-01T12:00:00+02:00[Europe/Berlin]')"),
    new DateTime(2021n, 6n, 1n, 12n, 0n, 0n, 0n, 7200n, "Europe/Berlin"),
  );
});

test("decodeLegacyProperties() rejects integers outside Neo4j's 64-bit range", () => {
  for (const value of [1n << 63n, -(1n << 63n) - 1n, 10n ** 1000n]) {
    assert.throws(
      () => decodeLegacyProperties({ k: value }),
      (error: unknown) =>
        error instanceof FormatError &&
        /^Property 'k' holds an integer of \d+ digits outside the 64-bit range/.test(error.message),
    );
    assert.throws(() => decodeLegacyProperties({ k: [1n, value] }), FormatError);
  }
  assert.deepStrictEqual(
    decodeLegacyProperties({ k: (1n << 63n) - 1n, m: -(1n << 63n) }),
    { k: (1n << 63n) - 1n, m: -(1n << 63n) },
  );
});
