/**
 * The export's flow control against a real server: a slow reader holds the server back (memory
 * stays bounded), a reader that stops early leaves no transaction behind, an abort ends the
 * stream with its reason, and both export paths (records and bytes) give the same backup.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import type { Driver } from "neo4j-driver";
import { exportBackup, exportRecords } from "../lib/engine/export.ts";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { ProgressEvent } from "../lib/engine/progress_event.ts";
import { connect, cypher, useServers } from "./_server.ts";
import { collect } from "./_graph.ts";

const servers = useServers(1);
const NODES = 40_000;
let driver: Driver;

before(async () => {
  await servers.ready();
  driver = connect(servers[0]);
  await cypher(
    driver,
    "UNWIND range(0, $n - 1) AS i CREATE (:Item {i: i, name: 'item-' + toString(i)})",
    { n: NODES },
  );
  await cypher(driver, "MATCH (a:Item) WHERE a.i % 4 = 0 CREATE (a)-[:NEXT {w: a.i}]->(a)");
}, { timeout: 600_000 });

after(async () => {
  await driver?.close();
});

/** Open transactions other than the one asking. */
async function otherTransactions(): Promise<number> {
  const rows = await cypher(
    driver,
    "SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' RETURN count(*) AS c",
  );
  return Number(rows[0].c);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a reader that does not read holds the export back: records are not piled up", async () => {
  const events: ProgressEvent[] = [];
  const stream = exportRecords(driver, { fetchSize: 1000, onProgress: (e) => events.push(e) });
  const reader = stream.getReader();
  const first = await reader.read();
  assert.equal(first.value?.kind, "header");
  await wait(1500);
  // The queue holds 2,000 records and one fetch of 1,000 may still arrive while paused; progress
  // is reported every 5,000, so a stream that ran ahead would have reported most of the 40,000.
  const nodesDone = Math.max(0, ...events.filter((e) => e.phase === "nodes").map((e) => e.done));
  assert.ok(nodesDone <= 5000, `the export ran ahead of its reader: ${nodesDone} nodes read`);
  let nodes = 0;
  let rels = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (value.kind === "node") nodes++;
    if (value.kind === "rel") rels++;
  }
  assert.equal(nodes, NODES);
  assert.equal(rels, NODES / 4);
  assert.equal(await otherTransactions(), 0);
});

test("a reader that stops early cancels the export and leaves no transaction open", async () => {
  for (
    const make of [() => exportRecords(driver, { fetchSize: 500 }), () => exportBackup(driver)]
  ) {
    const reader = (make() as ReadableStream<unknown>).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel(new Error("enough"));
    let open = 1;
    for (let i = 0; i < 50 && open > 0; i++) {
      open = await otherTransactions();
      if (open > 0) await wait(100);
    }
    assert.equal(open, 0, "the export's transaction is still open after cancel");
  }
});

test("an abort signal ends the export with its reason", async () => {
  const controller = new AbortController();
  const reason = new Error("stopped by the test");
  const stream = exportBackup(driver, {
    fetchSize: 1000,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.phase === "nodes" && e.done >= 10_000) controller.abort(reason);
    },
  });
  await assert.rejects(collect(stream), (e) => e === reason);
  assert.equal(await otherTransactions(), 0);
});

test("exportBackup and exportRecords through encodeBackup write the same lines", async () => {
  const fast = gunzipSync(await collect(exportBackup(driver))).toString("utf8").split("\n");
  const slow = gunzipSync(await collect(encodeBackup(exportRecords(driver)))).toString("utf8")
    .split("\n");
  // The header's creation time differs; every other line, the footer's hash apart, is the same.
  assert.equal(fast.length, slow.length);
  assert.ok(fast.slice(1, -2).join("\n") === slow.slice(1, -2).join("\n"), "the lines differ");
  const footer = (lines: string[]) => JSON.parse(lines.at(-2)!);
  assert.deepEqual(
    { ...footer(fast), sha256: "" },
    { ...footer(slow), sha256: "" },
  );
  assert.equal(footer(fast).nodes, NODES);
  assert.equal(footer(fast).relationships, NODES / 4);
});

/**
 * The driver, as one whose results lack the private `_subscribe` the export reads through: the
 * export must fall back to the public `for await`.
 */
function withoutSubscribe(driver: Driver): Driver {
  const hide = <T extends object>(target: T, wrap: (key: PropertyKey, value: unknown) => unknown) =>
    new Proxy(target, {
      get(t, key) {
        const value = Reflect.get(t, key, t);
        return typeof value === "function" ? wrap(key, value.bind(t)) : value;
      },
    });
  const result = (r: object) => hide(r, (key, f) => key === "_subscribe" ? undefined : f);
  const tx = (t: object) =>
    hide(
      t,
      (key, f) =>
        key === "run" ? (...a: unknown[]) => result((f as (...a: unknown[]) => object)(...a)) : f,
    );
  const session = (s: object) =>
    hide(
      s,
      (key, f) =>
        key === "beginTransaction"
          ? async (...a: unknown[]) => tx(await (f as (...a: unknown[]) => Promise<object>)(...a))
          : f,
    );
  return hide(
    driver,
    (key, f) =>
      key === "session"
        ? (...a: unknown[]) => session((f as (...a: unknown[]) => object)(...a))
        : f,
  ) as Driver;
}

test("without the driver's callback path the export falls back to for await, same lines", async () => {
  const plain = withoutSubscribe(driver);
  const events: ProgressEvent[] = [];
  const reader = exportRecords(plain, { fetchSize: 1000, onProgress: (e) => events.push(e) })
    .getReader();
  await reader.read();
  await wait(1000);
  const nodesDone = Math.max(0, ...events.filter((e) => e.phase === "nodes").map((e) => e.done));
  assert.ok(nodesDone <= 5000, `the fallback ran ahead of its reader: ${nodesDone} nodes read`);
  await reader.cancel();
  const lines = async (d: Driver) =>
    gunzipSync(await collect(exportBackup(d))).toString("utf8").split("\n").slice(1, -2).join("\n");
  assert.ok((await lines(plain)) === (await lines(driver)), "the fallback wrote other lines");
  for (let i = 0; i < 50 && await otherTransactions() > 0; i++) await wait(100);
  assert.equal(await otherTransactions(), 0);
});
