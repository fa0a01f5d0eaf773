/**
 * neo4j-driver failures in the terms of the error family of `lib/errors.ts`: which member a
 * driver error is, with a message that says what to do; and how a failed schema statement
 * counts during an import (skipped, retried, or fatal). No message ever holds the password.
 *
 * @module
 */

import { AuthenticationError, BackupError, ConnectionError, DatabaseError } from "../errors.ts";

/** What {@link classifyError} may mention in its messages. */
export interface ErrorContext {
  /** The URI, without user info. */
  uri?: string;
  /** The database in use. */
  database?: string;
  /** The user name. */
  username?: string;
  /**
   * The connection had worked before the failure: a network failure is then a lost connection,
   * not a failure to connect.
   */
  connected?: boolean;
}

/**
 * Translates a failure into the error family: driver errors by their Neo4j code and by the
 * network errors in their cause chain; errors of the family pass through unchanged.
 *
 * @param error What was thrown.
 * @param context What the messages may name: URI, database, user.
 * @returns An error with a one-line, actionable message and the original as `cause`.
 *
 * @example Classify a refused connection
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { classifyError } from "./driver_errors.ts";
 * const driver = neo4j.driver("bolt://127.0.0.1:1", neo4j.auth.basic("neo4j", "x"));
 * try {
 *   await driver.verifyConnectivity();
 * } catch (e) {
 *   assert.equal(classifyError(e, { uri: "bolt://127.0.0.1:1" }).exitCode, 3);
 * } finally {
 *   await driver.close();
 * }
 * ```
 */
export function classifyError(error: unknown, context: ErrorContext = {}): BackupError {
  if (error instanceof BackupError) return error;
  const codes = chain(error).map((e) => (e as { code?: unknown }).code).filter(isString);
  const code = codes.find((c) => c.startsWith("Neo.")) ?? codes[0];
  const byCode = code ? classifyCode(code, error, context) : undefined;
  if (byCode) return byCode;
  const network = classifyNetwork(error, context);
  if (network) return network;
  if (code?.startsWith("Neo.")) {
    return new DatabaseError(`${summaryLine(error)} (${code})`, { cause: error });
  }
  return new BackupError(firstLine(error) || "Unknown error", { cause: error });
}

/**
 * The Neo4j status code of a driver error (`Neo.ClientError.Statement.SyntaxError`, ...),
 * looked for along its cause chain.
 *
 * @param error What was thrown.
 * @returns The code, or `undefined` when the error holds none.
 *
 * @example Find the code of a wrapped driver error
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { neo4jCode } from "./driver_errors.ts";
 * const e = new neo4j.Neo4jError("Invalid input", "Neo.ClientError.Statement.SyntaxError", "42001", "");
 * assert.equal(neo4jCode(new Error("wrapped", { cause: e })), "Neo.ClientError.Statement.SyntaxError");
 * assert.equal(neo4jCode(new Error("plain")), undefined);
 * ```
 */
export function neo4jCode(error: unknown): string | undefined {
  return chain(error).map((e) => (e as { code?: unknown }).code).filter(isString)
    .find((c) => c.startsWith("Neo."));
}

/**
 * How a failed `CREATE INDEX` / `CREATE CONSTRAINT` counts during an import:
 * - `skip`: the target cannot express the statement (its syntax, a feature, setting or index
 *   provider it lacks, an edition feature), or already holds the item or one in its way; the
 *   data is all there, the item is reported as skipped.
 * - `retry`: a transient error (`Neo.TransientError.*`: a deadlock, a lock timeout, a database
 *   restarting), worth another attempt after a pause.
 * - `fail`: anything else (a lost connection, data that violates the constraint, missing
 *   privileges): the import fails.
 */
export type SchemaFailure = "skip" | "retry" | "fail";

/** Codes that only ever mean "this target cannot express the statement". */
const UNEXPRESSIBLE = new Set([
  "Neo.ClientError.Statement.SyntaxError",
  "Neo.ClientError.Statement.ArgumentError",
  "Neo.ClientError.Statement.UnsupportedOperationError",
  "Neo.ClientError.General.InvalidArguments",
]);

