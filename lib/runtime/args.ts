/**
 * The command-line arguments of the running process.
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
 * import { args } from "./args.ts";
 * console.log(args().length);
 * ```
 */
export function args(): string[] {
  return process.argv.slice(2);
}
