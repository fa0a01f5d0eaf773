/**
 * The map from backup node ids to the ids of the nodes created in the target, kept in the client
 * so that the import writes no temporary property, label or index into the target.
 *
 * @module
 */

const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * A map from non-negative integer ids to integer ids, stored in 64 KiB-entry pages of
 * `Float64Array`: 8 bytes per node when ids are dense (as Neo4j's internal ids are), a little
 * more for sparse ids. Missing entries read as `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { IdMap } from "./id_map.ts";
 * const map = new IdMap();
 * map.set(42, 7);
 * assert.equal(map.get(42), 7);
 * assert.equal(map.get(41), undefined);
 * assert.equal(map.size, 1);
 * ```
 */
export class IdMap {
  #pages = new Map<number, Float64Array>();
  #size = 0;

  /** How many ids are mapped. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the pages (for reports). */
  get bytes(): number {
    return this.#pages.size * PAGE_SIZE * 8;
  }

  /**
   * Maps `from` to `to`.
   *
   * @param from A non-negative safe integer (a backup node id).
   * @param to A safe integer (a target node id).
   */
  set(from: number, to: number): void {
    const key = Math.floor(from / PAGE_SIZE);
    let page = this.#pages.get(key);
    if (page === undefined) {
      page = new Float64Array(PAGE_SIZE).fill(NaN);
      this.#pages.set(key, page);
    }
    const slot = from - key * PAGE_SIZE;
    if (Number.isNaN(page[slot])) this.#size++;
    page[slot] = to;
  }

  /**
   * Looks an id up.
   *
   * @param from The backup node id.
   * @returns The target id, or `undefined` when `from` was never set.
   */
  get(from: number): number | undefined {
    const key = Math.floor(from / PAGE_SIZE);
    const page = this.#pages.get(key);
    if (page === undefined) return undefined;
    const v = page[from - key * PAGE_SIZE];
    return Number.isNaN(v) ? undefined : v;
  }
}
