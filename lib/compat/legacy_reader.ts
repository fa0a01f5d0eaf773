/**
 * Reads a backup made by the Python PyPI package `neo4j-backup` 1.0.0 (a project directory of
 * JSON files, the "legacy layout") as a stream of {@link BackupRecord}s, so that its users can
 * restore it with this tool without a live source database.
 *
 * @module
 */

import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { errorMessage, FileError, FormatError } from "../errors.ts";
import { FORMAT_NAME, FORMAT_VERSION } from "../format/records.ts";
import type {
  BackupRecord,
  ConstraintRecord,
  HeaderRecord,
  NodeRecord,
  RelationshipRecord,
} from "../format/records.ts";
import {
  decodeLegacyProperties,
  type LegacyJson,
  type LegacyPropertyIssue,
  parseLegacyJson,
} from "./legacy_values.ts";

/** Options of {@link readLegacyBackup}. */
export interface LegacyReadOptions {
  /** Called with a one-line message for every value the legacy layout cannot restore exactly. */
  onWarning?: (message: string) => void;
}

/** The `tool` field of the synthetic header. */
export const LEGACY_TOOL = "neo4j-backup (python) legacy layout";

const gunzipAsync = promisify(gunzip);
const DATA_FILE = /^(nodes|relationships)_(\d+)\.json(\.gz)?$/;

type Row = Record<string, LegacyJson>;

/**
 * Tells whether a directory looks like a backup of the Python tool: it holds `compressed.json`
 * and a `data` folder.
 *
 * @param dir The directory to look at.
 * @returns `true` when both are there; `false` otherwise, also when `dir` does not exist.
 *
 * @example Choose a reader by the shape of the input
 * ```ts
 * import { isLegacyBackup } from "./legacy_reader.ts";
 * if (await isLegacyBackup("./old_backup")) console.log("a Python neo4j-backup project");
 * ```
 */
export async function isLegacyBackup(dir: string): Promise<boolean> {
  try {
    const [flag, data] = await Promise.all([
      stat(join(dir, "compressed.json")),
      stat(join(dir, "data")),
    ]);
    return flag.isFile() && data.isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads a backup of the Python tool as records: a synthetic header, one uniqueness constraint
 * per constraint in `uniqueness_constraints.json`, the nodes of `data/nodes_K.json[.gz]` and the
 * relationships of `data/relationships_K.json[.gz]`, in the numeric order of `K`. It reads one
 * data file at a time and emits no footer (the layout has no checksum to carry over).
 *
 * @param dir The project directory the Python `Extractor` wrote.
 * @param options Where to send warnings about values that cannot be restored exactly.
 * @returns A stream of records; it errors with a {@link FileError} when `dir` cannot be read
 *   and with a {@link FormatError} naming the file when a file is not what the layout says.
 *
 * @example Count the nodes of a legacy backup
 * ```ts
 * import { isLegacyBackup, readLegacyBackup } from "./legacy_reader.ts";
 * const dir = "./old_backup";
 * if (await isLegacyBackup(dir)) {
 *   let nodes = 0;
 *   for await (const record of readLegacyBackup(dir, { onWarning: console.warn })) {
 *     if (record.kind === "node") nodes++;
 *   }
 *   console.log(`${nodes} nodes`);
 * }
 * ```
 */
export function readLegacyBackup(
  dir: string,
  options: LegacyReadOptions = {},
): ReadableStream<BackupRecord> {
  const records = legacyRecords(dir, options.onWarning ?? (() => {}));
  return new ReadableStream<BackupRecord>({
    async pull(controller) {
      const next = await records.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await records.return(undefined);
    },
  }, { highWaterMark: 0 });
}

async function* legacyRecords(
  dir: string,
  warn: (message: string) => void,
): AsyncGenerator<BackupRecord> {
  yield await header(dir);
  yield* await constraints(dir);
  const files = await dataFiles(dir);
  const issues = issueReporter(warn);
  for (const file of files.nodes) {
    const rows = await readRows(file);
    for (let i = 0; i < rows.length; i++) yield nodeRecord(rows[i], file, i, issues);
  }
  for (const file of files.relationships) {
    const rows = await readRows(file);
    for (let i = 0; i < rows.length; i++) yield relationshipRecord(rows[i], file, i, issues);
  }
}

async function header(dir: string): Promise<HeaderRecord> {
  let created: Date;
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw new FileError(`Cannot read '${dir}': it is not a directory; give the backup's folder`);
    }
    created = (await stat(join(dir, "compressed.json")).catch(() => info)).mtime;
  } catch (error) {
    if (error instanceof FileError) throw error;
    const missing = (error as { code?: string }).code === "ENOENT";
    throw new FileError(
      missing
        ? `Cannot read '${dir}': no such directory; give the folder the Python tool wrote`
        : `Cannot read '${dir}': ${errorMessage(error)}`,
      { cause: error },
    );
  }
  await rejectOldLayout(dir);
  return {
    kind: "header",
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    tool: LEGACY_TOOL,
    created: created.toISOString(),
    // db_id.json holds a store id, not a database name; the layout records neither name nor version
    source: { version: "unknown", edition: "unknown", database: "unknown" },
  };
}

