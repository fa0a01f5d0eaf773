/**
 * A set of non-negative integer ids as a paged bitmap: one bit per id in each 64Ki-id window
 * that holds any id (8 KiB a window), so that Neo4j's dense internal ids cost about one bit each.
 *
 * @module
 */

const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * A set of ids: the node ids an export has written, so that a relationship to a node it has not
 * written can be told apart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdSet } from "./id_set.ts";
 * const set = new IdSet();
 * set.add(7);
 * set.add(2 ** 40);
 * assert.ok(set.has(7) && set.has(2 ** 40) && !set.has(8));
 * assert.equal(set.size, 2);
 * ```
 */
export class IdSet {
  #pages = new Map<number, Uint32Array>();
  #size = 0;

  /** How many ids the set holds. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds an id.
   *
   * @param id A non-negative safe integer.
   * @returns False when the id was there already.
   */
  add(id: number): boolean {
    const key = Math.floor(id / PAGE_SIZE);
    let page = this.#pages.get(key);
    if (!page) {
      page = new Uint32Array(PAGE_SIZE / 32);
      this.#pages.set(key, page);
    }
    const bit = id - key * PAGE_SIZE;
    const mask = 1 << (bit & 31);
    if (page[bit >>> 5] & mask) return false;
    page[bit >>> 5] |= mask;
    this.#size++;
    return true;
  }

  /**
   * Whether the set holds an id.
   *
   * @param id A non-negative safe integer.
   * @returns True when it was added.
   */
  has(id: number): boolean {
    const key = Math.floor(id / PAGE_SIZE);
    const page = this.#pages.get(key);
    if (!page) return false;
    const bit = id - key * PAGE_SIZE;
    return (page[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  /**
   * The set's pages, to send it to another thread (a structured clone copies them; 8 KiB per
   * 64Ki-id window that holds any id).
   *
   * @returns Each window's number and bits.
   *
   * @example Copy a set through its pages
   * ```ts
   * import assert from "node:assert/strict";
   * import { IdSet } from "./id_set.ts";
   * const set = new IdSet();
   * set.add(3);
   * set.add(100_000);
   * const copy = IdSet.fromPages(structuredClone(set.pages()));
   * assert.ok(copy.has(3) && copy.has(100_000) && !copy.has(4));
   * assert.equal(copy.size, 2);
   * ```
   */
  pages(): [number, Uint32Array][] {
    return [...this.#pages];
  }

  /**
   * A set made from the {@link IdSet.pages} of another.
   *
   * @param pages What `pages()` returned, possibly cloned.
   * @returns A set with the same ids.
   */
  static fromPages(pages: [number, Uint32Array][]): IdSet {
    const set = new IdSet();
    for (const [key, page] of pages) {
      set.#pages.set(key, page);
      for (const word of page) set.#size += bitCount(word);
    }
    return set;
  }
}

function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
