import { test } from "node:test";
import assert from "node:assert/strict";
import { IdMap } from "./id_map.ts";

/** A deterministic shuffle (xorshift), so that a failure can be replayed. */
function shuffled(count: number, seed = 1): number[] {
  const ids = Array.from({ length: count }, (_, i) => i);
  let x = seed;
  for (let i = count - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids;
}

test("add() refuses a duplicate id and keeps the first value, wherever the id lives", () => {
  const map = new IdMap();
  // 0..9999 dense (pages), 2^40 + k sparse (sorted arrays or insert buffer).
  for (let i = 0; i < 10_000; i++) assert.equal(map.add(i, i + 1), true);
  for (let k = 0; k < 100; k++) assert.equal(map.add(2 ** 40 + k * 100_000, k), true);
  for (const id of [0, 4095, 4096, 9999, 2 ** 40, 2 ** 40 + 9_900_000]) {
    const before = map.get(id);
    assert.equal(map.add(id, -5), false, `duplicate ${id}`);
    assert.equal(map.get(id), before);
  }
  assert.equal(map.size, 10_100);
});

test("set() replaces a value and get() reads it back from pages, buffer and sorted arrays", () => {
  const map = new IdMap();
  for (let i = 0; i < 50_000; i++) map.add(i * 7_919, -1);
  for (let i = 0; i < 50_000; i++) map.set(i * 7_919, i);
  for (let i = 0; i < 50_000; i++) assert.equal(map.get(i * 7_919), i);
  assert.equal(map.get(1), undefined);
  assert.equal(map.has(7_919), true);
  assert.equal(map.has(7_920), false);
  assert.equal(map.size, 50_000);
});

test("a million ids in random order are all found, at about 8 bytes per id when dense", () => {
  const map = new IdMap();
  const ids = shuffled(1_000_000);
  for (const id of ids) assert.ok(map.add(id, id * 2 + 1));
  assert.equal(map.size, 1_000_000);
  for (let id = 0; id < 1_000_000; id++) {
    if (map.get(id) !== id * 2 + 1) assert.fail(`id ${id} reads ${map.get(id)}`);
  }
  assert.equal(map.get(1_000_000), undefined);
  assert.equal(map.get(-1), undefined);
  assert.ok(map.bytes / map.size < 8.5, `${map.bytes / map.size} bytes per id`);
});

test("dense ascending ids cost 8 bytes per id, as the pages of the old map did", () => {
  const map = new IdMap();
  for (let id = 0; id < 1_000_000; id++) map.set(id, id);
  assert.ok(map.bytes / map.size < 8.5, `${map.bytes / map.size} bytes per id`);
  assert.equal(map.get(999_999), 999_999);
});

test("sparse ids spread over 0..2^40 cost at most 20 bytes per id, in any order", () => {
  const map = new IdMap();
  const count = 300_000;
  const ids = shuffled(count, 7).map((i) => Math.floor((i * 2 ** 40) / count) + (i % 13));
  for (const id of ids) map.set(id, id % 1_000_003);
  assert.equal(map.size, count);
  for (const id of ids) {
    if (map.get(id) !== id % 1_000_003) assert.fail(`id ${id} reads ${map.get(id)}`);
  }
  assert.equal(map.get(2 ** 40 + 1), undefined);
  assert.ok(map.bytes / map.size <= 20, `${map.bytes / map.size} bytes per id`);
});

test("a hundred ids 100,000 apart take kilobytes, not the 50 MiB of one page each", () => {
  const map = new IdMap();
  for (let k = 0; k < 100; k++) map.set(k * 100_000, k);
  for (let k = 0; k < 100; k++) assert.equal(map.get(k * 100_000), k);
  assert.ok(map.bytes <= 128 * 1024 + 100 * 16, `${map.bytes} bytes`);
});

test("half-full windows become dense pages; windows below half stay sparse", () => {
  const half = new IdMap();
  for (let id = 0; id < 400_000; id += 2) half.add(id, id);
  assert.ok(half.bytes / half.size <= 16.5, `${half.bytes / half.size} bytes per id`);
  const third = new IdMap();
  for (let id = 0; id < 600_000; id += 3) third.add(id, id);
  assert.ok(third.bytes / third.size <= 20, `${third.bytes / third.size} bytes per id`);
  for (let id = 0; id < 600_000; id += 3) {
    if (third.get(id) !== id || third.get(id + 1) !== undefined) assert.fail(`id ${id}`);
  }
});

test("ascending ids with the gaps deletions leave go to pages; pages made ahead waste little", () => {
  const gaps = new IdMap();
  for (let id = 0; id < 1_000_000; id++) if (id % 16 !== 5) gaps.add(id, id);
  assert.ok(gaps.bytes / gaps.size < 9, `${gaps.bytes / gaps.size} bytes per id`);
  // Full windows each followed by a window with one id: every page made ahead is wasted.
  const waste = new IdMap();
  for (let w = 0; w < 200; w += 2) {
    for (let i = 0; i < 4096; i++) waste.add(w * 4096 + i, i);
    waste.add((w + 1) * 4096 + 7, -7);
  }
  assert.ok(waste.bytes / waste.size <= 20, `${waste.bytes / waste.size} bytes per id`);
  for (let w = 0; w < 200; w += 2) assert.equal(waste.get((w + 1) * 4096 + 7), -7);
});

test("a page made ahead of its ids never hides ids already stored elsewhere", () => {
  const map = new IdMap();
  map.add(4096 + 3, 33); // window 1, in the insert buffer
  for (let i = 0; i < 4096; i++) map.add(i, i); // fills window 0, which would make window 1's page
  assert.equal(map.get(4096 + 3), 33);
  assert.equal(map.add(4096 + 3, 0), false);
  for (let i = 4096; i < 8192; i++) if (i !== 4096 + 3) map.add(i, i);
  assert.equal(map.get(4096 + 3), 33);
  assert.equal(map.size, 8192);
});

test("negative and 2^53-sized ids work; non-integers and NaN values are refused", () => {
  const map = new IdMap();
  map.add(-1, 1);
  map.add(Number.MAX_SAFE_INTEGER, 2);
  map.add(-Number.MAX_SAFE_INTEGER, 3);
  assert.equal(map.get(-1), 1);
  assert.equal(map.get(Number.MAX_SAFE_INTEGER), 2);
  assert.equal(map.get(-Number.MAX_SAFE_INTEGER), 3);
  assert.throws(() => map.add(1.5, 1), RangeError);
  assert.throws(() => map.add(2 ** 53, 1), RangeError);
  assert.throws(() => map.add(1, NaN), RangeError);
});
