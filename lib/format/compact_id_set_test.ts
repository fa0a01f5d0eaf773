import { test } from "node:test";
import assert from "node:assert/strict";
import { CompactIdSet } from "./compact_id_set.ts";

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

test("CompactIdSet agrees with a Set over random ids, dense, sparse and negative", () => {
  const next = random(19);
  const set = new CompactIdSet();
  const truth = new Set<number>();
  for (let i = 0; i < 200_000; i++) {
    const r = next();
    const id = r < 0.5
      ? Math.floor(next() * 20_000) // dense, with repeats
      : r < 0.8
      ? Math.floor(next() * 2 ** 40) // sparse and large
      : r < 0.9
      ? -Math.floor(next() * 10_000) // negative
      : Number.MAX_SAFE_INTEGER - Math.floor(next() * 5000); // near the top of the range
    assert.equal(set.add(id), !truth.has(id), `add(${id})`);
    truth.add(id);
  }
  assert.equal(set.size, truth.size);
  for (const id of truth) assert.ok(set.has(id), `has(${id})`);
  for (let i = 0; i < 100_000; i++) {
    const id = Math.floor(next() * 40_000) - 10_000;
    assert.equal(set.has(id), truth.has(id), `has(${id})`);
  }
  assert.equal(set.has(0.5), false);
  assert.equal(set.has(NaN), false);
});

test("CompactIdSet keeps dense ids in about a bit each, in any order", () => {
  const ascending = new CompactIdSet();
  for (let id = 0; id < 1_000_000; id++) if (id % 10 !== 3) ascending.add(id);
  assert.equal(ascending.size, 900_000);
  assert.ok(ascending.bytes < 200_000, `${ascending.bytes} bytes`);

  const shuffled = new CompactIdSet();
  const next = random(7);
  const ids = Array.from({ length: 500_000 }, (_, i) => i);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  for (const id of ids) shuffled.add(id);
  assert.equal(shuffled.size, 500_000);
  assert.ok(shuffled.bytes < 200_000, `${shuffled.bytes} bytes`);
  for (let id = 0; id < 500_000; id++) assert.ok(shuffled.has(id));
});

test("CompactIdSet keeps ids spread one per window in at most 10 bytes each", () => {
  // One id in every 4,096-id window: a bitmap page per id would take 512 bytes each.
  const set = new CompactIdSet();
  const n = 300_000;
  for (let i = 0; i < n; i++) set.add(i * 4096 + (i % 7));
  for (let i = 0; i < 2 * n; i++) set.add(2 ** 45 + i * 2 ** 20);
  assert.equal(set.size, 3 * n);
  assert.ok(set.bytes <= 10 * set.size + 32 * 1024, `${set.bytes} bytes for ${set.size} ids`);
  assert.ok(set.has(4096 * 5 + 5) && !set.has(4096 * 5 + 6));
  assert.ok(set.has(2 ** 45 + 2 ** 20) && !set.has(2 ** 45 + 1));
});

test("CompactIdSet refuses ids that are not safe integers", () => {
  const set = new CompactIdSet();
  assert.throws(() => set.add(1.5), RangeError);
  assert.throws(() => set.add(2 ** 53), RangeError);
  assert.equal(set.size, 0);
});
