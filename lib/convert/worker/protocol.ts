/**
 * The messages between `convert`'s main thread (`folder_in_worker.ts`) and the worker thread
 * that converts a backup into a folder (`folder_worker.ts`). The worker reads the backup (a file
 * or stdin itself; what the main thread reads from object storage, in chunks it sends as the
 * worker asks), decodes, filters and writes, and answers with progress and the result. Both
 * sides import the messages from here, so that neither imports the other.
 *
 * @module
 */

import {
  AuthenticationError,
  BackupError,
  ConnectionError,
  DatabaseError,
  FileError,
  FormatError,
  RefusedError,
  UsageError,
} from "../../errors.ts";
import type { FilterSummary, RecordFilter } from "../../pipeline/filter.ts";
import type { ProgressEvent } from "../../pipeline/progress_event.ts";
import type { LossEntry } from "../loss_report.ts";
import type { Compression } from "../parquet/codecs.ts";

/**
 * Where the worker reads the backup: a file or stdin, which it reads itself, or the chunks the
 * main thread sends (object storage; stdin under Node, whose workers have no stdin of their own).
 */
export type WorkerSource = { file: string } | { stdin: true } | { messages: true };

/** What the worker converts to, and how: the worker's `workerData`. */
export interface FolderJob {
  /** Where the backup's bytes come from. */
  source: WorkerSource;
  /** The format of the folder. */
  format: "parquet" | "admin-csv";
  /** The output folder, which exists. */
  folder: string;
  /** The target Neo4j line (admin-csv). */
  targetVersion: string;
  /** The compression (parquet). */
  compression: Compression;
  /** The rows of a row group (parquet). */
  rowGroupRows?: number;
  /** The records to keep, when filtered. */
  filter?: RecordFilter;
  /** The longest line the worker decodes; a longer one ends it with {@link LineTooLong}. */
  maxLineBytes: number;
}

/** The main thread's messages: the backup's bytes, their end, or a stop. */
export type ToWorker =
  | { type: "chunk"; bytes: Uint8Array }
  | { type: "end" }
  | { type: "stop" };

/** The worker's messages. */
export type FromWorker =
  | { type: "pull" }
  | { type: "tick" }
  | { type: "out of memory" }
  | { type: "progress"; event: ProgressEvent }
  | { type: "done"; result: FolderResult }
  | { type: "failed"; error: PlainError }
  | LineTooLong;

/** A line longer than {@link FolderJob.maxLineBytes}: the worker stopped and removed its files. */
export interface LineTooLong {
  type: "line too long";
  /** The line's number. */
  line: number;
}

/** What the worker wrote. */
export interface FolderResult {
  /** Bytes of the files written. */
  bytes: number;
  /** Nodes, relationships and schema records converted. */
  counts: { nodes: number; relationships: number; schema: number };
  /** The loss report's entries. */
  losses: LossEntry[];
  /** What the filter left out, when filtered. */
  filtered?: FilterSummary;
}

/** An error as a message carries it. */
export interface PlainError {
  name: string;
  message: string;
  stack?: string;
  line?: number;
}

/**
 * An error as a message can carry it.
 *
 * @param error What was thrown.
 * @returns Its name, message, stack and line (of a {@link FormatError}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FormatError } from "../../errors.ts";
 * import { plainError, revivedError } from "./protocol.ts";
 * const error = revivedError(plainError(new FormatError("Bad line 3", { line: 3 })));
 * assert.ok(error instanceof FormatError);
 * assert.equal(error.line, 3);
 * assert.equal(error.exitCode, 6);
 * ```
 */
export function plainError(error: unknown): PlainError {
  const e = error instanceof Error ? error : new Error(String(error));
  const line = e instanceof FormatError ? e.line : undefined;
  return {
    name: e.name,
    message: e.message,
    ...(e.stack === undefined ? {} : { stack: e.stack }),
    ...(line === undefined ? {} : { line }),
  };
}

const CLASSES: Record<string, new (message: string) => BackupError> = {
  BackupError,
  UsageError,
  ConnectionError,
  AuthenticationError,
  DatabaseError,
  FileError,
  RefusedError,
};

/**
 * The error of a {@link PlainError}: of the same class when it is one of the error family (so
 * with the same exit code), a plain `Error` of the same name and message otherwise.
 *
 * @param plain The error as the message carried it.
 * @returns The error, with the worker's stack.
 */
export function revivedError(plain: PlainError): Error {
  const Class = CLASSES[plain.name];
  const error = plain.name === "FormatError"
    ? new FormatError(plain.message, plain.line === undefined ? {} : { line: plain.line })
    : Class
    ? new Class(plain.message)
    : Object.assign(new Error(plain.message), { name: plain.name });
  if (plain.stack !== undefined) error.stack = plain.stack;
  return error;
}
