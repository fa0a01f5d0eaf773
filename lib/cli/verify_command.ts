/**
 * `neo4j-backup verify`: read a whole backup without a server, check it, and report what it
 * holds.
 *
 * @module
 */

import { decodeBackup } from "../format/decoder_stream.ts";
import { FormatError, UsageError } from "../errors.ts";
import { formatBytes, formatCount, plural } from "./progress.ts";
import type { ProgressReporter } from "./progress_reporter.ts";
import type { BackupRecord, FooterRecord, HeaderRecord } from "../format/records.ts";
import { openSource } from "../storage/place.ts";
import type { S3Settings } from "../storage/s3/config.ts";
import { STORAGE_OPTIONS, storageFlags } from "./storage_flags.ts";
import { stdin } from "../storage/stdio.ts";
import { writeStdout } from "../storage/stdio.ts";
import { ByteCountStream } from "./byte_count_stream.ts";
import type { CommandContext } from "./context.ts";
import { startDisplay } from "./display.ts";
import { COMMON_OPTIONS, commonFlags, helpHint, noExtraArguments, parseFlags } from "./flags.ts";
import { helpText } from "./help.ts";
import { terminalText } from "./terminal_text.ts";
import { SUMMARY_OPTIONS, summaryFlags, wantsSummary, writeSummary } from "./json_summary.ts";
import type { SummaryFlags } from "./json_summary.ts";
import { verifyDocument, verifyPythonDocument } from "./summary_documents.ts";
import { isLegacyBackup, readLegacyBackup } from "../compat/legacy_reader.ts";
import { IntegrityStream } from "../format/integrity_stream.ts";
import { pathKind } from "../storage/files.ts";
import { isS3Url } from "../storage/s3/url.ts";
import { collectWarnings } from "./json_summary.ts";

/** The flags of `verify`, resolved. */
export interface VerifyFlags {
  help: boolean;
  quiet: boolean;
  debug: boolean;
  /** The file, or `"-"` for stdin. */
  input: string;
  /** `--json` (the document instead of the report on stdout) and `--summary FILE`. */
  summary: SummaryFlags;
  /** `--s3-*`: how to reach object storage. */
  storage: S3Settings;
}

/**
 * Parses the arguments of `verify`.
 *
 * @param args The arguments after `verify`.
 * @returns The resolved flags.
 * @throws {UsageError} For unknown flags, a missing FILE or extra arguments.
 *
 * @example Parse a verify of stdin
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseVerifyArgs } from "./verify_command.ts";
 * assert.equal(parseVerifyArgs(["-"]).input, "-");
 * ```
 */
export function parseVerifyArgs(args: string[]): VerifyFlags {
  const { values, positionals } = parseFlags("verify", args, {
    ...COMMON_OPTIONS,
    ...SUMMARY_OPTIONS,
    ...STORAGE_OPTIONS,
  });
  noExtraArguments("verify", positionals, 1);
  const common = commonFlags(values);
  if (!common.help && positionals.length === 0) {
    throw new UsageError(
      `Missing FILE: name the backup to check, or '-' for stdin; ${helpHint("verify")}`,
    );
  }
  return {
    ...common,
    input: positionals[0],
    summary: summaryFlags("verify", values, false),
    storage: storageFlags(values),
  };
}

/** What a verified backup holds. */
export interface VerifyReport {
  header: HeaderRecord;
  footer: FooterRecord;
  indexes: number;
  constraints: number;
  /** Size of the input as read (compressed when the file is). */
  bytes: number;
}

