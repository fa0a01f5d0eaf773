import { test } from "node:test";
import assert from "node:assert/strict";
import { xmlText } from "./xml_text.ts";

test("xmlText() leaves plain text, emoji included, as it is", () => {
  assert.deepEqual(xmlText("🙂 日本語 ünï"), { text: "🙂 日本語 ünï", replaced: 0 });
});

test("xmlText() escapes tab and newline only in attributes", () => {
  assert.equal(xmlText("a\tb\nc").text, "a\tb\nc");
  assert.equal(xmlText("a\tb\nc", true).text, "a&#9;b&#10;c");
});

test("xmlText() writes characters XML 1.0 cannot hold as \\u and four hex digits, and counts them", () => {
  assert.deepEqual(xmlText("\u0001\u001f\uffff"), { text: "\\u0001\\u001f\\uffff", replaced: 3 });
  assert.deepEqual(xmlText("x\ud800y"), { text: "x\\ud800y", replaced: 1 });
  assert.deepEqual(xmlText("\ud83d\ude42"), { text: "\ud83d\ude42", replaced: 0 });
});
