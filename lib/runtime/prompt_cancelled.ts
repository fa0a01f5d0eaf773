/**
 * The error a terminal prompt ends with when the user presses Ctrl-C or Ctrl-D.
 *
 * @module
 */

/**
 * Thrown by the prompts when the user cancels with Ctrl-C or Ctrl-D.
 *
 * @example Tell a cancelled prompt apart
 * ```ts
 * import { PromptCancelled } from "./prompt_cancelled.ts";
 * const e: unknown = new PromptCancelled("Prompt cancelled");
 * console.assert(e instanceof PromptCancelled);
 * ```
 */
export class PromptCancelled extends Error {
  /** `"PromptCancelled"`. */
  override get name(): string {
    return "PromptCancelled";
  }
}
