/**
 * Parsed JSON lines -> checked records: the header, schema records, nodes, relationships and the
 * footer, each rebuilt from its documented fields only (see docs/FORMAT.md); the order of record
 * kinds; a look at a last line that has no newline; and the errors that name the line.
 *
 * @module
 */

import { FormatError } from "../errors.ts";
import type {
  ConstraintRecord,
  FooterRecord,
  HeaderRecord,
  IndexRecord,
  NodeRecord,
  RelationshipRecord,
} from "./records.ts";
import { FORMAT_NAME, FORMAT_VERSION } from "./records.ts";
import { decodeProperties } from "./values.ts";
import { checkKeys, checkName, checkNames } from "./names.ts";

/** A parsed JSON object, before its fields are checked. */
export type Json = Record<string, unknown>;

/**
 * The position of each record kind in a backup; a record may not follow one of a higher rank.
 * A map, not an object: a kind such as `"constructor"` must not find `Object.prototype`'s.
 */
export const RANK: Map<string, number> = new Map<string, number>([
  ["header", 0],
  ["index", 1],
  ["constraint", 1],
  ["node", 2],
  ["rel", 3],
  ["footer", 4],
]);
/** The rank of the footer. */
export const FOOTER_RANK = 4;

function parseLoosely(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Whether bytes parse as JSON, whatever they hold.
 *
 * @param bytes The bytes of a line.
 */
export function isJson(bytes: Uint8Array): boolean {
  return parseLoosely(bytes) !== undefined;
}

/**
 * Whether bytes parse as a JSON object of kind `footer`, before it is checked.
 *
 * @param bytes The bytes of a line.
 */
export function isFooter(bytes: Uint8Array): boolean {
  const json = parseLoosely(bytes) as Json | undefined;
  return typeof json === "object" && json !== null && json.kind === "footer";
}

const HEADER_START = new TextEncoder().encode(`{"kind":"header","format":"${FORMAT_NAME}"`);

/** Whether the bytes begin as the header line this code writes, or a prefix of it. */
export function startsLikeOurHeader(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, HEADER_START.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== HEADER_START[i]) return false;
  return n >= 2;
}

/**
 * The error for an input that is not a backup, saying so when it is gzip-compressed.
 *
 * @param start The first bytes of the input, or none when they do not tell.
 */
export function notABackup(start: Uint8Array): FormatError {
  const gzip = start[0] === 0x1f && start[1] === 0x8b;
  return new FormatError(
    "Not a neo4j-backup file: line 1 is not a backup header" +
      (gzip ? " (the input is gzip-compressed: decompress it first)" : ""),
    { line: 1 },
  );
}

/**
 * The error for a line longer than the cap.
 *
 * @param line The number of the line.
 * @param max The cap in bytes.
 */
export function tooLong(line: number, max: number): FormatError {
  const error = tooLongError(line, max);
  LINES_TOO_LONG.set(error, line);
  return error;
}

/** The errors {@link tooLong} made, with their line. */
const LINES_TOO_LONG = new WeakMap<object, number>();

/**
 * Whether an error is the one of a line longer than the decoder's cap, and which line.
 *
 * @param error What was thrown.
 * @returns The line's number, or `undefined` for any other error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLineTooLong, tooLong } from "./record_readers.ts";
 * assert.equal(isLineTooLong(tooLong(7, 1024)), 7);
 * assert.equal(isLineTooLong(new Error("other")), undefined);
 * ```
 */
export function isLineTooLong(error: unknown): number | undefined {
  return typeof error === "object" && error !== null ? LINES_TOO_LONG.get(error) : undefined;
}

function tooLongError(line: number, max: number): FormatError {
  const MiB = 1024 * 1024;
  const size = max % MiB === 0
    ? `${max / MiB} MiB`
    : max % 1024 === 0
    ? `${max / 1024} KiB`
    : `${max} bytes`;
  return new FormatError(
    `Cannot read line ${line}: longer than ${size}; the file is corrupt or not a backup`,
    { line },
  );
}

/**
 * The error for a line after the footer.
 *
 * @param line The number of the line.
 */
export function afterFooter(line: number): FormatError {
  return new FormatError(`Backup is corrupt: line ${line} follows the footer`, { line });
}

/**
 * The error for a line that is JSON but not a valid record.
 *
 * @param line The number of the line.
 * @param why What is wrong with it.
 */
export function invalid(line: number, why: string): FormatError {
  return new FormatError(`Cannot read line ${line}: ${why}`, { line });
}

function string(r: Json, key: string, line: number): string {
  const value = r[key];
  if (typeof value !== "string") throw invalid(line, `field '${key}' must be a string`);
  return value;
}

function optionalString(r: Json, key: string, line: number): string | undefined {
  const value = r[key];
  if (value !== undefined && typeof value !== "string") {
    throw invalid(line, `field '${key}' must be a string when present`);
  }
  return value;
}

function integer(r: Json, key: string, line: number): number {
  const value = r[key];
  if (!Number.isSafeInteger(value)) throw invalid(line, `field '${key}' must be an integer`);
  return value as number;
}

function count(r: Json, key: string, line: number, what = key): number {
  const value = r[key];
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw invalid(line, `field '${what}' must be a count (an integer, 0 or more)`);
  }
  return value as number;
}

function strings(r: Json, key: string, line: number, when = ""): string[] {
  const value = r[key];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw invalid(line, `field '${key}' must be a list of strings${when}`);
  }
  return value;
}

