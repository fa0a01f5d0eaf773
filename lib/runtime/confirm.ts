/**
 * Asking a yes/no question on the terminal.
 *
 * @module
 */

import process from "node:process";
import { createInterface } from "node:readline";
import { PromptCancelled } from "./prompt_cancelled.ts";

/**
 * Asks a yes/no question: writes `question` to stderr and reads one line from stdin. Only
 * `y` or `yes` (any case) count as yes; Enter, anything else and end of input mean no.
 * Call only when stdin and stderr are terminals.
 *
 * @param question The question, ending with e.g. `" [y/N] "`.
 * @returns Whether the user answered yes.
 * @throws {PromptCancelled} When the user presses Ctrl-C.
 *
 * @example Confirm an overwrite
 * ```ts ignore
 * import { confirm } from "./confirm.ts";
 * if (!(await confirm("File 'a' exists. Overwrite it? [y/N] "))) console.error("kept");
 * ```
 */
export function confirm(question: string): Promise<boolean> {
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (answer: boolean | Error) => {
      if (settled) return;
      settled = true;
      lines.close();
      process.stdin.pause();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    lines.question(question, (answer) => settle(/^\s*y(es)?\s*$/i.test(answer)));
    lines.on("SIGINT", () => {
      process.stderr.write("\n");
      settle(new PromptCancelled("Prompt cancelled"));
    });
    // Ctrl-D (end of input) closes the interface without an answer: that is a no.
    lines.on("close", () => {
      if (!settled) process.stderr.write("\n");
      settle(false);
    });
  });
}
