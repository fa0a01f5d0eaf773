/**
 * The filter flags of `export`, `import` and `convert`: `--labels`, `--exclude-labels`,
 * `--types`, `--exclude-types` and `--exclude-properties`, parsed into a {@link RecordFilter}.
 *
 * Each takes a comma-separated list of names. A name that holds a comma, a dot (in
 * `--exclude-properties`), a backtick or spaces at its ends is written in backticks, as in
 * Cypher, with a doubled backtick for a backtick inside: ``--labels '`A,B`,C'`` is the labels
 * `A,B` and `C`; ``--exclude-properties '`My.Label`.key'`` is the key `key` on the label
 * `My.Label`. Spaces around unquoted names are ignored.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import {
  type FilterSummary,
  leftOutSentence,
  type PropertyExclusion,
  type RecordFilter,
} from "../pipeline/filter.ts";
import { helpHint, type OptionTable, type ParsedFlags } from "./flags.ts";

/** The filter options, to spread into a command's option table. */
export const FILTER_OPTIONS: OptionTable = {
  labels: { type: "string" },
  "exclude-labels": { type: "string" },
  types: { type: "string" },
  "exclude-types": { type: "string" },
  "exclude-properties": { type: "string" },
};

/**
 * Reads the filter flags of a command.
 *
 * @param command The command name, for the help hint in errors, e.g. `"export"`.
 * @param values The parsed values of `parseFlags`.
 * @returns The filter, or `undefined` when no filter flag was given.
 * @throws {UsageError} For an empty list, an empty name, an unterminated or misplaced backtick,
 *   or (in `--exclude-properties`) more than one unquoted dot.
 *
 * @example Back up two labels without their embeddings
 * ```ts
 * import assert from "node:assert/strict";
 * import { FILTER_OPTIONS, filterFlags } from "./filter_flags.ts";
 * import { parseFlags } from "./flags.ts";
 * const args = ["--labels", "Person, `Movie, old`", "--exclude-properties", "embedding,`My.Label`.key"];
 * const { values } = parseFlags("export", args, FILTER_OPTIONS);
 * assert.deepEqual(filterFlags("export", values), {
 *   labels: ["Person", "Movie, old"],
 *   excludeProperties: ["embedding", { owner: "My.Label", key: "key" }],
 * });
 * assert.equal(filterFlags("export", {}), undefined);
 * ```
 */
export function filterFlags(
  command: string,
  values: ParsedFlags["values"],
): RecordFilter | undefined {
  const filter: RecordFilter = {};
  const names = (flag: string) => {
    const value = values[flag];
    return value === undefined ? undefined : nameList(command, flag, String(value), false);
  };
  const labels = names("labels");
  const excludeLabels = names("exclude-labels");
  const types = names("types");
  const excludeTypes = names("exclude-types");
  if (labels) filter.labels = labels.map((path) => path[0]);
  if (excludeLabels) filter.excludeLabels = excludeLabels.map((path) => path[0]);
  if (types) filter.types = types.map((path) => path[0]);
  if (excludeTypes) filter.excludeTypes = excludeTypes.map((path) => path[0]);
  const properties = values["exclude-properties"];
  if (properties !== undefined) {
    filter.excludeProperties = nameList(command, "exclude-properties", String(properties), true)
      .map((path): PropertyExclusion =>
        path.length === 1 ? path[0] : { owner: path[0], key: path[1] }
      );
  }
  return Object.keys(filter).length === 0 ? undefined : filter;
}

const QUOTING = "write a name with commas, dots or backticks in backticks, " +
  "a backtick inside as two: --labels '`A,B`,C'";

/**
 * Splits a flag's value into names, each a path of one name, or (with `dotted`) of one or two
 * names separated by an unquoted dot.
 */
