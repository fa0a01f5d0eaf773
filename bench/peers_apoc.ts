/**
 * APOC core for the peers benchmark (a comparison only, never a dependency of the product):
 * the jar from Maven Central, cached, and the options of a Neo4j server that loads it. APOC
 * core 5.26.1 loads on Neo4j 5.26.1, not on the harness's newer 5.26 pin (it stops the DBMS
 * from starting there), so APOC servers run that exact version.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { cacheBase } from "../scripts/jdk.ts";
import type { ServerOptions } from "../scripts/neo4j_server.ts";

/** The APOC core version, and the exact Neo4j version it loads on. */
export const APOC_VERSION = "5.26.1";

/** The Neo4j version every server of the peers benchmark runs (APOC's). */
export const PEERS_NEO4J = "5.26.1";

/** The settings APOC's file import needs, in the `conf/apoc.conf` it reads. */
export const APOC_CONF = "apoc.import.file.enabled=true\napoc.import.file.use_neo4j_config=false\n";

/** Downloads the APOC core jar (once) and returns its path. */
export function fetchApoc(): string {
  const dir = join(cacheBase(), `apoc-${APOC_VERSION}`);
  const jar = join(dir, `apoc-core-${APOC_VERSION}-core.jar`);
  if (existsSync(jar)) return jar;
  const tmp = `${dir}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  const r = spawnSync("mvn", [
    "-q",
    "-B",
    "dependency:copy",
    `-Dartifact=org.neo4j.procedure:apoc-core:${APOC_VERSION}:jar:core`,
    `-DoutputDirectory=${tmp}`,
  ], { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0 || !readdirSync(tmp).some((f) => f.endsWith(".jar"))) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `Cannot fetch APOC core ${APOC_VERSION} from Maven Central (mvn exit ${r.status})`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return jar;
}

/**
 * The options of a server of the peers benchmark: Neo4j {@link PEERS_NEO4J}, with APOC loaded
 * when `apoc` is true.
 *
 * @param heap The JVM heap.
 * @param apoc Load APOC core (plugin jar, `apoc.conf`, procedures unrestricted).
 */
export function peersServerOptions(heap: string, apoc: boolean): ServerOptions {
  const base: ServerOptions = { version: "5.26", mavenVersion: PEERS_NEO4J, heap };
  if (!apoc) return base;
  return {
    ...base,
    plugins: [fetchApoc()],
    confFiles: { "apoc.conf": APOC_CONF },
    settings: { "dbms.security.procedures.unrestricted": "apoc.*" },
  };
}
