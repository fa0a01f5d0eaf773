/**
 * Text from a backup (a name, a header field, a warning, a loss) made safe for one line of a
 * comment or a report in any output: a Cypher `//` comment, a GraphML comment, `loss-report.txt`.
 *
 * @module
 */

/**
 * What {@link commentText} escapes: the backslash, C0 and C1 control characters and DEL, the
 * Unicode line and paragraph separators, the bidirectional controls (which reorder what a
 * reader sees), U+FFFE and U+FFFF (which XML cannot hold) and lone surrogates.
 */
const ESCAPED =
  /[\\\p{Cc}\p{Cs}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/u;
const ESCAPED_ALL = new RegExp(ESCAPED.source, "gu");

const SHORT: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Escapes text for one line of a comment: a backslash is doubled, line feed, carriage return and
 * tab are written `\n`, `\r` and `\t`, every other character of the escaped kinds as `\x{...}`
 * with its hex code (ESC is `\x{1B}`); everything else, other scripts and emoji included, is
 * kept. The result has no line break, so a name cannot end a comment and start a statement.
 *
 * It never holds a `\u` escape: Neo4j reads `\u` and four hex digits as the character they name
 * anywhere in a statement, comments included, before it parses it (and cypher-shell sends a
 * comment with the statement after it), so a `\u000A` in a comment would end the comment. With
 * every backslash doubled, none starts an escape.
 *
 * @param text Text from a backup.
 * @returns The text, safe as part of one comment line.
 *
 * @example Escape a name that tries to end a comment and add a statement
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentText } from "./comment_text.ts";
 * assert.equal(commentText("Person"), "Person");
 * assert.equal(commentText("x\nMATCH (n) DETACH DELETE n;"), "x\\nMATCH (n) DETACH DELETE n;");
 * assert.equal(commentText("x\\u000A\u2028"), "x\\\\u000A\\x{2028}");
 * ```
 */
export function commentText(text: string): string {
  if (!ESCAPED.test(text)) return text;
  return text.replace(
    ESCAPED_ALL,
    (c) => SHORT[c] ?? `\\x{${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}}`,
  );
}

/** How much of a long text {@link clipText} keeps by default. */
const CLIP_CHARS = 1000;

/**
 * Shortens text for a comment or report line: a name of a hundred million characters is shown
 * by its start and its length, so that no line (and no report) grows with it.
 *
 * @param text Any text.
 * @param max The most characters kept (default 1000); a surrogate pair is never split.
 * @returns The text when it is no longer than `max`, else its start, `…` and its length.
 *
 * @example Clip a long name
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipText } from "./comment_text.ts";
 * assert.equal(clipText("short"), "short");
 * assert.equal(clipText("abcdef", 3), "abc… (6 characters)");
 * ```
 */
export function clipText(text: string, max: number = CLIP_CHARS): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}
