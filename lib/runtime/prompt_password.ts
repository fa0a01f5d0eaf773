/**
 * Asking for a password on the terminal without echoing it.
 *
 * @module
 */

import process from "node:process";
import { PromptCancelled } from "./prompt_cancelled.ts";

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
 * import { promptPassword } from "./prompt_password.ts";
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