/** A record kind that is not one, described in a few characters whatever it holds. */
export function describeKind(kind: unknown): string {
  if (kind === undefined) return "(none)";
  if (typeof kind === "string") {
    return JSON.stringify(kind.length > 40 ? kind.slice(0, 37) + "..." : kind);
  }
  if (kind === null) return "null";
  return Array.isArray(kind) ? "(a list)" : `(a ${typeof kind})`;
}

/**
 * Checks a node record.
 *
 * @param r The parsed line.
 * @param line The number of the line.
 */
export function readNode(r: Json, line: number): NodeRecord {
  const node: NodeRecord = {
    kind: "node",
    id: integer(r, "id", line),
    labels: strings(r, "labels", line),
    props: decodeProperties(r.props, `in 'props' on line ${line}`),
  };
  checkNames(node.labels, "labels", line);
  checkKeys(node.props, "props", line);
  return node;
}

/**
 * Checks a relationship record.
 *
 * @param r The parsed line.
 * @param line The number of the line.
 */
export function readRelationship(r: Json, line: number): RelationshipRecord {
  const rel: RelationshipRecord = {
    kind: "rel",
    type: string(r, "type", line),
    start: integer(r, "start", line),
    end: integer(r, "end", line),
    props: decodeProperties(r.props, `in 'props' on line ${line}`),
  };
  checkName(rel.type, "the relationship type", line);
  checkKeys(rel.props, "props", line);
  return rel;
}

/**
 * Checks an index or constraint record.
 *
 * @param kind Which of the two it is.
 * @param r The parsed line.
 * @param line The number of the line.
 */
export function readSchema(
  kind: "index" | "constraint",
  r: Json,
  line: number,
): IndexRecord | ConstraintRecord {
  const name = string(r, "name", line);
  const type = string(r, "type", line);
  const entity = r.entity;
  if (entity !== "NODE" && entity !== "RELATIONSHIP") {
    throw invalid(line, `field 'entity' must be "NODE" or "RELATIONSHIP"`);
  }
  const labelsOrTypes = strings(r, "labelsOrTypes", line);
  const properties = strings(r, "properties", line);
  const propertyType = kind === "constraint" ? optionalString(r, "propertyType", line) : undefined;
  const provider = optionalString(r, "provider", line);
  const statement = optionalString(r, "statement", line);
  const config = decodeProperties(r.config, `in 'config' on line ${line}`);
  checkName(name, `the ${kind} name`, line);
  checkNames(labelsOrTypes, "labelsOrTypes", line);
  checkNames(properties, "properties", line);
  // Built key by key, in the documented order, without keys for absent optional fields.
  const record: Json = { kind, name, type, entity, labelsOrTypes, properties };
  if (propertyType !== undefined) record.propertyType = propertyType;
  if (provider !== undefined) record.provider = provider;
  record.config = config;
  if (statement !== undefined) record.statement = statement;
  return record as unknown as IndexRecord | ConstraintRecord;
}

/**
 * Checks a footer record; the counts and checksum are compared with the backup elsewhere.
 *
 * @param r The parsed line.
 * @param line The number of the line.
 */
export function readFooter(r: Json, line: number): FooterRecord {
  const footer: FooterRecord = {
    kind: "footer",
    nodes: integer(r, "nodes", line),
    relationships: integer(r, "relationships", line),
    schema: integer(r, "schema", line),
    sha256: "",
  };
  if (typeof r.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(r.sha256)) {
    throw invalid(line, "field 'sha256' must be 64 lower-case hex digits");
  }
  footer.sha256 = r.sha256;
  if (r.warnings !== undefined) {
    footer.warnings = strings(r, "warnings", line, " when present");
  }
  return footer;
}

/**
 * Checks the first line of a backup: a header of a format version this code reads.
 *
 * @param json The parsed first line.
 * @throws {FormatError} When it is not a header, or its version is too new.
 */
export function readHeader(json: unknown): HeaderRecord {
  const r = json as Json;
  if (
    typeof json !== "object" || json === null || r.kind !== "header" || r.format !== FORMAT_NAME
  ) {
    throw notABackup(new Uint8Array());
  }
  const version = r.version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw invalid(1, "field 'version' must be a positive integer");
  }
  if ((version as number) > FORMAT_VERSION) {
    throw new FormatError(
      `Unsupported format version ${version}: this neo4j-backup reads version ${FORMAT_VERSION}; ` +
        "upgrade neo4j-backup",
      { line: 1 },
    );
  }
  const tool = string(r, "tool", 1);
  const created = string(r, "created", 1);
  const source = r.source as Json;
  if (typeof source !== "object" || source === null || Array.isArray(source)) {
    throw invalid(1, "field 'source' must be an object");
  }
  const sourceField = (key: string) => {
    if (typeof source[key] !== "string") {
      throw invalid(1, `field 'source.${key}' must be a string`);
    }
    return source[key] as string;
  };
  const header: HeaderRecord = {
    kind: "header",
    format: FORMAT_NAME,
    version: version as number,
    tool,
    created,
    source: {
      version: sourceField("version"),
      edition: sourceField("edition"),
      database: sourceField("database"),
    },
  };
  const counts = r.counts as Json | undefined;
  if (counts !== undefined) {
    if (typeof counts !== "object" || counts === null || Array.isArray(counts)) {
      throw invalid(1, "field 'counts' must be an object when present");
    }
    header.counts = {
      nodes: count(counts, "nodes", 1, "counts.nodes"),
      relationships: count(counts, "relationships", 1, "counts.relationships"),
    };
  }
  return header;
}
