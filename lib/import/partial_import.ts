/**
 * What a failed import left in the target: the counts committed before the failure, on the
 * error (`error.partialImport`), and a message that says so and what to do.
 *
 * @module
 */

import { BackupError, FormatError } from "../errors.ts";

/** What an import that failed after its first committed batch left in the target. */
export interface PartialImport {
  /** The target database. */
  database: string;
  /** Nodes committed to the target. */
  nodes: number;
  /** Relationships committed to the target. */
  relationships: number;
  /** Nodes in the backup, when known (from its footer or its header's counts). */
  totalNodes?: number;
  /** Relationships in the backup, when known. */
  totalRelationships?: number;
  /** Schema items created before the failure (0 when the data phase failed). */
  schemaCreated: number;
  /** Schema items in the backup. */
  totalSchema: number;
  /**
   * Nodes or relationships of a batch whose commit a lost connection cut off: the server may
   * have committed them too (0 otherwise).
   */
  unconfirmed: number;
  /** The import's state file, when it has one: `--resume` continues the import exactly. */
  state?: string;
}

/** An error of the family that carries what the failed import left behind. */
export type PartialImportError = BackupError & { readonly partialImport: PartialImport };

/**
 * What a failed import left in the target, when the error says.
 *
 * @param error What the import threw.
 * @returns The committed counts, or `undefined` when nothing had been committed (or the error
 *   is not an import's).
 *
 * @example Tell the user how much is in the target
 * ```ts ignore
 * import { importBackup, partialImportOf } from "./import.ts";
 * try {
 *   await importBackup(driver, bytes);
 * } catch (e) {
 *   const partial = partialImportOf(e);
 *   if (partial) console.error(`${partial.nodes} nodes are in ${partial.database}`);
 *   throw e;
 * }
 * ```
 */
export function partialImportOf(error: unknown): PartialImport | undefined {
  if (!(error instanceof BackupError) || !("partialImport" in error)) return undefined;
  return (error as PartialImportError).partialImport;
}

/**
 * The same kind of error (class, exit code, line), its message followed by what the target now
 * holds and what to do, with the counts as `partialImport`.
 *
 * @param error The failure, already in the error family.
 * @param partial What the target holds.
 * @returns A new error with the original as its cause.
 *
 * @example Add the counts to a lost connection
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConnectionError } from "../errors.ts";
 * import { withPartialImport } from "./partial_import.ts";
 * const e = withPartialImport(new ConnectionError("Lost the connection to the server"), {
 *   database: "neo4j", nodes: 5000, relationships: 0, totalNodes: 20000, totalRelationships: 100,
 *   schemaCreated: 0, totalSchema: 2, unconfirmed: 0,
 * });
 * assert.equal(e.exitCode, 3);
 * assert.equal(e.partialImport.nodes, 5000);
 * assert.match(e.message, /now holds a partial import: 5,000 of 20,000 nodes/);
 * ```
 */
export function withPartialImport(error: BackupError, partial: PartialImport): PartialImportError {
  const Class = error.constructor as new (
    message: string,
    options?: ErrorOptions & { line?: number },
  ) => BackupError;
  const line = error instanceof FormatError ? error.line : undefined;
  const out = new Class(`${error.message}; ${describePartial(partial)}`, { cause: error, line });
  Object.defineProperty(out, "partialImport", { value: partial, enumerable: true });
  return out as PartialImportError;
}

function describePartial(p: PartialImport): string {
  const of = (done: number, total: number | undefined, noun: string) =>
    total === undefined ? `${count(done)} ${noun}` : `${count(done)} of ${count(total)} ${noun}`;
  const parts = [
    of(p.nodes, p.totalNodes, "nodes"),
    of(p.relationships, p.totalRelationships, "relationships"),
  ];
  if (p.schemaCreated > 0) parts.push(of(p.schemaCreated, p.totalSchema, "schema items"));
  if (p.state !== undefined) {
    return `database '${p.database}' now holds a partial import: ${parts.join(", ")}; ` +
      `run the same import again with --resume to continue it (state file '${p.state}')`;
  }
  const unsure = p.unconfirmed > 0
    ? ` (and perhaps the ${count(p.unconfirmed)} of the batch whose commit the failure cut off)`
    : "";
  return `database '${p.database}' now holds a partial import: ${parts.join(", ")}${unsure}; ` +
    "empty it (MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS) or use a fresh " +
    "database, then import again";
}

function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
