/**
 * How an import starts: fresh (the target checked empty or cleaned, the journal created) or
 * resumed (the journal read, its unresolved batches decided, the target checked unchanged).
 *
 * @module
 */

import type { Driver } from "neo4j-driver";
import { RefusedError, UsageError } from "../errors.ts";
import type { HeaderRecord } from "../format/records.ts";
import { toNumber } from "../neo4j/integers.ts";
import type { ServerInfo } from "../neo4j/server.ts";
import type { ResumePoint } from "./batch_writer.ts";
import { cleanFirst, type CleanSummary } from "./clean.ts";
import { ExactWriter } from "./exact_write.ts";
import type { ImportOptions } from "./import_options.ts";
import {
  backupIdentity,
  type Counts,
  Journal,
  readJournal,
  resolvePending,
  type TargetIdentity,
} from "./journal.ts";
import { committedLines } from "./parallel_lines.ts";
import { decideByIds } from "./parallel_resolve.ts";

/** How an import starts: fresh (journal created) or resumed (journal read and resolved). */
export interface Start {
  journal?: Journal;
  counts: Counts;
  resume?: ResumePoint;
  /** Schema items a resumed import had created already. */
  schemaDone: Set<string>;
  /** What `clean` deleted first. */
  cleaned?: CleanSummary;
}

/** Reads the target's identity: store id, creation date, database. */
async function identify(driver: Driver, target: ServerInfo): Promise<TargetIdentity> {
  const { records } = await driver.executeQuery(
    "CALL db.info() YIELD id, creationDate RETURN id, creationDate",
    {},
    { database: target.database, routing: "READ" },
  );
  return {
    id: String(records[0].get("id")),
    creationDate: String(records[0].get("creationDate")),
    database: target.database,
  };
}

/**
 * Starts an import: refuses `clean` with `resume`, then either resumes the interrupted import
 * its state file describes, or refuses a state file left by one, empties the target when
 * `clean` asks, refuses a target that holds data unless allowed or confirmed, and creates the
 * state file.
 *
 * @param driver The target's driver.
 * @param target The target server and database.
 * @param header The backup's header.
 * @param options The import's options.
 * @returns The journal, the target's counts, and where a resumed import continues.
 * @throws {UsageError} For `clean` with `resume`, or `resume` without a state file.
 * @throws {RefusedError} When the target or the state file does not allow the import.
 *
 * @example
 * ```ts ignore
 * import { startImport } from "./import_start.ts";
 * const start = await startImport(driver, target, header, { state: "import.state" });
 * console.log(start.counts);
 * ```
 */
export async function startImport(
  driver: Driver,
  target: ServerInfo,
  header: HeaderRecord,
  options: ImportOptions,
): Promise<Start> {
  const reader = new ExactWriter({
    driver,
    database: target.database,
    counts: { nodes: 0, relationships: 0 },
    retry: { retryFor: options.retryFor, onRetry: options.onRetry, signal: options.signal },
  });
  const { state: path } = options;
  if (options.resume && options.clean) {
    throw new UsageError(
      "Cannot --clean and --resume at once: --resume continues into the target as it is",
    );
  }
  if (options.resume) {
    if (!path) throw new UsageError("Cannot resume without the import's state file");
    return await resume(reader, path, await identify(driver, target), header, options.selection);
  }
  if (path) {
    const existing = await readJournal(path);
    if (existing) {
      throw new RefusedError(
        `An import of ${
          backupIdentity(existing.header) === backupIdentity(header) ? "this" : "another"
        } backup was interrupted (state file '${path}'): continue it with --resume, or delete ` +
          "the state file and empty the target to start over",
      );
    }
  }
  // After the state file's check: a refused import must not have emptied the target.
  const cleaned = options.clean ? await cleanFirst(driver, target.database, options) : undefined;
  await ensureEmpty(driver, target, options);
  const counts = await reader.readCounts();
  const journal = path
    ? await Journal.create(path, header, await identify(driver, target), counts, options.selection)
    : undefined;
  return { journal, counts, schemaDone: new Set(), ...(cleaned ? { cleaned } : {}) };
}

