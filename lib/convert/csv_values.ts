/**
 * Property values as the fields of `neo4j-admin import` CSV files: the header type of each
 * value (`long`, `double`, `string[]`, `datetime`, ...) and its text, or why the importer cannot
 * carry it.
 * Checked against the real importer of Neo4j 4.4 and 5.26 (see docs/FORMATS.md).
 *
 * @module
 */

import type { PropertyValue, ScalarValue } from "../format/records.ts";
import { encodeValue } from "../format/values.ts";
import { SLICE_CHARS, textSlices } from "./text_slices.ts";

/**
 * The array delimiter: the ASCII unit separator, a control character no label or text normally
 * holds. A string element that contains it cannot be written (the importer has no escape).
 */
export const ARRAY_DELIMITER = "\u001f";

/** {@link ARRAY_DELIMITER} as the importer's `--array-delimiter` option spells it. */
export const ARRAY_DELIMITER_OPTION = "U+001F";

/**
 * The text of a field: a string, or for a long value the pieces it is written in, made as they
 * are written (iterate them once), so that no value is ever quoted whole.
 */
export type CsvText = string | Iterable<string>;

/** A value the importer can carry: its header type and its field text, quoted when needed. */
export interface CsvField {
  /** The header type, e.g. `"long"` or `"string[]"`. */
  type: string;
  /** The field as written between the delimiters. */
  text: CsvText;
}

/** A value the importer cannot carry: what it is and what the converter does instead. */
export interface CsvLoss {
  /** What could not be carried, e.g. `"empty list"`. */
  lost: string;
  /** What was done instead, e.g. `"left out"`. */
  action: string;
}

const EMPTY_ARRAY = "left out (the importer stores no empty arrays)";

/**
 * Quotes a text for a CSV field: inside double quotes, each quote doubled. Quoted fields keep
 * delimiters, newlines (with `--multiline-fields=true`), backslashes and NUL as they are, and a
 * quoted empty field is the empty string (an unquoted empty field is no value).
 *
 * @param text Any string.
 * @returns The quoted field.
 *
 * @example Quote a string with a quote and a newline
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteCsv } from "./csv_values.ts";
 * assert.equal(quoteCsv('say "hi"\n'), '"say ""hi""\n"');
 * assert.equal(quoteCsv(""), '""');
 * ```
 */
