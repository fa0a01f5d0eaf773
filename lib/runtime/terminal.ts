/**
 * The terminal: whether a standard stream is one, its width, and the prompts (a y/N question
 * and a password read without echo).
 *
 * @module
 */

import { isatty } from "node:tty";
import process from "node:process";
import { createInterface } from "node:readline";

/**
 * Thrown by the prompts when the user cancels with Ctrl-C or Ctrl-D.
 *
 * @example Tell a cancelled prompt apart
 * ```ts
 * import assert from "node:assert/strict";
 * import { PromptCancelled } from "./terminal.ts";
 * const e: unknown = new PromptCancelled("Prompt cancelled");
 * assert.ok(e instanceof PromptCancelled);
 * ```
 */
export class PromptCancelled extends Error {
  /** `"PromptCancelled"`. */
  override get name(): string {
    return "PromptCancelled";
  }
}

/** A standard stream of the process. */
export type StandardStream = "stdin" | "stdout" | "stderr";

const FDS: Record<StandardStream, number> = { stdin: 0, stdout: 1, stderr: 2 };

/**
 * Tells whether a standard stream is attached to a terminal.
 *
 * @param stream Which stream.
 * @returns `true` on a terminal, `false` for files, pipes and `/dev/null`.
 *
 * @example Only prompt on a terminal
 * ```ts
 * import { isTerminal } from "./terminal.ts";
 * if (isTerminal("stdin") && isTerminal("stderr")) console.error("can prompt");
 * ```
 */
export function isTerminal(stream: StandardStream): boolean {
  return isatty(FDS[stream]);
}

/**
 * Returns how many columns the terminal behind stderr has.
 *
 * @returns The column count, or `undefined` when stderr is not a terminal.
 *
 * @example Fit a line to the terminal
 * ```ts
 * import { terminalWidth } from "./terminal.ts";
 * const width = terminalWidth() ?? 80;
 * console.log(width > 0);
 * ```
 */
export function terminalWidth(): number | undefined {
  const columns = process.stderr.columns;
  return typeof columns === "number" && columns > 0 ? columns : undefined;
}

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
 * import { confirm } from "./terminal.ts";
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

/**
 * Asks for a password on the terminal: writes `question` to stderr and reads one line from
 * stdin with echo off (raw mode). Backspace edits; Enter ends; Ctrl-C and Ctrl-D cancel.
 * Call only when stdin and stderr are terminals.
 *
 * @param question The prompt, e.g. `"Password for neo4j: "`.
 * @returns What was typed, without the line ending.
 * @throws {PromptCancelled} When the user presses Ctrl-C or Ctrl-D.
 *
 * @example Ask for a password
 * ```ts ignore
 * import { promptPassword } from "./terminal.ts";
 * const password = await promptPassword("Password for neo4j: ");
 * ```
 */
export function promptPassword(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = "";
    const decoder = new TextDecoder();
    const done = (error?: Error) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Uint8Array | string) => {
      const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      for (const char of text) {
        if (char === "\r" || char === "\n") return done();
        if (char === "\u0003" || char === "\u0004") {
          return done(new PromptCancelled("Password prompt cancelled"));
        }
        if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else if (char >= " ") typed += char;
      }
    };
    // Echo goes off before the question appears, so that nothing typed early is shown.
    input.setRawMode(true);
    process.stderr.write(question);
    input.on("data", onData);
    input.resume();
  });
}
