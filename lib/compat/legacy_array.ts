/**
 * Splits the text of one JSON array, as the Python `neo4j-backup` writes each data file, into
 * its elements, one at a time and with bounds, so that memory follows the largest element and
 * not the size of the file.
 *
 * @module
 */

import { FormatError } from "../errors.ts";
import {
  BACKSLASH,
  CLOSE_LIST,
  CLOSE_MAP,
  COMMA,
  type LegacyJson,
  LegacyJsonError,
  MAX_LEGACY_DEPTH,
  OPEN_LIST,
  OPEN_MAP,
  parseLegacyJson,
  QUOTE,
} from "./legacy_json.ts";

/**
 * The longest element accepted by default, in UTF-16 units: the cap the backup format puts on
 * one line. Python writes ASCII only (`ensure_ascii`), so this is also about the bytes of a row.
 */
export const MAX_LEGACY_ELEMENT_CHARS: number = 256 * 1024 * 1024;

/** Options of {@link readLegacyArray}. */
export interface LegacyArrayOptions {
  /** The longest element accepted, in UTF-16 units; {@link MAX_LEGACY_ELEMENT_CHARS} by default. */
  maxElementChars?: number;
  /** How deep lists and maps may nest in one element; {@link MAX_LEGACY_DEPTH} by default. */
  maxDepth?: number;
  /** What messages call an element (`row`, `entry`); `element` by default. */
  noun?: string;
}

/**
 * Why {@link readLegacyArray} stopped. `kind` says whether the text is not the JSON of an
 * array (`syntax`: `reason` names the element and the character) or one element passes a bound
 * (`limit`: `reason` says which, and `element` is the element's 1-based number). The message
 * joins them; a reader that knows the file builds its own from the parts.
 *
 * @example Tell a bound from a syntax error
 * ```ts
 * import assert from "node:assert/strict";
 * import { LegacyArrayError } from "./legacy_array.ts";
 * const error = new LegacyArrayError("limit", "it is longer than 10 characters", 3, {
 *   noun: "row",
 * });
 * assert.equal(error.element, 3);
 * assert.equal(error.message, "Cannot read row 3: it is longer than 10 characters");
 * assert.equal(error.exitCode, 6);
 * ```
 */
export class LegacyArrayError extends FormatError {
  /** `syntax`: the text is not a JSON array; `limit`: an element is too long or too deep. */
  readonly kind: "syntax" | "limit";
  /** What was wrong, without the file. */
  readonly reason: string;
  /** The 1-based element a bound was passed in. */
  readonly element?: number;

  /**
   * Creates the error.
   *
   * @param kind `syntax` or `limit`.
   * @param reason What was wrong.
   * @param element The 1-based element a bound was passed in.
   * @param options What the element is called, and the underlying cause.
   */
  constructor(
    kind: "syntax" | "limit",
    reason: string,
    element?: number,
    options: ErrorOptions & { noun?: string } = {},
  ) {
    super(
      element === undefined
        ? `Cannot parse the list: ${reason}`
        : `Cannot read ${options.noun ?? "element"} ${element}: ${reason}`,
      options,
    );
    this.kind = kind;
    this.reason = reason;
    this.element = element;
  }

  /** `"LegacyArrayError"`. */
  override get name(): string {
    return "LegacyArrayError";
  }
}

