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
  let text = "";
  let replaced = 0;
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "&") text += "&amp;";
    else if (ch === "<") text += "&lt;";
    else if (ch === ">") text += "&gt;";
    else if (ch === '"' && attribute) text += "&quot;";
    else if (ch === "\r") text += "&#13;";
    else if ((ch === "\n" || ch === "\t") && attribute) text += `&#${code};`;
    else if (ch === "\n" || ch === "\t" || !invalid(code)) text += ch;
    else {
      text += `\\u${code.toString(16).padStart(4, "0")}`;
      replaced++;
    }
  }
  return { text, replaced };
}

function invalid(code: number): boolean {
  return code < 0x20 || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff);
}
