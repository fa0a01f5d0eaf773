/**
 * A pool of running Neo4j servers that the test files of one run share, so that the suite does
 * not start and stop a JVM per file. `scripts/test.ts` starts the pool, writes its servers to a
 * file named by `NEO4J_BACKUP_TEST_POOL`, runs the test command and stops the pool; each test
 * file that asks for plain servers ({@link takePooled}) gets pool servers reset to the state of
 * a fresh one (no data, no schema but the lookup indexes a new store has), the others start
 * their own.
 *
 * Test files run one after another (`deno test` without `--parallel`, `node --test
 * --test-concurrency=1`), so a pool server serves one file at a time.
 *
 * @module
 */

import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import neo4j from "neo4j-driver";
import { quote } from "../lib/neo4j/cypher.ts";
import { DEFAULT_LINE, type Neo4jLine, type Neo4jServer, startServer } from "./neo4j_server.ts";

/** The environment variable naming the pool file. */
export const POOL_ENV = "NEO4J_BACKUP_TEST_POOL";

/** What the pool file says of one server. */
export interface PooledServer {
  uri: string;
  username: string;
  password: string;
  version: string;
  line: Neo4jLine;
  pid: number;
  home: string;
  startMs: number;
  /** The lookup indexes of the fresh store, which a reset keeps or recreates. */
  lookups: { name: string; entity: "NODE" | "RELATIONSHIP" }[];
}

/** A started pool: its servers, and `stop()`, which stops them and removes nothing else. */
export interface Pool {
  servers: Neo4jServer[];
  stop(): Promise<void>;
}

/**
 * Starts `count` servers of a line, one after another, and writes the pool file.
 *
 * @param file Where to write the pool's description.
 * @param count How many servers.
 * @param line Their line.
 * @returns The running pool.
 */
export async function startPool(
  file: string,
  count: number,
  line: Neo4jLine = DEFAULT_LINE,
): Promise<Pool> {
  const servers: Neo4jServer[] = [];
  const described: PooledServer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = await startServer({ version: line });
      servers.push(server);
      described.push({ ...describe(server), lookups: await lookupIndexes(server) });
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.stop()));
    throw e;
  }
  writeFileSync(file, JSON.stringify(described, null, 2));
  return { servers, stop: () => Promise.all(servers.map((s) => s.stop())).then(() => {}) };
}

function describe(server: Omit<PooledServer, "lookups">): Omit<PooledServer, "lookups"> {
  const { uri, username, password, version, line, pid, home, startMs } = server;
  return { uri, username, password, version, line, pid, home, startMs };
}

/** Pool servers this test file has taken, so that two calls never share one. */
let taken = 0;

/**
 * Takes `count` servers of `line` from the pool for the calling test file, or `undefined` when
 * there is no pool or not enough free servers in it (the caller then starts its own). The
 * servers are not reset yet: call {@link resetServer} before use.
 *
 * @param count How many servers.
 * @param line Their line.
 * @returns Servers whose `stop()` leaves them running for the next file; `kill()` and
 * `restart()` refuse (a test that needs them asks for fresh servers).
 */
export function takePooled(count: number, line: Neo4jLine): PooledServer[] | undefined {
  const file = process.env[POOL_ENV];
  if (!file) return undefined;
  let all: PooledServer[];
  try {
    all = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const free = all.filter((s) => s.line === line && alive(s.pid)).slice(taken);
  if (free.length < count) return undefined;
  taken += count;
  return free.slice(0, count);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A pool server as the tests see a server: `stop()` does nothing (the pool stops it), `kill()`
 * and `restart()` throw.
 *
 * @param pooled The pool file's entry.
 * @returns The server.
 */
export function pooledServer(pooled: PooledServer): Neo4jServer {
  const refuse = () =>
    Promise.reject(new Error("A pooled test server cannot be killed: ask useServers for fresh"));
  return { ...describe(pooled), stop: () => Promise.resolve(), kill: refuse, restart: refuse };
}

/**
 * Brings a pool server back to the state of a fresh store: every node and relationship deleted,
 * every constraint and index dropped but the lookup indexes the store started with, which are
 * recreated under their names when a test dropped them.
 *
 * @param pooled The server.
 */
export async function resetServer(pooled: PooledServer): Promise<void> {
  const driver = neo4j.driver(pooled.uri, neo4j.auth.basic(pooled.username, pooled.password), {
    logging: { level: "error", logger: () => {} },
  });
  const run = async (query: string) => {
    const session = driver.session();
    try {
      return (await session.run(query)).records.map((r) => r.toObject());
    } finally {
      await session.close();
    }
  };
  try {
    await run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS");
    for (const { name } of await run("SHOW CONSTRAINTS YIELD name RETURN name")) {
      await run(`DROP CONSTRAINT ${quote(String(name))}`);
    }
    const keep = new Set(pooled.lookups.map((l) => l.name));
    const indexes = await run("SHOW INDEXES YIELD name, type RETURN name, type");
    for (const { name, type } of indexes) {
      if (type !== "LOOKUP" || !keep.has(String(name))) {
        await run(`DROP INDEX ${quote(String(name))}`);
      }
    }
    const present = new Set(indexes.map((i) => String(i.name)));
    let created = false;
    for (const { name, entity } of pooled.lookups) {
      if (present.has(name)) continue;
      created = true;
      const pattern = entity === "NODE"
        ? "FOR (n) ON EACH labels(n)"
        : "FOR ()-[r]-() ON EACH type(r)";
      await run(`CREATE LOOKUP INDEX ${quote(name)} ${pattern}`);
    }
    if (created) await run("CALL db.awaitIndexes(300)");
  } finally {
    await driver.close();
  }
}

async function lookupIndexes(server: Neo4jServer): Promise<PooledServer["lookups"]> {
  const driver = neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password), {
    logging: { level: "error", logger: () => {} },
  });
  try {
    const result = await driver.executeQuery(
      "SHOW INDEXES YIELD name, type, entityType WHERE type = 'LOOKUP' RETURN name, entityType",
    );
    return result.records.map((r) => ({ name: r.get("name"), entity: r.get("entityType") }));
  } finally {
    await driver.close();
  }
}