/**
 * Formats the report `verify` prints on stdout. The header's fields and the warnings come from
 * the backup: their control characters are shown escaped.
 *
 * @param shown The input as shown, e.g. `'backup.jsonl.gz'`.
 * @param report What the backup holds.
 * @returns The lines, without newlines.
 *
 * @example Report a backup
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatVerifyReport } from "./verify_command.ts";
 * const lines = formatVerifyReport("'a.jsonl'", {
 *   header: { kind: "header", format: "neo4j-backup", version: 1, tool: "neo4j-backup 0.1.0",
 *     created: "2026-11-24T07:00:00.000Z",
 *     source: { version: "5.26.29", edition: "community", database: "neo4j" } },
 *   footer: { kind: "footer", nodes: 2, relationships: 1, schema: 0, sha256: "ab",
 *     warnings: ["The database changed while it was exported"] },
 *   indexes: 0, constraints: 0, bytes: 10,
 * });
 * assert.equal(lines[0], "'a.jsonl': OK");
 * assert.equal(lines.at(-1), "  warning:  The database changed while it was exported");
 * ```
 */
export function formatVerifyReport(shown: string, report: VerifyReport): string[] {
  const { header, footer } = report;
  return [
    `${shown}: OK`,
    `  format:   ${header.format} version ${header.version}, written by ${header.tool} at ${header.created}`,
    `  source:   Neo4j ${header.source.version} ${header.source.edition}, database '${header.source.database}'`,
    `  contents: ${plural(footer.nodes, "node")}, ${
      plural(footer.relationships, "relationship")
    }, ${plural(report.indexes, "index", "indexes")}, ${plural(report.constraints, "constraint")}`,
    `  checksum: sha256 ${footer.sha256} (verified)`,
    `  size:     ${formatBytes(report.bytes)} (${formatCount(report.bytes)} bytes)`,
    ...(footer.warnings ?? []).map((w) => `  warning:  ${w}`),
  ].map(terminalText);
}

/**
 * Runs `neo4j-backup verify`: decodes every record, which checks each line, the order of the
 * records, the footer's counts and the checksum, and checks that node ids are unique and that
 * every relationship connects nodes of the backup.
 *
 * @param args The arguments after `verify`.
 * @param context Stderr, environment and terminals.
 * @returns Resolves when the backup checked out.
 * @throws {FormatError} When the backup is damaged.
 *
 * @example Verify a file
 * ```ts ignore
 * import { runVerify } from "./verify_command.ts";
 * await runVerify(["backup.jsonl.gz"], context);
 * ```
 */
export async function runVerify(args: string[], context: CommandContext): Promise<void> {
  const flags = parseVerifyArgs(args);
  if (flags.help) return await writeStdout(helpText("verify"));
  const { terminal } = context;
  if (flags.input === "-" && terminal.stdin) {
    throw new UsageError(
      `No backup to read: pipe a backup into stdin, or name a FILE; ${helpHint("verify")}`,
    );
  }
  if (await isPythonFolder(flags.input)) return await verifyPythonFolder(flags, context);
  const bytes = flags.input === "-"
    ? stdin()
    : await openSource(flags.input, { s3: flags.storage, env: context.env });
  const shown = flags.input === "-" ? "stdin" : `'${flags.input}'`;
  const { progress, watch } = startDisplay(context, flags.quiet);
  const counter = new ByteCountStream();
  const started = performance.now();
  let tally: Tally;
  try {
    tally = await tallyRecords(
      decodeBackup(bytes.pipeThrough(counter, { signal: watch.signal }), { integrity: true }),
      progress,
    );
  } finally {
    progress.clear();
    watch.dispose();
  }
  const { header, footer, counts } = tally;
  if (!header || !footer) {
    throw new FormatError(`Backup ${shown} has no ${header ? "footer" : "header"}`);
  }
  const report = {
    header,
    footer,
    indexes: counts.index,
    constraints: counts.constraint,
    bytes: counter.bytes,
  };
  if (wantsSummary(flags.summary)) {
    const seconds = (performance.now() - started) / 1000;
    await writeSummary(flags.summary, verifyDocument({ input: flags.input, ...report, seconds }));
  }
  if (flags.quiet || flags.summary.json) return;
  await writeStdout(`${formatVerifyReport(shown, report).join("\n")}\n`);
}

async function isPythonFolder(input: string): Promise<boolean> {
  if (input === "-" || isS3Url(input)) return false;
  return await pathKind(input) === "directory" && await isLegacyBackup(input);
}

