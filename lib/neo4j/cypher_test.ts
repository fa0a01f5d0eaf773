import { test } from "node:test";
import assert from "node:assert/strict";
import { RefusedError } from "../errors.ts";
import { literal, MAX_TEXT_CHARS, quote } from "./cypher.ts";

/**
 * What Neo4j (4.4, 5.x, 2025+) does to a statement before it parses it: every `\u` and four hex
 * digits becomes the character they name, unless its backslash follows an unescaped backslash;
 * a character made by an escape is not read again (the reader in Neo4j's Cypher parser).
 */
function readEscapes(text: string): string {
  let out = "";
  let escaped = false;
  for (let i = 0; i < text.length;) {
    let c: string = text[i];
    const escape: boolean = !escaped && c === "\\" && text[i + 1] === "u";
    if (escape) c = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
    escaped = !escaped && !escape && c === "\\";
    out += c;
    i += escape ? 6 : 1;
  }
  return out;
}

/** The name a backtick-quoted identifier holds, as Neo4j reads it. */
function readName(quoted: string): string {
  const read = readEscapes(quoted);
  assert.ok(read.startsWith("`") && read.endsWith("`"), quoted);
  const inner = read.slice(1, -1);
  assert.doesNotMatch(inner.replaceAll("``", ""), /`/, `a backtick ends ${quoted} early`);
  return inner.replaceAll("``", "`");
}

// deno-lint-ignore no-control-regex -- control characters are what it looks for
const LINE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Every UTF-16 code unit but the surrogates, one per name, in hostile company. */
const HOSTILE = [
  ...Array.from({ length: 0xd800 }, (_, c) => `a${String.fromCharCode(c)}b`),
  ...Array.from({ length: 0x10000 - 0xe000 }, (_, c) => `${String.fromCharCode(0xe000 + c)}`),
  "x\nMATCH (n) DETACH DELETE n;\n//",
  "x\r\nMATCH (n) DETACH DELETE n;\u2028//\u0085",
  "x\\u000AMATCH (n) DETACH DELETE n;",
  "x\\\\u000A",
  "\\u0060 RETURN 1 //",
  "back`tick``",
  "ends with a backslash\\",
  "\\u005C",
  "\\uZZZZ",
];

test("quote() writes every control character and line break as a \\u escape", () => {
  assert.equal(
    quote("x\nMATCH (n) DETACH DELETE n;\n//"),
    "`x\\u000AMATCH (n) DETACH DELETE n;\\u000A//`",
  );
  assert.equal(
    quote("\r\u0085\u2028\u2029\u007f\u0000"),
    "`\\u000D\\u0085\\u2028\\u2029\\u007F\\u0000`",
  );
  for (const name of HOSTILE) assert.doesNotMatch(quote(name), LINE_OR_CONTROL, name);
});

test("quote() gives back every name exactly as Neo4j reads it", () => {
  for (const name of HOSTILE) assert.equal(readName(quote(name)), name, JSON.stringify(name));
});

test("literal() never lets a raw control character or line break out of a string", () => {
  for (const s of HOSTILE) {
    const text = literal(s);
    assert.doesNotMatch(text, LINE_OR_CONTROL, s);
    // The string ends at its own closing quote, however the \u escapes read.
    const read = readEscapes(text);
    const inner = read.slice(1, -1).replace(/\\[\\']/g, "");
    assert.doesNotMatch(inner, /'/, JSON.stringify(s));
  }
  const map = literal({ "key\nMATCH (n) DETACH DELETE n;": "v\u2028" });
  assert.equal(map, "{`key\\u000AMATCH (n) DETACH DELETE n;`: 'v\\u2028'}");
});

test("quote() and literal() refuse text too long to escape within a JavaScript string", () => {
  const long = "x".repeat(MAX_TEXT_CHARS + 1);
  assert.throws(() => quote(long), RefusedError);
  assert.throws(() => literal(long), RefusedError);
  assert.equal(quote("x".repeat(1000)).length, 1002);
});
