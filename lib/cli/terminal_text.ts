/**
 * Text from a backup, made safe to print on a terminal: a name or a warning in a backup is
 * written by whoever made the file, and an escape sequence or a line break in it could move the
 * cursor, recolour the screen or fake a line of our output.
 *
 * @module
 */

/**
 * The characters a terminal acts on, or that reorder or break what follows: C0 and C1 control
 * characters and DEL, the Unicode line and paragraph separators, the bidirectional controls,
 * and lone surrogates (which no UTF-8 output can carry).
 */
const UNSAFE = /[\p{Cc}\p{Cs}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "gu");

const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Shows the characters a terminal would act on as escapes: line feed, carriage return and tab as
 * `\n`, `\r` and `\t`, every other one as `\u` and four hex digits (ESC is `\u001b`). Everything else, other
 * scripts and emoji included, is kept as it is; so is a backslash, so `\n` in the output may also
 * be the two characters of the name itself: `--json` shows names exactly.
 *
 * @param text Text from a backup: a name, a header field, a warning.
 * @returns The text, safe to print as part of one line.
 *
 * @example Escape a name that would clear the screen and fake a line
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalText } from "./terminal_text.ts";
 * assert.equal(terminalText("Person"), "Person");
 * assert.equal(terminalText("a\u001b[2Jb\nOK"), "a\\u001b[2Jb\\nOK");
 * assert.equal(terminalText("名前 🎬"), "名前 🎬");
 * ```
 */
export function terminalText(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(
    UNSAFE_ALL,
    (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
