/**
 * Identifier escaping and Cypher literal building. Every label, relationship type, property key
 * and schema name that goes into a statement passes through here.
 *
 * @module
 */

/**
 * Quotes a name as a Cypher identifier, so that any label, type, key or schema name is safe:
 * spaces, backticks, colons, dots, reserved words, leading digits, any script.
 *
 * @param name The raw name.
 * @returns The name between backticks, inner backticks doubled.
 *
 * @example Quote a label with a backtick in it
 * ```ts
 * import assert from "node:assert/strict";
 * import { quote } from "./cypher.ts";
 * assert.equal(quote("My `odd` label"), "`My ``odd`` label`");
 * ```
 */
export function quote(name: string): string {
  return "`" + name.replaceAll("`", "``") + "`";
}

/**
 * The label part of a node pattern: `:A:B` for `["A", "B"]`, empty for no labels.
 *
 * @param labels The labels.
 * @returns The quoted labels, each prefixed with a colon.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelPattern } from "./cypher.ts";
 * assert.equal(labelPattern(["Person", "Movie Star"]), ":`Person`:`Movie Star`");
 * ```
 */
export function labelPattern(labels: readonly string[]): string {
  let out = "";
  for (const l of labels) out += ":" + quote(l);
  return out;
}

/** A value that {@link literal} can write: what index options hold. */
export type LiteralValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly LiteralValue[]
  | { readonly [key: string]: LiteralValue };

/**
 * Writes a value as a Cypher literal. Numbers are floats (always written with a decimal point
 * or exponent), bigints are integers; map keys are quoted. Used for index `OPTIONS`, which some
 * Neo4j versions do not accept as parameters.
 *
 * @param value The value.
 * @returns Cypher source text for the value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { literal } from "./cypher.ts";
 * assert.equal(literal({ "vector.dimensions": 3n, "vector.similarity_function": "cosine" }), "{`vector.dimensions`: 3, `vector.similarity_function`: 'cosine'}");
 * assert.equal(literal([1, -0.5]), "[1.0, -0.5]");
 * ```
 */
export function literal(value: LiteralValue): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return "'" + value.replaceAll("\\", "\\\\").replaceAll("'", "\\'") + "'";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return floatLiteral(value);
  }
  if (Array.isArray(value)) return "[" + value.map(literal).join(", ") + "]";
  const entries = Object.entries(value as Record<string, LiteralValue>);
  return "{" + entries.map(([k, v]) => `${quote(k)}: ${literal(v)}`).join(", ") + "}";
}

function floatLiteral(v: number): string {
  if (Number.isNaN(v)) return "0.0/0.0";
  if (v === Infinity) return "1.0/0.0";
  if (v === -Infinity) return "-1.0/0.0";
  const s = String(v);
  return /[.eE]/.test(s) ? s : s + ".0";
}
