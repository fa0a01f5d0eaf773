/**
 * `import --dry-run`: what an import would do, found without writing anything. The whole
 * backup is read (so the decoder checks every line, the footer's counts and the checksum), the
 * target is asked what it is and holds, and the schema is planned for it exactly as the import
 * plans it ({@link planSchemaItem}).
 *
 * @module
 */

import { decodeBackup } from "../format/decoder_stream.ts";
import { FormatError } from "../errors.ts";
import type { BackupRecord, HeaderRecord, SchemaRecord } from "../format/records.ts";
import { driverOf, type Neo4jDriver } from "../neo4j/driver.ts";
import { type ServerInfo, serverInfo } from "../neo4j/server.ts";
import { throwIfAborted } from "../pipeline/abort.ts";
import { describeContents, inspectTarget, isClean, type TargetContents } from "./clean.ts";
import type { ImportOptions } from "./import_options.ts";
import { readJournal } from "./journal.ts";
import { PhaseProgress } from "../pipeline/phase_progress.ts";
import type { ProgressPhase } from "../pipeline/progress_event.ts";
import { withRetries } from "../pipeline/retry.ts";
import {
  lookupIndexes,
  planSchemaItem,
  type SchemaItemPlan,
  schemaOrder,
} from "./schema_writer.ts";

/** What an import with the same options would do. */
export interface ImportPlan {
  /** The backup's header. */
  header: HeaderRecord;
  /** The target server and database. */
  target: ServerInfo;
  /** What the target holds now. */
  contents: TargetContents;
  /** Node records in the backup. */
  nodes: number;
  /** Relationship records in the backup. */
  relationships: number;
  /** Each schema item of the backup, in the order the import creates them, with its fate. */
  schema: SchemaItemPlan[];
  /** Rows per write transaction at most. */
  batchSize: number;
  /** Write transactions at least: nodes and relationships are never in the same one. */
  batches: { nodes: number; relationships: number };
  /** What `clean` would delete and drop first (nothing when the target holds nothing). */
  clean?: Omit<TargetContents, "database">;
  /**
   * Why the import would not run without a question: it would ask on a terminal and refuse
   * elsewhere, or refuse outright (a state file of an interrupted import). None when it would run.
   */
  refusal?: string;
}

/**
 * Finds what {@link importRecords} would do with these records and options, writing nothing:
 * no data, no schema, no state file.
 *
 * @param neo4jDriver A driver connected to the target server.
 * @param records The records, header first; all are read.
 * @param options The import's options: database, batch size, `allowNonEmpty`, `clean`,
 *   `allowClean`, `state`, retries, progress (the `schema`, `nodes` and `relationships` read),
 *   signal. Confirmation callbacks are not called.
 * @returns The plan.
 * @throws {FormatError} When the backup is damaged (as the import would, later).
 *
 * @example Rehearse an import
 * ```ts ignore
 * const plan = await planImport(driver, decodeBackup(file.readable), { batchSize: 5000 });
 * console.log(plan.refusal ?? "the import would run");
 * ```
 */
export async function planImport(
  neo4jDriver: Neo4jDriver,
  records: ReadableStream<BackupRecord>,
  options: ImportOptions = {},
): Promise<ImportPlan> {
  const driver = driverOf(neo4jDriver);
  const retry = { retryFor: options.retryFor, onRetry: options.onRetry, signal: options.signal };
  const read = await readAll(records, options);
  const target = await withRetries(
    "connecting",
    () => serverInfo(driver, options.database),
    retry,
  );
  const contents = await inspectTarget(driver, target.database, retry);
  const session = driver.session({ database: target.database, defaultAccessMode: "READ" });
  let lookups: Map<string, string>;
  try {
    lookups = await lookupIndexes(session);
  } finally {
    await session.close();
  }
  const batchSize = options.batchSize ?? 5_000;
  const clean = options.clean ? cleanPart(contents) : undefined;
  const refusal = await refusalOf(contents, options);
  return {
    header: read.header,
    target,
    contents,
    nodes: read.nodes,
    relationships: read.relationships,
    schema: schemaOrder(read.schema).map((r) => planSchemaItem(r, target, read.header, lookups)),
    batchSize,
    batches: {
      nodes: Math.ceil(read.nodes / batchSize),
      relationships: Math.ceil(read.relationships / batchSize),
    },
    ...(clean ? { clean } : {}),
    ...(refusal ? { refusal } : {}),
  };
}

