/**
 * The JSON dialect of the Python `neo4j-backup` 1.0.0 layout, parsed in one linear pass: bare
 * `NaN`, `Infinity` and `-Infinity` (what Python's `json.dumps` writes for those floats),
 * integers of any size as `bigint`, and floats (`1.0`) as `number`, with a bound on nesting.
 *
 * @module
 */

/** A JSON value as {@link parseLegacyJson} returns it: integers are `bigint`, floats `number`. */
export type LegacyJson =
  | null
  | boolean
  | bigint
  | number
  | string
  | LegacyJson[]
  | { [key: string]: LegacyJson };

/**
 * How deep lists and maps may nest in one value. A row of the Python tool nests three deep
 * (row, properties, list); the bound leaves room for rows that a reader refuses with a precise
 * message, and keeps a recursive parser far from the stack limit.
 */
export const MAX_LEGACY_DEPTH = 16;

/** Options of {@link parseLegacyJson}. */
export interface LegacyJsonOptions {
  /** How deep lists and maps may nest; {@link MAX_LEGACY_DEPTH} by default. */
  maxDepth?: number;
}

/**
 * Why {@link parseLegacyJson} refused a text: `reason` says what was wrong, `position` where
 * (0-based, in UTF-16 units), and `kind` whether the text is not JSON (`syntax`) or nests
 * deeper than allowed (`depth`).
 *
 * @example Read the position of a syntax error
 * ```ts
 * import assert from "node:assert/strict";
 * import { LegacyJsonError, parseLegacyJson } from "./legacy_json.ts";
 * try {
 *   parseLegacyJson("[1, nan]");
 *   assert.fail("nan is not Python's NaN");
 * } catch (error) {
 *   assert.ok(error instanceof LegacyJsonError);
 *   assert.equal(error.position, 4);
 *   assert.equal(error.message, "unexpected 'nan' at character 5");
 * }
 * ```
 */
export class LegacyJsonError extends SyntaxError {
  /** What was wrong, without the position. */
  readonly reason: string;
  /** The 0-based index in the text where the problem was found. */
  readonly position: number;
  /** `syntax`: not JSON; `depth`: lists and maps nest deeper than allowed. */
  readonly kind: "syntax" | "depth";

  /**
   * Creates the error.
   *
   * @param reason What was wrong.
   * @param position The 0-based index in the text.
   * @param kind `syntax` or `depth`.
   */
  constructor(reason: string, position: number, kind: "syntax" | "depth" = "syntax") {
    super(`${reason} at character ${position + 1}`);
    this.reason = reason;
    this.position = position;
    this.kind = kind;
  }

  /** `"LegacyJsonError"`. */
  override get name(): string {
    return "LegacyJsonError";
  }
}

/**
 * Parses a data or metadata file of the Python tool, or one element of it. Python's
 * `json.dumps` writes bare `NaN`, `Infinity` and `-Infinity`, which `JSON.parse` rejects, and
 * the text tells an integer (`1`) from a float (`1.0`), which `JSON.parse` does not; this parser
 * reads both, looking at each character once.
 *
 * @param text The text.
 * @param options How deep lists and maps may nest.
 * @returns The value, with every JSON integer as a `bigint` and every float as a `number`.
 * @throws {LegacyJsonError} When the text is not JSON (Python's tokens allowed) or nests
 *   deeper than allowed; it is a `SyntaxError`.
 *
 * @example Read integers, floats and NaN the way Python wrote them
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLegacyJson } from "./legacy_json.ts";
 * const value = parseLegacyJson('[1, 1.0, NaN, "NaN", 9007199254740993]');
 * assert.deepStrictEqual(value, [1n, 1, NaN, "NaN", 9007199254740993n]);
 * ```
 */
export function parseLegacyJson(text: string, options: LegacyJsonOptions = {}): LegacyJson {
  const parser = new Parser(text, options.maxDepth ?? MAX_LEGACY_DEPTH);
  return parser.parse();
}

