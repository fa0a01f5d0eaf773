/**
 * Emptying a target before an import (`import --clean`): what it holds, then its relationships
 * and nodes deleted in bounded batches (each its own transaction, retried), then its
 * constraints and indexes dropped, lookup indexes kept. Neo4j keeps the tokens (label,
 * relationship type and property key names) of deleted data: nothing can remove them.
 *
 * @module
 */

import type { Driver } from "neo4j-driver";
import { RefusedError } from "../errors.ts";
import { classifyError } from "../neo4j/driver_errors.ts";
import { toNumber } from "../neo4j/integers.ts";
import { quote } from "../neo4j/cypher.ts";
import { throwIfAborted } from "../pipeline/abort.ts";
import { PhaseProgress } from "../pipeline/phase_progress.ts";
import type { ProgressEvent, ProgressPhase } from "../pipeline/progress_event.ts";
import { failureKind, type RetryInfo, type RetryPolicy, withRetries } from "../pipeline/retry.ts";

/** What a target database holds, as far as `--clean` is concerned. */
export interface TargetContents {
  /** The database. */
  database: string;
  /** Nodes it holds. */
  nodes: number;
  /** Relationships it holds. */
  relationships: number;
  /** Its constraints, by name. */
  constraints: string[];
  /** Its indexes that no constraint owns, lookup indexes left out (they are kept), by name. */
  indexes: string[];
}

/** What {@link cleanTarget} deleted and dropped. */
export type CleanSummary = Omit<TargetContents, "database">;

/** Options of {@link cleanTarget}. */
export interface CleanOptions {
  /** Nodes or relationships deleted per transaction (default 10,000); halved on a transaction limit. */
  batchSize?: number;
  /** How long to retry a batch after a lost connection or a transient error. */
  retry?: RetryPolicy;
  /** Receives the `delete relationships`, `delete nodes` and `drop schema` phases. */
  onProgress?: (event: ProgressEvent) => void;
  /** Stops between batches. */
  signal?: AbortSignal;
}

/** The default of {@link CleanOptions.batchSize}. */
export const CLEAN_BATCH_SIZE = 10_000;

/**
 * The message that the names of deleted data stay: Neo4j never removes a token.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TOKENS_STAY } from "./clean.ts";
 * assert.match(TOKENS_STAY, /property key/);
 * ```
 */
export const TOKENS_STAY =
  "Neo4j keeps the label, relationship type and property key names (tokens) of deleted data: " +
  "db.labels(), db.relationshipTypes() and db.propertyKeys() may still list them, and nothing " +
  "but a new database removes them";

/**
 * Whether a target holds nothing `--clean` would delete or drop.
 *
 * @param contents What the target holds.
 * @returns True when there are no nodes, relationships, constraints or (non-lookup) indexes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isClean } from "./clean.ts";
 * const empty = { database: "neo4j", nodes: 0, relationships: 0, constraints: [], indexes: [] };
 * assert.ok(isClean(empty));
 * assert.ok(!isClean({ ...empty, indexes: ["by_name"] }));
 * ```
 */
export function isClean(contents: TargetContents): boolean {
  return contents.nodes === 0 && contents.relationships === 0 &&
    contents.constraints.length === 0 && contents.indexes.length === 0;
}

/**
 * Reads what a target holds: counts, constraints and the indexes no constraint owns.
 *
 * @param driver A driver connected to the target server.
 * @param database The target database.
 * @param retry How long to retry after a lost connection.
 * @returns What the target holds.
 *
 * @example
 * ```ts ignore
 * const contents = await inspectTarget(driver, "neo4j");
 * console.log(contents.nodes, contents.indexes);
 * ```
 */
export async function inspectTarget(
  driver: Driver,
  database: string,
  retry: RetryPolicy = {},
): Promise<TargetContents> {
  const read = (query: string) =>
    withRetries("reading the target", async () => {
      const result = await driver.executeQuery(query, {}, { database, routing: "READ" });
      return result.records.map((r) => r.toObject());
    }, retry);
  const [nodes] = await read("MATCH (n) RETURN count(n) AS c");
  const [relationships] = await read("MATCH ()-[r]->() RETURN count(r) AS c");
  const constraints = await read("SHOW CONSTRAINTS YIELD *");
  const owned = new Set(constraints.map((c) => String(c.ownedIndex ?? c.name)));
  const indexes = (await read("SHOW INDEXES YIELD *")).filter((i) =>
    i.type !== "LOOKUP" && i.owningConstraint == null && i.uniqueness !== "UNIQUE" &&
    !owned.has(String(i.name))
  );
  return {
    database,
    nodes: toNumber(nodes.c),
    relationships: toNumber(relationships.c),
    constraints: constraints.map((c) => String(c.name)),
    indexes: indexes.map((i) => String(i.name)),
  };
}

/**
 * Empties a target: relationships, then nodes, in batches of their own transactions, then
 * constraints and indexes (lookup indexes stay). Ask before calling it: it deletes data.
 *
 * @param driver A driver connected to the target server.
 * @param contents What {@link inspectTarget} found (totals for the progress, items to drop).
 * @param options Batch size, retries, progress, signal.
 * @returns What was deleted and dropped.
 *
 * @example
 * ```ts ignore
 * const contents = await inspectTarget(driver, "neo4j");
 * if (await confirm("Delete everything? [y/N] ")) await cleanTarget(driver, contents);
 * ```
 */
