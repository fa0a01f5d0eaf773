/**
 * Flag parsing shared by the commands: the option tables, `node:util` `parseArgs` errors turned
 * into one-line {@link UsageError}s, number checks, and connection settings resolved from flags,
 * then environment variables, then defaults (like cypher-shell).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";

/** One option of a command, in `node:util` `parseArgs` form. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
}

/** The options of a command, by long name. */
export type OptionTable = Record<string, OptionSpec>;

/** Options every command takes. */
export const COMMON_OPTIONS: OptionTable = {
  help: { type: "boolean", short: "h" },
  quiet: { type: "boolean", short: "q" },
  debug: { type: "boolean" },
};

/** The flags of {@link COMMON_OPTIONS}, resolved. */
export interface CommonFlags {
  /** `-h`, `--help`: print the command's help and do nothing else. */
  help: boolean;
  /** `-q`, `--quiet`: no progress, no summary. */
  quiet: boolean;
  /** `--debug`: on failure `main` also prints the stack and every cause. */
  debug: boolean;
}

/**
 * Resolves the flags every command takes.
 *
 * @param values The parsed values of {@link parseFlags}.
 * @returns `help`, `quiet` and `debug`, each `true` only when given.
 *
 * @example Read --quiet
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMON_OPTIONS, commonFlags, parseFlags } from "./flags.ts";
 * const { values } = parseFlags("verify", ["-q"], COMMON_OPTIONS);
 * assert.ok(commonFlags(values).quiet);
 * assert.ok(!commonFlags(values).debug);
 * ```
 */
export function commonFlags(values: ParsedFlags["values"]): CommonFlags {
  return { help: values.help === true, quiet: values.quiet === true, debug: values.debug === true };
}

/** Options of the commands that talk to a server. */
export const CONNECTION_OPTIONS: OptionTable = {
  uri: { type: "string", short: "a" },
  address: { type: "string" },
  username: { type: "string", short: "u" },
  password: { type: "string", short: "p" },
  database: { type: "string", short: "d" },
  yes: { type: "boolean", short: "y" },
  "retry-for": { type: "string" },
};

/** The default server address, as cypher-shell has it. */
export const DEFAULT_URI = "neo4j://localhost:7687";

/** The default user name. */
export const DEFAULT_USERNAME = "neo4j";

/** Parsed flags: option values by long name, and the positional arguments. */
export interface ParsedFlags {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses a command's arguments strictly; every mistake becomes a one-line {@link UsageError}
 * that names the flag and points to the command's help.
 *
 * @param command The command name, for the help hint, e.g. `"export"`.
 * @param args The arguments after the command name.
 * @param options The options the command accepts.
 * @returns Option values by long name and the positional arguments.
 * @throws {UsageError} For an unknown flag, a missing value, or a value given to a switch.
 *
 * @example Parse export flags
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMON_OPTIONS, parseFlags } from "./flags.ts";
 * const { values } = parseFlags("export", ["--quiet"], COMMON_OPTIONS);
 * assert.equal(values.quiet, true);
 * ```
 */
export function parseFlags(command: string, args: string[], options: OptionTable): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: true,
    });
    return { values: values as ParsedFlags["values"], positionals };
  } catch (e) {
    throw usageFromParseArgs(e, command, options);
  }
}

function usageFromParseArgs(error: unknown, command: string, options: OptionTable): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const flag = displayFlag(message.match(/'([^']+)'/)?.[1] ?? "", options);
  const hint = helpHint(command);
  const code = (error as { code?: unknown }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return new UsageError(`Unknown option '${flag}': ${hint}`);
  }
  if (/does not take an argument/.test(message)) {
    return new UsageError(`Option '${flag}' does not take a value: ${hint}`);
  }
  if (/argument missing|ambiguous/.test(message)) {
    return new UsageError(`Option '${flag}' needs a value: ${hint}`);
  }
  return new UsageError(`${message.split("\n")[0].replace(/\.$/, "")}: ${hint}`);
}

/** Turns parseArgs' `-o, --output <value>` or `-o` into the long form `--output`. */
function displayFlag(raw: string, options: OptionTable): string {
  const long = raw.match(/--[\w-]+/)?.[0];
  if (long) return long;
  const short = raw.match(/^-(\w)$/)?.[1];
  const name = Object.entries(options).find(([, spec]) => spec.short === short)?.[0];
  return name ? `--${name}` : raw;
}

/**
 * The hint that ends every usage error.
 *
 * @param command The command, or `undefined` for the tool itself.
 * @returns E.g. `see 'neo4j-backup export --help'`.
 *
 * @example Point to the help
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpHint } from "./flags.ts";
 * assert.equal(helpHint("import"), "see 'neo4j-backup import --help'");
 * ```
 */
export function helpHint(command?: string): string {
  return command ? `see 'neo4j-backup ${command} --help'` : "see 'neo4j-backup --help'";
}

