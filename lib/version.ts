/**
 * The single source of the tool's version: `deno.json`, the npm package, `--version`
 * and every backup header take it from here (a test keeps `deno.json` in step).
 *
 * @module
 */

/**
 * The version of neo4j-backup.
 *
 * @example Print the version
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(`neo4j-backup ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
