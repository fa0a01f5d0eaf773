import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError, RefusedError } from "../errors.ts";
import type { HeaderRecord } from "../format/records.ts";
import { backupIdentity, Journal, readJournal, resolvePending } from "./journal.ts";

const HEADER: HeaderRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "neo4j-backup test",
  created: "2026-12-01T08:00:00.000Z",
  source: { version: "5.26.30", edition: "community", database: "neo4j" },
  counts: { nodes: 4, relationships: 2 },
};
const TARGET = { id: "store-1", creationDate: "2026-12-01T07:00:00Z", database: "neo4j" };

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "neo4j-backup-journal-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "a journal reads back its committed batches, the last unresolved one and the schema",
  withDir(async (dir) => {
    const path = join(dir, "state");
    const journal = await Journal.create(path, HEADER, TARGET, { nodes: 0, relationships: 0 });
    const before = { nodes: 0, relationships: 0 };
    await journal.begin({ seq: 1, phase: "nodes", line: 3, size: 2, before, ids: [0, 10, 1, 11] });
    await journal.committed(1);
    await journal.begin({
      seq: 2,
      phase: "nodes",
      line: 5,
      size: 2,
      before: { nodes: 2, relationships: 0 },
    });
    await journal.rolledBack(2);
    await journal.begin({
      seq: 3,
      phase: "nodes",
      line: 5,
      size: 2,
      before: { nodes: 2, relationships: 0 },
      ids: [2, 12, 3, 13],
    });
    await journal.schema("by_name");
    await journal.close();
    const state = await readJournal(path);
    assert.ok(state);
    assert.equal(backupIdentity(state.header), backupIdentity(HEADER));
    assert.deepEqual(state.target, TARGET);
    assert.deepEqual(state.committed.map((b) => b.seq), [1]);
    assert.equal(state.pending?.seq, 3);
    assert.deepEqual(state.pending?.ids, [2, 12, 3, 13]);
    assert.deepEqual(state.schema, ["by_name"]);
    assert.equal(journal.began, true);
  }),
);

test(
  "a last line cut short by a crash is ignored; a file that is not a journal is a FormatError",
  withDir(async (dir) => {
    const path = join(dir, "state");
    const journal = await Journal.create(path, HEADER, TARGET, { nodes: 0, relationships: 0 });
    await journal.begin({
      seq: 1,
      phase: "nodes",
      line: 3,
      size: 2,
      before: { nodes: 0, relationships: 0 },
    });
    await journal.close();
    appendFileSync(path, '{"kind":"committed","se');
    const state = await readJournal(path);
    assert.equal(state?.pending?.seq, 1, "the torn 'committed' line must not count");
    writeFileSync(path, "hello\n");
    await assert.rejects(readJournal(path), FormatError);
    assert.equal(await readJournal(join(dir, "missing")), undefined);
  }),
);

test(
  "a journal is never replaced: creating one where one exists is refused",
  withDir(async (dir) => {
    const path = join(dir, "state");
    const journal = await Journal.create(path, HEADER, TARGET, { nodes: 0, relationships: 0 });
    await journal.close();
    const before = readFileSync(path, "utf8");
    await assert.rejects(
      Journal.create(path, HEADER, TARGET, { nodes: 0, relationships: 0 }),
      (e: Error) => e instanceof RefusedError && /--resume/.test(e.message),
    );
    assert.equal(readFileSync(path, "utf8"), before);
  }),
);

test("an unresolved batch is decided by the counts; counts that fit neither are refused", () => {
  const batch = {
    seq: 4,
    phase: "relationships" as const,
    line: 20,
    size: 3,
    before: { nodes: 5, relationships: 7 },
  };
  assert.equal(resolvePending(batch, { nodes: 5, relationships: 10 }), true);
  assert.equal(resolvePending(batch, { nodes: 5, relationships: 7 }), false);
  assert.throws(() => resolvePending(batch, { nodes: 5, relationships: 8 }), RefusedError);
  assert.throws(() => resolvePending(batch, { nodes: 6, relationships: 10 }), RefusedError);
});

test(
  "a journal keeps the import's filter, and one without a filter reads back without one",
  withDir(async (dir) => {
    const counts = { nodes: 0, relationships: 0 };
    const filtered = await Journal.create(
      join(dir, "a"),
      HEADER,
      TARGET,
      counts,
      '{"labels":["A"]}',
    );
    await filtered.close();
    assert.equal((await readJournal(join(dir, "a")))?.selection, '{"labels":["A"]}');
    const plain = await Journal.create(join(dir, "b"), HEADER, TARGET, counts);
    await plain.close();
    const state = await readJournal(join(dir, "b"));
    assert.ok(state);
    assert.equal("selection" in state, false);
  }),
);

test(
  "a journal of parallel batches reads back every unresolved one, without committed relationship ids",
  withDir(async (dir) => {
    const path = join(dir, "state");
    const journal = await Journal.create(path, HEADER, TARGET, { nodes: 0, relationships: 0 });
    const before = { nodes: 0, relationships: 0 };
    // Begun together, as batches in flight at once are: the lines stay whole and in order.
    await Promise.all([
      journal.begin({
        seq: 1,
        phase: "nodes",
        first: 2,
        line: 3,
        size: 2,
        before,
        ids: [0, 10, 1, 11],
      }),
      journal.begin({
        seq: 2,
        phase: "nodes",
        first: 4,
        line: 5,
        size: 2,
        before,
        ids: [2, 12, 3, 13],
      }),
    ]);
    await journal.committed(2);
    await journal.begin({
      seq: 3,
      phase: "relationships",
      first: 6,
      line: 6,
      size: 1,
      before,
      ids: [7],
    });
    await journal.committed(3);
    await journal.begin({
      seq: 4,
      phase: "relationships",
      first: 7,
      line: 7,
      size: 1,
      before,
      ids: [8],
    });
    await journal.begin({
      seq: 5,
      phase: "relationships",
      first: 8,
      line: 8,
      size: 1,
      before,
      ids: [9],
    });
    await journal.rolledBack(5);
    await journal.close();
    const state = await readJournal(path);
    assert.ok(state);
    assert.deepEqual(state.committed.map((b) => b.seq), [2, 3]);
    assert.equal(state.committed[1].ids, undefined, "a committed relationship batch keeps its ids");
    assert.deepEqual(state.unresolved.map((b) => b.seq), [1, 4]);
    assert.deepEqual(state.unresolved[1].ids, [8]);
    assert.equal(state.pending, undefined);
    assert.equal(state.lastSeq, 5);
    const reopened = await Journal.reopen(path, state);
    assert.equal(reopened.nextSeq(), 6, "a rolled-back last batch's number is not given again");
    await reopened.close();
  }),
);

test(
  "a journal written one batch at a time with an unresolved batch before the last is refused",
  withDir(async (dir) => {
    const path = join(dir, "state");
    const journal = await Journal.create(path, HEADER, TARGET, { nodes: 0, relationships: 0 });
    const before = { nodes: 0, relationships: 0 };
    await journal.begin({ seq: 1, phase: "nodes", line: 3, size: 2, before, ids: [0, 10, 1, 11] });
    await journal.begin({ seq: 2, phase: "nodes", line: 5, size: 2, before, ids: [2, 12, 3, 13] });
    await journal.close();
    await assert.rejects(readJournal(path), FormatError);
  }),
);
