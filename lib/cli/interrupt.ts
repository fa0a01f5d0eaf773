/**
 * Ctrl-C during a command: the first stops the work cleanly (the command's own cleanup closes
 * the driver and removes a partial file), a second ends the process at once.
 *
 * @module
 */

import { BackupError } from "../errors.ts";
import { exit } from "../runtime/process.ts";
import { onInterrupt } from "../runtime/process.ts";

/** The exit code of an interrupted run, as shells report a death by SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * The user interrupted the run (exit code 130).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Interrupted } from "./interrupt.ts";
 * assert.equal(new Interrupted("Interrupted").exitCode, 130);
 * ```
 */
export class Interrupted extends BackupError {
  /** Exit code 130. */
  override readonly exitCode: number = INTERRUPTED_EXIT_CODE;
  /** `"Interrupted"`. */
  override get name(): string {
    return "Interrupted";
  }
}

/** A handle on Ctrl-C for the duration of a command. */
export interface InterruptWatch {
  /** Aborted with an {@link Interrupted} reason on the first Ctrl-C. */
  signal: AbortSignal;
  /** Stops watching; call it in `finally`. */
  dispose(): void;
}

/**
 * Starts watching for Ctrl-C.
 *
 * @param notice Called on the first Ctrl-C with a line for the user.
 * @returns The abort signal and a function to stop watching.
 *
 * @example Stop a pipe on Ctrl-C
 * ```ts ignore
 * import { watchInterrupt } from "./interrupt.ts";
 * const watch = watchInterrupt(console.error);
 * try {
 *   await source.pipeTo(destination, { signal: watch.signal });
 * } finally {
 *   watch.dispose();
 * }
 * ```
 */
export function watchInterrupt(notice: (line: string) => void): InterruptWatch {
  const controller = new AbortController();
  const dispose = onInterrupt(() => {
    if (controller.signal.aborted) exit(INTERRUPTED_EXIT_CODE);
    notice("Interrupted: stopping (press Ctrl-C again to quit at once)");
    controller.abort(new Interrupted("Interrupted by the user"));
  });
  return { signal: controller.signal, dispose };
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts (the work
 * itself may take longer to notice).
 *
 * @param work The running work.
 * @param signal The interrupt signal.
 * @returns The work's result.
 *
 * @example Give up waiting on Ctrl-C
 * ```ts
 * import assert from "node:assert/strict";
 * import { raceAbort } from "./interrupt.ts";
 * const result = await raceAbort(Promise.resolve(42), new AbortController().signal);
 * assert.equal(result, 42);
 * ```
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
