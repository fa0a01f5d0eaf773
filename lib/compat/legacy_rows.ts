/**
 * The rows of the Python tool's data files to node and relationship records: their fields
 * checked, names refused when no Neo4j holds them, and one warning per property key whose
 * values can only be restored as text.
 *
 * @module
 */

import { FormatError } from "../errors.ts";
import type { NodeRecord, RelationshipRecord } from "../format/records.ts";
import { nameProblem } from "../format/names.ts";
import type { LegacyJson } from "./legacy_json.ts";
import { QUOTED_CHARS, quoteLegacyText } from "./legacy_text.ts";
import { decodeLegacyProperties, type LegacyPropertyIssue } from "./legacy_values.ts";

/** How many property keys get their own warning before the rest are summed up in one. */
const MAX_WARNED_KEYS = 100;

/** A row of a data file: a JSON object. */
export type Row = Record<string, LegacyJson>;

/** Reports a value the legacy layout cannot restore exactly. */
export type IssueReporter = (issue: LegacyPropertyIssue) => void;

/**
 * Warns once per property key and kind, not once per row, quoting at most a line of the value;
 * after {@link MAX_WARNED_KEYS} keys one last warning says that more were not named.
 *
 * @param warn Prints a warning.
 * @returns The reporter to hand to {@link nodeRecord} and {@link relationshipRecord}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { issueReporter } from "./legacy_rows.ts";
 * const warnings: string[] = [];
 * const report = issueReporter((m) => warnings.push(m));
 * report({ key: "k", kind: "bytes", text: "b'x'" });
 * report({ key: "k", kind: "bytes", text: "b'y'" });
 * assert.equal(warnings.length, 1);
 * ```
 */
export function issueReporter(warn: (message: string) => void): IssueReporter {
  const seen = new Set<string>();
  let full = false;
  return ({ key, kind, text }) => {
    if (full || seen.has(`${kind}\0${key}`)) return;
    if (seen.size === MAX_WARNED_KEYS) {
      full = true;
      warn(
        `More than ${MAX_WARNED_KEYS} properties hold values kept as text; ` +
          "the others are restored as text too and not named",
      );
      return;
    }
    seen.add(`${kind}\0${key}`);
    const name = quoteLegacyText(key);
    const length = text.length > QUOTED_CHARS
      ? ` (${text.length.toLocaleString("en-US")} characters)`
      : "";
    warn(
      kind === "bytes"
        ? `Property '${name}' held a byte array the Python tool stored as text; ` +
          "it is restored as that text"
        : `Property '${name}' holds "${quoteLegacyText(text)}"${length}, which is not a value ` +
          "the Python tool writes; it is restored as that text",
    );
  };
}

/**
 * A node record from one row of a `nodes_N.json` file.
 *
 * @param row The row.
 * @param file The file, for errors.
 * @param index The row's index in the file, for errors.
 * @param issues Told of values restored as text.
 * @returns The node.
 * @throws {FormatError} Naming the file and row, when the row is not a node.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { issueReporter, nodeRecord } from "./legacy_rows.ts";
 * const row = { node_id: 7n, node_labels: "Person", node_props: { name: "Ann" } };
 * const node = nodeRecord(row, "nodes_1.json", 0, issueReporter(() => {}));
 * assert.deepEqual(node.labels, ["Person"]);
 * assert.equal(node.id, 7);
 * ```
 */
export function nodeRecord(row: LegacyJson, file: string, index: number, issues: IssueReporter) {
  return rowRecord(file, index, (): NodeRecord => {
    const fields = asRow(row);
    const labels = field(fields, "node_labels", "a string");
    if (typeof labels !== "string") throw new FormatError("'node_labels' is not a string");
    const node: NodeRecord = {
      kind: "node",
      id: id(fields, "node_id"),
      labels: labels === "" ? [] : labels.split(":"),
      props: decodeLegacyProperties(
        map(fields, "node_props"),
        optionalMap(fields, "hash_props"),
        issues,
      ),
    };
    for (const label of node.labels) legacyName(label, "a label in 'node_labels'");
    for (const key in node.props) legacyName(key, "a key in 'node_props'");
    return node;
  });
}

/**
 * A relationship record from one row of a `relationships_N.json` file.
 *
 * @param row The row.
 * @param file The file, for errors.
 * @param index The row's index in the file, for errors.
 * @param issues Told of values restored as text.
 * @returns The relationship.
 * @throws {FormatError} Naming the file and row, when the row is not a relationship.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { issueReporter, relationshipRecord } from "./legacy_rows.ts";
 * const row = { rel_type: "KNOWS", start_node_id: 1n, end_node_id: 2n, rel_props: {} };
 * const rel = relationshipRecord(row, "relationships_1.json", 0, issueReporter(() => {}));
 * assert.equal(rel.type, "KNOWS");
 * ```
 */
export function relationshipRecord(
  row: LegacyJson,
  file: string,
  index: number,
  issues: IssueReporter,
) {
  return rowRecord(file, index, (): RelationshipRecord => {
    const fields = asRow(row);
    const type = field(fields, "rel_type", "a string");
    if (typeof type !== "string" || type === "") {
      throw new FormatError("'rel_type' is not a relationship type");
    }
    legacyName(type, "'rel_type'");
    const rel: RelationshipRecord = {
      kind: "rel",
      type,
      start: id(fields, "start_node_id"),
      end: id(fields, "end_node_id"),
      props: decodeLegacyProperties(
        map(fields, "rel_props"),
        optionalMap(fields, "hash_props"),
        issues,
      ),
    };
    for (const key in rel.props) legacyName(key, "a key in 'rel_props'");
    return rel;
  });
}

/**
 * Refuses a name Neo4j cannot hold (see lib/format/names.ts); the caller adds file and row.
 *
 * @param name A label, type or property key.
 * @param what What it is, for the message.
 * @throws {FormatError} When no Neo4j database holds such a name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { legacyName } from "./legacy_rows.ts";
 * legacyName("Person", "a label");
 * assert.throws(() => legacyName("", "a label"));
 * ```
 */
export function legacyName(name: string, what: string): void {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new FormatError(`${what} ${problem}: no Neo4j database holds such a name`);
  }
}

/** Runs `build` and names the file and row in any format error it throws. */
function rowRecord<T>(file: string, index: number, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    throw new FormatError(`Cannot read row ${index + 1} of '${file}': ${error.message}`, {
      cause: error,
    });
  }
}

/**
 * Whether a JSON value is an object (a row), not an array or a scalar.
 *
 * @param value The value.
 * @returns True for an object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRow } from "./legacy_rows.ts";
 * assert.ok(isRow({ a: 1n }));
 * assert.ok(!isRow([]));
 * ```
 */
export function isRow(value: LegacyJson): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRow(value: LegacyJson): Row {
  if (!isRow(value)) throw new FormatError("expected an object");
  return value;
}

function field(row: Row, key: string, what: string): LegacyJson {
  if (!Object.hasOwn(row, key)) throw new FormatError(`'${key}' is missing, expected ${what}`);
  return row[key];
}

function id(row: Row, key: string): number {
  const value = field(row, key, "an integer");
  if (typeof value !== "bigint" || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FormatError(`'${key}' is not a node id`);
  }
  return Number(value);
}

function map(row: Row, key: string): Row {
  const value = field(row, key, "an object");
  if (!isRow(value)) throw new FormatError(`'${key}' is not an object`);
  return value;
}

function optionalMap(row: Row, key: string): Row {
  return Object.hasOwn(row, key) ? map(row, key) : {};
}
