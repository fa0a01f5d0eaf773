/**
 * Retrying what long work meets: lost connections, a restarting server, transient errors, and
 * transaction limits. The engine decides per failure whether to retry, shrink the batch, or
 * stop; this file only says what a failure is and how long to wait.
 *
 * @module
 */

import { sleep } from "./abort.ts";

/**
 * What a failure means for the work in progress:
 * - `connection`: the connection was lost or the server cannot be reached (it may be
 *   restarting); a write's outcome is unknown.
 * - `transient`: the server says retrying may succeed (locks, deadlocks, a database starting).
 * - `memory`: the transaction hit a memory limit; a smaller batch may succeed.
 * - `timeout`: the transaction ran out of time; a smaller batch may succeed.
 * - `fatal`: anything else; retrying would fail the same way.
 */
export type FailureKind = "connection" | "transient" | "memory" | "timeout" | "fatal";

const MEMORY = /OutOfMemoryError|MemoryPoolOutOfMemory|TransactionMemoryLimit|MemoryLimitExceeded/;
const TIMEOUT = /TransactionTimedOut/;
const CONNECTION_CODES = new Set(["ServiceUnavailable", "SessionExpired"]);
const SOCKET = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|closed by server/i;

/**
 * Classifies a failure of a driver call.
 *
 * @param error What the driver threw.
 * @returns What the failure means for the work in progress.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failureKind } from "./retry.ts";
 * assert.equal(failureKind({ code: "ServiceUnavailable" }), "connection");
 * assert.equal(failureKind({ code: "Neo.TransientError.Transaction.DeadlockDetected" }), "transient");
 * assert.equal(failureKind({ code: "Neo.ClientError.General.TransactionOutOfMemoryError" }), "memory");
 * assert.equal(failureKind({ code: "Neo.ClientError.Statement.SyntaxError" }), "fatal");
 * ```
 */
export function failureKind(error: unknown): FailureKind {
  for (let e = error, depth = 0; e != null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      if (MEMORY.test(code)) return "memory";
      if (TIMEOUT.test(code)) return "timeout";
      if (CONNECTION_CODES.has(code)) return "connection";
      if (code.startsWith("Neo.TransientError.")) return "transient";
      if (/^E[A-Z]+$/.test(code) && SOCKET.test(code)) return "connection";
    }
    const message = e instanceof Error ? e.message : "";
    if (SOCKET.test(message)) return "connection";
    e = e instanceof Error ? e.cause : undefined;
  }
  return "fatal";
}

/** How long to keep retrying, and what to tell the user meanwhile. */
export interface RetryPolicy {
  /** Milliseconds to keep retrying a failing step before giving up (default 180,000). */
  retryFor?: number;
  /** Called before each wait: what failed, the attempt number (1 for the first retry), the wait. */
  onRetry?: (info: RetryInfo) => void;
  /** Stops the waiting at once. */
  signal?: AbortSignal;
}

/** What {@link RetryPolicy.onRetry} is told. */
export interface RetryInfo {
  /** What was being done, e.g. `"writing nodes"`. */
  action: string;
  /** Why it failed, one line. */
  reason: string;
  /** The retry about to be made: 1, 2, ... */
  attempt: number;
  /** Milliseconds until it is made. */
  delayMs: number;
}

/** The default of {@link RetryPolicy.retryFor}: three minutes. */
export const DEFAULT_RETRY_FOR_MS = 180_000;

/**
 * The wait before retry `attempt`: 1 s, 2 s, 4 s ... up to 30 s, with a little jitter so that
 * several clients do not retry in step.
 *
 * @param attempt The retry about to be made, from 1.
 * @param random A number in [0, 1), `Math.random()` by default.
 * @returns Milliseconds to wait.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backoff } from "./retry.ts";
 * assert.equal(backoff(1, 0), 1000);
 * assert.equal(backoff(3, 0), 4000);
 * assert.equal(backoff(20, 0), 30000);
 * ```
 */
export function backoff(attempt: number, random: number = Math.random()): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.2 * random));
}

/**
 * Runs `step` until it succeeds, retrying connection and transient failures with
 * {@link backoff} for at most `policy.retryFor`; other failures, and the last one, are thrown.
 * Only for steps that are safe to repeat (reads, or writes whose outcome the caller resolves).
 *
 * @param action What the step does, for the retry messages.
 * @param step The step; it gets the attempt number (0 for the first run).
 * @param policy How long to retry and whom to tell.
 * @returns What the step returned.
 *
 * @example Retry a read
 * ```ts
 * import assert from "node:assert/strict";
 * import { withRetries } from "./retry.ts";
 * let calls = 0;
 * const value = await withRetries("reading", () => {
 *   if (++calls < 2) throw Object.assign(new Error("lost"), { code: "ServiceUnavailable" });
 *   return Promise.resolve(42);
 * }, { retryFor: 5000, onRetry: () => {} });
 * assert.equal(value, 42);
 * ```
 */
export async function withRetries<T>(
  action: string,
  step: (attempt: number) => Promise<T>,
  policy: RetryPolicy = {},
): Promise<T> {
  const deadline = Date.now() + (policy.retryFor ?? DEFAULT_RETRY_FOR_MS);
  for (let attempt = 0;; attempt++) {
    try {
      return await step(attempt);
    } catch (e) {
      const kind = failureKind(e);
      if (kind !== "connection" && kind !== "transient") throw e;
      const delayMs = backoff(attempt + 1);
      if (Date.now() + delayMs > deadline || policy.signal?.aborted) throw e;
      policy.onRetry?.({ action, reason: reasonOf(e), attempt: attempt + 1, delayMs });
      await sleep(delayMs, policy.signal);
    }
  }
}

/**
 * The first line of an error's message.
 *
 * @param error Anything thrown.
 * @returns One line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reasonOf } from "./retry.ts";
 * assert.equal(reasonOf(new Error("lost\nmore")), "lost");
 * assert.equal(reasonOf(new Error("Failed to connect. Caused by: connect ECONNREFUSED")), "connect ECONNREFUSED");
 * ```
 */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0].trim();
  // The driver wraps a socket error in a long sentence: the cause says what happened.
  const caused = line.lastIndexOf("Caused by: ");
  return caused >= 0 ? line.slice(caused + "Caused by: ".length) : line;
}
