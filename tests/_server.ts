/**
 * Test helpers around the real-server harness: start servers for a test file, connect to them,
 * load datasets. Every test that needs Neo4j talks to a real one.
 *
 * @module
 */

import { after, before } from "node:test";
import neo4j, { type Driver } from "neo4j-driver";
import {
  DEFAULT_LINE,
  type Neo4jServer,
  type ServerOptions,
  startServer,
} from "../scripts/neo4j_server.ts";
import { pooledServer, resetServer, takePooled } from "../scripts/server_pool.ts";
import { quote } from "../lib/neo4j/cypher.ts";

export { dataset, DATASETS, loadMovies, loadMoviesWithEdgeCases } from "../scripts/datasets.ts";

export type { Neo4jServer };

/** The servers of a test file, and `ready()`, which resolves once they all run. */
export type Servers = Neo4jServer[] & { ready(): Promise<void> };

/** Options of {@link useServers}: those of the servers, and whether they must be new. */
export interface UseServersOptions extends ServerOptions {
  /**
   * Start new servers even when the run has a pool (scripts/test.ts): for a test that kills or
   * restarts its server. Servers with settings, TLS, a data folder or plugins are always new.
   */
  fresh?: boolean;
}

/**
 * Gives the calling test file `count` servers as a fresh store has them: servers of the run's
 * pool (scripts/server_pool.ts), reset, when the run has one and the options ask for nothing
 * special; otherwise new servers, started before the file's tests and stopped after them.
 * The returned array is filled once they run: a file's own top-level `before` must begin with
 * `await servers.ready()`, because Node 20 starts top-level `before` hooks together, not one
 * after another (Deno runs them in order).
 */
export function useServers(count: number, options: UseServersOptions = {}): Servers {
  const { fresh, ...serverOptions } = options;
  const plain = !fresh && !options.tls && !options.settings && !options.dataDir &&
    !options.mavenVersion && !options.plugins && !options.confFiles;
  const pooled = plain ? takePooled(count, options.version ?? DEFAULT_LINE) : undefined;
  const servers: Neo4jServer[] = [];
  let starting: Promise<void> | undefined;
  const ready = () =>
    starting ??= (async () => {
      if (pooled) {
        for (const p of pooled) {
          await resetServer(p);
          servers.push(pooledServer(p));
        }
        return;
      }
      // One at a time: on 2 cores parallel JVM starts are slower than sequential ones.
      for (let i = 0; i < count; i++) servers.push(await startServer(serverOptions));
    })();
  before(ready, { timeout: 600_000 });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  }, { timeout: 120_000 });
  return Object.assign(servers, { ready });
}

/** A driver for a test server, returning integers as `bigint`. Close it after use. */
export function connect(server: Neo4jServer, password = server.password): Driver {
  return neo4j.driver(server.uri, neo4j.auth.basic(server.username, password), {
    useBigInt: true,
    logging: { level: "error", logger: () => {} },
  });
}

/**
 * The driver, its `executeQuery` running with a 120 s client transaction timeout, which takes
 * precedence over the server's `db.transaction.timeout`: a test's own reads and setup must not
 * meet the short limits a fault test gives the server for the tool, however busy the machine.
 */
export function patient(driver: Driver): Driver {
  const run = driver.executeQuery.bind(driver);
  return Object.assign(driver, {
    executeQuery: (query: string, params?: Record<string, unknown>) =>
      run(query, params, { transactionConfig: { timeout: 120_000 } }),
  }) as Driver;
}

/** Runs one statement in an auto-commit transaction and returns the records as objects. */
export async function cypher(
  driver: Driver,
  query: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, unknown>[]> {
  const result = await driver.executeQuery(query, params);
  return result.records.map((r) => r.toObject());
}

/** Counts nodes and relationships. */
export async function counts(driver: Driver): Promise<{ nodes: number; relationships: number }> {
  const [n] = await cypher(driver, "MATCH (n) RETURN count(n) AS c");
  const [r] = await cypher(driver, "MATCH ()-[r]->() RETURN count(r) AS c");
  return { nodes: Number(n.c), relationships: Number(r.c) };
}

/** Deletes every node and relationship (tokens and schema stay: Neo4j never drops tokens). */
export async function clear(driver: Driver): Promise<void> {
  const session = driver.session();
  try {
    await session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS");
  } finally {
    await session.close();
  }
}

/**
 * Removes every node, relationship, constraint and (non-lookup) index of the target: each
 * statement in a transaction of its own, on every line (4.4 included).
 */
export async function wipe(driver: Driver): Promise<void> {
  await cypher(driver, "MATCH (n) DETACH DELETE n");
  for (const { name } of await cypher(driver, "SHOW CONSTRAINTS YIELD name RETURN name")) {
    await cypher(driver, `DROP CONSTRAINT ${quote(String(name))}`);
  }
  const indexes = await cypher(
    driver,
    "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
  );
  for (const { name } of indexes) {
    await cypher(driver, `DROP INDEX ${quote(String(name))}`);
  }
}
