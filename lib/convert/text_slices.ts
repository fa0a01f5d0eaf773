/**
 * Long text in slices, so that a writer can escape and write a value of any size piece by piece:
 * escaped whole, a value of a hundred million characters could outgrow the longest string
 * JavaScript holds (about 512 Mi UTF-16 code units), and would cost gigabytes on the way.
 *
 * @module
 */

/** The characters of one slice (1 Mi): escaped, a slice stays a few megabytes at most. */
export const SLICE_CHARS = 1024 * 1024;

/**
 * Cuts text into slices of at most `size` code units, never between the two halves of a
 * surrogate pair (so each slice escapes and encodes exactly as the whole text would).
 *
 * @param text Any text.
 * @param size The most code units per slice (default {@link SLICE_CHARS}); at least 2.
 * @returns The slices, in order; none for empty text.
 *
 * @example Slice text with an emoji on a boundary
 * ```ts
 * import assert from "node:assert/strict";
 * import { textSlices } from "./text_slices.ts";
 * assert.deepEqual([...textSlices("ab🙂c", 3)], ["ab", "🙂c"]);
 * assert.deepEqual([...textSlices("abc", 2)], ["ab", "c"]);
 * ```
 */
export function* textSlices(text: string, size: number = SLICE_CHARS): Generator<string> {
  const step = Math.max(2, size);
  let at = 0;
  while (at < text.length) {
    let end = Math.min(at + step, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(at, end);
    at = end;
  }
}
