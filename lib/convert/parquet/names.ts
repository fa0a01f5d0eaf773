/**
 * Names in a Parquet folder: the table name of each label set and relationship type (also its
 * file name), safe as a file name on every system and as an identifier in SQL and Cypher without
 * quoting, and the column names of properties, which never collide with each other or with the
 * fixed columns.
 *
 * @module
 */

import type { ParquetKind } from "./kinds.ts";

const MAX_NAME = 80;

/**
 * Gives each label set and relationship type a table name: its labels (or type) joined by `_`,
 * every character but ASCII letters, digits and `_` replaced by `_`, at most 80 characters, a
 * letter first, and a number added when the name is taken, compared without case (file systems
 * and some databases do not tell `Person` from `PERSON`).
 *
 * @example Name label sets and types
 * ```ts
 * import assert from "node:assert/strict";
 * import { TableNames } from "./names.ts";
 * const names = new TableNames();
 * assert.equal(names.take(["Person", "Actor"], "n"), "Person_Actor");
 * assert.equal(names.take(["日本語"], "n"), "n____");
 * assert.equal(names.take([], "n"), "n_no_labels");
 * assert.equal(names.take(["PERSON_ACTOR"], "r"), "PERSON_ACTOR_2");
 * ```
 */
export class TableNames {
  #taken = new Set<string>();

  /**
   * A new table name.
   *
   * @param parts The labels of a label set, or a relationship type alone.
   * @param prefix `n` for nodes, `r` for relationships: starts a name that would not start with
   *   a letter, and names the label set without labels.
   * @returns A name not given before.
   */
  take(parts: readonly string[], prefix: "n" | "r"): string {
    let base = parts.length === 0 ? "no_labels" : parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
    base = base.slice(0, MAX_NAME);
    if (parts.length === 0 || !/^[A-Za-z]/.test(base)) base = `${prefix}_${base}`;
    let name = base;
    for (let n = 2; this.#taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    this.#taken.add(name.toLowerCase());
    return name;
  }
}

/**
 * Gives the columns of one file their names: a property's first kind gets the key itself,
 * other kinds of the same key `key__kind` (`age__string`), a zone column `name__zone`; a name
 * that is taken (by a fixed column such as `id`, or by another property) gets `__kind`, then a
 * number.
 *
 * @example Name the columns of a file with an `id` property that also holds strings
 * ```ts
 * import assert from "node:assert/strict";
 * import { ColumnNames } from "./names.ts";
 * const names = new ColumnNames(["id"]);
 * assert.equal(names.property("age", "integer", true), "age");
 * assert.equal(names.property("age", "string", false), "age__string");
 * assert.equal(names.property("id", "integer", true), "id__integer");
 * assert.equal(names.zone("at"), "at__zone");
 * ```
 */
export class ColumnNames {
  #taken = new Set<string>();

  /**
   * @param fixed The fixed columns of the file (`id`, `start`, `end`).
   */
  constructor(fixed: readonly string[]) {
    for (const name of fixed) this.#taken.add(name);
  }

  /**
   * The name of a property column.
   *
   * @param key The property key.
   * @param kind The column's kind.
   * @param first Whether it is the key's first column in the file.
   * @returns A name not given before.
   */
  property(key: string, kind: ParquetKind, first: boolean): string {
    if (first && !this.#taken.has(key)) return this.#take(key);
    return this.#unique(`${key}__${kind}`);
  }

  /**
   * The name of the zone column beside a Time or DateTime column.
   *
   * @param column The name of the value column.
   * @returns A name not given before.
   */
  zone(column: string): string {
    return this.#unique(`${column}__zone`);
  }

  #unique(base: string): string {
    let name = base;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}__${n}`;
    return this.#take(name);
  }

  #take(name: string): string {
    this.#taken.add(name);
    return name;
  }
}