/**
 * Verifies a Python neo4j-backup folder: it has no footer and no checksum, so what is checked
 * is that every file reads, every record is sound, node ids are unique and every relationship
 * connects nodes of the backup.
 */
async function verifyPythonFolder(flags: VerifyFlags, context: CommandContext): Promise<void> {
  const { progress, watch } = startDisplay(context, flags.quiet);
  const { warn, warnings } = collectWarnings((m) => progress.warn(m));
  const started = performance.now();
  let tally: Tally;
  try {
    const records = readLegacyBackup(flags.input, { onWarning: warn })
      .pipeThrough(new IntegrityStream({ position: "record" }), { signal: watch.signal });
    tally = await tallyRecords(records, progress);
  } finally {
    progress.clear();
    watch.dispose();
  }
  const { counts } = tally;
  if (wantsSummary(flags.summary)) {
    const seconds = (performance.now() - started) / 1000;
    await writeSummary(
      flags.summary,
      verifyPythonDocument({
        input: flags.input,
        header: tally.header!,
        counts,
        seconds,
        warnings,
      }),
    );
  }
  if (flags.quiet || flags.summary.json) return;
  const lines = [
    `'${flags.input}': OK, read whole (a Python neo4j-backup folder has no checksum to verify)`,
    `  format:   Python neo4j-backup project folder`,
    `  contents: ${plural(counts.node, "node")}, ${plural(counts.rel, "relationship")}, ${
      plural(counts.index, "index", "indexes")
    }, ${plural(counts.constraint, "constraint")}`,
  ];
  await writeStdout(`${lines.map(terminalText).join("\n")}\n`);
}

interface Tally {
  header?: HeaderRecord;
  footer?: FooterRecord;
  counts: { index: number; constraint: number; node: number; rel: number };
}

/** The phases of reading a backup, in file order. */
const PHASES = ["schema", "nodes", "relationships"] as const;

/** The phase each record kind belongs to; the footer ends the last one. */
const PHASE_OF: Record<Exclude<BackupRecord["kind"], "header">, number> = {
  index: 0,
  constraint: 0,
  node: 1,
  rel: 2,
  footer: PHASES.length,
};

/** How often, in records, a phase reports that it advanced. */
const ADVANCE_EVERY = 1000;

/**
 * Reads every record (which makes the decoder check them all), counts them by kind, and
 * reports each phase with one `start` (totals from the header's counts, when it has them),
 * `advance`s, and one `end` with the true count, empty phases included.
 */
async function tallyRecords(
  records: ReadableStream<BackupRecord>,
  progress: ProgressReporter,
): Promise<Tally> {
  const tally: Tally = { counts: { index: 0, constraint: 0, node: 0, rel: 0 } };
  const done = [0, 0, 0];
  let totals: (number | undefined)[] = [];
  let running = -1;
  /** Ends the running phase and every one before `next`, and starts `next`. */
  const enter = (next: number) => {
    for (; running < next; running++) {
      if (running >= 0) {
        const phase = PHASES[running];
        progress.update({ type: "end", phase, done: done[running], total: done[running] });
      }
      const starting = running + 1;
      if (starting < PHASES.length) {
        const phase = PHASES[starting];
        progress.update({ type: "start", phase, done: 0, total: totals[starting] });
      }
    }
  };
  for await (const record of records) {
    if (record.kind === "header") {
      tally.header = record;
      totals = [undefined, count(record.counts?.nodes), count(record.counts?.relationships)];
      enter(0);
      continue;
    }
    const at = PHASE_OF[record.kind];
    if (at > running) enter(at);
    if (record.kind === "footer") {
      tally.footer = record;
      continue;
    }
    tally.counts[record.kind]++;
    if (++done[at] % ADVANCE_EVERY === 0) {
      progress.update({ type: "advance", phase: PHASES[at], done: done[at], total: totals[at] });
    }
  }
  // A Python folder has no footer to end the last phase.
  if (!tally.footer && tally.header) enter(PHASES.length);
  return tally;
}

/** A count from the header, which the decoder does not check, or nothing. */
function count(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? value as number : undefined;
}
