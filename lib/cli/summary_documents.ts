/**
 * The documents of the JSON summaries (`--json`, `--summary FILE`), one type per command, and
 * the functions that build them from what a command did. docs/CLI.md describes every field;
 * `json_summary.ts` decides where a document goes.
 *
 * @module
 */

import { FormatError } from "../errors.ts";
import type { FooterRecord, HeaderRecord } from "../format/records.ts";
import type { ImportSummary } from "../import/import.ts";
import type { BackupContents } from "../list/contents.ts";

/** The fields every document has. */
export interface CommonSummary {
  /** The command: `"export"`, `"import"`, `"verify"`, `"list"`, `"convert"`. */
  command: string;
  /** Always `true`: a failed run writes no document. `false` only for a refused `import --dry-run`. */
  ok: boolean;
  /** Wall-clock seconds of the run. */
  seconds: number;
  /** Each warning printed on stderr, once, in order (retry notices are not warnings). */
  warnings: string[];
}

/** A schema item with what happened to it, or would. */
export interface SchemaNote {
  /** The index or constraint name. */
  name: string;
  /** Why it was skipped or changed. */
  reason: string;
}

/** What `--clean` deleted and dropped (or, in a dry run, would). */
export interface CleanNote {
  nodes: number;
  relationships: number;
  /** Constraint names. */
  constraints: string[];
  /** Index names (lookup indexes are kept, never listed). */
  indexes: string[];
}

/** `export --json`. */
export interface ExportSummaryDocument extends CommonSummary {
  command: "export";
  /** The database exported. */
  database: string;
  /** The file written, or `"-"` for stdout. */
  output: string;
  /** Whether the backup is gzip-compressed. */
  compressed: boolean;
  nodes: number;
  relationships: number;
  /** Schema items (indexes and constraints) written. */
  schema: number;
  /** Bytes written. */
  bytes: number;
}

/** `import --json` (without `--dry-run`). */
export interface ImportSummaryDocument extends CommonSummary {
  command: "import";
  dryRun: false;
  /** The input as named on the command line, `"-"` for stdin. */
  input: string;
  /** The target database. */
  database: string;
  /** Nodes created. */
  nodes: number;
  /** Relationships created. */
  relationships: number;
  /** Schema items that exist on the target after the import (with changes included). */
  schemaCreated: number;
  /** Items created without some parts, each with what was left out. */
  createdWithChanges: SchemaNote[];
  /** Items not created, each with why. */
  skipped: SchemaNote[];
  /** Bytes read; `null` for a Python folder. */
  bytes: number | null;
  /** Whether the import continued an interrupted one (`--resume`). */
  resumed: boolean;
  /** Why batches were made smaller than `--batch-size`, or `null`. */
  batchesReduced: string | null;
  /** Write transactions in flight at once (`--jobs`). */
  jobs: number;
  /** Batches the target rolled back as deadlocks and that were written again (0 at `--jobs 1`). */
  deadlocks: number;
  /** What `--clean` deleted first, or `null` without `--clean`. */
  clean: CleanNote | null;
}

/** One schema item of a dry run. */
export interface PlannedSchemaItem {
  name: string;
  /** E.g. ``RANGE index 'by_name' on :`Person` ``. */
  item: string;
  /** `create`, `change` (created with changes), `skip`, or `exists` (a lookup index the target has). */
  action: "create" | "change" | "skip" | "exists";
  /** Why it is changed or skipped; `null` otherwise. */
  reason: string | null;
}

/** `import --dry-run --json`. */
export interface ImportPlanDocument extends CommonSummary {
  command: "import";
  dryRun: true;
  input: string;
  database: string;
  /** Node records in the backup. */
  nodes: number;
  /** Relationship records in the backup. */
  relationships: number;
  /** Bytes read; `null` for a Python folder. */
  bytes: number | null;
  /** The backup's header, as in docs/FORMAT.md. */
  header: HeaderRecord;
  /** The target server and what it holds now. */
  target: {
    version: string;
    edition: string;
    database: string;
    nodes: number;
    relationships: number;
    constraints: string[];
    indexes: string[];
    /** No nodes and no relationships. */
    empty: boolean;
  };
  /** The schema items in the order the import creates them. */
  schema: PlannedSchemaItem[];
  /** The write transactions: rows per batch at most, and how many batches at least. */
  batches: { batchSize: number; nodes: number; relationships: number };
  /** What `--clean` would delete and drop first, or `null` without `--clean`. */
  clean: CleanNote | null;
  /** Whether the import would run without a question. */
  wouldRun: boolean;
  /** Why it would not, or `null`. */
  refusal: string | null;
}

