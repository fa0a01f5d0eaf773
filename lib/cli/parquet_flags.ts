/**
 * The flags of `convert --to parquet`: `--compression` and `--row-group-rows`, refused with any
 * other format.
 *
 * @module
 */

import {
  type Compression,
  COMPRESSIONS,
  defaultCompression,
  hasZstd,
} from "../convert/parquet/codecs.ts";
import { MAX_ROW_GROUP_ROWS } from "../convert/parquet/parquet.ts";
import { UsageError } from "../errors.ts";
import { helpHint, type OptionTable, positiveInteger } from "./flags.ts";

/** The options of the Parquet flags, for `parseFlags`. */
export const PARQUET_OPTIONS: OptionTable = {
  compression: { type: "string" },
  "row-group-rows": { type: "string" },
};

/** The Parquet flags, resolved. */
export interface ParquetFlags {
  /** `--compression`: zstd (default where the runtime has it), snappy, gzip, none. */
  compression: Compression;
  /** `--row-group-rows`: the most rows of a row group, when given. */
  rowGroupRows?: number;
}

/**
 * Reads the Parquet flags.
 *
 * @param values The parsed option values.
 * @param format The `--to` format: the flags apply to `parquet` only.
 * @returns The compression (the default when not given) and the row group size, if given.
 * @throws {UsageError} For a flag given with another format, or a bad value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parquetFlags } from "./parquet_flags.ts";
 * const flags = parquetFlags({ compression: "snappy", "row-group-rows": "65536" }, "parquet");
 * assert.deepEqual(flags, { compression: "snappy", rowGroupRows: 65536 });
 * assert.throws(() => parquetFlags({ "row-group-rows": "8192" }, "admin-csv"), /parquet only/);
 * ```
 */
export function parquetFlags(
  values: Record<string, string | boolean | undefined>,
  format: string,
): ParquetFlags {
  const hint = helpHint("convert");
  if (format !== "parquet") {
    const given = ["compression", "row-group-rows"].find((name) => values[name] !== undefined);
    if (given) throw new UsageError(`--${given} applies to --to parquet only; ${hint}`);
    return { compression: defaultCompression() };
  }
  const rows = positiveInteger(
    "convert",
    "row-group-rows",
    values["row-group-rows"],
    MAX_ROW_GROUP_ROWS,
  );
  return {
    compression: compression(values.compression, hint),
    ...(rows === undefined ? {} : { rowGroupRows: rows }),
  };
}

function compression(value: unknown, hint: string): Compression {
  if (value === undefined) return defaultCompression();
  if (!(COMPRESSIONS as readonly unknown[]).includes(value)) {
    throw new UsageError(
      `Invalid value '${value}' for '--compression': use zstd, snappy, gzip or none; ${hint}`,
    );
  }
  if (value === "zstd" && !hasZstd()) {
    throw new UsageError(
      `--compression zstd needs Node 22.15 or later (or Deno): use --compression snappy, or a newer Node; ${hint}`,
    );
  }
  return value as Compression;
}