/** Where the scanner is: before the `[`, before an element, inside one, after the `]`. */
const State = { BeforeList: 0, BeforeFirst: 1, BeforeNext: 2, InElement: 3, AfterList: 4 } as const;
type State = typeof State[keyof typeof State];

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Turns the text of a JSON array (in chunks of any size) into its elements, parsed by
 * {@link parseLegacyJson}, one element per pull: the elements before a damaged one are
 * delivered, and text is read only as elements are wanted. Only the text of the element being
 * read is kept: an element longer than `maxElementChars` or nesting deeper than `maxDepth`
 * errors the stream as soon as the bound is passed, before more is buffered. Errors are
 * {@link LegacyArrayError}s; an error of `text` is passed on as it is.
 *
 * @param text The text of the array.
 * @param options The bounds of one element, and what messages call one.
 * @returns The elements.
 * @throws {RangeError} When a bound is not a positive integer.
 *
 * @example Read the rows of a data file one at a time
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLegacyArray } from "./legacy_array.ts";
 * const chunks = ['[{"a": 1}, {"a"', ': NaN}]'];
 * const rows = [];
 * for await (const row of readLegacyArray(ReadableStream.from(chunks))) rows.push(row);
 * assert.deepStrictEqual(rows, [{ a: 1n }, { a: NaN }]);
 * ```
 */
export function readLegacyArray(
  text: ReadableStream<string>,
  options: LegacyArrayOptions = {},
): ReadableStream<LegacyJson> {
  const splitter = new ArraySplitter(options);
  const reader = text.getReader();
  return new ReadableStream<LegacyJson>({
    async pull(controller) {
      for (;;) {
        const element = splitter.next();
        if (element !== NEED_TEXT) return controller.enqueue(element);
        const chunk = await reader.read();
        if (chunk.done) {
          splitter.end();
          return controller.close();
        }
        splitter.feed(chunk.value);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

/** What {@link ArraySplitter.next} returns when the text it has holds no further element. */
const NEED_TEXT: unique symbol = Symbol("need text");

/** The scanner behind {@link readLegacyArray}: text goes in by chunks, elements come out. */
class ArraySplitter {
  #maxChars: number;
  #maxDepth: number;
  #noun: string;
  #state: State = State.BeforeList;
  #chunk = "";
  #at = 0;
  /** Characters seen before the current chunk. */
  #offset = 0;
  /** Elements started so far: the 1-based number of the current one. */
  #count = 0;
  #elementStart = 0;
  #parts: string[] = [];
  #length = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;

  constructor(options: LegacyArrayOptions) {
    this.#maxChars = options.maxElementChars ?? MAX_LEGACY_ELEMENT_CHARS;
    this.#maxDepth = options.maxDepth ?? MAX_LEGACY_DEPTH;
    this.#noun = options.noun ?? "element";
    for (
      const [name, value] of [["maxElementChars", this.#maxChars], ["maxDepth", this.#maxDepth]]
    ) {
      if (!Number.isSafeInteger(value) || (value as number) < 1) {
        throw new RangeError(`Invalid ${name} ${value}: expected a positive integer`);
      }
    }
  }

  feed(chunk: string): void {
    this.#offset += this.#chunk.length;
    this.#chunk = chunk;
    this.#at = 0;
  }

  /** The next element of the text fed so far, or {@link NEED_TEXT}. */
  next(): LegacyJson | typeof NEED_TEXT {
    const chunk = this.#chunk;
    while (this.#at < chunk.length) {
      if (this.#state === State.InElement) {
        const element = this.#scanElement();
        if (element !== NEED_TEXT) return element;
        continue;
      }
      const i = this.#at;
      const code = chunk.charCodeAt(i);
      if (isSpace(code)) {
        this.#at++;
      } else if (this.#state === State.BeforeList) {
        if (code !== OPEN_LIST) this.#syntax(i, "expected a list");
        this.#state = State.BeforeFirst;
        this.#at++;
      } else if (this.#state === State.AfterList) {
        this.#syntax(i, "text after the end of the list");
      } else if (this.#state === State.BeforeFirst && code === CLOSE_LIST) {
        this.#state = State.AfterList;
        this.#at++;
      } else {
        this.#startElement(i);
      }
    }
    return NEED_TEXT;
  }

  #startElement(i: number): void {
    this.#state = State.InElement;
    this.#count++;
    this.#elementStart = this.#offset + i;
    this.#parts = [];
    this.#length = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
  }

  /** Scans to the end of the element (and returns it) or of the chunk. */
  #scanElement(): LegacyJson | typeof NEED_TEXT {
    const chunk = this.#chunk;
    const start = this.#at;
    // Never look further than the bound allows: one character past it proves it is passed.
    const stop = Math.min(chunk.length, start + (this.#maxChars - this.#length) + 1);
    let [inString, escaped, depth] = [this.#inString, this.#escaped, this.#depth];
    let i = start;
    for (; i < stop; i++) {
      const code = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (code === BACKSLASH) escaped = true;
        else if (code === QUOTE) inString = false;
      } else if (code === QUOTE) {
        inString = true;
      } else if (code === OPEN_LIST || code === OPEN_MAP) {
        if (++depth > this.#maxDepth) {
          throw new LegacyArrayError(
            "limit",
            `its lists and maps nest more than ${this.#maxDepth} deep, ` +
              "which no backup of the Python tool does",
            this.#count,
            { noun: this.#noun },
          );
        }
      } else if (code === CLOSE_LIST || code === CLOSE_MAP) {
        if (depth > 0) depth--;
        else if (code === CLOSE_LIST) return this.#endElement(start, i, true);
        else this.#unexpectedClose(i);
      } else if (code === COMMA && depth === 0) {
        return this.#endElement(start, i, false);
      }
    }
    [this.#inString, this.#escaped, this.#depth] = [inString, escaped, depth];
    this.#length += i - start;
    if (this.#length > this.#maxChars) {
      throw new LegacyArrayError(
        "limit",
        `it is longer than ${this.#maxChars.toLocaleString("en-US")} characters, ` +
          `the most this reader takes for one ${this.#noun}`,
        this.#count,
        { noun: this.#noun },
      );
    }
    this.#parts.push(chunk.slice(start, i));
    this.#at = i;
    return NEED_TEXT;
  }

  #endElement(start: number, end: number, last: boolean): LegacyJson {
    this.#parts.push(this.#chunk.slice(start, end));
    const text = this.#parts.length === 1 ? this.#parts[0] : this.#parts.join("");
    this.#parts = [];
    let value: LegacyJson;
    try {
      value = parseLegacyJson(text, { maxDepth: this.#maxDepth });
    } catch (error) {
      if (!(error instanceof LegacyJsonError)) throw error;
      const at = (this.#elementStart + error.position + 1).toLocaleString("en-US");
      const where = `${this.#noun} ${this.#count}`;
      if (error.kind === "depth") {
        throw new LegacyArrayError("limit", `its ${error.reason}`, this.#count, {
          noun: this.#noun,
          cause: error,
        });
      }
      throw new LegacyArrayError(
        "syntax",
        error.position >= text.length
          ? `${where} is empty, at character ${at}`
          : `${error.reason} at character ${at}, in ${where}`,
        undefined,
        { cause: error },
      );
    }
    this.#state = last ? State.AfterList : State.BeforeNext;
    this.#at = end + 1;
    return value;
  }

  #unexpectedClose(i: number): never {
    const at = (this.#offset + i + 1).toLocaleString("en-US");
    throw new LegacyArrayError(
      "syntax",
      `unexpected '}' at character ${at}, in ${this.#noun} ${this.#count}`,
    );
  }

  #syntax(i: number, reason: string): never {
    const found = JSON.stringify(this.#chunk.slice(i, i + 1)).slice(1, -1);
    const at = (this.#offset + i + 1).toLocaleString("en-US");
    throw new LegacyArrayError("syntax", `${reason}, found '${found}' at character ${at}`);
  }

  /** Checks that the text, now complete, closed its list. */
  end(): void {
    if (this.#state === State.AfterList) return;
    if (this.#state === State.BeforeList) {
      throw new LegacyArrayError("syntax", "the file is empty; expected a list");
    }
    throw new LegacyArrayError(
      "syntax",
      this.#state === State.InElement
        ? `the file ends inside ${this.#noun} ${this.#count}; it was cut short`
        : "the file ends before its list is closed; it was cut short",
    );
  }
}
