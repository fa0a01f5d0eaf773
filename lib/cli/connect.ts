/**
 * Connecting to Neo4j: build a driver from connection options and check up front that the
 * target database answers; failures are translated into the error family of `lib/errors.ts` by
 * `lib/neo4j/driver_errors.ts` (re-exported here). No message ever holds the password.
 *
 * @module
 */

import neo4j, { type Driver } from "neo4j-driver";
import { UsageError } from "../errors.ts";
import { classifyError } from "../neo4j/driver_errors.ts";
import { VERSION } from "../version.ts";

export { classifyError, type ErrorContext } from "../neo4j/driver_errors.ts";

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
    driver = neo4j.driver(
      uri,
      neo4j.auth.basic(options.username, options.password),
      driverConfig(),
    );
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

/**
 * The driver configuration of every connection this tool makes (plain data, so that a worker
 * thread can make the same driver).
 *
 * @returns Integers as `bigint`, and the tool's user agent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { driverConfig } from "./connect.ts";
 * assert.equal(driverConfig().useBigInt, true);
 * ```
 */
export function driverConfig(): { useBigInt: true; userAgent: string } {
  return { useBigInt: true, userAgent: `neo4j-backup/${VERSION}` };
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

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0].trim();
}
