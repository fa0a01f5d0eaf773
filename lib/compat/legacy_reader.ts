/**
 * Reads a backup made by the Python PyPI package `neo4j-backup` 1.0.0 (a project directory of
 * JSON files, the "legacy layout") as a stream of {@link BackupRecord}s, so that its users can
 * restore it with this tool without a live source database.
 *
 * @module
 */

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage, FileError, FormatError } from "../errors.ts";
import { FORMAT_NAME, FORMAT_VERSION } from "../format/records.ts";
import type { BackupRecord, ConstraintRecord, HeaderRecord } from "../format/records.ts";
import { LegacyArrayError, MAX_LEGACY_ELEMENT_CHARS, readLegacyArray } from "./legacy_array.ts";
import { openLegacyText } from "./legacy_file.ts";
import type { LegacyJson } from "./legacy_json.ts";
import { isRow, issueReporter, legacyName, nodeRecord, relationshipRecord } from "./legacy_rows.ts";

/** Options of {@link readLegacyBackup}. */
export interface LegacyReadOptions {
  /** Called with a one-line message for every value the legacy layout cannot restore exactly. */
  onWarning?: (message: string) => void;
  /**
   * The longest row accepted, in characters of the file's text; 256 MiB by default, the cap a
   * line of the neo4j-backup format has. A longer row fails the read with a {@link FormatError}.
   */
  maxRowChars?: number;
}

/** The `tool` field of the synthetic header. */
export const LEGACY_TOOL = "neo4j-backup (python) legacy layout";

const DATA_FILE = /^(nodes|relationships)_(\d+)\.json(\.gz)?$/;

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
 * relationships of `data/relationships_K.json[.gz]`, in the numeric order of `K`. It reads each
 * file as a stream, one row at a time as records are pulled, so memory follows the largest row
 * (at most `maxRowChars`), never the size of a file or of the folder; it emits no footer (the
 * layout has no checksum to carry over).
 *
 * @param dir The project directory the Python `Extractor` wrote.
 * @param options Where to send warnings about values that cannot be restored exactly, and the
 *   longest row accepted.
 * @returns A stream of records; it errors with a {@link FileError} when `dir` cannot be read
 *   and with a {@link FormatError} naming the file (and the row, when the problem is in one)
 *   when a file is not what the layout says or a row passes a bound.
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
  const records = legacyRecords(dir, options.onWarning ?? (() => {}), {
    maxElementChars: options.maxRowChars ?? MAX_LEGACY_ELEMENT_CHARS,
  });
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

interface Bounds {
  maxElementChars: number;
}

async function* legacyRecords(
  dir: string,
  warn: (message: string) => void,
  bounds: Bounds,
): AsyncGenerator<BackupRecord> {
  yield await header(dir);
  yield* await constraints(dir, bounds);
  const files = await dataFiles(dir);
  const issues = issueReporter(warn);
  for (const file of files.nodes) {
    let index = 0;
    for await (const row of elements(file, "row", bounds)) {
      yield nodeRecord(row, file, index++, issues);
    }
  }
  for (const file of files.relationships) {
    let index = 0;
    for await (const row of elements(file, "row", bounds)) {
      yield relationshipRecord(row, file, index++, issues);
    }
  }
}

/**
 * The elements of the JSON array in `file`, one at a time as they are pulled; a failure names
 * the file, and the element when it is in one.
 */
async function* elements(file: string, noun: string, bounds: Bounds): AsyncGenerator<LegacyJson> {
  const text = await openLegacyText(file);
  const reader = readLegacyArray(text, { ...bounds, noun }).getReader();
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        throw inFile(error, file, noun);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Puts the file's name into an error of the array stream; passes anything else on as it is. */
function inFile(error: unknown, file: string, noun: string): unknown {
  if (!(error instanceof LegacyArrayError)) return error;
  return error.element !== undefined
    ? new FormatError(`Cannot read ${noun} ${error.element} of '${file}': ${error.reason}`, {
      cause: error,
    })
    : new FormatError(`Cannot parse '${file}': ${error.reason}`, { cause: error });
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

async function constraints(dir: string, bounds: Bounds): Promise<ConstraintRecord[]> {
  const file = join(dir, "uniqueness_constraints.json");
  if (!(await stat(file).then((info) => info.isFile(), () => false))) {
    return []; // written with pull_uniqueness_constraints=False or removed: nothing to restore
  }
  // The tool wrote one entry per label and property: a composite constraint spans entries.
  const byName = new Map<string, ConstraintRecord>();
  let i = 0;
  for await (const entry of elements(file, "entry", bounds)) {
    i++;
    const fields = isRow(entry) ? entry : {};
    const [label, property, name] = [
      fields.node_label,
      fields.node_prop,
      fields.constraint_name,
    ];
    if (typeof label !== "string" || typeof property !== "string" || typeof name !== "string") {
      throw new FormatError(
        `Cannot read entry ${i} of '${file}': expected 'node_label', 'node_prop' and ` +
          "'constraint_name' strings",
      );
    }
    try {
      legacyName(label, "'node_label'");
      legacyName(property, "'node_prop'");
      legacyName(name, "'constraint_name'");
    } catch (error) {
      throw new FormatError(`Cannot read entry ${i} of '${file}': ${errorMessage(error)}`);
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
  }
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
