import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import neo4j from "neo4j-driver";
import { BackupError, FormatError } from "../errors.ts";
import type { Properties, PropertyValue } from "./records.ts";
import {
  decodeProperties,
  decodeValue,
  encodeProperties,
  encodeValue,
  type JsonValue,
} from "./values.ts";

const { Date: Neo4jDate, DateTime, Duration, LocalDateTime, LocalTime, Point, Time } = neo4j.types;

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Encodes, checks the JSON, goes through JSON text and back, and checks the typed value. */
function roundTrip(value: PropertyValue, json: JsonValue, decoded: PropertyValue = value): void {
  const encoded = encodeValue(value);
  assert.deepStrictEqual(encoded, json);
  const back = decodeValue(JSON.parse(JSON.stringify(encoded)));
  assert.deepStrictEqual(back, decoded);
}

function rejects(json: unknown, message: RegExp): void {
  assert.throws(() => decodeValue(json, "on line 7"), (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected a FormatError, got ${e}`);
    assert.match(e.message, message);
    assert.match(e.message, /^Cannot decode value on line 7: /);
    return true;
  });
}

test("integers within 2^53 are plain JSON numbers", () => {
  roundTrip(0n, 0);
  roundTrip(1999n, 1999);
  roundTrip(-42n, -42);
  roundTrip(9007199254740991n, 9007199254740991);
  roundTrip(-9007199254740991n, -9007199254740991);
});

test("integers beyond 2^53 are $int strings, up to the 64-bit limits", () => {
  roundTrip(9007199254740992n, { $int: "9007199254740992" });
  roundTrip(9007199254740993n, { $int: "9007199254740993" });
  roundTrip(INT64_MAX, { $int: "9223372036854775807" });
  roundTrip(INT64_MIN, { $int: "-9223372036854775808" });
});

test("driver Integer values encode as integers and decode as bigint", () => {
  roundTrip(neo4j.int(7), 7, 7n);
  roundTrip(neo4j.int("9223372036854775807"), { $int: "9223372036854775807" }, INT64_MAX);
  roundTrip(neo4j.int("-9223372036854775808"), { $int: "-9223372036854775808" }, INT64_MIN);
});

test("fractional floats are plain JSON numbers", () => {
  roundTrip(0.334, 0.334);
  roundTrip(-1.5, -1.5);
  roundTrip(5e-324, 5e-324);
  roundTrip(1.7976931348623157e-300, 1.7976931348623157e-300);
  roundTrip(Math.PI, Math.PI);
});

test("integral and non-finite floats are $float tags and never become integers", () => {
  roundTrip(1, { $float: "1" });
  roundTrip(0, { $float: "0" });
  roundTrip(-0, { $float: "-0" });
  roundTrip(1e300, { $float: "1e+300" });
  roundTrip(Number.MAX_VALUE, { $float: "1.7976931348623157e+308" });
  roundTrip(2 ** 53 + 2, { $float: "9007199254740994" });
  roundTrip(NaN, { $float: "NaN" });
  roundTrip(Infinity, { $float: "Infinity" });
  roundTrip(-Infinity, { $float: "-Infinity" });
  assert.ok(Object.is(decodeValue({ $float: "-0" }), -0));
});

test("float 1.0 and integer 1 stay distinct", () => {
  assert.equal(decodeValue(JSON.parse(JSON.stringify(encodeValue(1)))), 1);
  assert.equal(decodeValue(JSON.parse(JSON.stringify(encodeValue(1n)))), 1n);
  // A plain JSON number is typed by its value, not its spelling.
  assert.equal(decodeValue(JSON.parse("1.0")), 1n);
  assert.equal(decodeValue(JSON.parse("1.5e1")), 15n);
  assert.equal(decodeValue(JSON.parse("2.5")), 2.5);
});

test("strings keep NUL, newlines, emoji, lone surrogates and megabytes of text", () => {
  for (
    const s of [
      "",
      "NUL \u0000 inside",
      "line\nbreak\r\nand\ttab",
      "🎬 👩‍👩‍👧 🇸🇪",
      "lone \ud800 surrogate",
      "名前 имя اسم",
      "x".repeat(1 << 20) + "é",
    ]
  ) {
    roundTrip(s, s);
  }
});

test("strings that look like tags stay strings", () => {
  for (
    const s of [
      "$date('2020-01-01')",
      '{"$date":"2020-01-01"}',
      "$int",
      '{"$float":"NaN"}',
      "$point({x: 3.0, y: 0.0, crs: 'cartesian'})",
      "b'\\x00'",
    ]
  ) {
    roundTrip(s, s);
  }
});

test("booleans are plain", () => {
  roundTrip(true, true);
  roundTrip(false, false);
});

test("byte arrays are base64 and decode as Int8Array", () => {
  roundTrip(new Int8Array([]), { $bytes: "" });
  roundTrip(new Int8Array([1, 2, 3, -1]), { $bytes: "AQID/w==" });
  roundTrip(new Int8Array([-128, 127, 0]), { $bytes: "gH8A" });
  roundTrip(new Uint8Array([0, 255, 128]), { $bytes: "AP+A" }, new Int8Array([0, -1, -128]));
  const big = new Int8Array(100_000).map((_, i) => (i % 256) - 128);
  roundTrip(big, encodeValue(big));
  const view = new Int8Array([9, 1, 2, 9]).subarray(1, 3);
  roundTrip(view, { $bytes: "AQI=" }, new Int8Array([1, 2]));
});

test("dates use four-digit years and signed years beyond 0000..9999", () => {
  roundTrip(new Neo4jDate(2020n, 1n, 1n), { $date: "2020-01-01" });
  roundTrip(new Neo4jDate(2024n, 2n, 29n), { $date: "2024-02-29" });
  roundTrip(new Neo4jDate(0n, 1n, 1n), { $date: "0000-01-01" });
  roundTrip(new Neo4jDate(9999n, 12n, 31n), { $date: "9999-12-31" });
  roundTrip(new Neo4jDate(10000n, 1n, 1n), { $date: "+10000-01-01" });
  roundTrip(new Neo4jDate(-1n, 1n, 1n), { $date: "-0001-01-01" });
  roundTrip(new Neo4jDate(-999999999n, 1n, 1n), { $date: "-999999999-01-01" });
  roundTrip(new Neo4jDate(999999999n, 12n, 31n), { $date: "+999999999-12-31" });
});

test("times carry nine fraction digits, or none when nanoseconds are zero", () => {
  roundTrip(new LocalTime(12n, 50n, 35n, 556000000n), { $localtime: "12:50:35.556000000" });
  roundTrip(new LocalTime(0n, 0n, 0n, 0n), { $localtime: "00:00:00" });
  roundTrip(new LocalTime(23n, 59n, 59n, 999999999n), { $localtime: "23:59:59.999999999" });
  roundTrip(new LocalTime(1n, 2n, 3n, 1n), { $localtime: "01:02:03.000000001" });
});

test("times with offsets write +00:00 for UTC and seconds when present", () => {
  roundTrip(new Time(21n, 40n, 32n, 142000000n, 3600n), { $time: "21:40:32.142000000+01:00" });
  roundTrip(new Time(8n, 0n, 0n, 0n, 0n), { $time: "08:00:00+00:00" });
  roundTrip(new Time(8n, 0n, 0n, 0n, -19800n), { $time: "08:00:00-05:30" });
  roundTrip(new Time(8n, 0n, 0n, 0n, 3630n), { $time: "08:00:00+01:00:30" });
  roundTrip(new Time(8n, 0n, 0n, 0n, -64800n), { $time: "08:00:00-18:00" });
  roundTrip(new Time(8n, 0n, 0n, 0n, -3599n), { $time: "08:00:00-00:59:59" });
});

test("local date-times keep nanoseconds and extreme years", () => {
  roundTrip(new LocalDateTime(2015n, 7n, 4n, 19n, 32n, 24n, 1n), {
    $localdatetime: "2015-07-04T19:32:24.000000001",
  });
  roundTrip(new LocalDateTime(-999999999n, 1n, 1n, 0n, 0n, 0n, 0n), {
    $localdatetime: "-999999999-01-01T00:00:00",
  });
  roundTrip(new LocalDateTime(999999999n, 12n, 31n, 23n, 59n, 59n, 999999999n), {
    $localdatetime: "+999999999-12-31T23:59:59.999999999",
  });
});

test("date-times keep the offset, the named zone, or both", () => {
  roundTrip(new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 556000000n, 7200n, undefined), {
    $datetime: "2015-06-24T12:50:35.556000000+02:00",
  });
  roundTrip(
    new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 556000000n, 7200n, "Europe/Stockholm"),
    { $datetime: "2015-06-24T12:50:35.556000000+02:00[Europe/Stockholm]" },
  );
  roundTrip(new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 0n, undefined, "Europe/Stockholm"), {
    $datetime: "2015-06-24T12:50:35[Europe/Stockholm]",
  });
  roundTrip(new DateTime(1n, 1n, 1n, 0n, 0n, 0n, 0n, 0n, "UTC"), {
    $datetime: "0001-01-01T00:00:00+00:00[UTC]",
  });
  roundTrip(new DateTime(-12345n, 3n, 1n, 0n, 0n, 0n, 0n, -34200n, undefined), {
    $datetime: "-12345-03-01T00:00:00-09:30",
  });
});

test("date-times in a daylight-saving overlap keep which of the two instants they are", () => {
  const summer = new DateTime(2022n, 10n, 30n, 2n, 30n, 0n, 0n, 7200n, "Europe/Berlin");
  const winter = new DateTime(2022n, 10n, 30n, 2n, 30n, 0n, 0n, 3600n, "Europe/Berlin");
  roundTrip(summer, { $datetime: "2022-10-30T02:30:00+02:00[Europe/Berlin]" });
  roundTrip(winter, { $datetime: "2022-10-30T02:30:00+01:00[Europe/Berlin]" });
});

test("durations keep months, days, seconds and nanoseconds as stored", () => {
  roundTrip(new Duration(5n, 1n, 43200n, 5n), { $duration: "P5M1DT43200.000000005S" });
  roundTrip(new Duration(0n, 0n, 0n, 0n), { $duration: "P0M0DT0S" });
  roundTrip(new Duration(14n, 0n, 0n, 0n), { $duration: "P14M0DT0S" });
  roundTrip(new Duration(0n, 45n, 0n, 0n), { $duration: "P0M45DT0S" });
  roundTrip(new Duration(0n, 0n, 90000n, 0n), { $duration: "P0M0DT90000S" });
});

test("durations with negative parts keep each sign", () => {
  roundTrip(new Duration(-5n, 1n, -43200n, 0n), { $duration: "P-5M1DT-43200S" });
  roundTrip(new Duration(0n, 0n, -1n, 500000000n), { $duration: "P0M0DT-0.500000000S" });
  roundTrip(new Duration(0n, -3n, -2n, 999999999n), { $duration: "P0M-3DT-1.000000001S" });
  roundTrip(new Duration(1n, -1n, 1n, 1n), { $duration: "P1M-1DT1.000000001S" });
  // The driver itself moves negative nanoseconds into the seconds.
  roundTrip(new Duration(0n, 0n, 0n, -1n), { $duration: "P0M0DT-0.000000001S" });
});

test("durations reach the 64-bit limits of every field", () => {
  roundTrip(new Duration(INT64_MAX, INT64_MIN, INT64_MAX, 999999999n), {
    $duration: "P9223372036854775807M-9223372036854775808DT9223372036854775807.999999999S",
  });
  roundTrip(new Duration(INT64_MIN, INT64_MAX, INT64_MIN, 0n), {
    $duration: "P-9223372036854775808M9223372036854775807DT-9223372036854775808S",
  });
  roundTrip(new Duration(0n, 0n, INT64_MIN, 1n), {
    $duration: "P0M0DT-9223372036854775807.999999999S",
  });
});

test("points of all four standard coordinate systems, 2D and 3D", () => {
  roundTrip(new Point(7203n, 3, 0), { $point: { srid: 7203, x: 3, y: 0 } });
  roundTrip(new Point(9157n, 3, 0, 2), { $point: { srid: 9157, x: 3, y: 0, z: 2 } });
  roundTrip(new Point(4326n, 12.994, 55.611), { $point: { srid: 4326, x: 12.994, y: 55.611 } });
  roundTrip(new Point(4979n, 12.994, 55.611, 100.5), {
    $point: { srid: 4979, x: 12.994, y: 55.611, z: 100.5 },
  });
});

test("points keep non-standard SRIDs and non-finite or negative-zero coordinates", () => {
  roundTrip(new Point(1234n, 1.5, -2.5), { $point: { srid: 1234, x: 1.5, y: -2.5 } });
  roundTrip(new Point(7203n, NaN, Infinity), { $point: { srid: 7203, x: "NaN", y: "Infinity" } });
  roundTrip(new Point(9157n, -Infinity, -0, 0), {
    $point: { srid: 9157, x: "-Infinity", y: "-0", z: 0 },
  });
  const back = decodeValue({ $point: { srid: 7203, x: "-0", y: 0 } }) as { x: number };
  assert.ok(Object.is(back.x, -0));
});

test("lists encode element by element and empty lists stay empty", () => {
  roundTrip([], []);
  roundTrip([1n, 2n, INT64_MAX], [1, 2, { $int: "9223372036854775807" }]);
  roundTrip([1.5, 2.25], [1.5, 2.25]);
  roundTrip([1, 2.5, NaN], [{ $float: "1" }, 2.5, { $float: "NaN" }]);
  roundTrip(["Neo", "$date('x')", ""], ["Neo", "$date('x')", ""]);
  roundTrip([true, false], [true, false]);
  roundTrip([new Int8Array([1]), new Int8Array([])], [{ $bytes: "AQ==" }, { $bytes: "" }]);
  roundTrip([new Neo4jDate(2020n, 1n, 1n), new Neo4jDate(-1n, 12n, 31n)], [
    { $date: "2020-01-01" },
    { $date: "-0001-12-31" },
  ]);
  roundTrip([new LocalTime(1n, 2n, 3n, 4n)], [{ $localtime: "01:02:03.000000004" }]);
  roundTrip([new Time(1n, 2n, 3n, 0n, 60n)], [{ $time: "01:02:03+00:01" }]);
  roundTrip([new LocalDateTime(2020n, 1n, 1n, 0n, 0n, 0n, 0n)], [
    { $localdatetime: "2020-01-01T00:00:00" },
  ]);
  roundTrip([new DateTime(2020n, 1n, 1n, 0n, 0n, 0n, 0n, 3600n, "Europe/Paris")], [
    { $datetime: "2020-01-01T00:00:00+01:00[Europe/Paris]" },
  ]);
  roundTrip([new Duration(1n, 2n, 3n, 4n), new Duration(0n, 0n, -1n, 1n)], [
    { $duration: "P1M2DT3.000000004S" },
    { $duration: "P0M0DT-0.999999999S" },
  ]);
  roundTrip([new Point(7203n, 1, 2), new Point(7203n, 3.5, 4)], [
    { $point: { srid: 7203, x: 1, y: 2 } },
    { $point: { srid: 7203, x: 3.5, y: 4 } },
  ]);
});

test("values of subclasses and of other copies of the driver are recognised", () => {
  roundTrip(Buffer.from([1, 2]), { $bytes: "AQI=" }, new Int8Array([1, 2]));
  // Another copy of neo4j-driver has other classes but marks its values the same way.
  const foreignDate = Object.assign(Object.create({ __isDate__: true }), {
    year: 2020,
    month: 2,
    day: 3,
  });
  assert.deepStrictEqual(encodeValue(foreignDate), { $date: "2020-02-03" });
  const foreignInt = Object.assign(Object.create({ __isInteger__: true, toBigInt: () => 7n }), {});
  assert.deepStrictEqual(encodeValue(foreignInt), 7);
  // The driver's own clones (as it makes them for useBigInt) share the class.
  const date = new Neo4jDate(2020n, 1n, 1n);
  const clone = Object.assign(Object.create(Object.getPrototypeOf(date)), date);
  assert.deepStrictEqual(encodeValue(clone), { $date: "2020-01-01" });
});

test("lists that are already JSON are passed through without copying", () => {
  const list = ["a", "b"];
  assert.equal(encodeValue(list), list);
  const floats = [0.5, 1.5];
  assert.equal(encodeValue(floats), floats);
});

test("properties keep their keys, however unusual", () => {
  const props: Properties = {
    "first name": "Keanu",
    "`backtick`": 1n,
    "a:b": 2.5,
    "a.b.c": true,
    "🎬": ["x"],
    "名前": "日本語",
    "имя": "Нео",
    "": "empty key",
    "$date": "not a tag: keys are never tags",
  };
  const json = encodeProperties(props);
  assert.deepStrictEqual(Object.keys(json), Object.keys(props));
  const back = decodeProperties(JSON.parse(JSON.stringify(json)));
  assert.deepStrictEqual(back, props);
});

test("a property named __proto__ stays an ordinary property", () => {
  const props: Properties = {};
  Object.defineProperty(props, "__proto__", { value: 5n, enumerable: true, writable: true });
  const json = encodeProperties(props);
  const text = JSON.stringify(json);
  assert.equal(text, '{"__proto__":5}');
  const back = decodeProperties(JSON.parse(text));
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.deepStrictEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, 5n);
});

test("encodeProperties names the key of a value that is not a Neo4j type", () => {
  const props = { when: new globalThis.Date(0) } as unknown as Properties;
  assert.throws(() => encodeProperties(props), (e: unknown) => {
    assert.ok(e instanceof BackupError);
    assert.equal(
      e.message,
      "Cannot encode property 'when': a value of class 'Date' is not a Neo4j property type",
    );
    return true;
  });
  assert.throws(() => encodeValue(2n ** 63n), /outside the 64-bit range/);
  assert.throws(() => encodeValue(null as unknown as PropertyValue), /null is not a Neo4j/);
  assert.throws(
    () => encodeValue(undefined as unknown as PropertyValue),
    /a value of type 'undefined' is not a Neo4j/,
  );
  assert.throws(
    () => encodeValue(Object.create(null) as PropertyValue),
    /an object is not a Neo4j/,
  );
  assert.throws(() => encodeValue([[1n]] as unknown as PropertyValue), /cannot contain a list/);
});

test("decodeProperties names the key and the place of a malformed value", () => {
  assert.throws(
    () => decodeProperties({ title: "ok", born: { $nope: 1 } }, "on line 12"),
    (e: unknown) => {
      assert.ok(e instanceof FormatError);
      assert.equal(e.message, "Cannot decode property 'born' on line 12: unknown type tag '$nope'");
      return true;
    },
  );
  assert.throws(
    () => decodeProperties([1], "on line 3"),
    /^FormatError: Cannot decode properties on line 3: expected a JSON object$/,
  );
  assert.throws(() => decodeProperties(null), FormatError);
});

test("decoding rejects unknown tags and malformed values", () => {
  rejects({ $nope: "x" }, /unknown type tag '\$nope'/);
  rejects({}, /exactly one key/);
  rejects({ $date: "2020-01-01", $time: "00:00:00+00:00" }, /exactly one key/);
  rejects(null, /null is not a property value/);
  rejects([[1]], /cannot contain a list/);
  rejects(9007199254740993, /too large for a plain JSON number/);
  rejects({ $int: 5 }, /'\$int' must hold a string/);
  rejects({ $int: "1.5" }, /invalid \$int '1.5'/);
  rejects({ $int: "9223372036854775808" }, /outside the 64-bit range/);
  rejects({ $int: "" }, /invalid \$int/);
  rejects({ $float: "abc" }, /invalid \$float 'abc'/);
  rejects({ $float: "0x10" }, /invalid \$float/);
  rejects({ $float: " 1" }, /invalid \$float/);
  rejects({ $bytes: "!!!!" }, /invalid base64/);
  rejects({ $bytes: "AQI" }, /invalid base64/);
  rejects({ $date: "2020-13-01" }, /no such day/);
  rejects({ $date: "2021-02-29" }, /no such day/);
  rejects({ $date: "20-01-01" }, /invalid \$date/);
  rejects({ $date: "12020-01-01" }, /invalid \$date/);
  rejects({ $localtime: "24:00:00" }, /no such time/);
  rejects({ $localtime: "12:00" }, /invalid \$localtime/);
  rejects({ $localtime: "12:00:00.1234567890" }, /invalid \$localtime/);
  rejects({ $time: "12:00:00" }, /invalid \$time/);
  rejects({ $time: "12:00:00+19:00" }, /offset out of range/);
  rejects({ $localdatetime: "2020-01-01 00:00:00" }, /invalid \$localdatetime/);
  rejects({ $datetime: "2020-01-01T00:00:00" }, /needs an offset, a \[zone\] or both/);
  rejects({ $datetime: "2020-01-01T00:00:00[Not/A_Zone]" }, /unknown time zone 'Not\/A_Zone'/);
  rejects({ $duration: "P" }, /invalid \$duration 'P'/);
  rejects({ $duration: "P1Y" }, /invalid \$duration/);
  rejects({ $duration: "PT1.5M" }, /invalid \$duration/);
  rejects({ $duration: "P99999999999999999999M" }, /invalid \$duration months/);
  rejects({ $point: [1, 2] }, /must hold an object/);
  rejects({ $point: { srid: 7203, x: "a", y: 1 } }, /'x' must be a number/);
  rejects({ $point: { srid: 1.5, x: 1, y: 1 } }, /'srid' must be an integer/);
  rejects({ $point: { srid: 7203, x: 1, y: 1, crs: "cartesian" } }, /unknown \$point field 'crs'/);
});

test("decoding accepts shorter fractions, Z and durations with missing parts", () => {
  assert.deepStrictEqual(
    decodeValue({ $localtime: "12:00:00.5" }),
    new LocalTime(12n, 0n, 0n, 500000000n),
  );
  assert.deepStrictEqual(decodeValue({ $time: "12:00:00Z" }), new Time(12n, 0n, 0n, 0n, 0n));
  assert.deepStrictEqual(decodeValue({ $duration: "PT0S" }), new Duration(0n, 0n, 0n, 0n));
  assert.deepStrictEqual(decodeValue({ $duration: "P14M" }), new Duration(14n, 0n, 0n, 0n));
  assert.deepStrictEqual(decodeValue({ $duration: "P-2D" }), new Duration(0n, -2n, 0n, 0n));
  assert.deepStrictEqual(
    decodeValue({ $duration: "PT-1.25S" }),
    new Duration(0n, 0n, -2n, 750000000n),
  );
  assert.deepStrictEqual(decodeValue({ $int: "42" }), 42n);
  assert.deepStrictEqual(decodeValue({ $float: "0.5" }), 0.5);
});

test("decoding refuses a list that mixes types, as Neo4j never stores one", () => {
  const cases: [unknown[], RegExp][] = [
    [
      [1, "a", true],
      /a list must hold values of one type: element 0 is Integer, element 1 is String$/,
    ],
    [[1, 2.5], /element 0 is Integer, element 1 is Float$/],
    [[0.5, { $int: "9223372036854775807" }], /element 0 is Float, element 1 is Integer$/],
    [["a", "b", { $bytes: "" }], /element 0 is String, element 2 is ByteArray$/],
    [[true, "true"], /element 0 is Boolean, element 1 is String$/],
    [
      [{ $date: "2020-01-01" }, { $localdatetime: "2020-01-01T00:00:00" }],
      /element 0 is Date, element 1 is LocalDateTime$/,
    ],
    [
      [{ $time: "01:00:00Z" }, { $localtime: "01:00:00" }],
      /element 0 is Time, element 1 is LocalTime$/,
    ],
    [
      [{ $point: { srid: 7203, x: 1, y: 2 } }, { $point: { srid: 4326, x: 1, y: 2 } }],
      /a list of points must share one coordinate system: element 0 has SRID 7203, element 1 SRID 4326$/,
    ],
  ];
  for (const [list, message] of cases) rejects(list, message);
  assert.throws(
    () => decodeProperties({ ok: [1, 2], mixed: ["a", 1] }, "in 'props' on line 3"),
    {
      message:
        /^Cannot decode property 'mixed' in 'props' on line 3: a list must hold values of one type/,
    },
  );
});

test("decoding accepts lists of one type however each element is spelled", () => {
  assert.deepStrictEqual(decodeValue([1, { $int: "9223372036854775807" }]), [1n, INT64_MAX]);
  assert.deepStrictEqual(decodeValue([{ $float: "1" }, 2.5, { $float: "NaN" }]), [1, 2.5, NaN]);
  const zoned = decodeValue([
    { $datetime: "2020-01-01T00:00:00Z" },
    { $datetime: "2020-01-01T00:00:00+01:00[Europe/Paris]" },
  ]);
  assert.ok(Array.isArray(zoned) && zoned.length === 2);
  assert.deepStrictEqual(decodeValue([]), []);
});

test("encoding refuses a list that mixes types, so that no reader refuses what it wrote", () => {
  const cases: [PropertyValue, RegExp][] = [
    [[1n, "a"], /element 0 is Integer, element 1 is String$/],
    [["a", true], /element 0 is String, element 1 is Boolean$/],
    [[0.5, 1n], /element 0 is Float, element 1 is Integer$/],
    [[new Point(7203n, 1, 2), new Point(9157n, 1, 2, 3)], /share one coordinate system/],
  ];
  for (const [list, message] of cases) {
    assert.throws(() => encodeValue(list), (e: unknown) => {
      assert.ok(e instanceof BackupError, `expected a BackupError, got ${e}`);
      assert.match(e.message, /^Cannot encode value: a list must hold values of one type|points/);
      assert.match(e.message, message);
      return true;
    });
  }
});
