/**
 * `import --dry-run` for people and scripts: the plan of {@link planImport} as lines on stdout,
 * or as the JSON document of `--json`; a plan that would not run ends with its refusal (exit 8).
 *
 * @module
 */

import { RefusedError } from "../errors.ts";
import type { BackupRecord } from "../format/records.ts";
import type { Neo4jDriver } from "../neo4j/driver.ts";
import type { ImportOptions } from "../import/import.ts";
import { type ImportPlan, planImport } from "../import/import_plan.ts";
import { describeContents, TOKENS_STAY } from "../import/clean.ts";
import { writeStdout } from "../storage/stdio.ts";
import { type SummaryFlags, wantsSummary, writeSummary } from "./json_summary.ts";
import type { ImportPlanDocument } from "./summary_documents.ts";
import { formatCount, plural } from "./progress.ts";
import { terminalText } from "./terminal_text.ts";

/** What {@link runDryRun} needs besides the driver, records and import options. */
export interface DryRunOutput {
  /** The input as named on the command line, `"-"` for stdin. */
  input: string;
  /** The input as shown in messages, e.g. `'a.jsonl.gz'` or `stdin`. */
  shown: string;
  /** Whether the input is a Python folder (no checksum to verify). */
  legacy: boolean;
  /** Bytes read so far, asked once the backup is read; `undefined` for a Python folder. */
  bytes: () => number | undefined;
  /** `--json` and `--summary FILE`. */
  summary: SummaryFlags;
  /** `--quiet`: no text plan. */
  quiet: boolean;
  /** The warnings collected for the document. */
  warnings: string[];
  /** Ends the progress display before the plan prints. */
  finishProgress: () => void;
}

/**
 * Plans the import, prints the plan, and throws the refusal when the import would not run.
 *
 * @param driver A driver connected to the target.
 * @param records The backup's records.
 * @param options The import's options.
 * @param output Where and how to report.
 * @returns Resolves when the import would run.
 * @throws {RefusedError} When it would ask or refuse (after the plan is printed).
 *
 * @example
 * ```ts ignore
 * await runDryRun(driver, decodeBackup(bytes), options, output);
 * ```
 */
export async function runDryRun(
  driver: Neo4jDriver,
  records: ReadableStream<BackupRecord>,
  options: ImportOptions,
  output: DryRunOutput,
): Promise<void> {
  const started = performance.now();
  const plan = await planImport(driver, records, options);
  output.finishProgress();
  const seconds = (performance.now() - started) / 1000;
  if (wantsSummary(output.summary)) {
    await writeSummary(output.summary, planDocument(plan, output, seconds));
  }
  if (!output.summary.json && !output.quiet) {
    // Names and source fields come from the backup: control characters shown escaped.
    const lines = formatImportPlan(plan, output.shown, output.legacy).map(terminalText);
    await writeStdout(`${lines.join("\n")}\n`);
  }
  if (plan.refusal) throw new RefusedError(plan.refusal);
}

/**
 * The document of `import --dry-run --json`.
 *
 * @param plan The plan.
 * @param output The input and the warnings.
 * @param seconds How long the dry run took.
 * @returns The document.
 */
function planDocument(
  plan: ImportPlan,
  output: DryRunOutput,
  seconds: number,
): ImportPlanDocument {
  const { target, contents } = plan;
  return {
    command: "import",
    ok: plan.refusal === undefined,
    seconds,
    warnings: output.warnings,
    dryRun: true,
    input: output.input,
    database: target.database,
    nodes: plan.nodes,
    relationships: plan.relationships,
    bytes: output.bytes() ?? null,
    header: plan.header,
    target: {
      version: target.version,
      edition: target.edition,
      database: target.database,
      nodes: contents.nodes,
      relationships: contents.relationships,
      constraints: contents.constraints,
      indexes: contents.indexes,
      empty: contents.nodes === 0 && contents.relationships === 0,
    },
    schema: plan.schema.map((s) => ({
      name: s.name,
      item: s.item,
      action: s.action,
      reason: s.reason ?? null,
    })),
    batches: { batchSize: plan.batchSize, ...plan.batches },
    clean: plan.clean ?? null,
    wouldRun: plan.refusal === undefined,
    refusal: plan.refusal ?? null,
  };
}

