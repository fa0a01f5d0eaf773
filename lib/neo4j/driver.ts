/**
 * The driver as the public API sees it: any `Driver` that `neo4j.driver(uri, auth)` makes.
 * Declared by shape so that the API does not publish the driver's own types (their
 * documentation is not ours to lint); the engine uses the real type inside.
 *
 * @module
 */

import type { Driver } from "neo4j-driver";

/**
 * A neo4j-driver `Driver` (npm `neo4j-driver` 5 or 6), as `neo4j.driver(uri, auth, config)`
 * makes it. Only its shape is declared here; pass the driver itself.
 *
 * @example Pass a driver
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import type { Neo4jDriver } from "./driver.ts";
 * const driver: Neo4jDriver = neo4j.driver("bolt://localhost:7687");
 * assert.equal(typeof driver.session, "function");
 * await driver.close();
 * ```
 */
export interface Neo4jDriver {
  /** Opens a session: the driver's `Driver.session`. */
  session(config?: object): object;
  /** Closes the driver's connections: the driver's `Driver.close`. */
  close(): Promise<void>;
}

/**
 * The real driver type behind a {@link Neo4jDriver}.
 *
 * @param driver What the caller passed.
 * @returns The same object, typed as the driver's class.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { driverOf } from "./driver.ts";
 * const driver = neo4j.driver("bolt://localhost:7687");
 * assert.equal(driverOf(driver), driver);
 * await driver.close();
 * ```
 */
export function driverOf(driver: Neo4jDriver): Driver {
  return driver as unknown as Driver;
}
