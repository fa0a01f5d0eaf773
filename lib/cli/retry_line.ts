/**
 * The line the CLI prints when the engine retries after a fault.
 *
 * @module
 */

import type { RetryInfo } from "../pipeline/retry.ts";
import { formatDuration } from "./progress.ts";

/**
 * Says what failed and when it is tried again, e.g.
 * `reading nodes failed (connection lost: ...); retrying in 4.0 s, attempt 3`.
 *
 * @param retry What the engine reported.
 * @returns One line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryLine } from "./retry_line.ts";
 * const line = retryLine({ action: "writing nodes", reason: "Connection lost", attempt: 2, delayMs: 2000 });
 * assert.equal(line, "writing nodes failed (Connection lost); retrying in 2.0 s, attempt 2");
 * ```
 */
export function retryLine(retry: RetryInfo): string {
  return `${retry.action} failed (${retry.reason}); retrying in ${
    formatDuration(retry.delayMs / 1000)
  }, attempt ${retry.attempt}`;
}