/**
 * {@link planImport} for a backup's bytes (gzip-compressed or plain).
 *
 * @param driver A driver connected to the target server.
 * @param bytes The backup's bytes.
 * @param options As {@link planImport}.
 * @returns The plan.
 *
 * @example
 * ```ts ignore
 * const plan = await planImportOfBackup(driver, file.readable);
 * console.log(plan.schema.filter((s) => s.action === "skip"));
 * ```
 */
export function planImportOfBackup(
  driver: Neo4jDriver,
  bytes: ReadableStream<Uint8Array>,
  options: ImportOptions = {},
): Promise<ImportPlan> {
  return planImport(driver, decodeBackup(bytes), options);
}

function cleanPart(contents: TargetContents): Omit<TargetContents, "database"> {
  const { database: _, ...rest } = contents;
  return rest;
}

/** Why the import would stop or ask, in the order it would find out. */
async function refusalOf(
  contents: TargetContents,
  options: ImportOptions,
): Promise<string | undefined> {
  const where = `database '${contents.database}'`;
  if (options.state && await readJournal(options.state)) {
    return `An import was interrupted (state file '${options.state}'): the import would refuse; ` +
      "continue it with --resume, or delete the state file and empty the target";
  }
  if (options.clean) {
    if (isClean(contents) || options.allowClean) return undefined;
    return `The import would ask before emptying ${where} (${describeContents(contents)}), ` +
      "and refuse without a terminal: pass --yes to delete without asking";
  }
  if (contents.nodes === 0 || options.allowNonEmpty) return undefined;
  return `Target ${where} is not empty (${describeContents(contents)}): the import would ask ` +
    "on a terminal and refuse elsewhere; pass --yes to import into it, or --clean to empty it first";
}

interface ReadBackup {
  header: HeaderRecord;
  schema: SchemaRecord[];
  nodes: number;
  relationships: number;
}

/** The phases of reading a backup. */
type ReadPhase = Extract<ProgressPhase, "schema" | "nodes" | "relationships">;

/** The phase each record kind is read in. */
const PHASE: Record<string, ReadPhase> = {
  index: "schema",
  constraint: "schema",
  node: "nodes",
  rel: "relationships",
};

/** Reads every record, keeping the schema and counting the rest; reports the phases read. */
async function readAll(
  records: ReadableStream<BackupRecord>,
  options: ImportOptions,
): Promise<ReadBackup> {
  let header: HeaderRecord | undefined;
  const schema: SchemaRecord[] = [];
  const done: Record<string, number> = { schema: 0, nodes: 0, relationships: 0 };
  let phase: PhaseProgress | undefined;
  let phaseName: ReadPhase | undefined;
  for await (const record of records) {
    throwIfAborted(options.signal);
    if (record.kind === "header") {
      header = record;
      continue;
    }
    if (header === undefined) {
      throw new FormatError("Not a backup: the first record is not a header", { line: 1 });
    }
    if (record.kind === "footer") continue;
    const name = PHASE[record.kind];
    if (name !== phaseName) {
      if (phaseName) phase?.end(done[phaseName]);
      const total = name === "schema" ? undefined : header.counts?.[name];
      phase = new PhaseProgress(name, total, options.onProgress);
      phaseName = name;
    }
    if (record.kind === "index" || record.kind === "constraint") schema.push(record);
    if (++done[name] % 1000 === 0) phase!.advance(done[name]);
  }
  if (phaseName) phase?.end(done[phaseName]);
  if (header === undefined) throw new FormatError("Not a backup: it is empty", { line: 1 });
  return { header, schema, nodes: done.nodes, relationships: done.relationships };
}