export function quoteCsv(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * Quotes texts joined by a delimiter as one field, like {@link quoteCsv}: at once when short,
 * else lazily slice by slice (each quote doubled), however long the texts are.
 *
 * @param parts The texts, e.g. the labels of a node.
 * @param delimiter What joins them (it must not hold a quote); none by default.
 * @returns The quoted field, as a string or as pieces.
 *
 * @example Quote labels joined by the array delimiter
 * ```ts
 * import assert from "node:assert/strict";
 * import { quotedField } from "./csv_values.ts";
 * assert.equal(quotedField(["A", 'B"'], ";"), '"A;B"""');
 * ```
 */
export function quotedField(parts: readonly string[], delimiter = ""): CsvText {
  let length = 0;
  for (const part of parts) length += part.length + delimiter.length;
  if (length <= SLICE_CHARS) return quoteCsv(parts.join(delimiter));
  return (function* () {
    yield '"';
    for (const [i, part] of parts.entries()) {
      if (i > 0) yield delimiter;
      for (const slice of textSlices(part)) yield slice.split('"').join('""');
    }
    yield '"';
  })();
}

/** Bytes per piece of a long byte array's field (each byte takes up to five characters). */
const BYTES_PER_PIECE = 64 * 1024;

/** A byte array as the importer's `byte[]`: signed bytes joined by the array delimiter, quoted. */
function bytesField(value: Int8Array | Uint8Array): CsvField | CsvLoss {
  if (value.length === 0) return { lost: "empty byte array", action: EMPTY_ARRAY };
  const signed = new Int8Array(value.buffer, value.byteOffset, value.length);
  const piece = (at: number) =>
    Array.from(signed.subarray(at, at + BYTES_PER_PIECE)).join(ARRAY_DELIMITER);
  if (signed.length <= BYTES_PER_PIECE) return { type: "byte[]", text: `"${piece(0)}"` };
  const text = (function* () {
    yield '"';
    for (let at = 0; at < signed.length; at += BYTES_PER_PIECE) {
      if (at > 0) yield ARRAY_DELIMITER;
      yield piece(at);
    }
    yield '"';
  })();
  return { type: "byte[]", text };
}

/**
 * Maps a property value to its CSV field, or tells why the importer cannot carry it. The text
 * of a long string, list or byte array comes as pieces made while it is written.
 *
 * @param value A property value from a backup record.
 * @returns The field with its header type, or the loss.
 *
 * @example Map an integer beyond 2^53, a list and an empty list
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvField } from "./csv_values.ts";
 * assert.deepEqual(csvField(9007199254740993n), { type: "long", text: "9007199254740993" });
 * assert.deepEqual(csvField(["a", "b"]), { type: "string[]", text: '"a\u001fb"' });
 * assert.equal("lost" in csvField([]), true);
 * ```
 */
export function csvField(value: PropertyValue): CsvField | CsvLoss {
  if (value instanceof Int8Array || value instanceof Uint8Array) return bytesField(value);
  if (!Array.isArray(value)) {
    const field = scalarField(value);
    if ("lost" in field) return field;
    return { type: field.type, text: field.quote ? quotedField([field.text]) : field.text };
  }
  if (value.length === 0) return { lost: "empty list", action: EMPTY_ARRAY };
  const parts: string[] = [];
  let type = "";
  for (const element of value) {
    if (element instanceof Int8Array || element instanceof Uint8Array) {
      return element.length === 0
        ? { lost: "list with empty byte array", action: EMPTY_ARRAY }
        : { lost: "list of byte arrays", action: "left out" };
    }
    const field = scalarField(element);
    if ("lost" in field) return { lost: `list with ${field.lost}`, action: field.action };
    if (field.text.includes(ARRAY_DELIMITER)) {
      return { lost: "list element containing U+001F", action: "left out" };
    }
    type = field.type;
    parts.push(field.text);
  }
  if (parts.length === 1 && parts[0] === "") {
    // Its field would be empty, which the importer reads as no value at all.
    return { lost: "list of one empty string", action: "left out (the importer reads no value)" };
  }
  return { type: `${type}[]`, text: quotedField(parts, ARRAY_DELIMITER) };
}

interface ScalarField {
  type: string;
  text: string;
  quote: boolean;
}

function scalarField(
  value: Exclude<ScalarValue, Int8Array | Uint8Array>,
): ScalarField | CsvLoss {
  if (typeof value === "bigint") return { type: "long", text: String(value), quote: false };
  if (typeof value === "number") return { type: "double", text: doubleText(value), quote: false };
  if (typeof value === "string") return { type: "string", text: value, quote: true };
  if (typeof value === "boolean") return { type: "boolean", text: String(value), quote: false };
  if ("toBigInt" in value) return { type: "long", text: String(value.toBigInt()), quote: false };
  return taggedField(encodeValue(value) as Record<string, unknown>);
}

/** Temporal values and points, from the backup's own type tags. */
function taggedField(tagged: Record<string, unknown>): ScalarField | CsvLoss {
  const [tag, body] = Object.entries(tagged)[0];
  const type = tag.slice(1);
  if (type === "point") return pointField(body as Record<string, unknown>);
  const text = String(body);
  if ((type === "time" || type === "datetime") && /[+-]\d\d:\d\d:\d\d(\[|$)/.test(text)) {
    return {
      lost: `${type} with an offset in seconds`,
      action: "left out (the importer refuses it)",
    };
  }
  return { type, text, quote: false };
}

function pointField(point: Record<string, unknown>): ScalarField | CsvLoss {
  const axes = ["x", "y", "z"].filter((a) => a in point);
  if (axes.some((a) => typeof point[a] !== "number" || !Number.isFinite(point[a]))) {
    return { lost: "point with a non-finite coordinate", action: "left out" };
  }
  const coords = axes.map((a) => `${a}:${doubleText(point[a] as number)}`);
  return { type: "point", text: `{srid:${point.srid},${coords.join(",")}}`, quote: true };
}

/** A double as Java's `Double.parseDouble` reads it back exactly. */
function doubleText(n: number): string {
  if (Object.is(n, -0)) return "-0.0";
  return String(n);
}
