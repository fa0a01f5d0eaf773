/**
 * A set of integer ids whose memory stays small however the ids are spread: a paged bitmap
 * where ids are dense, a sorted array where they are not.
 *
 * @module
 */

/** Ids are grouped in windows of 4,096; a window's page is a bitmap of 128 words. */
const WINDOW_BITS = 12;
const WINDOW = 1 << WINDOW_BITS;
const WORDS = WINDOW / 32;
/**
 * A window that holds this many ids gets a bitmap page: 512 bytes of bits (and about 200 of
 * objects) then cost under 6 bytes an id, less than the 8 of the sorted array.
 */
const DENSE_AT = 128;
/** A page this full gets the next window a page before its ids arrive (ids ascend, with gaps). */
const GROW_AT = (WINDOW * 7) / 8;
/** The smallest insert buffer (a hash table of this many slots, at most half full). */
const MIN_SLOTS = 4096;

/**
 * A set of safe integers, for the ids of millions of nodes, from a file that may have been
 * crafted to exhaust memory. Ids in a window of 4,096 consecutive ids that holds at least 128
 * of them live in a bitmap page (one bit an id); the others live in one sorted array, fed
 * through a small hash table that is merged into it as it fills, so that ids can come in any
 * order.
 *
 * Memory bound: about one bit per id when the ids are dense (as Neo4j's are), at most 10 bytes
 * per id however they are spread (any safe integers, e.g. one per 2^40), plus a fixed 32 KiB
 * insert buffer; a merge briefly takes up to 16 more bytes per sparse id.
 * {@link CompactIdSet.bytes} reports what is held.
 *
 * @example Add ids, refuse a duplicate, and see what it costs
 * ```ts
 * import assert from "node:assert/strict";
 * import { CompactIdSet } from "./compact_id_set.ts";
 * const set = new CompactIdSet();
 * for (let id = 0; id < 100_000; id++) set.add(id);
 * assert.equal(set.add(2 ** 40), true);
 * assert.equal(set.add(7), false);
 * assert.ok(set.has(99_999) && set.has(2 ** 40) && !set.has(100_000));
 * assert.equal(set.size, 100_001);
 * assert.ok(set.bytes < 100_000); // under a byte an id
 * ```
 */
export class CompactIdSet {
  /** Bitmap pages by window number; word `WORDS` of a page counts its ids. */
  #pages = new Map<number, Uint32Array>();
  /** The last page looked up, for runs of ids in one window. */
  #lastWindow = NaN;
  #lastPage: Uint32Array | undefined;
  /** Sparse ids, sorted. */
  #run = new Float64Array(0);
  /** The insert buffer: open addressing, linear probing, `NaN` marks an empty slot. */
  #slots = new Float64Array(MIN_SLOTS).fill(NaN);
  #buffered = 0;
  /** The smallest and largest id in the insert buffer. */
  #bufferedMin = Infinity;
  #bufferedMax = -Infinity;
  #size = 0;

  /** How many ids the set holds. */
  get size(): number {
    return this.#size;
  }

  /** The bytes held by the set's arrays: its pages, its sorted array and its insert buffer. */
  get bytes(): number {
    return this.#pages.size * (WORDS + 1) * 4 + this.#run.byteLength + this.#slots.byteLength;
  }

