/**
 * Text from a backup of the Python `neo4j-backup` as a message may quote it: on one line, with
 * control characters escaped, and cut short.
 *
 * @module
 */

/** How many characters of a key or value a message quotes by default. */
export const QUOTED_CHARS = 80;

/**
 * Shortens and escapes text for a one-line message: control characters, line breaks, lone
 * surrogates, quotes and backslashes are written as JSON escapes, and text longer than `max`
 * characters is cut and ends with `…`.
 *
 * @param text A key or value from the backup.
 * @param max How many characters of `text` to keep.
 * @returns The text, safe to print between quotes.
 *
 * @example Quote a hostile key
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteLegacyText } from "./legacy_text.ts";
 * assert.equal(quoteLegacyText("a\nb\u001b[2J"), "a\\nb\\u001b[2J");
 * assert.equal(quoteLegacyText("x".repeat(100), 3), "xxx…");
 * ```
 */
export function quoteLegacyText(text: string, max: number = QUOTED_CHARS): string {
  const cut = text.length > max;
  const escaped = JSON.stringify(cut ? text.slice(0, max) : text).slice(1, -1);
  return cut ? `${escaped}…` : escaped;
}
