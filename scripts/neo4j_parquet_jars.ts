/**
 * The jars `neo4j-admin database import --input-type=parquet` needs beyond the Maven classpath
 * of the test servers: Neo4j's poms exclude every dependency of hadoop-common and declare the
 * few the Parquet reader uses at run time (Woodstox, stax2, Hadoop's shaded Guava,
 * commons-collections4) only in test scope, so from the Maven jars alone the import fails with
 * `NoClassDefFoundError: com/ctc/wstx/io/InputBootstrapper` (measured with 5.26.30). They are
 * fetched once into the cache with Maven.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { cacheBase } from "./jdk.ts";

/** The artifacts, at the versions Neo4j 5.26 and 2026 declare. */
const ARTIFACTS = [
  "com.fasterxml.woodstox:woodstox-core:7.2.2",
  "org.codehaus.woodstox:stax2-api:4.2.2",
  "org.apache.hadoop.thirdparty:hadoop-shaded-guava:1.5.0",
  "org.apache.commons:commons-collections4:4.6.0",
];

/**
 * Fetches the extra jars of the Parquet import into the cache (once) and returns their paths,
 * for `runNeo4jAdmin(line, home, args, heap, extraJars)`.
 *
 * @returns Absolute paths of the jars.
 *
 * @example
 * ```ts ignore
 * import { runNeo4jAdmin } from "./neo4j_server.ts";
 * runNeo4jAdmin("5.26", "/tmp/h", ["database", "import", "full", "--input-type=parquet"], "512m", parquetImportJars());
 * ```
 */
export function parquetImportJars(): string[] {
  const dir = join(cacheBase(), "neo4j-parquet-import-jars-1");
  const marker = join(dir, ".complete");
  if (!existsSync(marker)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    for (const artifact of ARTIFACTS) {
      const r = spawnSync("mvn", [
        "-q",
        "-B",
        "dependency:copy",
        `-Dartifact=${artifact}`,
        `-DoutputDirectory=${tmp}`,
      ], { stdio: ["ignore", "inherit", "inherit"] });
      if (r.status !== 0) {
        throw new Error(`Cannot fetch ${artifact} from Maven Central (mvn exit ${r.status})`);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    writeFileSync(marker, "");
  }
  return readdirSync(dir).filter((f) => f.endsWith(".jar")).map((f) => join(dir, f));
}
