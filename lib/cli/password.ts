/**
 * Getting the password: from the flags or environment, else from the user on a terminal.
 *
 * @module
 */

import { redactUri } from "./connect.ts";
import { UsageError } from "../errors.ts";
import { promptPassword } from "../runtime/terminal.ts";
import type { ConnectionFlags } from "./flags.ts";

/**
 * Returns the password given by `-p`, `NEO4J_PASSWORD` or the URI, or asks for it without echo
 * when a terminal is there to ask on.
 *
 * @param flags The resolved connection flags.
 * @param canPrompt Whether stdin and stderr are a terminal that is free for a prompt.
 * @returns The password.
 * @throws {UsageError} When there is no password and no terminal to ask on.
 *
 * @example Take the password from the flags
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePassword } from "./password.ts";
 * const flags = { uri: "neo4j://localhost:7687", username: "neo4j", password: "s3cret-pw" };
 * assert.equal((await resolvePassword(flags, false)), "s3cret-pw");
 * ```
 */
export async function resolvePassword(flags: ConnectionFlags, canPrompt: boolean): Promise<string> {
  if (flags.password !== undefined) return flags.password;
  if (!canPrompt) {
    throw new UsageError(
      "No password given and no terminal to ask on: pass -p/--password or set NEO4J_PASSWORD",
    );
  }
  return await promptPassword(`Password for '${flags.username}' at ${redactUri(flags.uri)}: `);
}