const ACTION_WORD = { create: "create", change: "change", skip: "skip", exists: "exists" };

/**
 * Formats the plan `import --dry-run` prints on stdout.
 *
 * @param plan The plan.
 * @param shown The input as shown, e.g. `'a.jsonl.gz'`.
 * @param legacy Whether the input is a Python folder (nothing to verify).
 * @returns The lines, without newlines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatImportPlan } from "./dry_run.ts";
 * const lines = formatImportPlan({
 *   header: { kind: "header", format: "neo4j-backup", version: 1, tool: "t",
 *     created: "2026-01-01T00:00:00.000Z",
 *     source: { version: "5.26.0", edition: "community", database: "neo4j" } },
 *   target: { version: "5.26.0", edition: "community", database: "neo4j", major: 5, minor: 26 },
 *   contents: { database: "neo4j", nodes: 0, relationships: 0, constraints: [], indexes: [] },
 *   nodes: 7, relationships: 2, schema: [], batchSize: 5000,
 *   batches: { nodes: 1, relationships: 1 },
 * }, "'a.jsonl'", false);
 * assert.equal(lines[0], "Dry run of the import of 'a.jsonl' into database 'neo4j': nothing was written");
 * assert.equal(lines.at(-1), "The import would run");
 * ```
 */
export function formatImportPlan(plan: ImportPlan, shown: string, legacy: boolean): string[] {
  const { header, target, contents } = plan;
  const source = header.source;
  const lines = [
    `Dry run of the import of ${shown} into database '${target.database}': nothing was written`,
    `Backup:  ${plural(plan.nodes, "node")}, ${plural(plan.relationships, "relationship")}, ${
      plural(plan.schema.length, "schema item")
    }; ${
      legacy ? "a Python folder (no checksum)" : "counts and checksum verified"
    }; from Neo4j ${source.version} ${source.edition}, database '${source.database}'`,
    `Target:  Neo4j ${target.version} ${target.edition}, database '${target.database}': ${
      contents.nodes === 0 && contents.relationships === 0
        ? "empty"
        : `holds ${describeContents(contents)}`
    }`,
  ];
  if (plan.clean) {
    const c = plan.clean;
    lines.push(
      c.nodes + c.relationships + c.constraints.length + c.indexes.length === 0
        ? "Clean:   nothing to delete"
        : `Clean:   would delete ${formatCount(c.nodes)} nodes and ${
          formatCount(c.relationships)
        } relationships, drop ${plural(c.constraints.length, "constraint")} and ${
          plural(c.indexes.length, "index", "indexes")
        } (lookup indexes are kept); ${TOKENS_STAY}`,
    );
  }
  lines.push(
    `Data:    ${
      plural(plan.batches.nodes + plan.batches.relationships, "write transaction")
    } at least, of at most ${formatCount(plan.batchSize)} rows (${
      formatCount(plan.batches.nodes)
    } for nodes, ${formatCount(plan.batches.relationships)} for relationships)`,
  );
  const count = (action: string) => plan.schema.filter((s) => s.action === action).length;
  lines.push(
    `Schema:  ${count("create")} to create, ${count("change")} to create with changes, ${
      count("skip")
    } to skip, ${count("exists")} already there`,
  );
  for (const item of plan.schema) {
    const reason = item.reason ? `: ${item.reason}` : "";
    lines.push(`  ${ACTION_WORD[item.action].padEnd(7)} ${item.item}${reason}`);
  }
  lines.push(plan.refusal ? `The import would not run: ${plan.refusal}` : "The import would run");
  return lines;
}
