/**
 * The process title that `ps` shows.
 *
 * @module
 */

import process from "node:process";

/**
 * Sets the process title. Where the runtime supports it this also hides the original
 * arguments (which may hold a password given with `-p`) from process listings.
 *
 * @param title The new title; never put a secret in it.
 *
 * @example Name the process after the command
 * ```ts
 * import { setTitle } from "./set_title.ts";
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
