/**
 * What a running command shows on stderr: the progress reporter, and the Ctrl-C watch that
 * clears the progress line before saying it is stopping.
 *
 * @module
 */

import { ProgressReporter } from "./progress_reporter.ts";
import type { CommandContext } from "./context.ts";
import { type InterruptWatch, watchInterrupt } from "./interrupt.ts";

/** The progress reporter and Ctrl-C watch of one command run. */
export interface Display {
  progress: ProgressReporter;
  /** Dispose it in `finally`. */
  watch: InterruptWatch;
}

/**
 * Starts the display of a command run.
 *
 * @param context Stderr and terminals.
 * @param quiet Whether `--quiet` was given.
 * @returns The reporter and the interrupt watch.
 *
 * @example Show progress while working
 * ```ts ignore
 * import { startDisplay } from "./display.ts";
 * const { progress, watch } = startDisplay(context, false);
 * try {
 *   progress.update({ type: "start", phase: "nodes", done: 0, total: 10 });
 *   progress.update({ type: "end", phase: "nodes", done: 10, total: 10 });
 * } finally {
 *   watch.dispose();
 * }
 * ```
 */
export function startDisplay(context: CommandContext, quiet: boolean): Display {
  const { stderr } = context;
  const progress = new ProgressReporter({
    write: (text) => stderr.write(text),
    terminal: context.terminal.stderr,
    quiet,
    color: stderr.color,
    columns: context.columns,
  });
  const watch = watchInterrupt((line) => {
    progress.clear();
    stderr.line(`neo4j-backup: ${line}`);
  });
  return { progress, watch };
}
