/**
 * The `neo4j-admin database import full --input-type=parquet` recipe of a Parquet folder: per
 * file a name-mapping header (`neo4j-admin/<table>.header.csv`, two rows: the Neo4j header
 * entries, then the file's column names) and `import-command.txt`, the command that imports the
 * folder as it is, labels and types given on the command line.
 *
 * What the importer of Neo4j 5.26 does not carry exactly (measured, see docs/FORMATS.md) is left
 * out of the headers and reported: byte arrays, Time and DateTime (their offset or zone is lost),
 * durations and points (structs), lists of temporal values, empty strings (skipped by the
 * importer), keys its header syntax cannot hold, and labels or types its command line cannot.
 *
 * @module
 */

import { open } from "node:fs/promises";
import { join } from "node:path";
import { type FileMetaData, parquetMetadataAsync } from "hyparquet";
import { writeFileAtomically } from "../../storage/atomic_write.ts";
import { fileBuffer } from "./file_buffer.ts";
import { fileError } from "../../storage/files.ts";
import { quoteCsv } from "../csv_values.ts";
import { makeFolder } from "../folder.ts";
import type { LossReport } from "../loss_report.ts";
import type { NodeFileEntry, RelationshipFileEntry } from "./manifest.ts";
import type { ColumnInfo } from "./table.ts";

/** The folder of the header files, in the Parquet folder. */
export const ADMIN_HEADERS = "neo4j-admin";

/** The action of every loss this module reports. */
export const LEFT_OUT_FOR_ADMIN = "left out of the neo4j-admin headers";

/** The header type of each Cypher type the 5.26 Parquet import reads back exactly. */
const HEADER_TYPES: Record<string, string> = {
  INTEGER: "long",
  FLOAT: "double",
  STRING: "string",
  BOOLEAN: "boolean",
  DATE: "date",
  "LOCAL TIME": "localtime",
  "LOCAL DATETIME": "localdatetime",
  "LIST<INTEGER>": "long[]",
  "LIST<FLOAT>": "double[]",
  "LIST<STRING>": "string[]",
  "LIST<BOOLEAN>": "boolean[]",
};

/** What the 5.26 Parquet import does with the other types (measured with 5.26.30). */
const NOT_CARRIED: Record<string, string> = {
  "BYTE ARRAY": "reads BINARY as 0x text, and fails on byte[]",
  "ZONED TIME": "reads the time of day as UTC, without its offset",
  "ZONED DATETIME": "keeps the instant but not the zone: UTC",
  DURATION: "reads a struct as one property per field",
  POINT: "reads a struct as one property per field",
  "LIST<DATE>": "drops a list of dates without a word",
  "LIST<LOCAL DATETIME>": "drops a list of local datetimes without a word",
  "LIST<ZONED TIME>": "drops a list of times without a word",
  "LIST<LOCAL TIME>": "fails the import on a list of local times",
  "LIST<ZONED DATETIME>": "fails the import on a list of datetimes",
  "LIST<DURATION>": "fails the import on a list of structs",
  "LIST<POINT>": "fails the import on a list of structs",
};

/** A file of the folder as the manifest lists it. */
type FileEntry = NodeFileEntry | RelationshipFileEntry;

/**
 * The header entry of a property column, or why it has none.
 *
 * @param column A property column of the manifest.
 * @returns The header entry (`key:type`), or what neo4j-admin cannot carry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { headerEntry } from "./admin_import.ts";
 * const column = { name: "born", role: "property", key: "born", cypherType: "INTEGER", parquetType: "INT64" } as const;
 * assert.deepEqual(headerEntry(column), { entry: "born:long" });
 * assert.match(headerEntry({ ...column, cypherType: "DURATION" }).lost!, /struct/);
 * assert.match(headerEntry({ ...column, key: "a{b" }).lost!, /'\{'/);
 * ```
 */
export function headerEntry(column: ColumnInfo): { entry?: string; lost?: string } {
  const key = column.key ?? column.name;
  const problem = headerProblem(key) ?? headerProblem(column.name);
  if (problem !== undefined) return { lost: `property key containing ${problem}` };
  const type = HEADER_TYPES[column.cypherType];
  if (type === undefined) {
    const why = NOT_CARRIED[column.cypherType] ?? "was not tested with it";
    return { lost: `${column.cypherType} (neo4j-admin's Parquet import ${why})` };
  }
  // Always typed: the last ':' ends the name, so a ':' in the key stays in it.
  return { entry: `${key}:${type}` };
}

