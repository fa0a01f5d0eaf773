/**
 * The names a backup may hold: labels, relationship types, property keys and schema names.
 * Neo4j refuses an empty name, and a name that reaches a backup through Bolt is UTF-8, so it
 * never holds a lone surrogate (half of a UTF-16 pair, which UTF-8 cannot encode). A backup that
 * holds either was not written by an export: readers refuse it, as they refuse duplicate node
 * ids, rather than let each writer guess what to do with a name no database can hold.
 *
 * @module
 */

import { FormatError } from "../errors.ts";

// `String.prototype.isWellFormed` is ES2024; the npm build compiles for ES2023.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether a text holds a lone surrogate, which UTF-8 cannot encode (it becomes U+FFFD).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasLoneSurrogate } from "./names.ts";
 * assert.equal(hasLoneSurrogate("🙂"), false);
 * assert.equal(hasLoneSurrogate("\ud83d"), true);
 * ```
 */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** Names seen to be good; bounded, since a crafted backup may hold millions of distinct keys. */
const good = new Set<string>();
const GOOD_MAX = 65_536;

/**
 * Why a name cannot be one Neo4j holds, or `undefined` when it can.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nameProblem } from "./names.ts";
 * assert.equal(nameProblem("Person"), undefined);
 * assert.equal(nameProblem(""), "is empty");
 * assert.equal(nameProblem("a\ud800"), "holds a lone surrogate (U+D800)");
 * ```
 */
export function nameProblem(name: string): string | undefined {
  if (good.has(name)) return undefined;
  if (name === "") return "is empty";
  const lone = LONE_SURROGATE.exec(name);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return `holds a lone surrogate (U+${code})`;
  }
  if (good.size >= GOOD_MAX) good.clear();
  good.add(name);
  return undefined;
}

/**
 * Throws a {@link FormatError} naming the line when a name cannot be one Neo4j holds.
 *
 * @param name The name.
 * @param what What it names, for the message (`"a label"`, `"property key 3"`).
 * @param line The line of the backup (1-based).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkName } from "./names.ts";
 * import { FormatError } from "../errors.ts";
 * checkName("KNOWS", "the relationship type", 7);
 * assert.throws(() => checkName("", "the relationship type", 7), FormatError);
 * ```
 */
export function checkName(name: string, what: string, line: number): void {
  const problem = nameProblem(name);
  if (problem === undefined) return;
  throw new FormatError(
    `Cannot read line ${line}: ${what} ${problem}: no Neo4j database holds such a name, so ` +
      "no export wrote this backup; it was made or changed by hand",
    { line },
  );
}

/**
 * Checks each name of a list (labels, or an index's labels and properties).
 *
 * @param names The names.
 * @param what What the list holds, for the message (`"labels"`).
 * @param line The line of the backup (1-based).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkNames } from "./names.ts";
 * checkNames(["Person", "Actor"], "labels", 2);
 * assert.throws(() => checkNames(["Person", ""], "labels", 2), /a name in 'labels' is empty/);
 * ```
 */
export function checkNames(names: readonly string[], what: string, line: number): void {
  for (const name of names) checkName(name, `a name in '${what}'`, line);
}

/**
 * Checks the keys of a property map.
 *
 * @param props The properties (only their keys are read).
 * @param what Where they are, for the message (`"props"`).
 * @param line The line of the backup (1-based).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkKeys } from "./names.ts";
 * checkKeys({ name: "Ann" }, "props", 2);
 * assert.throws(() => checkKeys({ "": 1 }, "props", 2), /a key in 'props' is empty/);
 * ```
 */
export function checkKeys(props: object, what: string, line: number): void {
  for (const key in props) checkName(key, `a key in '${what}'`, line);
}
