/**
 * Stopping engine work when an `AbortSignal` fires: the error to stop with, and waits that end
 * early.
 *
 * @module
 */

import { BackupError } from "../errors.ts";

/**
 * The error an aborted operation stops with: the signal's reason when it is one of the error
 * family (the CLI aborts with its `Interrupted`, exit code 130), else a `BackupError` caused by
 * the reason.
 *
 * @param signal An aborted signal.
 * @returns The error to throw.
 *
 * @example Stop with a plain reason
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortError } from "./abort.ts";
 * const controller = new AbortController();
 * controller.abort();
 * assert.equal(abortError(controller.signal).message, "The import was aborted");
 * ```
 */
export function abortError(signal: AbortSignal): BackupError {
  const reason: unknown = signal.reason;
  if (reason instanceof BackupError) return reason;
  return new BackupError("The import was aborted", { cause: reason });
}

/**
 * Throws {@link abortError} when the signal has fired.
 *
 * @param signal The signal, if any.
 *
 * @example Check a signal between steps
 * ```ts
 * import assert from "node:assert/strict";
 * import { throwIfAborted } from "./abort.ts";
 * throwIfAborted(new AbortController().signal);
 * assert.throws(() => throwIfAborted(AbortSignal.abort()), /aborted/);
 * ```
 */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Settles with `work`, or rejects with {@link abortError} as soon as the signal fires (the work
 * goes on unobserved; closing its session ends it).
 *
 * @param work The running work.
 * @param signal The signal, if any.
 * @returns The work's result.
 *
 * @example Stop waiting for work on abort
 * ```ts
 * import assert from "node:assert/strict";
 * import { abortable } from "./abort.ts";
 * assert.equal(await abortable(Promise.resolve(1), new AbortController().signal), 1);
 * await assert.rejects(abortable(new Promise(() => {}), AbortSignal.abort()), /aborted/);
 * ```
 */
export function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Waits, or stops waiting with {@link abortError} when the signal fires.
 *
 * @param ms Milliseconds to wait.
 * @param signal The signal, if any.
 * @returns Resolves after `ms`.
 *
 * @example Pause unless aborted
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleep } from "./abort.ts";
 * await sleep(1);
 * await assert.rejects(sleep(60_000, AbortSignal.abort()), /aborted/);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return abortable(wait, signal).finally(() => clearTimeout(timer));
}
