/**
 * `convert --to admin-csv`: a backup as a folder of CSV files for `neo4j-admin database import
 * full` (Neo4j 5.x, 2025+) and `neo4j-admin import` (4.4), with the command lines, the schema as
 * a Cypher script and the loss report. Records stream through: memory holds one buffer per open
 * data file and the column list of each file group, never the records.
 *
 * @module
 */

import type {
  BackupRecord,
  HeaderRecord,
  NodeRecord,
  Properties,
  PropertyValue,
  RelationshipRecord,
  SchemaRecord,
} from "../format/records.ts";
import { hasLoneSurrogate } from "../format/names.ts";
import { writeFileAtomically } from "../storage/atomic_write.ts";
import { removeFile } from "../storage/files.ts";
import { importCommandText, type ImportGroup } from "./admin_import_command.ts";
import { CsvGroup } from "./csv_group.ts";
import {
  ARRAY_DELIMITER,
  type CsvField,
  csvField,
  type CsvText,
  quotedField,
} from "./csv_values.ts";
import type { LossReport } from "./loss_report.ts";
import { LONE_SURROGATE_LOSS, lossReportText } from "./loss_report.ts";
import { schemaScript, targetServer } from "./schema_script.ts";

/** Options of {@link writeAdminCsv}. */
export interface AdminCsvOptions {
  /** The output folder, absolute; it must exist (and should be empty). */
  folder: string;
  /** The target Neo4j line for `schema.cypher` and the command's order, e.g. `"5.26"`. */
  targetVersion: string;
  /** Receives every value, label and schema item the importer cannot carry. */
  loss: LossReport;
  /** The most data files open at once (default 32); others are continued in new parts. */
  maxOpenFiles?: number;
}

/** What {@link writeAdminCsv} wrote. */
export interface AdminCsvResult {
  /** The backup's header. */
  header?: HeaderRecord;
  /** Nodes written. */
  nodes: number;
  /** Relationships written. */
  relationships: number;
  /** Schema records read (see `schema.cypher` for what became of them). */
  schema: number;
  /** Compressed bytes of the data files. */
  bytes: number;
  /** The files written, relative to the folder. */
  files: string[];
}

/**
 * Writes a backup's records as an admin-csv folder: per label set and per relationship type
 * (split further when a property's type differs) a header file and gzip data files; then
 * `import-command.txt`, `schema.cypher` and `loss-report.txt`.
 *
 * @param records The backup's records, header first.
 * @param options The folder, the target line and the loss report.
 * @returns What was written.
 *
 * @example Convert a backup file
 * ```ts ignore
 * import { decodeBackup } from "../format/decoder_stream.ts";
 * import { LossReport } from "./loss_report.ts";
 * import { writeAdminCsv } from "./admin_csv.ts";
 * const file = await Deno.open("backup.jsonl.gz");
 * const result = await writeAdminCsv(decodeBackup(file.readable), {
 *   folder: "/tmp/csv", targetVersion: "5.26", loss: new LossReport(),
 * });
 * console.log(result.files);
 * ```
 */
export async function writeAdminCsv(
  records: ReadableStream<BackupRecord>,
  options: AdminCsvOptions,
): Promise<AdminCsvResult> {
  targetServer(options.targetVersion);
  const writer = new AdminCsvWriter(options);
  let done = false;
  try {
    for await (const record of records) await writer.add(record);
    const result = await writer.finish();
    done = true;
    return result;
  } finally {
    if (!done) await writer.abandon();
  }
}

class AdminCsvWriter {
  #options: AdminCsvOptions;
  #header?: HeaderRecord;
  #schema: SchemaRecord[] = [];
  #nodeGroups = new Map<string, CsvGroup[]>();
  #relGroups = new Map<string, CsvGroup[]>();
  #all: CsvGroup[] = [];
  /** Open groups, least recently written first. */
  #open = new Map<CsvGroup, true>();
  #nodes = 0;
  #relationships = 0;

  constructor(options: AdminCsvOptions) {
    this.#options = options;
  }

  async add(record: BackupRecord): Promise<void> {
    switch (record.kind) {
      case "header":
        this.#header = record;
        return;
      case "index":
      case "constraint":
        this.#schema.push(record);
        return;
      case "node":
        return await this.#node(record);
      case "rel":
        return await this.#rel(record);
    }
  }