/** `verify --json`. */
export interface VerifySummaryDocument extends CommonSummary {
  command: "verify";
  input: string;
  /** `"neo4j-backup"` for a backup file, `"python"` for a Python neo4j-backup folder. */
  layout: "neo4j-backup" | "python";
  header: HeaderRecord;
  /** The footer; `null` for a Python folder, which has none. */
  footer: FooterRecord | null;
  nodes: number;
  relationships: number;
  indexes: number;
  constraints: number;
  /** Bytes read (compressed when the file is); `null` for a Python folder (not counted). */
  bytes: number | null;
  /** The verified SHA-256 checksum, hex; `null` for a Python folder, which has none. */
  sha256: string | null;
}

/** `list --json`: the common fields, then the listing that docs/CLI.md describes under `list`. */
export type ListSummaryDocument = CommonSummary & { command: "list" } & ListDocument;

/**
 * The document `list --json` prints: what the backup holds, and whether it is known complete.
 * Its shape is documented in docs/CLI.md.
 */
export interface ListDocument extends Omit<BackupContents, "header" | "footer"> {
  /** The input as named on the command line, `"-"` for stdin. */
  input: string;
  /** `"neo4j-backup"` for a backup file, `"python"` for a Python neo4j-backup folder. */
  layout: "neo4j-backup" | "python";
  /** The header record (for a Python folder, the one the legacy reader makes up). */
  header: HeaderRecord;
  /** The footer record, its counts and checksum verified; `null` for a Python folder. */
  footer: FooterRecord | null;
  /** Whether the footer's counts and SHA-256 checksum were verified. */
  verified: boolean;
}

/**
 * Builds the document `list --json` prints.
 *
 * @param input The input as named on the command line.
 * @param layout Whether it is a backup file or a Python tool's folder.
 * @param contents What the tally found; it must have a header.
 * @returns The document, ready for `JSON.stringify`.
 *
 * @example The document of a Python folder has no footer
 * ```ts
 * import assert from "node:assert/strict";
 * import { listDocument } from "./summary_documents.ts";
 * const header = { kind: "header", format: "neo4j-backup", version: 1, tool: "python",
 *   created: "2020-01-01T00:00:00.000Z",
 *   source: { version: "unknown", edition: "unknown", database: "unknown" } } as const;
 * const doc = listDocument("old", "python", { header, nodes: 0, relationships: 0,
 *   labelSets: [], labels: [], types: [], patterns: [], schema: [] });
 * assert.equal(doc.footer, null);
 * assert.equal(doc.verified, false);
 * ```
 */
export function listDocument(
  input: string,
  layout: ListDocument["layout"],
  contents: BackupContents,
): ListDocument {
  const { header, footer, ...rest } = contents;
  if (header === undefined) throw new FormatError(`Backup '${input}' has no header`);
  return { input, layout, header, footer: footer ?? null, verified: footer !== undefined, ...rest };
}

/**
 * The document of `import --json` from the import's summary.
 *
 * @param summary What the import did.
 * @param input The input as named on the command line (`"-"` for stdin).
 * @param bytes Bytes read, `null` for a Python folder.
 * @param warnings The warnings printed.
 * @returns The document.
 *
 * @example
 * ```ts ignore
 * await writeSummary(flags.summary, importDocument(summary, "a.jsonl.gz", 1234, warnings));
 * ```
 */
export function importDocument(
  summary: ImportSummary,
  input: string,
  bytes: number | null,
  warnings: string[],
): ImportSummaryDocument {
  const note = (s: { name: string; reason: string }) => ({ name: s.name, reason: s.reason });
  return {
    command: "import",
    ok: true,
    seconds: summary.seconds,
    warnings,
    dryRun: false,
    input,
    database: summary.target.database,
    nodes: summary.nodes,
    relationships: summary.relationships,
    schemaCreated: summary.schemaCreated,
    createdWithChanges: summary.createdWithChanges.map(note),
    skipped: summary.skipped.map(note),
    bytes,
    resumed: summary.resumed,
    batchesReduced: summary.batchesReduced ?? null,
    jobs: summary.jobs,
    deadlocks: summary.deadlocks ?? 0,
    clean: summary.cleaned ?? null,
  };
}

