/**
 * What a conversion could not carry exactly into its target format: each kind of loss once, with
 * how often it happened, an example of where, and how the value was written instead. Every
 * converter fills one, and `convert` prints it on stderr and writes it beside the output.
 *
 * @module
 */

import { clipText, commentText } from "./comment_text.ts";

/** One kind of loss: e.g. "byte arrays have no Cypher literal" on `Person.photo`. */
export interface LossEntry {
  /** Where: `Label.key`, `TYPE.key`, a schema item's name, or `*` for the whole backup. */
  where: string;
  /** What was lost, e.g. `"ByteArray"`, `"empty list"`, `"index"`, `"NUL character"`. */
  what: string;
  /** What the converter did instead, e.g. `"left out"`, `"written as JSON text"`. */
  action: string;
  /** How many values, entities or items it touched. */
  count: number;
}

/**
 * The loss of a UTF-8 writer (admin-csv, Parquet) given text with a lone surrogate: what is lost
 * and what is written instead, as {@link LossReport.add} takes them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LONE_SURROGATE_LOSS, LossReport } from "./loss_report.ts";
 * const loss = new LossReport();
 * loss.add("Person.name", ...LONE_SURROGATE_LOSS);
 * assert.equal(loss.entries()[0].action, "written with U+FFFD in its place");
 * ```
 */
export const LONE_SURROGATE_LOSS: readonly [what: string, action: string] = [
  "text with a lone surrogate (UTF-8 cannot encode one)",
  "written with U+FFFD in its place",
];

/** The most kinds of loss a report lists; later kinds are counted in one last entry. */
export const MAX_LOSS_ENTRIES = 10_000;

/**
 * Collects losses, merging repeats of the same (where, what, action) into one counted entry, so
 * that its size depends on the backup's shape, never on its number of records. Its size is
 * bounded even for a hostile backup: each field is clipped to its first 1000 characters, and
 * past {@link MAX_LOSS_ENTRIES} kinds the rest are counted together.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LossReport } from "./loss_report.ts";
 * const loss = new LossReport();
 * loss.add("Person.photo", "ByteArray", "left out");
 * loss.add("Person.photo", "ByteArray", "left out");
 * assert.deepEqual(loss.entries(), [
 *   { where: "Person.photo", what: "ByteArray", action: "left out", count: 2 },
 * ]);
 * assert.equal(loss.lines()[0], "Person.photo: ByteArray: left out (2)");
 * ```
 */
export class LossReport {
  #entries = new Map<string, LossEntry>();

  /**
   * Records a loss.
   *
   * @param where `Label.key`, `TYPE.key`, a schema item, or `*`.
   * @param what What could not be carried.
   * @param action What was done instead.
   * @param count How many (default 1).
   */
  add(where: string, what: string, action: string, count = 1): void {
    [where, what, action] = [clipText(where), clipText(what), clipText(action)];
    let key = JSON.stringify([where, what, action]);
    if (!this.#entries.has(key) && this.#entries.size >= MAX_LOSS_ENTRIES) {
      [where, what, action] = [
        "*",
        "other losses",
        `not listed (the report lists ${MAX_LOSS_ENTRIES} kinds)`,
      ];
      key = "";
    }
    const entry = this.#entries.get(key);
    if (entry) entry.count += count;
    else this.#entries.set(key, { where, what, action, count });
  }

  /** Whether nothing was lost. */
  get empty(): boolean {
    return this.#entries.size === 0;
  }

  /**
   * The entries, in the order they were first seen.
   *
   * @returns Copies of the entries.
   */
  entries(): LossEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e }));
  }

  /**
   * One line per entry: `where: what: action (count)`, with control characters, line breaks and
   * backslashes escaped ({@link commentText}): a line is safe in a comment of any output and on
   * a terminal, whatever the names in it hold.
   *
   * @returns The lines, without newlines.
   */
  lines(): string[] {
    return this.entries().map((e) =>
      commentText(`${e.where}: ${e.what}: ${e.action} (${e.count})`)
    );
  }
}

/**
 * The text of a loss report file (`loss-report.txt`, or the body of a GraphML comment): a title
 * line, then one line per entry, or a line saying nothing was lost.
 *
 * @param loss The report.
 * @param format The target format's name, e.g. `"admin-csv"`.
 * @returns The text, ending with a newline.
 *
 * @example A report without losses
 * ```ts
 * import assert from "node:assert/strict";
 * import { LossReport, lossReportText } from "./loss_report.ts";
 * assert.equal(
 *   lossReportText(new LossReport(), "graphml"),
 *   "Loss report of the conversion to graphml\nNothing was lost.\n",
 * );
 * ```
 */
export function lossReportText(loss: LossReport, format: string): string {
  const lines = loss.empty ? ["Nothing was lost."] : loss.lines();
  return `${[`Loss report of the conversion to ${format}`, ...lines].join("\n")}\n`;
}
