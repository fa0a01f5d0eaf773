/**
 * Several reads in flight, consumed in the order they were started: what lets `export --jobs N`
 * keep N chunk reads going while the output stays in id order.
 *
 * @module
 */

/**
 * Starts up to `jobs` reads at once, from the tasks `next` hands out until it returns
 * `undefined`, and hands each result to `consume` in the order the reads were started; the
 * next read starts as soon as one is consumed, so at most `jobs` reads run and at most
 * `jobs + 1` results are held (the one being consumed and those read ahead). When a read or
 * `consume` fails, `stop` is called (to cancel the other reads), every read still running is
 * waited for, and the first failure is thrown.
 *
 * @param jobs Reads in flight at most, 1 or more.
 * @param next The next task, or `undefined` when there is none; called just before a read
 *   starts, so that it can depend on what was consumed.
 * @param read Reads one task.
 * @param consume Takes each result, in order; the next result waits until it resolves.
 * @param stop Called once on the first failure, before the reads still running are waited for.
 * @returns Resolves once every task was read and consumed.
 *
 * @example Read three ranges two at a time, in order
 * ```ts
 * import assert from "node:assert/strict";
 * import { readInOrder } from "./parallel_reads.ts";
 * const tasks = [3, 1, 2];
 * const out: number[] = [];
 * await readInOrder(
 *   2,
 *   () => tasks.shift(),
 *   (ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)),
 *   (value) => {
 *     out.push(value);
 *     return Promise.resolve();
 *   },
 * );
 * assert.deepEqual(out, [3, 1, 2]);
 * ```
 */
export async function readInOrder<Task, Result>(
  jobs: number,
  next: () => Task | undefined,
  read: (task: Task) => Promise<Result>,
  consume: (result: Result) => Promise<void>,
  stop: (reason: unknown) => void = () => {},
): Promise<void> {
  const window: Promise<Result>[] = [];
  let more = true;
  const fill = () => {
    while (more && window.length < jobs) {
      const task = next();
      if (task === undefined) more = false;
      else {
        const reading = read(task);
        reading.catch(() => {}); // handled when its turn comes, or after a failure
        window.push(reading);
      }
    }
  };
  try {
    for (fill(); window.length > 0; fill()) {
      const result = await window[0];
      window.shift();
      fill(); // read ahead while this one is consumed
      await consume(result);
    }
  } catch (e) {
    more = false;
    stop(e);
    await Promise.allSettled(window);
    throw e;
  }
}
