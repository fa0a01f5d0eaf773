/**
 * The command-line program: picks the command, runs it, and turns every failure into one line
 * on stderr and an exit code (see the table in `lib/errors.ts`; 130 after Ctrl-C).
 *
 * @module
 */

import { UsageError } from "../errors.ts";
import { useColor } from "./progress.ts";
import { env } from "../runtime/process.ts";
import { isTerminal } from "../runtime/terminal.ts";
import { setTitle } from "../runtime/process.ts";
import { terminalWidth } from "../runtime/terminal.ts";
import { writeStderr } from "../storage/stdio.ts";
import { writeStdout } from "../storage/stdio.ts";
import { VERSION } from "../version.ts";
import type { CommandContext } from "./context.ts";
import { parseExportArgs, runExport } from "./export_command.ts";
import { toBackupError } from "./failure.ts";
import { type CommonFlags, helpHint } from "./flags.ts";
import { type Command, COMMANDS, helpText } from "./help.ts";
import { parseImportArgs, runImport } from "./import_command.ts";
import { parseListArgs, runList } from "./list_command.ts";
import { parseConvertArgs, runConvert } from "./convert_command.ts";
import { parsePruneArgs, runPrune } from "./prune_command.ts";
import { Stderr } from "./stderr.ts";
import { parseVerifyArgs, runVerify } from "./verify_command.ts";

const RUN: Record<Command, (args: string[], context: CommandContext) => Promise<void>> = {
  export: runExport,
  import: runImport,
  verify: runVerify,
  list: runList,
  convert: runConvert,
  prune: runPrune,
};

/**
 * Runs the program with the given arguments and returns the exit code; never throws.
 *
 * @param args The arguments after the program name.
 * @returns 0 on success, else the failure's exit code.
 *
 * @example Print the version
 * ```ts ignore
 * import { main } from "./main.ts";
 * const code = await main(["--version"]);
 * if (code !== 0) throw new Error(`exit code ${code}`);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const terminal = {
    stdin: isTerminal("stdin"),
    stdout: isTerminal("stdout"),
    stderr: isTerminal("stderr"),
  };
  const stderr = new Stderr({
    write: writeStderr,
    terminal: terminal.stderr,
    color: useColor(env, terminal.stderr),
  });
  const context: CommandContext = { stderr, env, terminal, columns: terminalWidth() };
  try {
    await dispatch(args, context);
    return 0;
  } catch (e) {
    const error = toBackupError(e);
    stderr.error(error.message);
    if (debugRequested(args, env)) stderr.write(describeError(e));
    return error.exitCode;
  }
}

async function dispatch(args: string[], context: CommandContext): Promise<void> {
  const [first, ...rest] = args;
  if (first === "--version" || first === "-V") {
    return await writeStdout(`neo4j-backup ${VERSION}\n`);
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = rest.find((a) => !a.startsWith("-"));
    if (topic !== undefined && !isCommand(topic)) {
      throw new UsageError(`Unknown command '${topic}': ${helpHint()}`);
    }
    return await writeStdout(helpText(topic));
  }
  if (first === undefined) {
    throw new UsageError(
      `Missing command: use 'export', 'import', 'verify', 'list', 'convert' or 'prune'; ${helpHint()}`,
    );
  }
  if (!isCommand(first)) {
    const what = first.startsWith("-") ? "option" : "command";
    throw new UsageError(`Unknown ${what} '${first}': ${helpHint()}`);
  }
  setTitle(`neo4j-backup ${first}`);
  await RUN[first](rest, context);
}

const PARSE: Record<
  Command,
  (args: string[], env: (name: string) => string | undefined) => CommonFlags
> = {
  export: parseExportArgs,
  import: parseImportArgs,
  verify: parseVerifyArgs,
  list: parseListArgs,
  convert: parseConvertArgs,
  prune: parsePruneArgs,
};

/**
 * Tells whether the command line asked for `--debug`, as the command's own parser reads it:
 * a `--debug` that is the value of another flag (`-p --debug`) or comes after `--` is not the
 * flag. A command line that does not parse asks for nothing.
 *
 * @param args The arguments after the program name.
 * @param env Reads an environment variable.
 * @returns The parsed `debug` flag.
 *
 * @example Tell the flag from a value
 * ```ts
 * import assert from "node:assert/strict";
 * import { debugRequested } from "./main.ts";
 * const env = () => undefined;
 * assert.equal(debugRequested(["verify", "b.jsonl", "--debug"], env), true);
 * assert.equal(debugRequested(["verify", "--", "--debug"], env), false);
 * ```
 */
export function debugRequested(
  args: string[],
  env: (name: string) => string | undefined,
): boolean {
  const [command, ...rest] = args;
  if (command === undefined || !isCommand(command)) return false;
  try {
    return PARSE[command](rest, env).debug;
  } catch {
    return false;
  }
}

function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

/**
 * Describes an error for `--debug`: the stack of the error and of each cause.
 *
 * @param error What was thrown.
 * @returns Lines ending with a newline.
 *
 * @example Describe a chained error
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeError } from "./main.ts";
 * const text = describeError(new Error("outer", { cause: new Error("inner") }));
 * assert.ok(text.includes("Caused by: Error: inner"));
 * ```
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    const text = current instanceof Error
      ? (current.stack ?? `${current.name}: ${current.message}`)
      : String(current);
    const code = (current as { code?: unknown }).code;
    parts.push(
      `${depth === 0 ? "" : "Caused by: "}${text}${
        typeof code === "string" ? ` [code ${code}]` : ""
      }`,
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return `${parts.join("\n")}\n`;
}
