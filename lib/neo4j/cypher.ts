/**
 * Identifier escaping, Cypher literal building and property type checking. Every label,
 * relationship type, property key, schema name, option and property type that goes into a
 * statement passes through here.
 *
 * @module
 */

import { RefusedError } from "../errors.ts";

/**
 * The longest name {@link quote} and the longest string {@link literal} write, in UTF-16 code
 * units (80 Mi). Escaped, text grows at most six times (`\u0007` for a control character), and
 * longer text could outgrow the longest string JavaScript holds (about 512 Mi code units): it is
 * refused instead, before any memory is spent on it.
 */
export const MAX_TEXT_CHARS: number = 80 * 1024 * 1024;

/**
 * Quotes a name as a Cypher identifier, so that any label, type, key or schema name is safe:
 * spaces, backticks, colons, dots, reserved words, leading digits, backslashes, line breaks,
 * control characters, any script.
 *
 * Inside backticks Neo4j (4.4, 5.x and 2025+ alike) doubles backticks, and before it parses a
 * statement it reads `\u` with four hex digits anywhere in it as the character they name (so a
 * raw `\u0060` would end the identifier): every backslash is written as `\u005C`, which the
 * parser turns back into one backslash and does not read again. Every control character (C0,
 * DEL and C1, NEL among them) and the line and paragraph separators are written as `\u` escapes
 * too, which Neo4j turns back into the exact character: a quoted name never breaks a line, so a
 * statement stays one line of a script whatever the names hold.
 *
 * @param name The raw name.
 * @returns The name between backticks: inner backticks doubled, backslashes, control characters
 *   and line breaks as `\u` escapes.
 * @throws {RefusedError} When the name is longer than {@link MAX_TEXT_CHARS}.
 *
 * @example Quote a label with a backtick, one that tries to end the quotes, and a line break
 * ```ts
 * import assert from "node:assert/strict";
 * import { quote } from "./cypher.ts";
 * assert.equal(quote("My `odd` label"), "`My ``odd`` label`");
 * assert.equal(quote("x\\u0060 //"), "`x\\u005Cu0060 //`");
 * assert.equal(quote("x\nMATCH (n) DETACH DELETE n"), "`x\\u000AMATCH (n) DETACH DELETE n`");
 * ```
 */
export function quote(name: string): string {
  refuseLong(name, "name");
  return "`" + name.replace(NAME_ESCAPES, escapeNameChar) + "`";
}

/** What {@link quote} escapes: backticks, backslashes, control characters and line breaks. */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const NAME_ESCAPES = /[`\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeNameChar(c: string): string {
  return c === "`" ? "``" : unicodeEscape(c);
}

function refuseLong(text: string, what: string): void {
  if (text.length <= MAX_TEXT_CHARS) return;
  throw new RefusedError(
    `Cannot write a ${what} of ${text.length} characters into a Cypher statement: the most it may have is ${MAX_TEXT_CHARS}`,
  );
}

/** `\u` and the four upper-case hex digits of a UTF-16 code unit. */
function unicodeEscape(c: string): string {
  return "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
}

/**
 * A schema name as Neo4j keeps it: Neo4j trims what Java's `String.trim()` trims (every
 * character up to U+0020) off both ends of an index or constraint name, even between backticks.
 *
 * @param name The name in the backup.
 * @returns The name the server will hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaNameKept } from "./cypher.ts";
 * assert.equal(schemaNameKept("\u0007 by_name\t"), "by_name");
 * assert.equal(schemaNameKept("by name"), "by name");
 * ```
 */
export function schemaNameKept(name: string): string {
  let start = 0, end = name.length;
  while (start < end && name.charCodeAt(start) <= 0x20) start++;
  while (end > start && name.charCodeAt(end - 1) <= 0x20) end--;
  return name.slice(start, end);
}

/**
 * The label part of a node pattern: `:A:B` for `["A", "B"]`, empty for no labels.
 *
 * @param labels The labels.
 * @returns The quoted labels, each prefixed with a colon.
 *
 * @example Write the labels of a node pattern
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
 * or exponent), bigints are integers; map keys are quoted. Strings escape the backslash and the
 * quote, and write every control character and line break as a `\u` escape: no literal ever
 * holds a raw line break. Used for index `OPTIONS`, which some Neo4j versions do not accept as
 * parameters, and for the values of `convert --to cypher`.
 *
 * @param value The value.
 * @returns Cypher source text for the value.
 * @throws {RefusedError} When a string is longer than {@link MAX_TEXT_CHARS}.
 *
 * @example Write index options
 * ```ts
 * import assert from "node:assert/strict";
 * import { literal } from "./cypher.ts";
 * assert.equal(literal({ "vector.dimensions": 3n, "vector.similarity_function": "cosine" }), "{`vector.dimensions`: 3, `vector.similarity_function`: 'cosine'}");
 * assert.equal(literal([1, -0.5, -0]), "[1.0, -0.5, -0.0]");
 * assert.equal(literal("it's\\\n"), "'it\\'s\\\\\\u000A'");
 * ```
 */
export function literal(value: LiteralValue): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      refuseLong(value, "string");
      return "'" + value.replace(STRING_ESCAPES, escapeChar) + "'";
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

/**
 * What a string literal escapes: the backslash and the quote, and every control or line-breaking
 * character (C0, DEL, C1 with NEL, the line and paragraph separators), so that a statement
 * holding any string stays on one line of a script.
 */
// deno-lint-ignore no-control-regex
const STRING_ESCAPES = /[\\'\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeChar(c: string): string {
  return c === "\\" || c === "'" ? "\\" + c : unicodeEscape(c);
}

