/**
 * What a connected server is and can do: version, edition, the database in use, and the schema
 * features its version supports.
 *
 * @module
 */

import type { Driver } from "neo4j-driver";

/** Facts about a connected server and database. */
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
 * @example
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { serverInfo } from "./server.ts";
 * const driver = neo4j.driver("bolt://localhost:7687", neo4j.auth.basic("neo4j", "secret"));
 * const info = await serverInfo(driver);
 * console.log(`${info.version} ${info.edition} ${info.database}`);
 * await driver.close();
 * ```
 */
export async function serverInfo(driver: Driver, database?: string): Promise<ServerInfo> {
  const session = driver.session({ database, defaultAccessMode: "READ" });
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
 * Whether a server's version is at least `major.minor`. Calendar versions (2025.x and later)
 * are newer than every 5.x.
 *
 * @param info The server.
 * @param major Required major version.
 * @param minor Required minor version.
 * @returns True when the server is that version or newer.
 *
 * @example
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
