/**
 * Connecting to Neo4j: build a driver from connection options, check up front that the target
 * database answers, and translate neo4j-driver failures into the error family of
 * `lib/errors.ts` with messages that say what to do. No message ever holds the password.
 *
 * @module
 */

import neo4j, { type Driver } from "neo4j-driver";
import {
  AuthenticationError,
  BackupError,
  ConnectionError,
  DatabaseError,
  UsageError,
} from "../errors.ts";
import { VERSION } from "../version.ts";

/** The URI schemes the driver understands; `+s` verifies TLS, `+ssc` accepts self-signed. */
export const URI_SCHEMES = ["neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"];

/** Where and as whom to connect. */
export interface ConnectOptions {
  /** E.g. `neo4j://localhost:7687`; user info in it is ignored (pass `username`/`password`). */
  uri: string;
  username: string;
  password: string;
  /** The database to use; the user's home (default) database when absent. */
  database?: string;
}

/** A checked connection. */
export interface Connection {
  /** The driver; close it when done. Integers come back as `bigint`. */
  driver: Driver;
  /** The resolved database name (the server's default when none was asked for). */
  database: string;
  /** The URI without user info, safe to show. */
  uri: string;
}

/**
 * Builds a driver and checks that the database answers a query, so that a wrong address,
 * password or database name fails before any file is touched.
 *
 * @param options Where and as whom to connect.
 * @returns The driver, the resolved database name and a printable URI.
 * @throws {UsageError} When the URI is malformed or has an unknown scheme.
 * @throws {ConnectionError} When the server cannot be reached or TLS settings do not match.
 * @throws {AuthenticationError} When the credentials are refused.
 * @throws {DatabaseError} When the database does not exist or cannot be used.
 *
 * @example Connect to a local server
 * ```ts ignore
 * import { connect } from "./connect.ts";
 * const { driver, database } = await connect({
 *   uri: "neo4j://localhost:7687", username: "neo4j", password: "secret",
 * });
 * console.log(database);
 * await driver.close();
 * ```
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const uri = normalizeUri(options.uri);
  const shown = redactUri(uri);
  let driver: Driver;
  try {
    driver = neo4j.driver(uri, neo4j.auth.basic(options.username, options.password), {
      useBigInt: true,
      userAgent: `neo4j-backup/${VERSION}`,
    });
  } catch (e) {
    throw new UsageError(`Cannot use the URI '${shown}': ${firstLine(e)}`, { cause: e });
  }
  const context = { uri: shown, database: options.database, username: options.username };
  try {
    const session = driver.session({
      database: options.database,
      defaultAccessMode: neo4j.session.READ,
    });
    try {
      const result = await session.run("CALL db.info() YIELD name RETURN name");
      const database = String(result.records[0]?.get("name") ?? options.database ?? "neo4j");
      return { driver, database, uri: shown };
    } finally {
      await session.close();
    }
  } catch (e) {
    await driver.close().catch(() => {});
    throw classifyError(e, context);
  }
}

/** What {@link classifyError} may mention in its messages. */
export interface ErrorContext {
  /** The URI, without user info. */
  uri?: string;
  database?: string;
  username?: string;
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
 * import { classifyError } from "./connect.ts";
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
    return new DatabaseError(`${firstLine(error)} (${code})`, { cause: error });
  }
  return new BackupError(firstLine(error) || "Unknown error", { cause: error });
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
  const network = codes.includes("ServiceUnavailable") || codes.includes("SessionExpired") ||
    /\bE[A-Z]+\b|socket|TLS|certificate/i.test(text);
  if (!network) return undefined;
  const uri = context.uri ?? "the server";
  const encrypted = /^[a-z0-9]+\+s{1,2}c?:/i.test(context.uri ?? "");
  const fail = (reason: string) =>
    new ConnectionError(`Cannot connect to '${uri}': ${reason}`, { cause: error });
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

/**
 * Adds the default scheme to a bare `host:port` and rejects schemes the driver does not know.
 *
 * @param uri What the user gave.
 * @returns A URI the driver accepts, user info removed.
 * @throws {UsageError} For an unknown scheme.
 *
 * @example Complete a bare address
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeUri } from "./connect.ts";
 * assert.equal(normalizeUri("db.example.com:7687"), "neo4j://db.example.com:7687");
 * ```
 */
export function normalizeUri(uri: string): string {
  const full = uri.includes("://") ? uri : `neo4j://${uri}`;
  const scheme = full.slice(0, full.indexOf("://")).toLowerCase();
  if (!URI_SCHEMES.includes(scheme)) {
    throw new UsageError(
      `Unsupported URI scheme '${scheme}' in '${redactUri(full)}': use one of ${
        URI_SCHEMES.map((s) => `${s}://`).join(", ")
      }`,
    );
  }
  return redactUri(full);
}

/**
 * Removes user info (`user:password@`) from a URI so that it can be shown.
 *
 * @param uri Any URI.
 * @returns The URI without user info.
 *
 * @example Hide a password in a URI
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactUri } from "./connect.ts";
 * assert.equal(redactUri("neo4j://neo4j:secret@host:7687"), "neo4j://host:7687");
 * ```
 */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z0-9+.-]+:\/\/)[^/?#]*@/i, "$1");
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

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].trim();
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}
