import { test } from "node:test";
import assert from "node:assert/strict";
import neo4j from "neo4j-driver";
import type { Properties } from "../format/records.ts";
import { splitZoned, zonedKeys, zonedSetClause } from "./zoned_datetimes.ts";

const { DateTime, Date: Neo4jDate } = neo4j.types;

function zoned(
  y: number,
  mo: number,
  d: number,
  h: number,
  offset: number,
  zone = "Europe/Berlin",
) {
  return new DateTime(
    BigInt(y),
    BigInt(mo),
    BigInt(d),
    BigInt(h),
    7n,
    9n,
    123n,
    BigInt(offset),
    zone,
  );
}

test("splitZoned() turns a zoned DateTime into the epoch seconds of its instant", () => {
  for (
    const [y, mo, d, h, offset] of [
      [2021, 10, 31, 2, 3600],
      [1900, 2, 28, 23, 3208],
      [
        2400,
        2,
        29,
        0,
        7200,
      ],
      [1, 1, 1, 0, 0],
      [-44, 3, 15, 12, -3600],
    ]
  ) {
    const row = splitZoned({ at: zoned(y, mo, d, h, offset) }, ["at"]);
    const expected = new Date(0);
    expected.setUTCFullYear(y, mo - 1, d);
    expected.setUTCHours(h, 7, 9, 0);
    assert.equal(row.z[0]?.s, BigInt(expected.getTime() / 1000) - BigInt(offset), `${y}`);
    assert.equal(row.z[0]?.n, 123n);
    assert.equal(row.z[0]?.z, "Europe/Berlin");
  }
});

test("splitZoned() moves lists holding a zoned DateTime, offsets written as text", () => {
  const offsetOnly = new DateTime(2015n, 6n, 24n, 12n, 0n, 0n, 0n, -(5n * 3600n + 30n * 60n + 15n));
  const row = splitZoned({ list: [zoned(2020, 1, 1, 0, 3600), offsetOnly], k: "x" }, ["list"]);
  assert.deepStrictEqual(row.p, { k: "x" });
  assert.deepStrictEqual(row.z, [null]);
  assert.deepStrictEqual(row.zl[0]?.map((p) => p.z), ["Europe/Berlin", "-05:30:15"]);
});

test("zonedKeys() finds only keys that hold a zoned DateTime", () => {
  const offsetOnly = new DateTime(2015n, 6n, 24n, 12n, 0n, 0n, 0n, 3600n);
  const rows: Properties[] = [
    { a: offsetOnly, b: new Neo4jDate(2020n, 1n, 1n), c: [offsetOnly] },
    { d: zoned(2020, 1, 1, 0, 3600), e: [offsetOnly, zoned(2020, 1, 1, 0, 3600)] },
  ];
  assert.deepStrictEqual(zonedKeys(rows), ["d", "e"]);
  assert.deepStrictEqual(zonedKeys([{ a: 1n }]), []);
  assert.equal(zonedSetClause("n", []), "");
  assert.match(zonedSetClause("r", ["we`ird"]), /^ SET r\.`we``ird` = CASE WHEN row\.z\[0\]/);
});
