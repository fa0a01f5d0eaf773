import { test } from "node:test";
import assert from "node:assert/strict";
import { terminalText } from "./terminal_text.ts";

test("terminalText escapes every C0 and C1 control character and DEL", () => {
  for (let code = 0; code < 0xa0; code++) {
    if (code >= 0x20 && code < 0x7f) continue;
    const shown = terminalText(`a${String.fromCharCode(code)}b`);
    assert.match(shown, /^a\\(u[0-9a-f]{4}|[nrt])b$/, `U+${code.toString(16)}`);
  }
  assert.equal(terminalText("\u001b]0;title\u0007"), "\\u001b]0;title\\u0007");
  assert.equal(terminalText("\u009b2J"), "\\u009b2J");
  assert.equal(terminalText("one\r\ntwo\tthree"), "one\\r\\ntwo\\tthree");
});

test("terminalText escapes line separators, bidirectional controls and lone surrogates", () => {
  assert.equal(terminalText("a\u2028b\u2029c"), "a\\u2028b\\u2029c");
  assert.equal(terminalText("\u202eevil\u202c"), "\\u202eevil\\u202c");
  assert.equal(terminalText("\u2066x\u2069\u200f"), "\\u2066x\\u2069\\u200f");
  assert.equal(terminalText("lone \ud800 high"), "lone \\ud800 high");
  assert.equal(terminalText("lone \udc00 low"), "lone \\udc00 low");
});

test("terminalText keeps printable text of every script as it is", () => {
  for (const text of ["Person", "with space", "back`tick", "名前", "имя", "اسم", "🎬👩‍👩‍👧", "a\\nb"]) {
    assert.equal(terminalText(text), text);
  }
});
