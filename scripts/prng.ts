/**
 * A small seeded generator (mulberry32) for the fault proxy and the generated tests: the same
 * seed gives the same faults and the same hostile names, so a failure can be run again.
 *
 * @module
 */

/**
 * Returns a generator of floats in [0, 1) for a seed.
 *
 * @param seed Any number; its low 32 bits are used.
 * @returns The next float at each call.
 *
 * @example The same seed gives the same numbers
 * ```ts
 * import assert from "node:assert/strict";
 * import { prng } from "./prng.ts";
 * const [a, b] = [prng(7), prng(7)];
 * assert.equal(a(), b());
 * ```
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
