import { test } from "node:test";
import assert from "node:assert/strict";
import { clipText, commentText } from "./comment_text.ts";

/** A `\u` escape Neo4j would read: a backslash not itself escaped by one before it, then `u`. */
const READ_ESCAPE = /(^|[^\\])(\\\\)*\\u/;

const HOSTILE = [
  "x\nMATCH (n) DETACH DELETE n;\n//",
  "x\r\v\f\u001c\u001d\u001e\u0085\u2028\u2029y",
  "x\\u000AMATCH (n) DETACH DELETE n;",
  "\\\\u000A",
  "\\",
  "esc\u001b[2J\u0000\u007f\u009b",
  "bidi\u202etxt.exe",
  "lone \ud800 surrogate \udc00",
  "\ufffe\uffff",
];

test("commentText() leaves no line break and no control character", () => {
  for (const text of HOSTILE) {
    const out = commentText(text);
    assert.doesNotMatch(out, /[\p{Cc}\p{Cs}\u2028\u2029\u202e\ufffe\uffff]/u, JSON.stringify(text));
  }
  assert.equal(commentText("a\nb\tc\u001b"), "a\\nb\\tc\\x{1B}");
  assert.equal(commentText("日本語 🙂"), "日本語 🙂");
});

test("commentText() never leaves a \\u escape that Neo4j would read inside a comment", () => {
  for (const text of [...HOSTILE, "\\u", "a\\\\\\u0041"]) {
    assert.doesNotMatch(commentText(text), READ_ESCAPE, JSON.stringify(text));
  }
  assert.equal(commentText("x\\u000A"), "x\\\\u000A");
});

test("clipText() keeps short text and never splits a surrogate pair", () => {
  assert.equal(clipText("abc", 3), "abc");
  assert.equal(clipText("ab🙂", 3), "ab… (4 characters)");
  assert.equal(clipText("x".repeat(5000)).length, 1000 + "… (5000 characters)".length);
});
