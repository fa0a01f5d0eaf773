import assert from "node:assert/strict";
import { test } from "node:test";
import { type LegacyJson, LegacyJsonError, parseLegacyJson } from "./legacy_json.ts";

function failure(text: string, maxDepth?: number): LegacyJsonError {
  try {
    parseLegacyJson(text, { maxDepth });
  } catch (error) {
    assert.ok(error instanceof LegacyJsonError, String(error));
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be refused`);
}

test("parseLegacyJson() reads every escape JSON has, lone surrogates included", () => {
  const text = String
    .raw`["\"\\\/\b\f\n\r\t", "\u00e9\uD83D\uDE00", "\ud800", "\uDFFF x", "plain"]`;
  assert.deepStrictEqual(parseLegacyJson(text), [
    '"\\/\b\f\n\r\t',
    "\u00e9\u{1F600}",
    "\ud800",
    "\udfff x",
    "plain",
  ]);
});

test("parseLegacyJson() reads a long string of escapes as JSON.parse does", () => {
  // Longer than the parser's buffer, with escapes at both ends and raw text in between.
  const value = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(0xe000 + i % 6400))
    .join("") + "raw ascii" + "\n".repeat(9000) + "é";
  const text = JSON.stringify(value).replace(
    /[\ue000-\uf8ff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  assert.equal(parseLegacyJson(text), value);
});

test("parseLegacyJson() gives a key such as __proto__ its own property, the last duplicate winning", () => {
  const value = parseLegacyJson('{"__proto__": 1, "a": 1, "a": 2}') as Record<string, LegacyJson>;
  assert.deepStrictEqual(Object.keys(value), ["__proto__", "a"]);
  assert.equal(value.a, 2n);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(value, "__proto__")?.value, 1n);
});

test("parseLegacyJson() reads Python's special floats and big integers without a second pass", () => {
  assert.deepStrictEqual(
    parseLegacyJson("[NaN, -Infinity, 1e400, -0, 1E-2, 123456789012345678901]"),
    [
      NaN,
      -Infinity,
      Infinity,
      0n,
      0.01,
      123456789012345678901n,
    ],
  );
});

test("parseLegacyJson() refuses what JSON does not allow, saying where", () => {
  const cases: [string, string, number][] = [
    ['"a\nb"', "a raw control character in a string", 2],
    ['"abc', "the text ends inside a string", 0],
    ['"\\x41"', "an invalid escape in a string", 1],
    ['"\\u12G4"', "an invalid \\u escape in a string", 1],
    ["{1: 2}", "expected a key, found '1'", 1],
    ['{"a" 2}', "expected ':', found '2'", 5],
    ["[1 2]", "expected ',' or ']', found '2'", 3],
    ["[1, 2", "the text ends where ',' or ']' was expected", 5],
    ["01", "unexpected '01'", 0],
    ["[1] 2", "unexpected text after the value", 4],
    ["", "the text ends where a value was expected", 0],
  ];
  for (const [text, reason, position] of cases) {
    const error = failure(text);
    assert.equal(error.reason, reason, text);
    assert.equal(error.position, position, text);
    assert.equal(error.kind, "syntax", text);
    assert.ok(error instanceof SyntaxError);
  }
});

test("parseLegacyJson() quotes at most 40 characters of what it did not expect, escaped", () => {
  assert.equal(failure("\u001b[2J").reason, "unexpected '\\u001b'");
  assert.equal(failure("x".repeat(10_000)).reason, `unexpected '${"x".repeat(40)}…'`);
});

test("parseLegacyJson() refuses lists and maps nested deeper than the bound", () => {
  assert.deepStrictEqual(parseLegacyJson("[[[]]]", { maxDepth: 3 }), [[[]]]);
  const error = failure('[{"a": [[]]}]', 3);
  assert.equal(error.kind, "depth");
  assert.equal(error.reason, "lists and maps nest more than 3 deep");
  assert.equal(error.position, 8);
  // The default bound keeps a crafted nesting from reaching the stack limit.
  assert.equal(failure("[".repeat(1_000_000)).kind, "depth");
});
