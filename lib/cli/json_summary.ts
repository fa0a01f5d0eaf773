/**
 * The JSON summaries for scripts (`--json`, `--summary FILE`): one document per successful run,
 * the same common fields for every command, then the command's own. `--json` prints it on
 * stdout when stdout carries no data; `--summary FILE` writes it to a file (atomically). A
 * failed run writes no document: its error line on stderr and its exit code say what failed.
 * The documents themselves are in `summary_documents.ts`; docs/CLI.md describes every field.
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { writeFileAtomically } from "../storage/atomic_write.ts";
import { writeStdout } from "../storage/stdio.ts";
import { helpHint, type OptionTable, type ParsedFlags } from "./flags.ts";
import type { CommonSummary } from "./summary_documents.ts";

export type { CommonSummary } from "./summary_documents.ts";

/** The options `--json` and `--summary FILE`. */
export const SUMMARY_OPTIONS: OptionTable = {
  json: { type: "boolean" },
  summary: { type: "string" },
};

/** Where the summary document goes. */
export interface SummaryFlags {
  /** `--json`: on stdout. */
  json: boolean;
  /** `--summary FILE`: to a file. */
  summary?: string;
}

/**
 * Resolves `--json` and `--summary FILE`.
 *
 * @param command The command, for the help hint.
 * @param values The parsed option values.
 * @param dataOnStdout Whether the command writes its data on stdout (`export -o -`).
 * @returns Where the document goes.
 * @throws {UsageError} For `--json` with data on stdout and no `--summary`, or an empty FILE.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryFlags } from "./json_summary.ts";
 * assert.deepEqual(summaryFlags("verify", { json: true }, false), { json: true });
 * assert.throws(() => summaryFlags("export", { json: true }, true), /--summary FILE/);
 * ```
 */
export function summaryFlags(
  command: string,
  values: ParsedFlags["values"],
  dataOnStdout: boolean,
): SummaryFlags {
  const json = values.json === true;
  const summary = values.summary;
  if (summary === "") {
    throw new UsageError(`Option '--summary' needs a FILE: ${helpHint(command)}`);
  }
  if (json && dataOnStdout && summary === undefined) {
    throw new UsageError(
      "Option '--json' cannot print on stdout while the backup goes there (-o -): " +
        `write the summary with --summary FILE; ${helpHint(command)}`,
    );
  }
  return typeof summary === "string" ? { json, summary } : { json };
}

/**
 * Collects warnings for the document while passing them on to the display.
 *
 * @param show Prints a warning (the progress reporter's `warn`).
 * @returns `warn`, to pass as `onWarning`, and the list, in order and without repeats.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collectWarnings } from "./json_summary.ts";
 * const shown: string[] = [];
 * const { warn, warnings } = collectWarnings((m) => shown.push(m));
 * warn("a");
 * warn("a");
 * assert.deepEqual(warnings, ["a"]);
 * assert.deepEqual(shown, ["a", "a"]);
 * ```
 */
export function collectWarnings(
  show: (message: string) => void,
): { warn: (message: string) => void; warnings: string[] } {
  const warnings: string[] = [];
  const warn = (message: string) => {
    if (!warnings.includes(message)) warnings.push(message);
    show(message);
  };
  return { warn, warnings };
}

/**
 * Writes the document where the flags say: to `--summary FILE` (atomically: the file is
 * complete or absent), and on stdout for `--json` unless stdout carries the data.
 *
 * @param flags Where it goes.
 * @param document The document.
 * @param dataOnStdout Whether stdout carries the command's data.
 * @returns Resolves once written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mkdtempSync, readFileSync, rmSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { writeSummary } from "./json_summary.ts";
 * const dir = mkdtempSync(join(tmpdir(), "summary-"));
 * const file = join(dir, "s.json");
 * await writeSummary({ json: false, summary: file }, { command: "verify", ok: true, seconds: 0, warnings: [] });
 * assert.equal(JSON.parse(readFileSync(file, "utf8")).command, "verify");
 * rmSync(dir, { recursive: true });
 * ```
 */
export async function writeSummary(
  flags: SummaryFlags,
  document: CommonSummary,
  dataOnStdout = false,
): Promise<void> {
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (flags.summary !== undefined) {
    const bytes = new TextEncoder().encode(text);
    await writeFileAtomically(flags.summary, ReadableStream.from([bytes]));
  }
  if (flags.json && !dataOnStdout) await writeStdout(text);
}

/**
 * Whether a document is wanted at all.
 *
 * @param flags The summary flags.
 * @returns True for `--json` or `--summary FILE`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wantsSummary } from "./json_summary.ts";
 * assert.ok(!wantsSummary({ json: false }));
 * ```
 */
export function wantsSummary(flags: SummaryFlags): boolean {
  return flags.json || flags.summary !== undefined;
}
