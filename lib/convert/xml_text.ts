/**
 * Text for XML 1.0 documents: markup characters escaped, carriage returns (and, in attributes,
 * tabs and newlines) written as character references so that parsers do not normalise them, and
 * the characters XML 1.0 cannot carry at all (NUL, the other C0 controls but tab, newline and
 * carriage return, U+FFFE, U+FFFF, lone surrogates) written as `\u` and four hex digits (`\u0000`).
 *
 * @module
 */

/**
 * Text escaped for XML, and how many characters XML cannot carry had to be written as `\u` and
 * four hex digits.
 */
export interface XmlText {
  /** The escaped text. */
  text: string;
  /** Characters written as `\u` and four hex digits (0 when the text is exact). */
  replaced: number;
}

// deno-lint-ignore no-control-regex -- control characters are what it looks for
const NEEDS_WORK = /[&<>"\r\t\n\u0000-\u001f\ufffe\uffff\ud800-\udfff]/;

/**
 * Characters XML 1.0 cannot hold at all: C0 controls but tab, newline and carriage return,
 * U+FFFE, U+FFFF, and surrogates that are not half of a pair.
 */
const NOT_XML =
  // deno-lint-ignore no-control-regex -- control characters are what it looks for
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Escapes a string for XML element content or an attribute value (in double quotes).
 *
 * @param value Any string.
 * @param attribute `true` for an attribute value: also escapes `"`, tab and newline.
 * @returns The escaped text and the count of characters written as `\u` and four hex digits.
 *
 * @example Escape markup, a carriage return and a NUL
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmlText } from "./xml_text.ts";
 * assert.deepEqual(xmlText("a<b & c\r\n"), { text: "a&lt;b &amp; c&#13;\n", replaced: 0 });
 * assert.deepEqual(xmlText("a\u0000b"), { text: "a\\u0000b", replaced: 1 });
 * assert.equal(xmlText('say "hi"', true).text, "say &quot;hi&quot;");
 * ```
 */
export function xmlText(value: string, attribute = false): XmlText {
  if (!NEEDS_WORK.test(value)) return { text: value, replaced: 0 };
  // `&` before the others add more.
  let text = every(
    every(every(every(value, "&", "&amp;"), "<", "&lt;"), ">", "&gt;"),
    "\r",
    "&#13;",
  );
  if (attribute) text = every(every(every(text, '"', "&quot;"), "\t", "&#9;"), "\n", "&#10;");
  let replaced = 0;
  text = text.replace(NOT_XML, (c) => {
    replaced++;
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return { text, replaced };
}

/** Replaces every `c` (split and join: the fastest way in V8 for text full of them). */
function every(text: string, c: string, by: string): string {
  return text.includes(c) ? text.split(c).join(by) : text;
}

/**
 * Wraps text in an XML comment that every XML 1.0 parser reads, whatever the text holds: `--`
 * cannot occur inside a comment, so each `-` followed by another gets a space after it (`---`
 * becomes `- - -`); a comment cannot end with `-` before its `-->`, so a space is added; and
 * characters XML cannot hold at all are written as `\u` and four hex digits.
 *
 * @param text Any text.
 * @returns `<!--`, the text, `-->`.
 *
 * @example Comment text with dashes and a control character
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmlComment } from "./xml_text.ts";
 * assert.equal(xmlComment("a---b-"), "<!--a- - -b- -->");
 * assert.equal(xmlComment("x\u0001"), "<!--x\\u0001-->");
 * ```
 */
export function xmlComment(text: string): string {
  const body = text
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/-(?=-)/g, "- ");
  return `<!--${body}${body.endsWith("-") ? " " : ""}-->`;
}
