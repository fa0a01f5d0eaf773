/**
 * The export's flow control against a real server: nothing happens until the stream is read, a
 * slow reader holds the server back (memory stays bounded), a reader that stops early leaves no
 * transaction behind, an abort ends the stream with its reason, every way out closes what was
 * opened, progress comes in start/advance/end pairs, and both export paths (records and bytes)
 * give the same backup.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import type { Driver, Session } from "neo4j-driver";
import { exportBackup, exportRecords } from "../lib/export/export.ts";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import type { ProgressEvent } from "../lib/pipeline/progress_event.ts";
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

/** The driver, counting the sessions opened through it and the ones closed again. */
function counted(driver: Driver): { driver: Driver; opened: () => number; open: () => number } {
  let opened = 0;
  let closed = 0;
  const session = (s: Session) =>
    new Proxy(s, {
      get(t, key) {
        const value = Reflect.get(t, key, t);
        if (key === "close") {
          return () => {
            closed++;
            return t.close();
          };
        }
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  const proxy = new Proxy(driver, {
    get(t, key) {
      const value = Reflect.get(t, key, t);
      if (key === "session") {
        return (...a: Parameters<Driver["session"]>) => {
          opened++;
          return session(t.session(...a));
        };
      }
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
  return { driver: proxy, opened: () => opened, open: () => opened - closed };
}

/**
 * A real abort signal that counts the abort listeners on it (a `once` listener is gone once the
 * signal has fired).
 */
function countedSignal(): { controller: AbortController; listeners: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  const live = new Map<unknown, boolean>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  // The listener and option types by inference: the npm build's tsc has no DOM lib names.
  type Listener = Parameters<typeof add>[1];
  type AddOptions = Parameters<typeof add>[2];
  type RemoveOptions = Parameters<typeof remove>[2];
  Object.defineProperties(signal, {
    addEventListener: {
      value: (
        type: string,
        listener: Listener,
        options?: AddOptions,
      ) => {
        if (type === "abort") live.set(listener, typeof options === "object" && !!options.once);
        add(type, listener, options);
      },
    },
    removeEventListener: {
      value: (
        type: string,
        listener: Listener,
        options?: RemoveOptions,
      ) => {
        if (type === "abort") live.delete(listener);
        remove(type, listener, options);
      },
    },
  });
  const listeners = () => [...live.values()].filter((once) => !(once && signal.aborted)).length;
  return { controller, listeners };
}

test("an export stream that nobody reads opens no session and no transaction", async () => {
  const c = counted(driver);
  const streams = [exportRecords(c.driver), exportBackup(c.driver)];
  await wait(1000);
  assert.equal(await otherTransactions(), 0, "a transaction is open for an unread export");
  assert.equal(c.opened(), 0, "an unread export opened a session");
  for (const s of streams) await s.cancel();
});

test("an export cancelled before its first read opens nothing and leaves no listener", async () => {
  for (const make of [exportRecords, exportBackup]) {
    const c = counted(driver);
    const { controller, listeners } = countedSignal();
    const stream = make(c.driver, { signal: controller.signal });
    await stream.cancel(new Error("not wanted"));
    assert.equal(c.opened(), 0);
    assert.equal(listeners(), 0);
    await wait(300);
    assert.equal(c.opened(), 0);
    assert.equal(await otherTransactions(), 0);
  }
});

test("an export cancelled while it connects has closed everything once cancel resolves", async () => {
  for (const make of [exportRecords, exportBackup]) {
    for (const delay of [0, 20]) {
      const c = counted(driver);
      const { controller, listeners } = countedSignal();
      const reader = (make(c.driver, { signal: controller.signal }) as ReadableStream<unknown>)
        .getReader();
      const first = reader.read();
      await wait(delay);
      await reader.cancel(new Error("changed my mind"));
      assert.equal(c.open(), 0, `a session is still open (cancelled after ${delay} ms)`);
      assert.equal(listeners(), 0);
      assert.equal(await otherTransactions(), 0);
      assert.deepStrictEqual(await first, { done: true, value: undefined });
    }
  }
});

test("an export of a database that does not exist errors once and leaves nothing behind", async () => {
  for (const make of [exportRecords, exportBackup]) {
    const c = counted(driver);
    const { controller, listeners } = countedSignal();
    const reader =
      (make(c.driver, { database: "nosuchdb", signal: controller.signal }) as ReadableStream<
        unknown
      >).getReader();
    let failure: unknown;
    await assert.rejects(reader.read(), (e) => {
      failure = e;
      return e instanceof Error && e.message.includes("nosuchdb");
    });
    await assert.rejects(reader.read(), (e) => e === failure);
    assert.equal(listeners(), 0, "the abort listener is left on the signal");
    assert.equal(c.open(), 0, "a session is left open");
  }
});

test("an export with a signal aborted before it starts errors with the reason and opens nothing", async () => {
  for (const make of [exportRecords, exportBackup]) {
    const c = counted(driver);
    const { controller, listeners } = countedSignal();
    const reason = new Error("aborted early");
    controller.abort(reason);
    const reader = (make(c.driver, { signal: controller.signal }) as ReadableStream<unknown>)
      .getReader();
    await assert.rejects(reader.read(), (e) => e === reason);
    assert.equal(c.opened(), 0);
    assert.equal(listeners(), 0);
  }
});

test("an export read to the end closes its session and removes its listener", async () => {
  for (const make of [exportRecords, exportBackup]) {
    const c = counted(driver);
    const { controller, listeners } = countedSignal();
    const stream = make(c.driver, { signal: controller.signal }) as ReadableStream<unknown>;
    for await (const _ of stream) { /* read it all */ }
    assert.ok(c.opened() > 0);
    assert.equal(c.open(), 0);
    assert.equal(listeners(), 0);
    assert.equal(await otherTransactions(), 0);
  }
});

test("an export reports each phase once, in order: start, advances, end with the true count", async () => {
  const events: ProgressEvent[] = [];
  let schema = 0;
  for await (const r of exportRecords(driver, { onProgress: (e) => events.push(e) })) {
    if (r.kind === "index" || r.kind === "constraint") schema++;
  }
  const advances = (phase: ProgressEvent["phase"], total: number) =>
    Array.from({ length: Math.floor(total / 5000) }, (_, i) => ({
      type: "advance",
      phase,
      done: (i + 1) * 5000,
      total,
    }));
  assert.deepStrictEqual(events, [
    { type: "start", phase: "schema", done: 0, total: schema },
    { type: "end", phase: "schema", done: schema, total: schema },
    { type: "start", phase: "nodes", done: 0, total: NODES },
    ...advances("nodes", NODES),
    { type: "end", phase: "nodes", done: NODES, total: NODES },
    { type: "start", phase: "relationships", done: 0, total: NODES / 4 },
    ...advances("relationships", NODES / 4),
    { type: "end", phase: "relationships", done: NODES / 4, total: NODES / 4 },
  ]);
});

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
    const make of [
      (d: Driver) => exportRecords(d, { fetchSize: 500 }),
      (d: Driver) => exportBackup(d),
    ]
  ) {
    const c = counted(driver);
    const reader = (make(c.driver) as ReadableStream<unknown>).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel(new Error("enough"));
    assert.equal(c.open(), 0, "cancel resolved before the export closed its session");
    let open = 1;
    for (let i = 0; i < 50 && open > 0; i++) {
      open = await otherTransactions();
      if (open > 0) await wait(100);
    }
    assert.equal(open, 0, "the export's transaction is still open after cancel");
  }
});

test("an abort signal ends the export with its reason", async () => {
  const { controller, listeners } = countedSignal();
  const c = counted(driver);
  const reason = new Error("stopped by the test");
  const stream = exportBackup(c.driver, {
    fetchSize: 1000,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.phase === "nodes" && e.done >= 10_000) controller.abort(reason);
    },
  });
  await assert.rejects(collect(stream), (e) => e === reason);
  assert.equal(await otherTransactions(), 0);
  assert.equal(c.open(), 0);
  assert.equal(listeners(), 0);
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
