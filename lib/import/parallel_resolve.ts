/**
 * How a batch of a parallel import whose COMMIT outcome is unknown is decided: by the ids its
 * CREATE returned before the COMMIT (recorded in the journal), not by the target's counts,
 * which the other batches in flight change too. Asked only while nothing of this import
 * writes (see {@link SettleGate}), so a rolled-back batch's ids cannot have been taken since
 * by a later write of ours.
 *
 * @module
 */

import { RefusedError } from "../errors.ts";
import type { JournalBatch } from "./journal.ts";

/** The statement that counts which of a batch's created ids exist, and its parameters. */
export interface IdCheck {
  /** The Cypher: an id seek, so it costs what the batch holds. */
  query: string;
  /** `{ ids }`, the target ids as BigInts. */
  params: { ids: bigint[] };
}

/**
 * The statement that counts how many of a batch's created nodes or relationships exist.
 *
 * @param batch A journal batch with its `ids` (node batches: pairs, the target id second).
 * @returns The query and its parameters.
 *
 * @example The target ids of a node batch
 * ```ts
 * import assert from "node:assert/strict";
 * import { idCheck } from "./parallel_resolve.ts";
 * const check = idCheck({
 *   seq: 1, phase: "nodes", first: 4, line: 5, size: 2,
 *   before: { nodes: 0, relationships: 0 }, ids: [10, 0, 11, 1],
 * });
 * assert.deepEqual(check.params.ids, [0n, 1n]);
 * assert.match(check.query, /id\(n\) IN \$ids/);
 * ```
 */
export function idCheck(batch: JournalBatch): IdCheck {
  const all = batch.ids ?? [];
  const ids: bigint[] = [];
  if (batch.phase === "nodes") {
    for (let i = 1; i < all.length; i += 2) ids.push(BigInt(all[i]));
    return { query: "MATCH (n) WHERE id(n) IN $ids RETURN count(n) AS c", params: { ids } };
  }
  for (const id of all) ids.push(BigInt(id));
  return { query: "MATCH ()-[r]->() WHERE id(r) IN $ids RETURN count(r) AS c", params: { ids } };
}

/**
 * Decides a batch from how many of its created ids exist: all of them, it committed; none, it
 * did not.
 *
 * @param batch The batch whose outcome is unknown.
 * @param found How many of its ids exist in the target.
 * @returns True when it committed.
 * @throws {RefusedError} When some exist and some do not, or the batch has no ids: something
 *   else wrote to the target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decideByIds } from "./parallel_resolve.ts";
 * const batch = {
 *   seq: 2, phase: "relationships" as const, first: 9, line: 10, size: 2,
 *   before: { nodes: 5, relationships: 0 }, ids: [7, 8],
 * };
 * assert.equal(decideByIds(batch, 2), true);
 * assert.equal(decideByIds(batch, 0), false);
 * assert.throws(() => decideByIds(batch, 1));
 * ```
 */
export function decideByIds(batch: JournalBatch, found: number): boolean {
  const expected = batch.phase === "nodes" ? (batch.ids?.length ?? 0) / 2 : batch.ids?.length ?? 0;
  if (expected === batch.size && found === batch.size) return true;
  if (expected === batch.size && found === 0) return false;
  throw new RefusedError(
    `The target changed outside this import: ${found} of the ${batch.size} ${batch.phase} of ` +
      `batch ${batch.seq} (backup lines ${batch.first ?? "?"} to ${batch.line}) exist; another ` +
      "writer used the database, so the import cannot be resumed exactly: empty the target and " +
      "import again",
  );
}

/**
 * Checks the target's counts against what the decided batches leave: a batch judged committed
 * whose ids another batch of ours had taken would show here.
 *
 * @param now The target's counts now.
 * @param expected What the committed batches (the decided ones included) leave.
 * @throws {RefusedError} When they differ.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCounts } from "./parallel_resolve.ts";
 * checkCounts({ nodes: 3, relationships: 1 }, { nodes: 3, relationships: 1 });
 * assert.throws(() => checkCounts({ nodes: 4, relationships: 1 }, { nodes: 3, relationships: 1 }));
 * ```
 */
export function checkCounts(
  now: { nodes: number; relationships: number },
  expected: { nodes: number; relationships: number },
): void {
  if (now.nodes === expected.nodes && now.relationships === expected.relationships) return;
  throw new RefusedError(
    `The target changed outside this import: it holds ${now.nodes} nodes and ${now.relationships} ` +
      `relationships where the import's committed batches leave ${expected.nodes} and ` +
      `${expected.relationships}; another writer used the database, so the import cannot be ` +
      "resumed exactly: empty the target and import again",
  );
}
