/**
 * Worker threads, the same on Deno and Node: both run `node:worker_threads`, so the only
 * difference left is the name of a worker's module (`.ts` from the sources, `.js` in the npm
 * build, whose compiler rewrites imports but not the URLs given to a worker).
 *
 * @module
 */

import { parentPort, Worker as NodeWorker, workerData } from "node:worker_threads";

/** What a message may hand over instead of copying: the buffers of typed arrays. */
export type Transfer = ArrayBuffer[];

/**
 * A worker thread, seen from the thread that started it.
 *
 * @example Start a worker and stop it
 * ```ts ignore
 * import { startWorker } from "./workers.ts";
 * const worker = startWorker(import.meta.url, "./my_worker.ts");
 * worker.onMessage((message) => console.log(message));
 * worker.post({ hello: 1 });
 * await worker.terminate();
 * ```
 */
export interface WorkerThread {
  /** Sends a message (structured clone; the `transfer` buffers are moved, not copied). */
  post(message: unknown, transfer?: Transfer): void;
  /** Called with each message the worker sends. */
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the worker fails outside of its own handling, or exits unasked. */
  onFailure(listener: (error: unknown) => void): void;
  /** Stops the worker at once; resolves once it is gone. */
  terminate(): Promise<void>;
}

/**
 * The URL of a module beside `base`, named as it is in the running build: `./x.ts` stays as is
 * when `base` is a `.ts` file, and becomes `./x.js` when it is a `.js` file.
 *
 * @param base The `import.meta.url` of the module asking.
 * @param path The worker module beside it, as written in the sources (`./x.ts`).
 * @returns Its URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { siblingModule } from "./workers.ts";
 * assert.equal(siblingModule("file:///a/b.ts", "./c.ts").href, "file:///a/c.ts");
 * assert.equal(siblingModule("file:///a/b.js", "./c.ts").href, "file:///a/c.js");
 * ```
 */
export function siblingModule(base: string, path: string): URL {
  const compiled = new URL(base).pathname.endsWith(".js");
  return new URL(compiled ? path.replace(/\.ts$/, ".js") : path, base);
}

/**
 * Starts a worker thread running the module `path` beside `base`.
 *
 * @param base The `import.meta.url` of the module asking.
 * @param path The worker module, as written in the sources (`./x.ts`).
 * @param options The worker's young generation in MiB (V8's default when omitted): smaller
 *   means more frequent, shorter collections and less memory held by garbage. Its old
 *   generation in MiB: V8 grows a heap with a small cap by a smaller factor, so the worker holds
 *   less garbage; but a worker that reaches its cap fails under Node and hangs under Deno
 *   (2.9), so a caller that sets one needs a way to notice a worker that stopped answering. `data`:
 *   what the worker reads as {@link parentThread}'s `data`.
 * @returns The worker.
 *
 * @example Start a worker
 * ```ts ignore
 * import { startWorker } from "./workers.ts";
 * const worker = startWorker(import.meta.url, "./my_worker.ts");
 * await worker.terminate();
 * ```
 */
export function startWorker(
  base: string,
  path: string,
  options: { youngGenerationMb?: number; oldGenerationMb?: number; data?: unknown } = {},
): WorkerThread {
  const resourceLimits = {
    ...(options.youngGenerationMb === undefined
      ? {}
      : { maxYoungGenerationSizeMb: options.youngGenerationMb }),
    ...(options.oldGenerationMb === undefined
      ? {}
      : { maxOldGenerationSizeMb: options.oldGenerationMb }),
  };
  const worker = new NodeWorker(siblingModule(base, path), {
    resourceLimits,
    ...(options.data === undefined ? {} : { workerData: options.data }),
  });
  let stopping = false;
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => void worker.on("message", listener),
    onFailure(listener) {
      worker.on("error", listener);
      worker.on("exit", (code) => {
        if (!stopping) listener(new Error(`The worker thread exited with code ${code}`));
      });
    },
    async terminate() {
      stopping = true;
      await worker.terminate();
    },
  };
}

/**
 * The link to the thread that started this one, inside a worker.
 *
 * @returns How to receive and send messages; `undefined` in the main thread.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parentThread } from "./workers.ts";
 * assert.equal(parentThread(), undefined); // a test runs in the main thread
 * ```
 */
export function parentThread():
  | {
    post(message: unknown, transfer?: Transfer): void;
    onMessage(listener: (message: unknown) => void): void;
    /** The `data` given to {@link startWorker}. */
    data: unknown;
  }
  | undefined {
  const port = parentPort;
  if (!port) return undefined;
  return {
    post: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (listener) => void port.on("message", listener),
    data: workerData,
  };
}
