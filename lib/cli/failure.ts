/**
 * Turning whatever a command threw into a member of the error family, so that the entry point
 * can print one line and exit with the right code.
 *
 * @module
 */

import { classifyError, type ErrorContext } from "./connect.ts";
import type { BackupError } from "../errors.ts";
import { PromptCancelled } from "../runtime/terminal.ts";
import { Interrupted } from "./interrupt.ts";

/**
 * Makes any failure a member of the error family: a cancelled prompt is an interruption
 * (exit 130), driver errors are classified, anything else becomes a plain `BackupError` (exit 1).
 *
 * @param error What was thrown.
 * @param context What messages about driver errors may name: URI, database, user.
 * @returns An error with a one-line message and an exit code.
 *
 * @example Classify an unexpected error
 * ```ts
 * import assert from "node:assert/strict";
 * import { toBackupError } from "./failure.ts";
 * assert.equal(toBackupError(new TypeError("boom")).exitCode, 1);
 * ```
 */
export function toBackupError(error: unknown, context?: ErrorContext): BackupError {
  if (error instanceof PromptCancelled) {
    return new Interrupted("Interrupted by the user", { cause: error });
  }
  return classifyError(error, context);
}
