/**
 * The process: arguments, environment, exit, Ctrl-C and the process title. The only place
 * besides `terminal.ts`, `workers.ts` and the files and stdio of `lib/storage/` that touches
 * the runtime.
 *
 * @module
 */

import process from "node:process";

/**
 * Returns the arguments after the program (and script) name.
 *
 * @returns The arguments, e.g. `["export", "-o", "backup.jsonl.gz"]`.
 *
 * @example Read the arguments
 * ```ts
 * import { args } from "./process.ts";
 * console.log(args().length);
 * ```
 */
export function args(): string[] {
  return process.argv.slice(2);
}

/**
 * Reads one environment variable.
 *
 * @param name The variable's name, e.g. `NEO4J_URI`.
 * @returns Its value, or `undefined` when it is not set.
 *
 * @example Read a variable
 * ```ts
 * import { env } from "./process.ts";
 * const uri = env("NEO4J_URI") ?? "neo4j://localhost:7687";
 * console.log(uri);
 * ```
 */
export function env(name: string): string | undefined {
  return process.env[name];
}

/**
 * Ends the process with an exit code.
 *
 * @param code The exit code, 0 for success.
 * @returns Never.
 *
 * @example Exit with a usage error
 * ```ts ignore
 * import { exit } from "./process.ts";
 * exit(2);
 * ```
 */
export function exit(code: number): never {
  return process.exit(code);
}

/**
 * Calls `handler` on each SIGINT (Ctrl-C) and SIGTERM (what cron, systemd and Kubernetes send
 * to stop a job) instead of ending the process, until the returned function is called, so that
 * an interrupted job cleans up (a partial file, an unfinished upload) and says what it left.
 *
 * @param handler Called once per signal.
 * @returns A function that removes the handler again.
 *
 * @example Clean up on Ctrl-C
 * ```ts
 * import { onInterrupt } from "./process.ts";
 * const off = onInterrupt(() => console.error("interrupted"));
 * off();
 * ```
 */
export function onInterrupt(handler: () => void): () => void {
  // Windows has no SIGTERM to listen to (Deno refuses the listener there).
  const signals: NodeJS.Signals[] = process.platform === "win32"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM"];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

/**
 * Sets the process title. Where the runtime supports it this also hides the original
 * arguments (which may hold a password given with `-p`) from process listings.
 *
 * @param title The new title; never put a secret in it.
 *
 * @example Name the process after the command
 * ```ts
 * import { setTitle } from "./process.ts";
 * setTitle("neo4j-backup export");
 * ```
 */
export function setTitle(title: string): void {
  try {
    process.title = title;
  } catch {
    // Some runtimes refuse; the title is cosmetic.
  }
}