/** `EquivalentSchemaRuleAlreadyExists`, `IndexWithNameAlreadyExists`, ...: the item is in the way. */
const ALREADY_EXISTS = /^Neo\.ClientError\.Schema\.\w*AlreadyExists$/;

/**
 * Codes a target uses both for "cannot do this here" and for real failures (a constraint the
 * data violates is also `ConstraintCreationFailed`): only these messages make them a skip.
 */
const MIXED = new Set([
  "Neo.DatabaseError.Schema.ConstraintCreationFailed",
  "Neo.DatabaseError.Statement.ExecutionFailed",
]);
const CANNOT_EXPRESS =
  /requires Neo4j Enterprise Edition|No such full-text analyzer|is an unsupported/i;

/** Transient codes that say the transaction was stopped on purpose: retrying would defy that. */
const STOPPED = new Set([
  "Neo.TransientError.Transaction.Terminated",
  "Neo.TransientError.Transaction.LockClientStopped",
]);

/**
 * Decides how a failed schema statement counts, from the Neo4j code of the error (see
 * {@link SchemaFailure}).
 *
 * @param error What running the statement threw.
 * @returns `skip`, `retry` or `fail`.
 *
 * @example Tell a syntax error from a deadlock and a lost connection
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { schemaFailure } from "./driver_errors.ts";
 * const error = (code: string) => new neo4j.Neo4jError("x", code, "50N42", "");
 * assert.equal(schemaFailure(error("Neo.ClientError.Statement.SyntaxError")), "skip");
 * assert.equal(schemaFailure(error("Neo.TransientError.Transaction.DeadlockDetected")), "retry");
 * assert.equal(schemaFailure(error("ServiceUnavailable")), "fail");
 * ```
 */
export function schemaFailure(error: unknown): SchemaFailure {
  const code = neo4jCode(error);
  if (code === undefined) return "fail";
  if (UNEXPRESSIBLE.has(code) || ALREADY_EXISTS.test(code)) return "skip";
  if (MIXED.has(code) && CANNOT_EXPRESS.test(fullMessage(error))) return "skip";
  if (code.startsWith("Neo.TransientError.") && !STOPPED.has(code)) return "retry";
  return "fail";
}

/**
 * The gist of a server error in one line: its first line, joined with the next one when the
 * first only introduces it (`Unable to create Constraint( ... ):` then the violation).
 *
 * @param error What was thrown.
 * @returns One line.
 *
 * @example Join an introduction with its detail
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryLine } from "./driver_errors.ts";
 * const e = new Error("Unable to create Constraint( name='k' ):\nBoth Node(2) and Node(3) have k = 1.");
 * assert.equal(summaryLine(e), "Unable to create Constraint( name='k' ): Both Node(2) and Node(3) have k = 1");
 * ```
 */
export function summaryLine(error: unknown): string {
  const lines = fullMessage(error).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const first = lines[0] ?? "";
  const line = first.endsWith(":") && lines[1] ? `${first} ${lines[1]}` : first;
  return line.replace(/\.$/, "");
}

