import { test } from "node:test";
import assert from "node:assert/strict";
import neo4j from "neo4j-driver";
import { graphmlValue } from "./graphml_values.ts";

test("graphmlValue() keeps the GraphML types exact", () => {
  assert.deepEqual(graphmlValue(-0), { type: "double", text: "-0.0" });
  assert.deepEqual(graphmlValue(Infinity), { type: "double", text: "Infinity" });
  assert.deepEqual(graphmlValue(false), { type: "boolean", text: "false" });
  assert.deepEqual(graphmlValue(neo4j.int(5)), { type: "long", text: "5" });
});

test("graphmlValue() writes other types as text and says how", () => {
  assert.deepEqual(graphmlValue(new Int8Array([1, 2, 3, -1])), {
    type: "string",
    text: "AQID/w==",
    written: { what: "ByteArray", action: "written as base64 text" },
  });
  const point = graphmlValue(new neo4j.types.Point(4979n, 1, 2, 3));
  assert.equal(point.text, "SRID=4979;POINT Z (1 2 3)");
  const list = graphmlValue([1.5, NaN, -0]);
  assert.equal(list.text, '[1.5,"NaN",-0.0]');
  assert.deepEqual(list.written, { what: "list", action: "written as JSON text" });
});