/**
 * Reads a positive whole-number flag.
 *
 * @param command The command, for the help hint.
 * @param name The flag's long name, e.g. `"batch-size"`.
 * @param value The raw value, or `undefined` when the flag was not given.
 * @param max The largest accepted value.
 * @returns The number, or `undefined` when the flag was not given.
 * @throws {UsageError} When the value is not a whole number from 1 to `max`.
 *
 * @example Read --batch-size
 * ```ts
 * import assert from "node:assert/strict";
 * import { positiveInteger } from "./flags.ts";
 * assert.equal(positiveInteger("import", "batch-size", "5000", 1_000_000), 5000);
 * ```
 */
export function positiveInteger(
  command: string,
  name: string,
  value: string | boolean | undefined,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(
      `Invalid value '${value}' for '--${name}': expected a whole number from 1 to ${max}; ${
        helpHint(command)
      }`,
    );
  }
  return n;
}

/** Where and as whom to connect, before the password is known for sure. */
export interface ConnectionFlags {
  uri: string;
  username: string;
  /** `undefined` when neither `-p`, `NEO4J_PASSWORD` nor the URI gave one. */
  password?: string;
  /** `undefined` for the server's default database. */
  database?: string;
  /** Milliseconds to keep retrying after a lost connection (`--retry-for`); the default when undefined. */
  retryFor?: number;
}

/**
 * Resolves the connection settings: flags win over `NEO4J_URI`, `NEO4J_USERNAME`,
 * `NEO4J_PASSWORD`, `NEO4J_DATABASE`, which win over user info in the URI and the defaults.
 * Empty values count as not given.
 *
 * @param values Parsed option values.
 * @param env Reads an environment variable.
 * @returns The connection settings; the URI without user info.
 *
 * @example Let a flag win over the environment
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionFlags } from "./flags.ts";
 * const env = (name: string) => (name === "NEO4J_USERNAME" ? "admin" : undefined);
 * const flags = connectionFlags({ username: "alice" }, env);
 * assert.equal(flags.username, "alice");
 * assert.equal(flags.uri, "neo4j://localhost:7687");
 * ```
 */
export function connectionFlags(
  values: ParsedFlags["values"],
  env: (name: string) => string | undefined,
): ConnectionFlags {
  const pick = (flag: string | boolean | undefined, variable: string) => {
    if (typeof flag === "string" && flag !== "") return flag;
    const value = env(variable);
    return value === undefined || value === "" ? undefined : value;
  };
  const rawUri = pick(values.uri ?? values.address, "NEO4J_URI") ?? DEFAULT_URI;
  const info = rawUri.match(/^[a-z0-9+.-]+:\/\/([^/?#@]*)@/i)?.[1];
  const [infoUser, infoPassword] = info === undefined ? [] : splitUserInfo(info);
  return {
    uri: info === undefined ? rawUri : rawUri.replace(`${info}@`, ""),
    username: pick(values.username, "NEO4J_USERNAME") ?? infoUser ?? DEFAULT_USERNAME,
    password: pick(values.password, "NEO4J_PASSWORD") ?? infoPassword,
    database: pick(values.database, "NEO4J_DATABASE"),
    ...(values["retry-for"] === undefined
      ? {}
      : { retryFor: parseDuration("retry-for", String(values["retry-for"])) }),
  };
}

/**
 * Parses a duration flag: a number with `ms`, `s`, `m` or `h`, or a bare number of seconds.
 *
 * @param flag The flag's name, for the message.
 * @param text What was given.
 * @returns Milliseconds.
 * @throws {UsageError} When it is not a duration.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDuration } from "./flags.ts";
 * assert.equal(parseDuration("retry-for", "5m"), 300_000);
 * assert.equal(parseDuration("retry-for", "90"), 90_000);
 * assert.equal(parseDuration("retry-for", "0"), 0);
 * ```
 */
export function parseDuration(flag: string, text: string): number {
  const m = text.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/);
  if (!m) {
    throw new UsageError(
      `Invalid --${flag} '${text}': give a duration such as 90s, 5m or 1h (0 for no retries)`,
    );
  }
  const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2] ?? "s"]!;
  return Math.round(Number(m[1]) * unit);
}

function splitUserInfo(info: string): [string | undefined, string | undefined] {
  const colon = info.indexOf(":");
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s) || undefined;
    } catch {
      return s || undefined;
    }
  };
  return colon < 0
    ? [decode(info), undefined]
    : [decode(info.slice(0, colon)), decode(info.slice(colon + 1))];
}

/**
 * Rejects positional arguments beyond what a command takes.
 *
 * @param command The command, for the message.
 * @param positionals The positional arguments given.
 * @param max How many the command takes.
 * @throws {UsageError} Naming the first extra argument.
 *
 * @example Export takes none
 * ```ts
 * import { noExtraArguments } from "./flags.ts";
 * noExtraArguments("export", [], 0);
 * ```
 */
export function noExtraArguments(command: string, positionals: string[], max: number): void {
  if (positionals.length > max) {
    throw new UsageError(`Unexpected argument '${positionals[max]}': ${helpHint(command)}`);
  }
}