  async #node(record: NodeRecord): Promise<void> {
    const labels = record.labels.filter((label) => {
      if (!label.includes(ARRAY_DELIMITER)) return true;
      this.#options.loss.add(`:${label}`, "label containing U+001F", "left out");
      return false;
    });
    const owner = labels.length === 0 ? "(no labels)" : labels.join(":");
    const cells = this.#cells(owner, record.props);
    const key = JSON.stringify(labels);
    const group = this.#group(this.#nodeGroups, key, "nodes", [":ID", ":LABEL"], cells);
    const fixed = [String(record.id), labels.length ? quotedField(labels, ARRAY_DELIMITER) : ""];
    await this.#write(group, group.row(fixed, cells));
    this.#nodes++;
  }

  async #rel(record: RelationshipRecord): Promise<void> {
    const cells = this.#cells(record.type, record.props);
    const fixed = [":START_ID", ":END_ID", ":TYPE"];
    const group = this.#group(this.#relGroups, record.type, "relationships", fixed, cells);
    const type = quotedField([record.type]);
    const row = group.row([String(record.start), String(record.end), type], cells);
    await this.#write(group, row);
    this.#relationships++;
  }

  #cells(owner: string, props: Properties): Map<string, CsvField> {
    const cells = new Map<string, CsvField>();
    for (const [key, value] of Object.entries(props)) {
      const unreadable = headerProblem(key);
      if (unreadable !== undefined) {
        this.#options.loss.add(
          `${owner}.${key}`,
          `property key containing ${unreadable}`,
          "left out",
        );
        continue;
      }
      const field = csvField(value);
      if ("lost" in field) {
        this.#options.loss.add(`${owner}.${key}`, field.lost, field.action);
        continue;
      }
      if (someLoneSurrogate(value)) {
        this.#options.loss.add(`${owner}.${key}`, ...LONE_SURROGATE_LOSS);
      }
      cells.set(key, field);
    }
    return cells;
  }

  #group(
    groups: Map<string, CsvGroup[]>,
    key: string,
    kind: "nodes" | "relationships",
    fixed: string[],
    cells: Map<string, CsvField>,
  ): CsvGroup {
    let list = groups.get(key);
    if (list === undefined) groups.set(key, list = []);
    const found = list.find((g) => g.fits(cells));
    if (found) return found;
    const group = new CsvGroup(this.#options.folder, `${kind}-${this.#all.length + 1}`, fixed);
    list.push(group);
    this.#all.push(group);
    return group;
  }

  async #write(group: CsvGroup, row: CsvText[]): Promise<void> {
    if (this.#open.has(group)) this.#open.delete(group);
    else if (this.#open.size >= (this.#options.maxOpenFiles ?? 32)) {
      const [oldest] = this.#open.keys();
      this.#open.delete(oldest);
      await oldest.close();
    }
    this.#open.set(group, true);
    await group.write(row);
  }

  async finish(): Promise<AdminCsvResult> {
    for (const group of this.#open.keys()) await group.close();
    this.#open.clear();
    const { folder, loss, targetVersion } = this.#options;
    const files: string[] = [];
    const groups: ImportGroup[] = [];
    for (const group of this.#all) {
      await writeText(`${folder}/${group.headerFile}`, group.header());
      files.push(group.headerFile, ...group.parts);
      groups.push({
        kind: group.stem.startsWith("nodes") ? "nodes" : "relationships",
        files: [group.headerFile, ...group.parts].map((f) => `${folder}/${f}`),
      });
    }
    const major = targetServer(targetVersion).major;
    await writeText(`${folder}/import-command.txt`, importCommandText(groups, major));
    const source = this.#header?.source.version ?? "unknown";
    const schema = schemaScript(this.#schema, targetVersion, source, loss);
    await writeText(`${folder}/schema.cypher`, schema.map((line) => `${line}\n`));
    await writeText(`${folder}/loss-report.txt`, lossReportText(loss, "admin-csv"));
    files.push("import-command.txt", "schema.cypher", "loss-report.txt");
    return {
      header: this.#header,
      nodes: this.#nodes,
      relationships: this.#relationships,
      schema: this.#schema.length,
      bytes: this.#all.reduce((n, g) => n + g.bytes, 0),
      files,
    };
  }

  /**
   * After a failure or an interruption, closes what is open and removes every file this
   * conversion wrote, so that no incomplete folder is taken for a complete one.
   */
  async abandon(): Promise<void> {
    for (const group of this.#open.keys()) await group.close().catch(() => {});
    this.#open.clear();
    const { folder } = this.#options;
    for (const group of this.#all) {
      for (const file of [group.headerFile, ...group.parts]) await removeFile(`${folder}/${file}`);
    }
    for (const file of ["import-command.txt", "schema.cypher", "loss-report.txt"]) {
      await removeFile(`${folder}/${file}`);
    }
  }
}

/** Writes text, given whole or in pieces (a long piece as it is made), to a file. */
async function writeText(path: string, text: string | CsvText[]): Promise<void> {
  const encoder = new TextEncoder();
  const parts = typeof text === "string" ? [text] : text;
  const bytes = (function* () {
    let buffer = "";
    for (const part of parts) {
      for (const piece of typeof part === "string" ? [part] : part) {
        buffer += piece;
        if (buffer.length < 1 << 16) continue;
        yield encoder.encode(buffer);
        buffer = "";
      }
    }
    yield encoder.encode(buffer);
  })();
  await writeFileAtomically(path, ReadableStream.from(bytes));
}

function someLoneSurrogate(value: PropertyValue): boolean {
  if (typeof value === "string") return hasLoneSurrogate(value);
  return Array.isArray(value) && value.some((v) => typeof v === "string" && hasLoneSurrogate(v));
}

/**
 * What in a property key neo4j-admin cannot read back from a header field (checked on 5.26),
 * or `undefined`: `{` opens its options, `(` its ID group (`a(b)c` arrives as `ac`, `a(b` fails
 * the import), and a line break ends the header even inside quotes.
 */
function headerProblem(key: string): string | undefined {
  if (key.includes("{")) return "'{' (neo4j-admin reads it as options)";
  if (key.includes("(")) return "'(' (neo4j-admin reads it as an ID group)";
  if (/[\n\r]/.test(key)) return "a line break (neo4j-admin's header is one line)";
  return undefined;
}