/**
 * What in a property key (or column name) neo4j-admin cannot read back from a header, or
 * `undefined`: as in the CSV import, `{` opens options, `(` an ID group, and a line break ends
 * the header row.
 */
function headerProblem(key: string): string | undefined {
  if (key.includes("{")) return "'{' (neo4j-admin reads it as options)";
  if (key.includes("(")) return "'(' (neo4j-admin reads it as an ID group)";
  if (/[\n\r]/.test(key)) return "a line break (neo4j-admin's header rows are lines)";
  return undefined;
}

/**
 * What in a label or relationship type the `--nodes=L1:L2=files` and `--relationships=T=files`
 * options cannot hold, or `undefined`.
 */
function optionProblem(name: string, label: boolean): string | undefined {
  if (label && name.includes(":")) return "':' (--nodes separates labels with it)";
  if (name.includes("=")) return "'=' (--nodes and --relationships end the names with it)";
  if (name.includes(",")) return "',' (--nodes and --relationships separate files with it)";
  if (name.trim() !== name || name === "") {
    return "leading or trailing spaces (neo4j-admin trims them)";
  }
  return undefined;
}

/** The two header rows of a file, and what of it was left out. */
interface Mapping {
  names: string[];
  columns: string[];
}

/**
 * Writes the header files and `import-command.txt` of a Parquet folder, and reports in `loss`
 * what neo4j-admin's Parquet import will not carry.
 *
 * @param folder The Parquet folder (absolute), its data files complete.
 * @param nodes The node files of the manifest.
 * @param relationships The relationship files of the manifest.
 * @param loss Receives what the import leaves out.
 * @returns The files written, relative to the folder.
 *
 * @example Write the recipe of a folder with no files
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, readFileSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { LossReport } from "../loss_report.ts";
 * import { writeAdminImport } from "./admin_import.ts";
 * const dir = mkdtempSync(join(tmpdir(), "admin-"));
 * const files = await writeAdminImport(dir, [], [], new LossReport());
 * assert.deepEqual(files, ["import-command.txt"]);
 * assert.match(readFileSync(join(dir, "import-command.txt"), "utf8"), /--input-type=parquet/);
 * rmSync(dir, { recursive: true });
 * ```
 */
export async function writeAdminImport(
  folder: string,
  nodes: readonly NodeFileEntry[],
  relationships: readonly RelationshipFileEntry[],
  loss: LossReport,
): Promise<string[]> {
  const files: string[] = [];
  const options: string[] = [];
  const entries: [FileEntry, "nodes" | "relationships"][] = [
    ...nodes.map((e) => [e, "nodes"] as [FileEntry, "nodes"]),
    ...relationships.map((e) => [e, "relationships"] as [FileEntry, "relationships"]),
  ];
  if (entries.length > 0) await makeFolder(join(folder, ADMIN_HEADERS));
  for (const [entry, kind] of entries) {
    let prefix: string;
    if ("type" in entry) {
      const problem = optionProblem(entry.type, false);
      if (problem !== undefined) {
        loss.add(
          entry.type,
          `relationship type containing ${problem}`,
          "left out of the neo4j-admin command, with its relationships",
          entry.rows,
        );
        continue;
      }
      prefix = `${entry.type}=`;
    } else {
      const labels = entry.labels.filter((label) => {
        const problem = optionProblem(label, true);
        if (problem === undefined) return true;
        loss.add(
          `:${label}`,
          `label containing ${problem}`,
          "left out of the neo4j-admin command",
          entry.rows,
        );
        return false;
      });
      if (labels.length === 0 && folder.includes("=")) {
        // Without labels before it, the path's '=' would end a list of labels (`=` alone fails).
        loss.add(
          entry.labels.length ? entry.labels.join(":") : "(no labels)",
          "nodes without labels in a folder whose path holds '=' (--nodes reads what is before it as labels)",
          "left out of the neo4j-admin command",
          entry.rows,
        );
        continue;
      }
      prefix = labels.length ? `${labels.join(":")}=` : "";
    }
    const mapping = await fileMapping(folder, entry, loss);
    const header = `${ADMIN_HEADERS}/${entry.table}.header.csv`;
    const text = `${mapping.names.join(",")}\n${mapping.columns.join(",")}\n`;
    await writeFileAtomically(
      join(folder, header),
      ReadableStream.from([new TextEncoder().encode(text)]),
    );
    files.push(header);
    options.push(`--${kind}=${prefix}${join(folder, header)},${join(folder, entry.file)}`);
  }
  const command = [
    "neo4j-admin database import full",
    "--input-type=parquet",
    "--id-type=INTEGER",
    ...options.map(shellWord),
    "-- neo4j",
  ];
  const text = [
    "# Neo4j 5.26 and 2025+ (the Parquet import is a public beta): stop the database first",
    "# (or add --overwrite-destination=true). What the import leaves out is in loss-report.txt;",
    "# the indexes and constraints are in manifest.json (schema).",
    command.join(" \\\n  "),
    "",
  ].join("\n");
  await writeFileAtomically(
    join(folder, "import-command.txt"),
    ReadableStream.from([new TextEncoder().encode(text)]),
  );
  files.push("import-command.txt");
  return files;
}

