/**
 * `neo4j-backup list`: the table of contents of a backup, read in one pass without a server:
 * the header, the footer's verdict, nodes per label set and label, relationships per type and
 * pattern, property keys with their value types, and the schema items.
 *
 * @module
 */

import { isLegacyBackup, readLegacyBackup } from "../compat/legacy_reader.ts";
import type { PropertyKeyContents, SchemaItemContents } from "../list/contents.ts";
import { tallyBackup } from "../list/tally.ts";
import { FormatError, UsageError } from "../errors.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import { IntegrityStream } from "../format/integrity_stream.ts";
import type { BackupRecord } from "../format/records.ts";
import { pathKind } from "../storage/files.ts";
import { openSource, type PlaceOptions } from "../storage/place.ts";
import { isS3Url } from "../storage/s3/url.ts";
import type { S3Settings } from "../storage/s3/config.ts";
import { STORAGE_OPTIONS, storageFlags } from "./storage_flags.ts";
import { isPlace } from "../storage/retention.ts";
import { listPlace } from "./list_place.ts";
import { stdin, writeStdout } from "../storage/stdio.ts";
import type { CommandContext } from "./context.ts";
import { startDisplay } from "./display.ts";
import {
  COMMON_OPTIONS,
  commonFlags,
  helpHint,
  noExtraArguments,
  type OptionTable,
  parseFlags,
} from "./flags.ts";
import { helpText } from "./help.ts";
import { collectWarnings } from "./json_summary.ts";
import { type ListDocument, listDocument } from "./summary_documents.ts";
import { formatCount, plural } from "./progress.ts";
import { terminalText } from "./terminal_text.ts";

/** The flags of `list`, resolved. */
export interface ListFlags {
  /** `-h`, `--help`: print the help and do nothing else. */
  help: boolean;
  /** `-q`, `--quiet`: no progress (the listing still prints). */
  quiet: boolean;
  /** `--debug`: stack traces and causes of errors. */
  debug: boolean;
  /** `--json`: print one JSON document instead of the table. */
  json: boolean;
  /** The file, a Python project folder, or `"-"` for stdin. */
  input: string;
  /** `--s3-*`: how to reach object storage. */
  storage: S3Settings;
}

const LIST_OPTIONS: OptionTable = {
  ...COMMON_OPTIONS,
  ...STORAGE_OPTIONS,
  json: { type: "boolean" },
};

/**
 * Parses the arguments of `list`.
 *
 * @param args The arguments after `list`.
 * @returns The resolved flags.
 * @throws {UsageError} For unknown flags, a missing FILE or extra arguments.
 *
 * @example Parse a JSON listing of stdin
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseListArgs } from "./list_command.ts";
 * const flags = parseListArgs(["-", "--json"]);
 * assert.equal(flags.input, "-");
 * assert.equal(flags.json, true);
 * ```
 */
export function parseListArgs(args: string[]): ListFlags {
  const { values, positionals } = parseFlags("list", args, LIST_OPTIONS);
  noExtraArguments("list", positionals, 1);
  const common = commonFlags(values);
  if (!common.help && positionals.length === 0) {
    throw new UsageError(
      `Missing FILE: name the backup to list, or '-' for stdin; ${helpHint("list")}`,
    );
  }
  return {
    ...common,
    json: values.json === true,
    input: positionals[0],
    storage: storageFlags(values),
  };
}

/**
 * Formats the table `list` prints on stdout. Every name, header field and warning comes from
 * the backup: their control characters are shown escaped (`--json` shows them exactly).
 *
 * @param shown The input as shown, e.g. `'backup.jsonl.gz'`.
 * @param doc What the backup holds.
 * @returns The lines, without newlines.
 *
 * @example List a backup of one node
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatListing } from "./list_command.ts";
 * const lines = formatListing("'a.jsonl'", {
 *   input: "a.jsonl", layout: "neo4j-backup", verified: true,
 *   header: { kind: "header", format: "neo4j-backup", version: 1, tool: "neo4j-backup 0.1.0",
 *     created: "2026-11-24T07:00:00.000Z",
 *     source: { version: "5.26.29", edition: "community", database: "neo4j" } },
 *   footer: { kind: "footer", nodes: 1, relationships: 0, schema: 0, sha256: "ab" },
 *   nodes: 1, relationships: 0,
 *   labelSets: [{ labels: ["Person"], nodes: 1,
 *     properties: [{ key: "born", count: 1, types: { Integer: 1 } }] }],
 *   labels: [{ label: "Person", nodes: 1 }], types: [], patterns: [], schema: [],
 * });
 * assert.equal(lines[0], "Backup 'a.jsonl'");
 * assert.ok(lines.includes("    born  1  Integer 1"));
 * ```
 */