  /**
   * Adds an id.
   *
   * @param id A safe integer.
   * @returns `true` when added, `false` when the set held it already.
   * @throws {RangeError} When `id` is not a safe integer.
   */
  add(id: number): boolean {
    if (!Number.isSafeInteger(id)) throw new RangeError(`Not an integer id: ${id}`);
    const window = Math.floor(id / WINDOW);
    const page = this.#page(window);
    if (page !== undefined) {
      const bit = id - window * WINDOW;
      const mask = 1 << (bit & 31);
      if ((page[bit >>> 5] & mask) !== 0) return false;
      page[bit >>> 5] |= mask;
      this.#size++;
      if (++page[WORDS] === GROW_AT) this.#grow(window + 1);
      return true;
    }
    if (this.#find(id)) return false;
    const slot = this.#slot(id);
    if (this.#slots[slot] === id) return false;
    this.#slots[slot] = id;
    if (id < this.#bufferedMin) this.#bufferedMin = id;
    if (id > this.#bufferedMax) this.#bufferedMax = id;
    this.#size++;
    if (++this.#buffered * 2 >= this.#slots.length) this.#merge();
    return true;
  }

  /**
   * Tells whether the set holds an id.
   *
   * @param id Any number.
   * @returns `true` when it was added.
   */
  has(id: number): boolean {
    if (!Number.isSafeInteger(id)) return false;
    const window = Math.floor(id / WINDOW);
    const page = this.#page(window);
    if (page !== undefined) {
      const bit = id - window * WINDOW;
      return (page[bit >>> 5] & (1 << (bit & 31))) !== 0;
    }
    return this.#slots[this.#slot(id)] === id || this.#find(id);
  }

  #page(window: number): Uint32Array | undefined {
    if (window === this.#lastWindow) return this.#lastPage;
    const page = this.#pages.get(window);
    if (page !== undefined) {
      this.#lastWindow = window;
      this.#lastPage = page;
    }
    return page;
  }

  /**
   * Gives the window after a page that is 7/8 full a page of its own before any of its ids
   * arrive, so that ascending dense ids (with the gaps deletions leave) go straight into pages.
   * Only for a window without ids yet, and once per page: a page it wastes costs a fraction of
   * a byte per id of the page before it.
   */
  #grow(window: number): void {
    if (this.#pages.has(window)) return;
    const start = window * WINDOW;
    const end = start + WINDOW;
    if (this.#bufferedMax >= start && this.#bufferedMin < end) return;
    const at = this.#lowerBound(start);
    if (at < this.#run.length && this.#run[at] < end) return;
    this.#newPage(window);
  }

  #newPage(window: number): Uint32Array {
    const page = new Uint32Array(WORDS + 1);
    this.#pages.set(window, page);
    return page;
  }

  /** The slot of `id` in the insert buffer, or the empty slot where it would go. */
  #slot(id: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let i = hash(id) & mask;
    for (;;) {
      const s = slots[i];
      if (s === id || s !== s) return i;
      i = (i + 1) & mask;
    }
  }

  /** Whether the sorted array holds `id`. */
  #find(id: number): boolean {
    const at = this.#lowerBound(id);
    return at < this.#run.length && this.#run[at] === id;
  }

  /** The index of the first id in the sorted array that is not below `id`. */
  #lowerBound(id: number): number {
    const run = this.#run;
    let lo = 0;
    let hi = run.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (run[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Merges the insert buffer into the sorted array, moving every window that now holds
   * {@link DENSE_AT} ids into a bitmap page, then sizes the next buffer so that it takes
   * between a sixteenth and an eighth of the sorted array's length before the next merge:
   * merges then cost a constant amount per id, and the buffer at most 2 bytes per sparse id.
   */
  #merge(): void {
    const buffered = this.#sortedBuffer();
    const run = this.#run;
    const total = run.length + buffered.length;
    const ids = new Float64Array(total);
    const full: number[] = [];
    let kept = 0;
    let r = 0;
    let b = 0;
    while (r < run.length || b < buffered.length) {
      // One window at a time: the merged ids of the window are [start, kept).
      const first = b >= buffered.length || (r < run.length && run[r] < buffered[b])
        ? run[r]
        : buffered[b];
      const window = Math.floor(first / WINDOW);
      const end = (window + 1) * WINDOW;
      const start = kept;
      while (r < run.length || b < buffered.length) {
        const fromRun = b >= buffered.length || (r < run.length && run[r] < buffered[b]);
        const id = fromRun ? run[r] : buffered[b];
        if (id >= end) break;
        ids[kept++] = id;
        if (fromRun) r++;
        else b++;
      }
      if (kept - start >= DENSE_AT) {
        const page = this.#newPage(window);
        const base = window * WINDOW;
        for (let i = start; i < kept; i++) {
          const bit = ids[i] - base;
          page[bit >>> 5] |= 1 << (bit & 31);
        }
        page[WORDS] = kept - start;
        if (kept - start >= GROW_AT) full.push(window);
        kept = start;
      }
    }
    this.#run = kept === total ? ids : ids.slice(0, kept);
    let slots = MIN_SLOTS;
    while (slots * 8 <= kept) slots *= 2; // at most a quarter of `kept`: 2 bytes per sparse id
    this.#slots = new Float64Array(slots).fill(NaN);
    this.#buffered = 0;
    this.#bufferedMin = Infinity;
    this.#bufferedMax = -Infinity;
    for (const window of full) this.#grow(window + 1);
  }

  /** The insert buffer's ids, sorted. */
  #sortedBuffer(): Float64Array {
    const ids = new Float64Array(this.#buffered);
    let n = 0;
    for (const id of this.#slots) if (id === id) ids[n++] = id;
    return ids.sort();
  }
}

/** A hash of a safe integer that spreads consecutive ids over the table. */
function hash(id: number): number {
  const low = id >>> 0;
  const high = Math.floor(id / 4294967296) | 0;
  const h = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}
