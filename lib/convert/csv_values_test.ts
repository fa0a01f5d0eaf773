import { test } from "node:test";
import assert from "node:assert/strict";
import neo4j from "neo4j-driver";
import { csvField } from "./csv_values.ts";

const { DateTime, Duration, Point, Time } = neo4j.types;

test("csvField() writes 64-bit integers, special doubles and byte arrays exactly", () => {
  assert.deepEqual(csvField(-9223372036854775808n), {
    type: "long",
    text: "-9223372036854775808",
  });
  assert.deepEqual(csvField(-0), { type: "double", text: "-0.0" });
  assert.deepEqual(csvField(NaN), { type: "double", text: "NaN" });
  assert.deepEqual(csvField(-Infinity), { type: "double", text: "-Infinity" });
  assert.deepEqual(csvField(new Int8Array([0, -1, 127])), {
    type: "byte[]",
    text: '"0\u001f-1\u001f127"',
  });
});

test("csvField() quotes every string, so an empty one stays a value", () => {
  assert.deepEqual(csvField(""), { type: "string", text: '""' });
  assert.deepEqual(csvField('a,"b"\n\u0000'), { type: "string", text: '"a,""b""\n\u0000"' });
});

test("csvField() keeps zones, offsets, durations and points in the importer's syntax", () => {
  const zoned = new DateTime(2021n, 10n, 31n, 2n, 30n, 0n, 0n, 3600n, "Europe/Berlin");
  assert.deepEqual(csvField(zoned), {
    type: "datetime",
    text: "2021-10-31T02:30:00+01:00[Europe/Berlin]",
  });
  assert.deepEqual(csvField(new Duration(-14n, -3n, -7n, 500n)), {
    type: "duration",
    text: "P-14M-3DT-6.999999500S",
  });
  assert.deepEqual(csvField(new Point(9157n, 3, 0, 2)), {
    type: "point",
    text: '"{srid:9157,x:3,y:0,z:2}"',
  });
  assert.deepEqual(csvField([new Point(7203n, 1, 2)]), {
    type: "point[]",
    text: '"{srid:7203,x:1,y:2}"',
  });
});

test("csvField() reports what the importer cannot carry", () => {
  assert.equal((csvField([]) as { lost: string }).lost, "empty list");
  assert.equal((csvField(new Int8Array(0)) as { lost: string }).lost, "empty byte array");
  assert.equal(
    (csvField(["a\u001fb"]) as { lost: string }).lost,
    "list element containing U+001F",
  );
  // Its field would be empty, which neo4j-admin reads as no value.
  assert.equal((csvField([""]) as { lost: string }).lost, "list of one empty string");
  assert.deepEqual(csvField(["", ""]), { type: "string[]", text: '"\u001f"' });
  const time = new Time(1n, 2n, 3n, 4n, -(5n * 3600n + 30n * 60n + 15n));
  assert.equal((csvField(time) as { lost: string }).lost, "time with an offset in seconds");
  assert.equal(
    (csvField(new Point(7203n, NaN, 1)) as { lost: string }).lost,
    "point with a non-finite coordinate",
  );
});