function classifyCode(
  code: string,
  error: unknown,
  context: ErrorContext,
): BackupError | undefined {
  const server = context.uri ? `'${context.uri}'` : "the server";
  const user = `'${context.username ?? "neo4j"}'`;
  const database = context.database ? `'${context.database}'` : "the default database";
  const cause = { cause: error };
  switch (code) {
    case "Neo.ClientError.Security.Unauthorized":
      return new AuthenticationError(
        `Cannot log in to ${server} as ${user}: the user name or password is wrong`,
        cause,
      );
    case "Neo.ClientError.Security.AuthenticationRateLimit":
      return new AuthenticationError(
        `Cannot log in to ${server} as ${user}: too many failed attempts; wait a few seconds and retry`,
        cause,
      );
    case "Neo.ClientError.Security.CredentialsExpired":
      return new AuthenticationError(
        `The password of ${user} on ${server} has expired; set a new one with cypher-shell or Neo4j Browser first`,
        cause,
      );
    case "Neo.ClientError.Database.DatabaseNotFound":
      return new DatabaseError(
        `Database ${database} does not exist on ${server}; list the databases with 'SHOW DATABASES'`,
        cause,
      );
    case "Neo.ClientError.Database.DatabaseUnavailable":
    case "Neo.TransientError.General.DatabaseUnavailable":
      return new DatabaseError(
        `Database ${database} on ${server} is not available (stopped or still starting); start it and retry`,
        cause,
      );
    case "Neo.ClientError.Security.Forbidden":
    case "Neo.ClientError.Security.AuthorizationExpired":
    case "Neo.ClientError.Security.ReadOnlyAccess":
      return new DatabaseError(
        `Insufficient privileges for ${user} on database ${database}: ${firstLine(error)}`,
        cause,
      );
    case "Neo.ClientError.Statement.AccessMode":
    case "Neo.ClientError.Cluster.NotALeader":
      return new DatabaseError(
        `The server refused a write on database ${database}: ${
          firstLine(error)
        }; connect with a neo4j:// URI so that writes go to the leader`,
        cause,
      );
  }
  return undefined;
}

function classifyNetwork(error: unknown, context: ErrorContext): BackupError | undefined {
  const text = chain(error).map(firstLine).join(" | ");
  const codes = chain(error).map((e) => (e as { code?: unknown }).code).filter(isString);
  // Errno names are upper case: a case-blind /\bE[A-Z]+\b/ would take any word with an "e".
  const lost = codes.includes("ServiceUnavailable") || codes.includes("SessionExpired") ||
    /\bE[A-Z_]{3,}\b/.test(text) || /socket/i.test(text);
  if (!lost && !/TLS|certificate/i.test(text)) return undefined;
  const server = context.uri ? `'${context.uri}'` : "the server";
  if (context.connected && lost) {
    return new ConnectionError(
      `Lost the connection to ${server}: ${lastLine(chain(error))}; is Neo4j still running?`,
      { cause: error },
    );
  }
  const encrypted = /^[a-z0-9]+\+s{1,2}c?:/i.test(context.uri ?? "");
  const fail = (reason: string) =>
    new ConnectionError(`Cannot connect to ${server}: ${reason}`, { cause: error });
  if (/ECONNREFUSED/.test(text)) {
    return fail("connection refused; is Neo4j running and is the address right?");
  }
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(text)) {
    return fail("host not found; check the address");
  }
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed? ?out/i.test(text)) {
    return fail("no answer in time; is the address right and the port open?");
  }
  if (/certificate|self.signed|altnames|CERT_|unable to verify/i.test(text)) {
    return fail(
      "the server's TLS certificate is not trusted; for a self-signed certificate use neo4j+ssc:// or bolt+ssc://",
    );
  }
  if (encrypted && /TLS|SSL|EPROTO|wrong version number|socket disconnected/i.test(text)) {
    return fail(
      "the TLS handshake failed; the server may not accept TLS: use neo4j:// or bolt:// instead",
    );
  }
  if (!encrypted && /closed by server|ECONNRESET|socket hang up/i.test(text)) {
    return fail(
      "the server closed the connection; it may require TLS: use neo4j+s:// (or neo4j+ssc:// for a self-signed certificate)",
    );
  }
  if (codes.includes("ServiceUnavailable") || codes.includes("SessionExpired")) {
    return fail(`${lastLine(chain(error))}; is Neo4j running and is the address right?`);
  }
  return undefined;
}

function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && errors.length < 10;) {
    errors.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return errors;
}

function lastLine(errors: unknown[]): string {
  const message = firstLine(errors[errors.length - 1]);
  const caused = message.lastIndexOf("Caused by: ");
  return caused >= 0 ? message.slice(caused + "Caused by: ".length) : message;
}

function fullMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(error: unknown): string {
  return fullMessage(error).split("\n")[0].trim();
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}