async function resume(
  reader: ExactWriter,
  path: string,
  identity: TargetIdentity,
  header: HeaderRecord,
  selection: string | undefined,
): Promise<Start> {
  const state = await readJournal(path);
  if (!state) {
    throw new UsageError(
      `Nothing to resume: there is no import state file '${path}' (the import completed, or ` +
        "never started); import without --resume",
    );
  }
  if (backupIdentity(state.header) !== backupIdentity(header)) {
    throw new RefusedError(
      `Cannot resume: the state file '${path}' belongs to another backup (made ${state.header.created}` +
        `, this one ${header.created}); resume with the backup it names`,
    );
  }
  if ((state.selection ?? "") !== (selection ?? "")) {
    throw new RefusedError(
      `Cannot resume: the interrupted import ${
        state.selection === undefined ? "had no filter" : "was filtered differently"
      } (state file '${path}'); resume with the same filter flags as the import it continues`,
    );
  }
  if (state.target.id !== identity.id || state.target.creationDate !== identity.creationDate) {
    throw new RefusedError(
      `Cannot resume: the state file '${path}' belongs to another database (store ${state.target.id} ` +
        `of ${state.target.database}), not to '${identity.database}' (store ${identity.id})`,
    );
  }
  const journal = await Journal.reopen(path, state);
  const counts = await reader.readCounts();
  for (const batch of state.unresolved) {
    // One at a time, the counts decide; in parallel (the batch has its first line), its ids.
    const committed = batch.first === undefined
      ? resolvePending(batch, counts)
      : decideByIds(batch, await reader.countIds(batch));
    if (committed) {
      if (batch.phase === "relationships") delete batch.ids;
      state.committed.push(batch);
      await journal.committed(batch.seq);
    } else await journal.rolledBack(batch.seq);
  }
  const expected = { ...state.counts };
  for (const b of state.committed) {
    if (b.phase === "nodes") expected.nodes += b.size;
    else expected.relationships += b.size;
  }
  if (expected.nodes !== counts.nodes || expected.relationships !== counts.relationships) {
    throw new RefusedError(
      `Cannot resume: the target holds ${counts.nodes} nodes and ${counts.relationships} ` +
        `relationships where the interrupted import left ${expected.nodes} and ` +
        `${expected.relationships}; something else wrote to it: empty it and import again`,
    );
  }
  let nodes = 0;
  let relationships = 0;
  const ids: number[][] = [];
  for (const b of state.committed) {
    if (b.phase === "nodes") {
      nodes += b.size;
      ids.push(b.ids ?? []);
    } else relationships += b.size;
  }
  // A schema item created just before the interruption may not be in the journal yet.
  const existing = await reader.schemaNames();
  return {
    journal,
    counts,
    resume: { ...committedLines(state.committed), nodes, relationships, ids },
    schemaDone: new Set([...state.schema, ...existing]),
  };
}

async function ensureEmpty(
  driver: Driver,
  target: ServerInfo,
  options: ImportOptions,
): Promise<void> {
  const count = async (query: string) => {
    const { records } = await driver.executeQuery(query, {}, {
      database: target.database,
      routing: "READ",
    });
    return toNumber(records[0].get(0));
  };
  const nodes = await count("MATCH (n) RETURN count(n)");
  const relationships = await count("MATCH ()-[r]->() RETURN count(r)");
  if (nodes === 0 || options.allowNonEmpty) return;
  const info = { database: target.database, nodes, relationships };
  if (options.confirmNonEmpty && await options.confirmNonEmpty(info)) return;
  throw new RefusedError(
    `Target database '${target.database}' is not empty (${nodes} nodes, ${relationships} relationships): ` +
      "import into an empty database, or confirm with --yes to add the backup to it",
  );
}