export function formatListing(shown: string, doc: ListDocument): string[] {
  return [
    `Backup ${shown}`,
    ...headerLines(doc),
    "",
    `Nodes by label set (${plural(doc.nodes, "node")})`,
    ...countTable(doc.labelSets.map((s) => [s.nodes, labelSetName(s.labels)])),
    "",
    "Nodes by label",
    ...countTable(doc.labels.map((l) => [l.nodes, `:${name(l.label)}`])),
    "",
    `Relationships by type (${plural(doc.relationships, "relationship")})`,
    ...countTable(doc.types.map((t) => [t.relationships, `:${name(t.type)}`])),
    "",
    "Relationships by pattern",
    ...countTable(doc.patterns.map((p) => [
      p.relationships,
      `${nodePattern(p.start)}-[:${name(p.type)}]->${nodePattern(p.end)}`,
    ])),
    "",
    "Node properties by label set",
    ...propertySections(
      doc.labelSets.map((s) => [`${labelSetName(s.labels)} (${plural(s.nodes, "node")})`, s]),
    ),
    "",
    "Relationship properties by type",
    ...propertySections(
      doc.types.map((t) => [`:${name(t.type)} (${plural(t.relationships, "relationship")})`, t]),
    ),
    "",
    `Schema (${plural(doc.schema.length, "item")})`,
    ...schemaTable(doc.schema),
  ].map(terminalText); // names are escaped already, for the widths; this catches every other field
}

function headerLines(doc: ListDocument): string[] {
  const { header, footer } = doc;
  const source = header.source;
  const lines = [
    `  written by: ${header.tool} at ${header.created}`,
    `  source:     Neo4j ${source.version} ${source.edition}, database '${source.database}'`,
  ];
  if (footer === null) {
    lines.push(
      "  complete:   unknown: a Python neo4j-backup folder has no footer and no checksum to verify",
    );
    return lines;
  }
  lines.push(
    `  complete:   yes: ${plural(footer.nodes, "node")}, ${
      plural(footer.relationships, "relationship")
    }, ${plural(footer.schema, "schema item")}; checksum sha256 ${footer.sha256} verified`,
  );
  for (const warning of footer.warnings ?? []) lines.push(`  warning:    ${warning}`);
  return lines;
}

/** Rows of a count and a name, the counts right-aligned. */
function countTable(rows: [number, string][]): string[] {
  if (rows.length === 0) return ["  (none)"];
  const width = Math.max(...rows.map(([n]) => formatCount(n).length));
  return rows.map(([n, text]) => `  ${formatCount(n).padStart(width)}  ${text}`);
}

function propertySections(
  owners: [string, { properties: PropertyKeyContents[] }][],
): string[] {
  const lines: string[] = [];
  for (const [title, { properties }] of owners) {
    if (properties.length === 0) continue;
    lines.push(`  ${title}`);
    const keyWidth = Math.max(...properties.map((p) => name(p.key).length));
    const countWidth = Math.max(...properties.map((p) => formatCount(p.count).length));
    for (const p of properties) {
      const types = Object.entries(p.types).map(([t, n]) => `${t} ${formatCount(n)}`).join(", ");
      lines.push(
        `    ${name(p.key).padEnd(keyWidth)}  ${
          formatCount(p.count).padStart(countWidth)
        }  ${types}`,
      );
    }
  }
  return lines.length === 0 ? ["  (none)"] : lines;
}