/** The header rows of one file, reporting the columns left out. */
async function fileMapping(folder: string, entry: FileEntry, loss: LossReport): Promise<Mapping> {
  const owner = "type" in entry
    ? entry.type
    : entry.labels.length
    ? entry.labels.join(":")
    : "(no labels)";
  const names: string[] = [];
  const columns: string[] = [];
  let metadata: FileMetaData | undefined;
  const footer = async () => metadata ??= await readFooter(join(folder, entry.file));
  for (const column of entry.columns) {
    const fixed = { id: ":ID", start: ":START_ID", end: ":END_ID" } as Record<string, string>;
    if (column.role === "zone") continue; // Its value column decides (Time and DateTime: out).
    if (column.role !== "property") {
      // A relationship's `id` is its position in the backup: Neo4j gives new ids.
      if (column.role === "id" && "type" in entry) continue;
      names.push(fixed[column.role]);
      columns.push(quoteCsv(column.name));
      continue;
    }
    const { entry: name, lost } = headerEntry(column);
    const where = `${owner}.${column.key ?? column.name}`;
    if (lost !== undefined) {
      loss.add(where, lost, LEFT_OUT_FOR_ADMIN, valuesIn(await footer(), column.name, entry.rows));
      continue;
    }
    if (column.cypherType === "STRING" && holdsEmptyText(await footer(), column.name)) {
      loss.add(
        where,
        "empty string (neo4j-admin's Parquet import skips empty strings)",
        "left out by neo4j-admin (the property is missing where it was empty)",
      );
    }
    names.push(quoteCsv(name!));
    columns.push(quoteCsv(column.name));
  }
  return { names, columns };
}

/** The footer of a Parquet file. */
async function readFooter(path: string): Promise<FileMetaData> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw fileError(e, "read", path);
  }
  try {
    const file = await fileBuffer(handle);
    return await parquetMetadataAsync(file);
  } finally {
    await handle.close();
  }
}

/** The chunks of a top-level, unnested column, one per row group. */
function flatChunks(metadata: FileMetaData, name: string) {
  return metadata.row_groups.map((group) =>
    group.columns.find((c) => {
      const path = c.meta_data?.path_in_schema;
      return path?.length === 1 && path[0] === name;
    })?.meta_data
  );
}

/** How many rows hold a value in a column (all rows when the footer does not tell). */
function valuesIn(metadata: FileMetaData, name: string, rows: number): number {
  let count = 0;
  for (const [i, chunk] of flatChunks(metadata, name).entries()) {
    const nulls = chunk?.statistics?.null_count;
    if (nulls === undefined) return rows;
    count += Number(metadata.row_groups[i].num_rows) - Number(nulls);
  }
  return count;
}

/** Whether a string column holds an empty string (its minimum is one), or may (no statistics). */
function holdsEmptyText(metadata: FileMetaData, name: string): boolean {
  return flatChunks(metadata, name).some((chunk, i) => {
    const stats = chunk?.statistics;
    if (stats === undefined) return true;
    if (Number(stats.null_count ?? 0) === Number(metadata.row_groups[i].num_rows)) return false;
    const min = stats.min_value;
    if (min === undefined || min === null) return true;
    return (typeof min === "string" || min instanceof Uint8Array) && min.length === 0;
  });
}

/** A word for a POSIX shell: as it is when plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