/** 0.x releases wrote rows of another shape (nodes inside relationship rows, untagged values). */
async function rejectOldLayout(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  if (names.includes("uniqueness_constraints.json") || !names.includes("constraints.json")) return;
  throw new FormatError(
    `Cannot read '${dir}': it was written by a 0.x release of the Python neo4j-backup, ` +
      "which is not supported; restore it with that release, then back the database up again",
  );
}

async function constraints(dir: string): Promise<ConstraintRecord[]> {
  const file = join(dir, "uniqueness_constraints.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return []; // written with pull_uniqueness_constraints=False or removed: nothing to restore
  }
  const entries = parse(text, file);
  if (!Array.isArray(entries)) throw new FormatError(`Cannot read '${file}': expected a list`);
  // The tool wrote one entry per label and property: a composite constraint spans entries.
  const byName = new Map<string, ConstraintRecord>();
  entries.forEach((entry, i) => {
    const fields = isRow(entry) ? entry : {};
    const [label, property, name] = [
      fields.node_label,
      fields.node_prop,
      fields.constraint_name,
    ];
    if (typeof label !== "string" || typeof property !== "string" || typeof name !== "string") {
      throw new FormatError(
        `Cannot read entry ${i + 1} of '${file}': expected 'node_label', 'node_prop' and ` +
          "'constraint_name' strings",
      );
    }
    const record = byName.get(name) ?? {
      kind: "constraint",
      name,
      type: "UNIQUENESS",
      entity: "NODE",
      labelsOrTypes: [label],
      properties: [],
      config: {},
    };
    if (!record.properties.includes(property)) record.properties.push(property);
    byName.set(name, record);
  });
  return [...byName.values()];
}

interface DataFiles {
  nodes: string[];
  relationships: string[];
}

async function dataFiles(dir: string): Promise<DataFiles> {
  const folder = join(dir, "data");
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new FormatError(
      `Cannot read '${folder}': ${
        errorMessage(error)
      }; a backup of the Python neo4j-backup has one`,
      { cause: error },
    );
  }
  const found = { nodes: [] as [number, string][], relationships: [] as [number, string][] };
  for (const name of names) {
    const match = DATA_FILE.exec(name);
    if (match) found[match[1] as keyof DataFiles].push([Number(match[2]), join(folder, name)]);
  }
  const ordered = (files: [number, string][]) =>
    files.sort((a, b) => a[0] - b[0]).map(([, path]) => path);
  return { nodes: ordered(found.nodes), relationships: ordered(found.relationships) };
}

async function readRows(file: string): Promise<Row[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new FileError(`Cannot read '${file}': ${errorMessage(error)}`, { cause: error });
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (error) {
      throw new FormatError(`Cannot decompress '${file}': ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw new FormatError(`Cannot read '${file}': it is not UTF-8 text`, { cause: error });
  }
  const rows = parse(text, file);
  if (!Array.isArray(rows)) throw new FormatError(`Cannot read '${file}': expected a list of rows`);
  return rows as Row[];
}

function parse(text: string, file: string): LegacyJson {
  try {
    return parseLegacyJson(text);
  } catch (error) {
    throw new FormatError(`Cannot parse '${file}': ${errorMessage(error)}`, { cause: error });
  }
}

type IssueReporter = (issue: LegacyPropertyIssue) => void;

/** Warns once per property key and kind, not once per row. */
function issueReporter(warn: (message: string) => void): IssueReporter {
  const seen = new Set<string>();
  return ({ key, kind, text }) => {
    if (seen.has(`${kind}\0${key}`)) return;
    seen.add(`${kind}\0${key}`);
    warn(
      kind === "bytes"
        ? `Property '${key}' held a byte array the Python tool stored as text; ` +
          "it is restored as that text"
        : `Property '${key}' holds "${text}", which is not a value the Python tool writes; ` +
          "it is restored as that text",
    );
  };
}

function nodeRecord(row: LegacyJson, file: string, index: number, issues: IssueReporter) {
  return rowRecord(file, index, (): NodeRecord => {
    const fields = asRow(row);
    const labels = field(fields, "node_labels", "a string");
    if (typeof labels !== "string") throw new FormatError("'node_labels' is not a string");
    return {
      kind: "node",
      id: id(fields, "node_id"),
      labels: labels === "" ? [] : labels.split(":"),
      props: decodeLegacyProperties(
        map(fields, "node_props"),
        optionalMap(fields, "hash_props"),
        issues,
      ),
    };
  });
}

function relationshipRecord(
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
    return {
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
  });
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

function isRow(value: LegacyJson): value is Row {
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