function nameList(command: string, flag: string, text: string, dotted: boolean): string[][] {
  const fail = (what: string) =>
    new UsageError(`Invalid value '${text}' for '--${flag}': ${what}; ${helpHint(command)}`);
  if (text.trim() === "") {
    throw new UsageError(
      `Option '--${flag}' needs at least one name, e.g. --${flag} ${
        dotted ? "embedding,Person.email" : "Person,Movie"
      }; ${QUOTING}`,
    );
  }
  const items: string[][] = [];
  let path: string[] = [];
  let i = 0;
  let itemStart = 0;
  for (;;) {
    const name = readName(text, i, dotted, fail);
    if (name.value === "") throw fail(`name ${items.length + 1} is empty; ${QUOTING}`);
    path.push(name.value);
    i = name.end;
    const separator = text[i];
    if (separator === "." && dotted) {
      if (path.length === 2) {
        const item = text.slice(itemStart, text.indexOf(",", i) + 1 || text.length);
        throw fail(`'${item.replace(/,$/, "").trim()}' has a second dot: ${QUOTING}`);
      }
      i++;
      continue;
    }
    items.push(path);
    path = [];
    if (separator === undefined) return items;
    itemStart = ++i; // after the comma
  }
}

/** One name from `at`: quoted, or up to the next comma (or dot, when `dotted`). */
function readName(
  text: string,
  at: number,
  dotted: boolean,
  fail: (what: string) => UsageError,
): { value: string; start: number; end: number } {
  let i = at;
  while (text[i] === " ") i++;
  const start = i;
  if (text[i] === "`") {
    let value = "";
    for (i++;; i++) {
      if (i >= text.length) throw fail(`the backtick at ${start + 1} is not closed; ${QUOTING}`);
      if (text[i] !== "`") value += text[i];
      else if (text[i + 1] === "`") value += text[i++];
      else break;
    }
    i++;
    while (text[i] === " ") i++;
    if (i < text.length && text[i] !== "," && !(dotted && text[i] === ".")) {
      throw fail(`unexpected '${text[i]}' after the quoted name at ${start + 1}; ${QUOTING}`);
    }
    return { value, start, end: i };
  }
  while (i < text.length && text[i] !== "," && !(dotted && text[i] === ".")) {
    if (text[i] === "`") throw fail(`a backtick inside an unquoted name; ${QUOTING}`);
    i++;
  }
  return { value: text.slice(start, i).trim(), start, end: i };
}

/**
 * The summary line of a filtered run: what the filter left out.
 *
 * @param summary What the filter left out.
 * @returns `Left out by the filter: ...`, or `Left out by the filter: nothing`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leftOutLine } from "./filter_flags.ts";
 * assert.equal(
 *   leftOutLine({ nodes: 2, relationships: 0, properties: 5, schema: [] }),
 *   "Left out by the filter: 2 nodes, 0 relationships, 5 property values",
 * );
 * assert.equal(
 *   leftOutLine({ nodes: 0, relationships: 0, properties: 0, schema: [] }),
 *   "Left out by the filter: nothing",
 * );
 * ```
 */
export function leftOutLine(summary: FilterSummary): string {
  return leftOutSentence(summary) || "Left out by the filter: nothing";
}

/**
 * The filter flags' lines of a command's help, to put among its options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FILTER_HELP } from "./filter_flags.ts";
 * assert.match(FILTER_HELP, /--exclude-properties/);
 * ```
 */
export const FILTER_HELP =
  `Filters (comma lists; quote a name with commas, dots or backticks in backticks, as in
Cypher: --labels '\`A,B\`,C'; see docs/CLI.md):
      --labels L,...       keep only nodes with at least one of these labels
      --exclude-labels L,...
                           leave out nodes with any of these labels
      --types T,...        keep only relationships of these types
      --exclude-types T,...
                           leave out relationships of these types
      --exclude-properties KEY|Label.KEY|TYPE.KEY,...
                           leave out property keys: everywhere, or on one label or type
  Relationships are kept only between kept nodes; schema on left-out names is dropped.`;
