/**
 * The map from backup node ids to the ids of the nodes created in the target, kept in the client
 * so that the import writes no temporary property, label or index into the target.
 *
 * @module
 */

/** Ids are grouped in windows of 4,096; a window that is at least half full gets a dense page. */
const WINDOW_BITS = 12;
const WINDOW = 1 << WINDOW_BITS;
const DENSE_AT = WINDOW / 2;
/** A page this full gets the next window a page before its ids arrive (ids ascend, with gaps). */
const GROW_AT = (WINDOW * 7) / 8;
/** The smallest insert buffer (a hash table of this many slots, at most half full). */
const MIN_SLOTS = 8192;

/**
 * A map from integer ids (any safe integer) to numbers, for millions of ids whatever their
 * spread. Ids in a window of 4,096 consecutive ids that holds at least 2,048 of them live in a
 * dense page (a `Float64Array` indexed by the id); the others live in one sorted pair of arrays
 * (id, value), fed through a small hash table that is merged into it as it fills, so that ids
 * can come in any order.
 *
 * Memory bound: at most 20 bytes per id however the ids are spread (any safe integers, e.g.
 * over 0..2^40), and 8 bytes per id when they are dense (as Neo4j's are), plus a fixed 128 KiB
 * insert buffer; rebuilding the sorted arrays briefly takes up to 16 more bytes per sparse id.
 * {@link IdMap.bytes} reports what is held. Any insertion order works; ascending ids are the
 * fastest.
 *
 * Missing ids read as `undefined`; `NaN` cannot be stored (it marks empty slots).
 *
 * @example Map ids, refuse a duplicate, and see what it costs
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdMap } from "./id_map.ts";
 * const map = new IdMap();
 * assert.equal(map.add(42, 7), true);
 * assert.equal(map.add(42, 8), false);
 * assert.equal(map.get(42), 7);
 * assert.equal(map.get(41), undefined);
 * map.set(2 ** 40, 9);
 * assert.equal(map.get(2 ** 40), 9);
 * assert.equal(map.size, 2);
 * assert.ok(map.bytes > 0);
 * ```
 */
export class IdMap {
  /** Dense pages by window number; slot `WINDOW` of a page counts its ids. */
  #pages = new Map<number, Float64Array>();
  /** The last page looked up, for runs of ids in one window. */
  #lastWindow = NaN;
  #lastPage: Float64Array | undefined;
  /** Sparse ids, sorted, and their values. */
  #runKeys = new Float64Array(0);
  #runValues = new Float64Array(0);
  /** The insert buffer: open addressing, linear probing, `NaN` keys are empty slots. */
  #slotKeys = new Float64Array(MIN_SLOTS).fill(NaN);
  #slotValues = new Float64Array(MIN_SLOTS);
  #buffered = 0;
  /** The smallest and largest key in the insert buffer. */
  #bufferedMin = Infinity;
  #bufferedMax = -Infinity;
  #size = 0;

  /** How many ids are mapped. */
  get size(): number {
    return this.#size;
  }

  /** The bytes held by the map's arrays: its pages, its sorted arrays and its insert buffer. */
  get bytes(): number {
    return this.#pages.size * (WINDOW + 1) * 8 + this.#runKeys.byteLength +
      this.#runValues.byteLength + this.#slotKeys.byteLength + this.#slotValues.byteLength;
  }

  /**
   * Maps `from` to `to` unless `from` is already mapped.
   *
   * @param from A safe integer (a backup node id).
   * @param to The value (a target node id); not `NaN`.
   * @returns `true` when added, `false` when `from` was already mapped (the map is unchanged).
   */
  add(from: number, to: number): boolean {
    return this.#put(from, to, false);
  }

  /**
   * Maps `from` to `to`, replacing any earlier value.
   *
   * @param from A safe integer (a backup node id).
   * @param to The value (a target node id); not `NaN`.
   */
  set(from: number, to: number): void {
    this.#put(from, to, true);
  }

