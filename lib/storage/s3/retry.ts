/**
 * How long S3 requests are retried and how long to wait in between. The same shape of policy
 * and retry notice as the database side's (lib/pipeline/retry.ts), which storage must not
 * import, so that the CLI shows both the same way.
 *
 * @module
 */

import { BackupError } from "../../errors.ts";

/** What {@link S3RetryPolicy.onRetry} is told. */
export interface S3RetryInfo {
  /** What was being done, e.g. `"writing part 3 of s3://b/k"`. */
  action: string;
  /** Why it failed, one line, nothing secret. */
  reason: string;
  /** The retry about to be made: 1, 2, ... */
  attempt: number;
  /** Milliseconds until it is made. */
  delayMs: number;
}

/** How long to retry a failing request, and whom to tell. */
export interface S3RetryPolicy {
  /** Milliseconds to keep retrying one request before giving up (default 180,000). */
  retryFor?: number;
  /** The first wait in milliseconds (default 500); each next one doubles, up to 20 s. */
  firstDelayMs?: number;
  /** Called before each wait. */
  onRetry?: (info: S3RetryInfo) => void;
}

/** The default of {@link S3RetryPolicy.retryFor}: three minutes, as for the database. */
export const DEFAULT_S3_RETRY_FOR_MS = 180_000;

/**
 * The wait before retry `attempt`: `first`, twice that, four times ... up to 20 s, plus up to
 * 20 % jitter so that parts in flight do not retry in step.
 *
 * @param attempt The retry about to be made, from 1.
 * @param first The first wait.
 * @param random A number in [0, 1).
 * @returns Milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryDelay } from "./retry.ts";
 * assert.equal(retryDelay(1, 500, 0), 500);
 * assert.equal(retryDelay(3, 500, 0), 2000);
 * assert.equal(retryDelay(30, 500, 0), 20000);
 * ```
 */
export function retryDelay(attempt: number, first: number, random: number = Math.random()): number {
  const base = Math.min(20_000, first * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.2 * random));
}

/**
 * Waits, ending early (rejecting with the signal's reason) when the signal fires.
 *
 * @param ms Milliseconds.
 * @param signal The signal, if any.
 *
 * @example
 * ```ts
 * import { wait } from "./retry.ts";
 * await wait(1);
 * ```
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const done = () => {
      signal?.removeEventListener("abort", stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/**
 * The error an aborted S3 operation ends with: the signal's reason when it is an Error (the
 * CLI aborts with its `Interrupted`), else a `BackupError`.
 *
 * @param signal An aborted signal.
 * @returns The error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortReason } from "./retry.ts";
 * assert.equal(abortReason(AbortSignal.abort(new Error("stop"))).message, "stop");
 * ```
 */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new BackupError("The transfer was aborted");
}