/** What {@link exportDocument} is made from: the document's own fields, without `command` and `ok`. */
export type ExportFacts = Omit<ExportSummaryDocument, "command" | "ok">;

/**
 * The document of `export --json`.
 *
 * @param facts What the export did.
 * @returns The document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportDocument } from "./summary_documents.ts";
 * const doc = exportDocument({ database: "neo4j", output: "-", compressed: true, nodes: 1,
 *   relationships: 0, schema: 0, bytes: 90, seconds: 0.1, warnings: [] });
 * assert.equal(doc.command, "export");
 * assert.equal(doc.ok, true);
 * ```
 */
export function exportDocument(facts: ExportFacts): ExportSummaryDocument {
  const { seconds, warnings, ...rest } = facts;
  return { command: "export", ok: true, seconds, warnings, ...rest };
}

/** What {@link verifyDocument} is made from. */
export interface VerifyFacts {
  input: string;
  header: HeaderRecord;
  footer: FooterRecord;
  indexes: number;
  constraints: number;
  bytes: number;
  seconds: number;
}

/**
 * The document of `verify --json`; its warnings are the footer's.
 *
 * @param facts What the backup holds.
 * @returns The document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyDocument } from "./summary_documents.ts";
 * const doc = verifyDocument({ input: "a.jsonl", indexes: 0, constraints: 0, bytes: 10, seconds: 0,
 *   header: { kind: "header", format: "neo4j-backup", version: 1, tool: "t",
 *     created: "2026-01-01T00:00:00.000Z",
 *     source: { version: "5.26.0", edition: "community", database: "neo4j" } },
 *   footer: { kind: "footer", nodes: 2, relationships: 1, schema: 0, sha256: "ab" } });
 * assert.equal(doc.nodes, 2);
 * assert.deepEqual(doc.warnings, []);
 * ```
 */
export function verifyDocument(facts: VerifyFacts): VerifySummaryDocument {
  const { footer } = facts;
  return {
    command: "verify",
    ok: true,
    seconds: facts.seconds,
    warnings: footer.warnings ?? [],
    input: facts.input,
    layout: "neo4j-backup",
    header: facts.header,
    footer,
    nodes: footer.nodes,
    relationships: footer.relationships,
    indexes: facts.indexes,
    constraints: facts.constraints,
    bytes: facts.bytes,
    sha256: footer.sha256,
  };
}

/**
 * The document of `verify --json` for a Python neo4j-backup folder: counts as read, no footer,
 * no checksum; its warnings are the reader's.
 *
 * @param facts What the folder holds.
 * @returns The document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyPythonDocument } from "./summary_documents.ts";
 * const doc = verifyPythonDocument({ input: "old/", seconds: 0, warnings: [],
 *   counts: { node: 2, rel: 1, index: 0, constraint: 1 },
 *   header: { kind: "header", format: "neo4j-backup", version: 1, tool: "neo4j-backup (python)",
 *     created: "2026-01-01T00:00:00.000Z",
 *     source: { version: "unknown", edition: "unknown", database: "unknown" } } });
 * assert.equal(doc.layout, "python");
 * assert.equal(doc.sha256, null);
 * assert.equal(doc.relationships, 1);
 * ```
 */
export function verifyPythonDocument(facts: {
  input: string;
  header: HeaderRecord;
  counts: { node: number; rel: number; index: number; constraint: number };
  seconds: number;
  warnings: string[];
}): VerifySummaryDocument {
  const { counts } = facts;
  return {
    command: "verify",
    ok: true,
    seconds: facts.seconds,
    warnings: facts.warnings,
    input: facts.input,
    layout: "python",
    header: facts.header,
    footer: null,
    nodes: counts.node,
    relationships: counts.rel,
    indexes: counts.index,
    constraints: counts.constraint,
    bytes: null,
    sha256: null,
  };
}
