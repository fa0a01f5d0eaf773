/**
 * What a connected server is and can do: version, edition, the database in use, the schema
 * features its version supports; and how the driver talking to it hands integers over.
 *
 * @module
 */

import type { Driver } from "neo4j-driver";
import { driverOf, type Neo4jDriver } from "./driver.ts";

/**
 * Facts about a connected server and database.
 *
 * @example Facts as {@link serverInfo} returns them
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ServerInfo } from "./server.ts";
 * const info: ServerInfo = {
 *   version: "2025.08.1",
 *   edition: "community",
 *   database: "neo4j",
 *   major: 2025,
 *   minor: 8,
 * };
 * assert.equal(`${info.major}.${info.minor}`, "2025.8");
 * ```
 */
export interface ServerInfo {
  /** Full version, e.g. `"5.26.29"` or `"2025.08.1"`. */
  version: string;
  /** `"community"` or `"enterprise"`. */
  edition: string;
  /** The database name actually used (the server's default when none was asked for). */
  database: string;
  /** Major version number (`2025.08.1` gives 2025). */
  major: number;
  /** Minor version number (`2025.08.1` gives 8). */
  minor: number;
}

/**
 * Asks a server for its version and edition and resolves the database name.
 *
 * @param driver A connected driver.
 * @param database The database to use; the server's default when omitted.
 * @returns The server's facts.
 *
 * @example Print what the server is
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { serverInfo } from "./server.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * const info = await serverInfo(driver);
 * console.log(`${info.version} ${info.edition} ${info.database}`);
 * await driver.close();
 * ```
 */
export async function serverInfo(
  driver: Neo4jDriver,
  database?: string,
): Promise<ServerInfo> {
  const session = driverOf(driver).session({ database, defaultAccessMode: "READ" });
  try {
    const c = await session.run(
      // 2025.x and later list a second component ("Cypher", versions ["5", "25"]).
      "CALL dbms.components() YIELD name, versions, edition WHERE name = 'Neo4j Kernel' " +
        "RETURN versions[0] AS v, edition",
    );
    const d = await session.run("CALL db.info() YIELD name RETURN name");
    const version = String(c.records[0].get("v"));
    const [major, minor] = version.split(".").map((p) => parseInt(p, 10));
    return {
      version,
      edition: String(c.records[0].get("edition")),
      database: String(d.records[0].get("name")),
      major,
      minor,
    };
  } finally {
    await session.close();
  }
}

/**
 * How a driver hands Cypher integers over, which depends on how it was made: as its `Integer`
 * class (the default), as `bigint` (`useBigInt`), or as `number` (`disableLosslessIntegers`),
 * which cannot be told from a Float.
 *
 * @example Tell whether a driver keeps integers apart from floats
 * ```ts
 * import assert from "node:assert/strict";
 * import type { IntegerForm } from "./server.ts";
 * const exact = (form: IntegerForm) => form !== "number";
 * assert.ok(exact("bigint"));
 * assert.ok(!exact("number"));
 * ```
 */
export type IntegerForm = "Integer" | "bigint" | "number";

/**
 * Finds out how a driver hands integers over, by asking the server for one.
 *
 * @param driver A connected driver.
 * @param database The database to ask; the server's default when omitted.
 * @returns The form the driver gave the integer in.
 *
 * @example Ask a driver made with disableLosslessIntegers
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { integerForm } from "./server.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"), {
 *   disableLosslessIntegers: true,
 * });
 * console.log(await integerForm(driver)); // "number"
 * await driver.close();
 * ```
 */
export async function integerForm(driver: Driver, database?: string): Promise<IntegerForm> {
  const session = driver.session({ database, defaultAccessMode: "READ" });
  try {
    const { records } = await session.run("RETURN 1 AS one");
    const one: unknown = records[0].get("one");
    if (typeof one === "bigint") return "bigint";
    return typeof one === "number" ? "number" : "Integer";
  } finally {
    await session.close();
  }
}

/**
 * Whether a server's version is at least `major.minor`. Calendar versions (2025.x and later)
 * are newer than every 5.x.
 *
 * @param info The server.
 * @param major Required major version.
 * @param minor Required minor version.
 * @returns True when the server is that version or newer.
 *
 * @example Compare a 5.26 server with two versions
 * ```ts
 * import assert from "node:assert/strict";
 * import { atLeast, type ServerInfo } from "./server.ts";
 * const info: ServerInfo = { version: "5.26.1", edition: "community", database: "neo4j", major: 5, minor: 26 };
 * assert.ok(atLeast(info, 5, 7));
 * assert.ok(!atLeast(info, 2025, 1));
 * ```
 */
export function atLeast(info: ServerInfo, major: number, minor: number): boolean {
  return info.major > major || (info.major === major && info.minor >= minor);
}