/** The JSON punctuation both scanners of a Python file read (character codes). */
export const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
/** Brackets, as character codes. */
export const OPEN_LIST = 0x5b, CLOSE_LIST = 0x5d, OPEN_MAP = 0x7b, CLOSE_MAP = 0x7d;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const FLOAT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERALS = new Map<string, LegacyJson>([
  ["true", true],
  ["false", false],
  ["null", null],
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
]);
/** The character each one-letter escape stands for: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`. */
const ESCAPES = new Map<number, number>([
  [0x22, 0x22],
  [0x5c, 0x5c],
  [0x2f, 0x2f],
  [0x62, 0x08],
  [0x66, 0x0c],
  [0x6e, 0x0a],
  [0x72, 0x0d],
  [0x74, 0x09],
]);
/** How many characters of an escaped string become one piece. */
const PIECE = 8192;
/** How much of an unexpected token a message quotes. */
const QUOTED = 40;

/** A recursive-descent parser whose recursion the depth bound keeps shallow. */
class Parser {
  #text: string;
  #maxDepth: number;
  #at = 0;

  constructor(text: string, maxDepth: number) {
    this.#text = text;
    this.#maxDepth = maxDepth;
  }

  parse(): LegacyJson {
    const value = this.#value(0);
    this.#space();
    if (this.#at < this.#text.length) this.#fail("unexpected text after the value");
    return value;
  }

  #value(depth: number): LegacyJson {
    this.#space();
    const code = this.#text.charCodeAt(this.#at);
    if (code === QUOTE) return this.#string();
    if (code === OPEN_LIST) return this.#list(depth + 1);
    if (code === OPEN_MAP) return this.#map(depth + 1);
    if (this.#at >= this.#text.length) this.#fail("the text ends where a value was expected");
    return this.#token();
  }

  #list(depth: number): LegacyJson[] {
    this.#enter(depth);
    const items: LegacyJson[] = [];
    this.#space();
    if (this.#text.charCodeAt(this.#at) === CLOSE_LIST) {
      this.#at++;
      return items;
    }
    for (;;) {
      items.push(this.#value(depth));
      this.#space();
      const code = this.#text.charCodeAt(this.#at++);
      if (code === CLOSE_LIST) return items;
      if (code !== COMMA) this.#unexpected(this.#at - 1, "',' or ']'");
    }
  }

  #map(depth: number): { [key: string]: LegacyJson } {
    this.#enter(depth);
    // fromEntries defines own properties, so that a key such as "__proto__" stays a key
    const entries: [string, LegacyJson][] = [];
    this.#space();
    if (this.#text.charCodeAt(this.#at) === CLOSE_MAP) {
      this.#at++;
      return {};
    }
    for (;;) {
      this.#space();
      if (this.#text.charCodeAt(this.#at) !== QUOTE) this.#unexpected(this.#at, "a key");
      const key = this.#string();
      this.#space();
      if (this.#text.charCodeAt(this.#at++) !== COLON) this.#unexpected(this.#at - 1, "':'");
      entries.push([key, this.#value(depth)]);
      this.#space();
      const code = this.#text.charCodeAt(this.#at++);
      if (code === CLOSE_MAP) return Object.fromEntries(entries);
      if (code !== COMMA) this.#unexpected(this.#at - 1, "',' or '}'");
    }
  }

  #enter(depth: number): void {
    this.#at++;
    if (depth > this.#maxDepth) {
      throw new LegacyJsonError(
        `lists and maps nest more than ${this.#maxDepth} deep`,
        this.#at - 1,
        "depth",
      );
    }
  }

  /** A string from its opening quote; one without escapes is a single slice of the text. */
  #string(): string {
    const text = this.#text;
    const start = this.#at++;
    for (;;) {
      const code = text.charCodeAt(this.#at);
      if (code === QUOTE) return text.slice(start + 1, this.#at++);
      if (code === BACKSLASH) return this.#escapedString(start);
      this.#check(code, start);
      this.#at++;
    }
  }

  /**
   * The rest of a string that holds escapes. Characters gather in a fixed buffer that becomes
   * one piece per {@link PIECE} characters, so that a value made of escapes costs no more
   * memory than its text (a piece per escape would cost tens of bytes each).
   */
  #escapedString(start: number): string {
    const text = this.#text;
    const pieces = [text.slice(start + 1, this.#at)];
    const buffer = new Uint16Array(PIECE);
    let length = 0;
    for (;;) {
      const code = text.charCodeAt(this.#at);
      if (code === QUOTE) break;
      if (code === BACKSLASH) {
        buffer[length++] = this.#escape();
      } else {
        this.#check(code, start);
        buffer[length++] = code;
        this.#at++;
      }
      if (length === PIECE) {
        pieces.push(String.fromCharCode(...buffer));
        length = 0;
      }
    }
    this.#at++;
    pieces.push(String.fromCharCode(...buffer.subarray(0, length)));
    return pieces.join("");
  }

  /** Fails on what a JSON string may not hold raw: control characters, or the end of the text. */
  #check(code: number, start: number): void {
    if (code >= 0x20) return;
    if (Number.isNaN(code)) this.#fail("the text ends inside a string", start);
    this.#fail("a raw control character in a string", this.#at);
  }

  /** The character an escape stands for; moves past the escape. */
  #escape(): number {
    const text = this.#text;
    const code = text.charCodeAt(this.#at + 1);
    const simple = ESCAPES.get(code);
    if (simple !== undefined) {
      this.#at += 2;
      return simple;
    }
    if (code === 0x75) {
      let value = 0;
      for (let k = 2; k < 6; k++) {
        const digit = hexDigit(text.charCodeAt(this.#at + k));
        if (digit < 0) return this.#fail("an invalid \\u escape in a string");
        value = value * 16 + digit;
      }
      this.#at += 6;
      return value;
    }
    if (Number.isNaN(code)) return this.#fail("the text ends inside a string");
    return this.#fail("an invalid escape in a string");
  }

  /** A number or a literal: the run of characters that may form one, checked as a whole. */
  #token(): LegacyJson {
    const text = this.#text;
    const start = this.#at;
    let end = start;
    while (end < text.length && isTokenChar(text.charCodeAt(end))) end++;
    const token = text.slice(start, end);
    if (LITERALS.has(token)) {
      this.#at = end;
      return LITERALS.get(token)!;
    }
    if (INTEGER.test(token)) {
      this.#at = end;
      return BigInt(token);
    }
    if (FLOAT.test(token)) {
      this.#at = end;
      return Number(token);
    }
    return this.#unexpected(start);
  }

  #space(): void {
    const text = this.#text;
    let code = text.charCodeAt(this.#at);
    while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
      code = text.charCodeAt(++this.#at);
    }
  }

  #unexpected(at: number, expected?: string): never {
    const text = this.#text;
    if (at >= text.length) {
      return this.#fail(`the text ends where ${expected ?? "a value"} was expected`, at);
    }
    let end = at + 1;
    if (isTokenChar(text.charCodeAt(at))) {
      while (end < text.length && end <= at + QUOTED && isTokenChar(text.charCodeAt(end))) end++;
    }
    // JSON.stringify escapes control characters, so that the message stays one safe line
    const found = JSON.stringify(text.slice(at, Math.min(end, at + QUOTED))).slice(1, -1);
    const shown = end > at + QUOTED ? `${found}…` : found;
    return this.#fail(
      expected === undefined ? `unexpected '${shown}'` : `expected ${expected}, found '${shown}'`,
      at,
    );
  }

  #fail(reason: string, at: number = this.#at): never {
    throw new LegacyJsonError(reason, at);
  }
}

/** The value of a hexadecimal digit, or -1. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

function isTokenChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) || code === 0x2b || code === 0x2d || code === 0x2e;
}