function schemaTable(items: SchemaItemContents[]): string[] {
  if (items.length === 0) return ["  (none)"];
  const rows = items.map((item) => [name(item.name), `${item.kind} ${item.type}`, schemaOn(item)]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map(([n, kind, on]) => `  ${n.padEnd(widths[0])}  ${kind.padEnd(widths[1])}  ${on}`);
}

/** What a schema item is on, in Cypher's pattern style: `(:Movie {title})`. */
function schemaOn(item: SchemaItemContents): string {
  const node = item.entity === "NODE";
  if (item.labelsOrTypes.length === 0) return node ? "every node label" : "every relationship type";
  const names = item.labelsOrTypes.map((l) => `:${name(l)}`).join("|");
  const props = item.properties.length > 0 ? ` {${item.properties.map(name).join(", ")}}` : "";
  const type = item.propertyType === undefined ? "" : ` :: ${item.propertyType}`;
  return `${node ? `(${names}${props})` : `[${names}${props}]`}${type}`;
}

function labelSetName(labels: string[]): string {
  return labels.length === 0 ? "(no labels)" : labels.map((l) => `:${name(l)}`).join("");
}

function nodePattern(labels: string[] | null): string {
  if (labels === null) return "(?)";
  return `(${labels.map((l) => `:${name(l)}`).join("")})`;
}

/**
 * A name as Cypher writes it, backticks around names that are not plain identifiers, with its
 * control characters escaped.
 */
function name(text: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return text;
  return `\`${terminalText(text).replaceAll("`", "``")}\``;
}

/** Node ids unique, relationship ends present: the same checks as `verify` and `convert`. */
const CHECKED = { integrity: true };

/** The opened input: the records of a backup file, stdin, or a Python project folder. */
interface Input {
  records: ReadableStream<BackupRecord>;
  shown: string;
  layout: ListDocument["layout"];
}

/** A folder that is not a Python project, or an S3 prefix: the backups stored there. */
async function isPlaceInput(input: string): Promise<boolean> {
  if (input === "-") return false;
  if (isS3Url(input)) return isPlace(input);
  return await pathKind(input) === "directory" && !await isLegacyBackup(input);
}

async function openInput(
  input: string,
  stdinIsTerminal: boolean,
  warn: (message: string) => void,
  place: PlaceOptions,
): Promise<Input> {
  if (input === "-") {
    if (stdinIsTerminal) {
      throw new UsageError(
        `No backup to read: pipe a backup into stdin, or name a FILE; ${helpHint("list")}`,
      );
    }
    return { records: decodeBackup(stdin(), CHECKED), shown: "stdin", layout: "neo4j-backup" };
  }
  const shown = `'${input}'`;
  if (!isS3Url(input) && await pathKind(input) === "directory") {
    if (await isLegacyBackup(input)) {
      const records = readLegacyBackup(input, { onWarning: warn })
        .pipeThrough(new IntegrityStream({ position: "record" }));
      return { records, shown, layout: "python" };
    }
    throw new FormatError(
      `Not a backup: '${input}' is a folder without the compressed.json and data/ of a Python neo4j-backup project`,
    );
  }
  const bytes = await openSource(input, place);
  return { records: decodeBackup(bytes, CHECKED), shown, layout: "neo4j-backup" };
}

/**
 * Runs `neo4j-backup list`: tallies every record and prints the table of contents (or, with
 * `--json`, one JSON document) on stdout. A damaged backup fails with the decoder's
 * {@link FormatError}, as `verify` does, and so does one with a node id twice or a relationship
 * to a node it does not hold.
 *
 * @param args The arguments after `list`.
 * @param context Stderr, environment and terminals.
 * @returns Resolves when the listing is printed.
 * @throws {FormatError} When the backup is damaged or is not a backup.
 *
 * @example List a file as JSON
 * ```ts ignore
 * import { runList } from "./list_command.ts";
 * await runList(["backup.jsonl.gz", "--json"], context);
 * ```
 */
export async function runList(args: string[], context: CommandContext): Promise<void> {
  const flags = parseListArgs(args);
  if (flags.help) return await writeStdout(helpText("list"));
  if (await isPlaceInput(flags.input)) {
    const place = { s3: flags.storage, env: context.env };
    await listPlace(flags.input, {
      ...place,
      json: flags.json,
      started: performance.now(),
    });
    return;
  }
  const { progress, watch } = startDisplay(context, flags.quiet);
  const started = performance.now();
  const { warn, warnings } = collectWarnings((m) => progress.warn(m));
  let doc: ListDocument;
  let shown: string;
  try {
    const input = await openInput(flags.input, context.terminal.stdin, warn, {
      s3: flags.storage,
      env: context.env,
    });
    shown = input.shown;
    const records = input.records.pipeThrough(new TransformStream(), { signal: watch.signal });
    const contents = await tallyBackup(records, { onProgress: (e) => progress.update(e) });
    if (input.layout === "neo4j-backup" && contents.footer === undefined) {
      throw new FormatError(`Backup ${shown} has no footer`);
    }
    doc = listDocument(flags.input, input.layout, contents);
    progress.finish();
  } catch (e) {
    progress.clear();
    throw e;
  } finally {
    watch.dispose();
  }
  // The fields every JSON summary has come first (see summary_documents.ts).
  const seconds = (performance.now() - started) / 1000;
  const common = { command: "list", ok: true, seconds, warnings };
  const text = flags.json
    ? JSON.stringify({ ...common, ...doc }, null, 2)
    : formatListing(shown, doc).join("\n");
  await writeStdout(`${text}\n`);
}
