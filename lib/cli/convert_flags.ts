/**
 * The flags of `neo4j-backup convert`: their table and their parser.
 *
 * @module
 */

import { defaultCompression } from "../convert/parquet/codecs.ts";
import { targetServer } from "../convert/schema_script.ts";
import type { RecordFilter } from "../pipeline/filter.ts";
import { UsageError } from "../errors.ts";
import type { S3Settings } from "../storage/s3/config.ts";
import { STORAGE_OPTIONS, storageFlags } from "./storage_flags.ts";
import { FILTER_OPTIONS, filterFlags } from "./filter_flags.ts";
import {
  COMMON_OPTIONS,
  type CommonFlags,
  commonFlags,
  helpHint,
  noExtraArguments,
  type OptionTable,
  parseFlags,
  positiveInteger,
} from "./flags.ts";
import { PARQUET_OPTIONS, type ParquetFlags, parquetFlags } from "./parquet_flags.ts";
import { SUMMARY_OPTIONS, type SummaryFlags, summaryFlags } from "./json_summary.ts";

/** The formats `convert` writes. */
export const CONVERT_FORMATS = ["admin-csv", "cypher", "graphml", "parquet"] as const;

/** The formats that write a folder. */
export const FOLDER_FORMATS: readonly string[] = ["admin-csv", "parquet"];

/** A format `convert` writes. */
export type ConvertFormat = typeof CONVERT_FORMATS[number];

/** The flags of `convert`, resolved. */
export interface ConvertFlags extends CommonFlags, ParquetFlags {
  /** The backup file, a Python project folder, or `"-"` for stdin. */
  input: string;
  /** `--to`. */
  format: ConvertFormat;
  /** `-o`, `--output`: a folder (admin-csv), a file, or `"-"` for stdout. */
  output: string;
  /** `-f`, `--force`: overwrite an existing file, write into a non-empty folder. */
  force: boolean;
  /** `--target-version`, default `"5.26"`. */
  targetVersion: string;
  /** `--dialect` (cypher only), default `"neo4j"`. */
  dialect: "neo4j" | "falkordb";
  /** `--batch-size` (cypher only). */
  batchSize?: number;
  /** `--json`, `--summary FILE`. */
  summary: SummaryFlags;
  /** The filter flags, when any was given. */
  filter?: RecordFilter;
  /** `--s3-*`: how to reach object storage (for s3:// input and output). */
  storage: S3Settings;
}

const CONVERT_OPTIONS: OptionTable = {
  ...COMMON_OPTIONS,
  ...STORAGE_OPTIONS,
  ...SUMMARY_OPTIONS,
  ...FILTER_OPTIONS,
  ...PARQUET_OPTIONS,
  to: { type: "string" },
  output: { type: "string", short: "o" },
  force: { type: "boolean", short: "f" },
  "target-version": { type: "string" },
  dialect: { type: "string" },
  "batch-size": { type: "string" },
};

/**
 * Parses the arguments of `convert`.
 *
 * @param args The arguments after `convert`.
 * @returns The resolved flags.
 * @throws {UsageError} For unknown flags, a missing BACKUP, `--to` or `-o`, or bad values.
 *
 * @example Convert stdin to GraphML on stdout
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseConvertArgs } from "./convert_flags.ts";
 * const flags = parseConvertArgs(["-", "--to", "graphml", "-o", "-"]);
 * assert.equal(flags.format, "graphml");
 * assert.equal(flags.targetVersion, "5.26");
 * ```
 */
export function parseConvertArgs(args: string[]): ConvertFlags {
  const { values, positionals } = parseFlags("convert", args, CONVERT_OPTIONS);
  noExtraArguments("convert", positionals, 1);
  const common = commonFlags(values);
  const hint = helpHint("convert");
  const format = values.to;
  const output = values.output;
  const base = {
    ...common,
    input: positionals[0] ?? "",
    format: "admin-csv" as ConvertFormat,
    output: typeof output === "string" ? output : "",
    force: values.force === true,
    targetVersion: typeof values["target-version"] === "string" ? values["target-version"] : "5.26",
    dialect: "neo4j" as const,
    compression: defaultCompression(),
    summary: { json: false },
    storage: storageFlags(values),
  };
  if (common.help) return base;
  if (positionals.length === 0) {
    throw new UsageError(`Missing BACKUP: name the backup to convert, or '-' for stdin; ${hint}`);
  }
  if (typeof format !== "string" || !(CONVERT_FORMATS as readonly string[]).includes(format)) {
    const given = typeof format === "string" ? `Unknown format '${format}'` : "Missing --to";
    throw new UsageError(`${given}: use --to admin-csv, cypher, graphml or parquet; ${hint}`);
  }
  if (base.output === "") {
    throw new UsageError(
      `Missing -o: name the output ${
        FOLDER_FORMATS.includes(format) ? "folder" : "file, or '-' for stdout"
      }; ${hint}`,
    );
  }
  if (FOLDER_FORMATS.includes(format) && base.output === "-") {
    throw new UsageError(
      `--to ${format} writes a folder, not stdout: name a folder with -o; ${hint}`,
    );
  }
  targetServer(base.targetVersion);
  const dialect = values.dialect ?? "neo4j";
  if (dialect !== "neo4j" && dialect !== "falkordb") {
    throw new UsageError(
      `Invalid value '${dialect}' for '--dialect': use neo4j or falkordb; ${hint}`,
    );
  }
  if (format !== "cypher" && (values.dialect !== undefined || values["batch-size"] !== undefined)) {
    throw new UsageError(`--dialect and --batch-size apply to --to cypher only; ${hint}`);
  }
  const parquet = parquetFlags(values, format);
  const filter = filterFlags("convert", values);
  return {
    ...base,
    format: format as ConvertFormat,
    dialect,
    ...parquet,
    batchSize: positiveInteger("convert", "batch-size", values["batch-size"], 1_000_000),
    summary: summaryFlags("convert", values, base.output === "-"),
    ...(filter ? { filter } : {}),
  };
}