  /**
   * Looks an id up.
   *
   * @param from The backup node id.
   * @returns The value, or `undefined` when `from` was never mapped.
   */
  get(from: number): number | undefined {
    const window = Math.floor(from / WINDOW);
    const page = this.#page(window);
    if (page !== undefined) {
      const v = page[from - window * WINDOW];
      return v === v ? v : undefined;
    }
    const slot = this.#slot(from);
    if (this.#slotKeys[slot] === from) return this.#slotValues[slot];
    const at = this.#find(from);
    return at >= 0 ? this.#runValues[at] : undefined;
  }

  /**
   * Tells whether an id is mapped.
   *
   * @param from The backup node id.
   * @returns Whether {@link IdMap.get} would return a value.
   */
  has(from: number): boolean {
    return this.get(from) !== undefined;
  }

  #put(from: number, to: number, replace: boolean): boolean {
    if (!Number.isSafeInteger(from)) throw new RangeError(`Not an integer id: ${from}`);
    if (to !== to) throw new RangeError("Cannot map an id to NaN");
    const window = Math.floor(from / WINDOW);
    const page = this.#page(window);
    if (page !== undefined) {
      const slot = from - window * WINDOW;
      const fresh = page[slot] !== page[slot];
      if (!fresh && !replace) return false;
      page[slot] = to;
      if (fresh) {
        this.#size++;
        if (++page[WINDOW] === GROW_AT) this.#grow(window + 1);
      }
      return true;
    }
    const at = this.#find(from);
    if (at >= 0) {
      if (replace) this.#runValues[at] = to;
      return replace;
    }
    const slot = this.#slot(from);
    if (this.#slotKeys[slot] === from) {
      if (replace) this.#slotValues[slot] = to;
      return replace;
    }
    this.#slotKeys[slot] = from;
    this.#slotValues[slot] = to;
    if (from < this.#bufferedMin) this.#bufferedMin = from;
    if (from > this.#bufferedMax) this.#bufferedMax = from;
    this.#size++;
    if (++this.#buffered * 2 >= this.#slotKeys.length) this.#merge();
    return true;
  }

  #page(window: number): Float64Array | undefined {
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
   * Only for an empty window, and once per page: a page it wastes costs at most 9.2 bytes per
   * id of the page before it.
   */
  #grow(window: number): void {
    if (this.#pages.has(window)) return;
    const start = window * WINDOW;
    const end = start + WINDOW;
    if (this.#bufferedMax >= start && this.#bufferedMin < end) return;
    const at = this.#lowerBound(start);
    if (at < this.#runKeys.length && this.#runKeys[at] < end) return;
    this.#newPage(window);
  }

  #newPage(window: number): Float64Array {
    const page = new Float64Array(WINDOW + 1).fill(NaN);
    page[WINDOW] = 0;
    this.#pages.set(window, page);
    return page;
  }

  /** The slot of `key` in the insert buffer, or the empty slot where it would go. */
  #slot(key: number): number {
    const keys = this.#slotKeys;
    const mask = keys.length - 1;
    let i = hash(key) & mask;
    for (;;) {
      const k = keys[i];
      if (k === key || k !== k) return i;
      i = (i + 1) & mask;
    }
  }

  /** The index of `key` in the sorted arrays, or -1. */
  #find(key: number): number {
    const at = this.#lowerBound(key);
    return at < this.#runKeys.length && this.#runKeys[at] === key ? at : -1;
  }

  /** The index of the first key in the sorted arrays that is not below `key`. */
  #lowerBound(key: number): number {
    const keys = this.#runKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Merges the insert buffer into the sorted arrays, moving every window that is now at least
   * half full into a dense page, then sizes the next buffer so that it takes between a sixteenth
   * and an eighth of the sorted arrays' length before the next merge: merges then cost a constant
   * amount per id, and the buffer at most 4 bytes per sparse id.
   */
  #merge(): void {
    const buffered = this.#sortedBuffer();
    const runKeys = this.#runKeys;
    const runValues = this.#runValues;
    const total = runKeys.length + buffered.keys.length;
    const keys = new Float64Array(total);
    const values = new Float64Array(total);
    const full: number[] = [];
    let kept = 0;
    let r = 0;
    let b = 0;
    while (r < runKeys.length || b < buffered.keys.length) {
      // One window at a time: the merged entries of the window are [start, kept).
      const fromRun = b >= buffered.keys.length ||
        (r < runKeys.length && runKeys[r] < buffered.keys[b]);
      const window = Math.floor((fromRun ? runKeys[r] : buffered.keys[b]) / WINDOW);
      const end = (window + 1) * WINDOW;
      const start = kept;
      while (r < runKeys.length || b < buffered.keys.length) {
        const takeRun = b >= buffered.keys.length ||
          (r < runKeys.length && runKeys[r] < buffered.keys[b]);
        const key = takeRun ? runKeys[r] : buffered.keys[b];
        if (key >= end) break;
        keys[kept] = key;
        values[kept++] = takeRun ? runValues[r++] : buffered.values[b++];
      }
      if (kept - start >= DENSE_AT) {
        const page = this.#newPage(window);
        const base = window * WINDOW;
        for (let i = start; i < kept; i++) page[keys[i] - base] = values[i];
        page[WINDOW] = kept - start;
        if (kept - start >= GROW_AT) full.push(window);
        kept = start;
      }
    }
    this.#runKeys = kept === total ? keys : keys.slice(0, kept);
    this.#runValues = kept === total ? values : values.slice(0, kept);
    let slots = MIN_SLOTS;
    while (slots * 8 <= kept) slots *= 2; // at most a quarter of `kept`: 4 bytes per sparse id
    this.#slotKeys = new Float64Array(slots).fill(NaN);
    this.#slotValues = new Float64Array(slots);
    this.#buffered = 0;
    this.#bufferedMin = Infinity;
    this.#bufferedMax = -Infinity;
    for (const window of full) this.#grow(window + 1);
  }

  /** The insert buffer's entries, sorted by key. */
  #sortedBuffer(): { keys: Float64Array; values: Float64Array } {
    const keys = new Float64Array(this.#buffered);
    let n = 0;
    for (const k of this.#slotKeys) if (k === k) keys[n++] = k;
    keys.sort();
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = this.#slotValues[this.#slot(keys[i])];
    return { keys, values };
  }
}

/** A hash of a safe integer that spreads consecutive ids over the table. */
function hash(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 4294967296) | 0;
  const h = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}
