import assert from "node:assert/strict";
import { test } from "node:test";
import {
  LegacyArrayError,
  type LegacyArrayOptions,
  MAX_LEGACY_ELEMENT_CHARS,
  readLegacyArray,
} from "./legacy_array.ts";
import { type LegacyJson, parseLegacyJson } from "./legacy_json.ts";

async function elements(
  chunks: Iterable<string> | AsyncIterable<string>,
  options: LegacyArrayOptions = {},
): Promise<LegacyJson[]> {
  const out: LegacyJson[] = [];
  for await (const element of readLegacyArray(ReadableStream.from(chunks), options)) {
    out.push(element);
  }
  return out;
}

async function failure(
  chunks: Iterable<string> | AsyncIterable<string>,
  options: LegacyArrayOptions = {},
): Promise<LegacyArrayError> {
  try {
    await elements(chunks, options);
  } catch (error) {
    assert.ok(error instanceof LegacyArrayError, String(error));
    return error;
  }
  assert.fail("expected the array to be refused");
}

const SAMPLE = String.raw` [ {"s": "a, ] } [ \" \\", "l": [1, 2.5, NaN]}, [], "x,]", -Infinity,
  {"deep": {"er": [[{}]]}}, 7 ] `;

test("readLegacyArray() gives the elements whatever the chunk boundaries", async () => {
  const whole = parseLegacyJson(SAMPLE) as LegacyJson[];
  for (let cut = 0; cut <= SAMPLE.length; cut++) {
    assert.deepStrictEqual(
      await elements([SAMPLE.slice(0, cut), SAMPLE.slice(cut)]),
      whole,
      `${cut}`,
    );
  }
  assert.deepStrictEqual(await elements(SAMPLE.split("")), whole);
  assert.deepStrictEqual(await elements(["[", "]"]), []);
});

test("readLegacyArray() reads an element only when it is pulled", async () => {
  let pulled = 0;
  async function* source() {
    for (const chunk of ["[1, 2,", " 3, ", "oops]"]) {
      pulled++;
      yield chunk;
    }
  }
  const reader = readLegacyArray(ReadableStream.from(source())).getReader();
  assert.equal((await reader.read()).value, 1n);
  assert.equal(pulled, 1);
  assert.equal((await reader.read()).value, 2n);
  assert.equal((await reader.read()).value, 3n);
  assert.equal(pulled, 2);
  await assert.rejects(reader.read(), LegacyArrayError);
});

test("readLegacyArray() buffers no more than the bound of an element that never ends", async () => {
  const chunk = "a".repeat(1000);
  let read = 0;
  async function* endless() {
    yield '[{"s": "';
    for (;;) {
      read += chunk.length;
      yield chunk;
    }
  }
  const error = await failure(endless(), { maxElementChars: 100_000, noun: "row" });
  assert.equal(error.kind, "limit");
  assert.equal(error.element, 1);
  assert.equal(
    error.reason,
    "it is longer than 100,000 characters, the most this reader takes for one row",
  );
  assert.ok(read <= 100_000 + chunk.length, `${read} characters read`);
});

test("readLegacyArray() takes an element of exactly the bound and refuses one more character", async () => {
  const element = `"${"a".repeat(8)}"`; // 10 characters
  assert.deepStrictEqual(await elements([`[${element}]`], { maxElementChars: 10 }), ["aaaaaaaa"]);
  const error = await failure([`[1, ${element}]`], { maxElementChars: 9 });
  assert.equal(error.element, 2);
  assert.equal(error.kind, "limit");
});

test("readLegacyArray() refuses deep nesting, naming the element, and ignores brackets in strings", async () => {
  const error = await failure(["[", "[".repeat(10_000_000)], { maxDepth: 16, noun: "row" });
  assert.equal(error.kind, "limit");
  assert.equal(error.element, 1);
  assert.match(error.reason, /^its lists and maps nest more than 16 deep/);
  assert.equal(error.message, `Cannot read row 1: ${error.reason}`);
  // Brackets inside strings do not count.
  assert.deepStrictEqual(await elements([`["${"[".repeat(100)}"]`], { maxDepth: 1 }), [
    "[".repeat(100),
  ]);
});

test("readLegacyArray() says what is wrong with a text that is not a list", async () => {
  const cases: [string[], string][] = [
    [[""], "the file is empty; expected a list"],
    [[" \n "], "the file is empty; expected a list"],
    [['{"a": 1}'], "expected a list, found '{' at character 1"],
    [["[1]", " x"], "text after the end of the list, found 'x' at character 5"],
    [["[1, 2"], "the file ends inside row 2; it was cut short"],
    [["[1, "], "the file ends before its list is closed; it was cut short"],
    [["[1, , 2]"], "row 2 is empty, at character 5"],
    [["[1, 2,]"], "row 3 is empty, at character 7"],
    [["[1, {}}]"], "unexpected '}' at character 7, in row 2"],
    [['[1, {"a": nan}]'], "unexpected 'nan' at character 11, in row 2"],
    [["[1", ",\u001b]"], "unexpected '\\u001b' at character 4, in row 2"],
  ];
  for (const [chunks, reason] of cases) {
    const error = await failure(chunks, { noun: "row" });
    assert.equal(error.kind, "syntax", chunks.join(""));
    assert.equal(error.reason, reason, chunks.join(""));
    assert.equal(error.element, undefined);
    assert.equal(error.exitCode, 6);
  }
});

test("readLegacyArray() refuses bounds that are not positive integers", () => {
  const empty = ReadableStream.from<string>([]);
  assert.throws(() => readLegacyArray(empty, { maxElementChars: 0 }), RangeError);
  assert.throws(() => readLegacyArray(empty, { maxDepth: 1.5 }), RangeError);
  assert.equal(MAX_LEGACY_ELEMENT_CHARS, 256 * 1024 * 1024);
});
