/**
 * Ending the running process.
 *
 * @module
 */

import process from "node:process";

/**
 * Ends the process with an exit code.
 *
 * @param code The exit code, 0 for success.
 * @returns Never.
 *
 * @example Exit with a usage error
 * ```ts ignore
 * import { exit } from "./exit.ts";
 * exit(2);
 * ```
 */
export function exit(code: number): never {
  return process.exit(code);
}