function floatLiteral(v: number): string {
  if (Number.isNaN(v)) return "0.0/0.0";
  if (Object.is(v, -0)) return "-0.0";
  if (v === Infinity) return "1.0/0.0";
  if (v === -Infinity) return "-1.0/0.0";
  const s = String(v);
  return /[.eE]/.test(s) ? s : s + ".0";
}

/** The property value types of Cypher 5 and 25, each as the words that spell it. */
const VALUE_TYPES = [
  "BOOLEAN",
  "BOOL",
  "STRING",
  "VARCHAR",
  "INTEGER",
  "INT",
  "SIGNED INTEGER",
  "FLOAT",
  "DATE",
  "LOCAL TIME",
  "TIME WITHOUT TIME ZONE",
  "ZONED TIME",
  "TIME WITH TIME ZONE",
  "LOCAL DATETIME",
  "TIMESTAMP WITHOUT TIME ZONE",
  "ZONED DATETIME",
  "TIMESTAMP WITH TIME ZONE",
  "DURATION",
  "POINT",
].map((t) => t.split(" "));

/** The coordinate types of a `VECTOR` (Cypher 25). */
const COORDINATE_TYPES = [
  "FLOAT",
  "FLOAT64",
  "FLOAT32",
  "INTEGER",
  "INT",
  "INT64",
  "INTEGER64",
  "SIGNED INTEGER",
  "INTEGER32",
  "INT32",
  "INTEGER16",
  "INT16",
  "INTEGER8",
  "INT8",
].map((t) => t.split(" "));

/**
 * Checks a property type (of a property type constraint) against the Cypher type grammar and
 * writes it back from its tokens: value types (`STRING`, `ZONED DATETIME`, ...), `LIST<...>`,
 * `ANY<...>`, unions with `|`, `NOT NULL`, and Cypher 25's `VECTOR<FLOAT32>(3)` or
 * `VECTOR(3, FLOAT32)`. The result holds nothing but those keywords, punctuation and digits,
 * so it can go into a statement as it is.
 *
 * @param text The property type as the backup holds it.
 * @returns The type in canonical spelling, or `undefined` when it is not a Cypher property type.
 *
 * @example Accept a list type, refuse a statement in disguise
 * ```ts
 * import assert from "node:assert/strict";
 * import { propertyType } from "./cypher.ts";
 * assert.equal(propertyType("list< string  not null >"), "LIST<STRING NOT NULL>");
 * assert.equal(propertyType("INTEGER | FLOAT"), "INTEGER | FLOAT");
 * assert.equal(propertyType("INTEGER\nMATCH (n) DETACH DELETE n"), undefined);
 * ```
 */
export function propertyType(text: string): string | undefined {
  const tokens = text.toUpperCase().match(/[A-Z][A-Z0-9_]*|\d+|[<>|(),]|\S/g) ?? [];
  const parser = new TypeParser(tokens);
  const type = parser.union();
  return type !== undefined && parser.done ? type : undefined;
}

/** A recursive-descent reader of the type grammar over a token list. */
class TypeParser {
  #tokens: string[];
  #at = 0;

  constructor(tokens: string[]) {
    this.#tokens = tokens;
  }

  get done(): boolean {
    return this.#at === this.#tokens.length;
  }

  union(): string | undefined {
    const parts: string[] = [];
    do {
      const part = this.#part();
      if (part === undefined) return undefined;
      parts.push(part);
    } while (this.#eat("|"));
    return parts.join(" | ");
  }

  #part(): string | undefined {
    const base = this.#base();
    if (base === undefined) return undefined;
    if (!this.#eat("NOT")) return base;
    return this.#eat("NULL") ? `${base} NOT NULL` : undefined;
  }

  #base(): string | undefined {
    for (const head of ["LIST", "ARRAY", "ANY"]) {
      if (!this.#eat(head)) continue;
      if (!this.#eat("<")) return undefined;
      const inner = this.union();
      return inner !== undefined && this.#eat(">") ? `${head}<${inner}>` : undefined;
    }
    if (this.#eat("VECTOR")) return this.#vector();
    return this.#words(VALUE_TYPES);
  }

  #vector(): string | undefined {
    if (this.#eat("<")) {
      const coordinate = this.#words(COORDINATE_TYPES);
      if (coordinate === undefined || !this.#eat(">") || !this.#eat("(")) return undefined;
      const dimension = this.#number();
      return dimension && this.#eat(")") ? `VECTOR<${coordinate}>(${dimension})` : undefined;
    }
    if (!this.#eat("(")) return undefined;
    const dimension = this.#number();
    if (dimension === undefined || !this.#eat(",")) return undefined;
    const coordinate = this.#words(COORDINATE_TYPES);
    return coordinate && this.#eat(")") ? `VECTOR(${dimension}, ${coordinate})` : undefined;
  }

  /** The longest of `names` that the next tokens spell. */
  #words(names: string[][]): string | undefined {
    let best: string[] | undefined;
    for (const name of names) {
      const fits = name.every((word, i) => this.#tokens[this.#at + i] === word);
      if (fits && name.length > (best?.length ?? 0)) best = name;
    }
    if (best === undefined) return undefined;
    this.#at += best.length;
    return best.join(" ");
  }

  #number(): string | undefined {
    const token = this.#tokens[this.#at];
    if (token === undefined || !/^\d{1,9}$/.test(token)) return undefined;
    this.#at++;
    return String(Number(token));
  }

  #eat(token: string): boolean {
    if (this.#tokens[this.#at] !== token) return false;
    this.#at++;
    return true;
  }
}