export async function cleanTarget(
  driver: Driver,
  contents: TargetContents,
  options: CleanOptions = {},
): Promise<CleanSummary> {
  const relationships = await deleteAll(
    driver,
    contents,
    "delete relationships",
    "MATCH ()-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS c",
    options,
  );
  const nodes = await deleteAll(
    driver,
    contents,
    "delete nodes",
    // DETACH: a relationship written meanwhile must not make the batch fail.
    "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS c",
    options,
  );
  const total = contents.constraints.length + contents.indexes.length;
  const phase = new PhaseProgress("drop schema", total, options.onProgress);
  let dropped = 0;
  const drop = async (statement: string) => {
    throwIfAborted(options.signal);
    await withRetries("dropping the target's schema", async () => {
      await driver.executeQuery(statement, {}, { database: contents.database });
    }, options.retry);
    phase.advance(++dropped);
  };
  // Constraints first: they drop the indexes they own.
  for (const name of contents.constraints) await drop(`DROP CONSTRAINT ${quote(name)} IF EXISTS`);
  for (const name of contents.indexes) await drop(`DROP INDEX ${quote(name)} IF EXISTS`);
  phase.end(dropped);
  return {
    nodes,
    relationships,
    constraints: contents.constraints,
    indexes: contents.indexes,
  };
}

/** Runs a `LIMIT $limit ... DELETE` statement until it deletes nothing; returns how many it deleted. */
async function deleteAll(
  driver: Driver,
  contents: TargetContents,
  phaseName: ProgressPhase,
  query: string,
  options: CleanOptions,
): Promise<number> {
  const expected = phaseName === "delete nodes" ? contents.nodes : contents.relationships;
  const phase = new PhaseProgress(phaseName, expected, options.onProgress);
  let limit = options.batchSize ?? CLEAN_BATCH_SIZE;
  let deleted = 0;
  for (;;) {
    throwIfAborted(options.signal);
    let count: number;
    try {
      count = await withRetries(phaseName.replace("delete", "deleting"), async () => {
        const { records } = await driver.executeQuery(query, { limit: BigInt(limit) }, {
          database: contents.database,
        });
        return toNumber(records[0].get("c"));
      }, options.retry);
    } catch (e) {
      const kind = failureKind(e);
      if ((kind === "memory" || kind === "timeout") && limit > 1) {
        limit = Math.max(1, Math.floor(limit / 2));
        continue;
      }
      throw e;
    }
    if (count === 0) break;
    deleted += count;
    phase.advance(deleted);
  }
  phase.end(deleted);
  return deleted;
}

/** Options of {@link cleanFirst}: the import's own, as far as emptying the target goes. */
export interface CleanFirstOptions {
  /** Delete without asking (`--yes`). */
  allowClean?: boolean;
  /** Asked before anything is deleted; resolve true to go on. */
  confirmClean?: (contents: TargetContents) => Promise<boolean>;
  /** Milliseconds to retry a batch after a lost connection or a transient error. */
  retryFor?: number;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** Stops between batches. */
  signal?: AbortSignal;
  /** Receives the clean's phases. */
  onProgress?: (event: ProgressEvent) => void;
  /** Told that Neo4j keeps the tokens of the deleted data. */
  onWarning?: (message: string) => void;
}

/**
 * Empties a target before an import, once confirmed: reads what it holds, asks (or takes
 * `allowClean`), deletes and drops. A target that holds nothing to delete is not asked about.
 *
 * @param driver A driver connected to the target server.
 * @param database The target database.
 * @param options Confirmation, retries, progress, warnings, signal.
 * @returns What was deleted and dropped.
 * @throws {RefusedError} When the deletion is neither allowed nor confirmed; nothing is deleted.
 *
 * @example
 * ```ts ignore
 * const cleaned = await cleanFirst(driver, "neo4j", { allowClean: true });
 * console.log(`${cleaned.nodes} nodes deleted`);
 * ```
 */
export async function cleanFirst(
  driver: Driver,
  database: string,
  options: CleanFirstOptions,
): Promise<CleanSummary> {
  const retry = { retryFor: options.retryFor, onRetry: options.onRetry, signal: options.signal };
  const contents = await inspectTarget(driver, database, retry);
  if (isClean(contents)) return { nodes: 0, relationships: 0, constraints: [], indexes: [] };
  const allowed = options.allowClean || await options.confirmClean?.(contents);
  if (!allowed) {
    throw new RefusedError(
      `Not emptying database '${database}' (${describeContents(contents)}) without ` +
        "confirmation: pass --yes to delete its data and schema before the import",
    );
  }
  try {
    const cleaned = await cleanTarget(driver, contents, { retry, ...options });
    if (cleaned.nodes + cleaned.relationships > 0) options.onWarning?.(TOKENS_STAY);
    return cleaned;
  } catch (e) {
    const error = classifyError(e, { database, connected: true });
    const Class = error.constructor as new (message: string, options?: ErrorOptions) => Error;
    throw new Class(
      `${error.message}; database '${database}' may be partly emptied: run the same import with ` +
        "--clean again",
      { cause: error },
    );
  }
}

/**
 * What a target holds, in words.
 *
 * @param contents What {@link inspectTarget} found.
 * @returns E.g. `3 nodes, 1 relationship, 1 constraint, 0 indexes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeContents } from "./clean.ts";
 * const text = describeContents({ nodes: 3, relationships: 1, constraints: ["c"], indexes: [] });
 * assert.equal(text, "3 nodes, 1 relationship, 1 constraint, 0 indexes");
 * ```
 */
export function describeContents(contents: CleanSummary): string {
  const n = (count: number, one: string, many: string) =>
    `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
  return [
    n(contents.nodes, "node", "nodes"),
    n(contents.relationships, "relationship", "relationships"),
    n(contents.constraints.length, "constraint", "constraints"),
    n(contents.indexes.length, "index", "indexes"),
  ].join(", ");
}
