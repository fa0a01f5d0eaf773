/**
 * What every command gets from the entry point: stderr, the environment, and which standard
 * streams are terminals. Built once in `main`, so that commands stay easy to follow.
 *
 * @module
 */

import type { Stderr } from "./stderr.ts";

/** What a command may use besides its arguments. */
export interface CommandContext {
  /** Messages, progress and summaries go here. */
  stderr: Stderr;
  /** Reads an environment variable. */
  env: (name: string) => string | undefined;
  /** Which standard streams are terminals. */
  terminal: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** Columns of the terminal behind stderr, when it is one. */
  columns?: number;
}
