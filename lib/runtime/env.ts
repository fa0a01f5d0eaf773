/**
 * Environment variables of the running process.
 *
 * @module
 */

import process from "node:process";

/**
 * Reads one environment variable.
 *
 * @param name The variable's name, e.g. `NEO4J_URI`.
 * @returns Its value, or `undefined` when it is not set.
 *
 * @example Read a variable
 * ```ts
 * import { env } from "./env.ts";
 * const uri = env("NEO4J_URI") ?? "neo4j://localhost:7687";
 * console.log(uri);
 * ```
 */
export function env(name: string): string | undefined {
  return process.env[name];
}
