/**
 * The error family of neo4j-backup. Every failure a user can cause or meet is one of these,
 * each with a one-line, actionable message and the process exit code the CLI uses for it.
 *
 * | class | exit code | when |
 * | --- | --- | --- |
 * | {@link BackupError} | 1 | anything else that went wrong |
 * | {@link UsageError} | 2 | bad flags or arguments |
 * | {@link ConnectionError} | 3 | server unreachable, TLS mismatch |
 * | {@link AuthenticationError} | 4 | wrong user name or password |
 * | {@link DatabaseError} | 5 | unknown database, missing privileges, a statement refused |
 * | {@link FormatError} | 6 | not a backup, truncated or corrupt, unsupported version |
 * | {@link FileError} | 7 | file not found, not readable, already exists |
 * | {@link RefusedError} | 8 | target not empty, overwrite not confirmed |
 *
 * @module
 */

/**
 * The base of every error neo4j-backup throws on purpose.
 *
 * @example Catch any neo4j-backup failure
 * ```ts
 * import { BackupError } from "./errors.ts";
 * try {
 *   throw new BackupError("Cannot do that");
 * } catch (e) {
 *   if (e instanceof BackupError) console.error(e.message, e.exitCode);
 * }
 * ```
 */
export class BackupError extends Error {
  /** The process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;

  /**
   * Creates an error with a one-line message.
   *
   * @param message What failed and what to do about it, one line.
   * @param options The underlying cause, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }

  /** The class name, so that `String(error)` names the kind of failure. */
  override get name(): string {
    return "BackupError";
  }
}

/**
 * Bad command-line flags or arguments (exit code 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "./errors.ts";
 * const e = new UsageError("Unknown option '--frobnicate': see 'neo4j-backup --help'");
 * assert.equal(e.exitCode, 2);
 * ```
 */
export class UsageError extends BackupError {
  /** Exit code 2. */
  override readonly exitCode: number = 2;
  /** `"UsageError"`. */
  override get name(): string {
    return "UsageError";
  }
}

/**
 * The server cannot be reached or the connection cannot be secured (exit code 3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConnectionError } from "./errors.ts";
 * assert.equal(new ConnectionError("Cannot connect").exitCode, 3);
 * ```
 */
export class ConnectionError extends BackupError {
  /** Exit code 3. */
  override readonly exitCode: number = 3;
  /** `"ConnectionError"`. */
  override get name(): string {
    return "ConnectionError";
  }
}

/**
 * The server refused the credentials (exit code 4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuthenticationError } from "./errors.ts";
 * assert.equal(new AuthenticationError("Wrong password").exitCode, 4);
 * ```
 */
export class AuthenticationError extends BackupError {
  /** Exit code 4. */
  override readonly exitCode: number = 4;
  /** `"AuthenticationError"`. */
  override get name(): string {
    return "AuthenticationError";
  }
}

/**
 * The server refused an operation: unknown database, missing privileges, a failed statement
 * (exit code 5).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatabaseError } from "./errors.ts";
 * assert.equal(new DatabaseError("Database 'x' does not exist").exitCode, 5);
 * ```
 */
export class DatabaseError extends BackupError {
  /** Exit code 5. */
  override readonly exitCode: number = 5;
  /** `"DatabaseError"`. */
  override get name(): string {
    return "DatabaseError";
  }
}

/**
 * The input is not a backup, is truncated or corrupt, or has an unsupported format version
 * (exit code 6).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FormatError } from "./errors.ts";
 * const e = new FormatError("Cannot parse line 12: unexpected end of JSON", { line: 12 });
 * assert.equal(e.line, 12);
 * assert.equal(e.exitCode, 6);
 * ```
 */
export class FormatError extends BackupError {
  /** Exit code 6. */
  override readonly exitCode: number = 6;
  /** The 1-based line (record) number where the problem was found, when known. */
  readonly line?: number;

  /**
   * Creates a format error.
   *
   * @param message What is wrong with the input, naming the line when known.
   * @param options The line number and the underlying cause, if any.
   */
  constructor(message: string, options?: ErrorOptions & { line?: number }) {
    super(message, options);
    this.line = options?.line;
  }

  /** `"FormatError"`. */
  override get name(): string {
    return "FormatError";
  }
}

/**
 * A file cannot be read or written: not found, not readable, already exists (exit code 7).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileError } from "./errors.ts";
 * assert.equal(new FileError("File 'x' not found").exitCode, 7);
 * ```
 */
export class FileError extends BackupError {
  /** Exit code 7. */
  override readonly exitCode: number = 7;
  /** `"FileError"`. */
  override get name(): string {
    return "FileError";
  }
}

/**
 * The operation would overwrite or mix into existing data and was not confirmed (exit code 8).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RefusedError } from "./errors.ts";
 * assert.equal(new RefusedError("Target database is not empty").exitCode, 8);
 * ```
 */
export class RefusedError extends BackupError {
  /** Exit code 8. */
  override readonly exitCode: number = 8;
  /** `"RefusedError"`. */
  override get name(): string {
    return "RefusedError";
  }
}

/**
 * The message of anything thrown, shaped to follow a colon in one of our messages: its first
 * line, without a final period, and starting lower-case unless it starts with an acronym or a
 * code such as `ENOENT`.
 *
 * @param error What was thrown.
 * @returns E.g. `unexpected end of JSON input`.
 *
 * @example Explain a failure in one line
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorMessage } from "./errors.ts";
 * const e = new SyntaxError("Unexpected end of JSON input");
 * assert.equal(`Cannot parse line 4: ${errorMessage(e)}`, "Cannot parse line 4: unexpected end of JSON input");
 * assert.equal(errorMessage(new Error("EACCES: permission denied.")), "EACCES: permission denied");
 * ```
 */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0].replace(/\.$/, "");
  return /^[A-Z][a-z]/.test(line) ? line.charAt(0).toLowerCase() + line.slice(1) : line;
}
