/**
 * The fault tools the reliability tests stand on: a real server killed with SIGKILL and started
 * again on its store, a server with extra settings, and the fault-injecting proxy.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import neo4j from "neo4j-driver";
import { startServer } from "../scripts/neo4j_server.ts";
import { startFaultProxy } from "../scripts/fault_proxy.ts";
import { connect, cypher, patient } from "./_server.ts";

test("a server killed with SIGKILL starts again on its store with its data and password", async () => {
  const server = await startServer({ settings: { "db.transaction.timeout": "3s" } });
  try {
    // The test's own queries must not meet the 3 s limit on a busy machine.
    let driver = patient(connect(server));
    await cypher(driver, "UNWIND range(1, 100) AS i CREATE (:Kept {i: i})");
    const [setting] = await cypher(
      driver,
      "SHOW SETTINGS YIELD name, value WHERE name = 'db.transaction.timeout' RETURN value",
    );
    assert.equal(setting.value, "3s");
    await driver.close();
    const pid = server.pid;
    await server.kill();
    driver = connect(server);
    await assert.rejects(driver.verifyConnectivity(), "the killed server still answers");
    await driver.close();
    await server.restart();
    assert.notEqual(server.pid, pid);
    driver = patient(connect(server));
    const [row] = await cypher(driver, "MATCH (n:Kept) RETURN count(n) AS c");
    assert.equal(row.c, 100n);
    await driver.close();
    await server.restart(); // a clean restart of a running server keeps the store too
    driver = patient(connect(server));
    const [again] = await cypher(driver, "MATCH (n:Kept) RETURN count(n) AS c");
    assert.equal(again.c, 100n);
    await driver.close();
  } finally {
    await server.stop();
  }
});

test("the fault proxy forwards Bolt, cuts connections, refuses and cuts at random", async () => {
  const server = await startServer();
  const proxy = await startFaultProxy(Number(new URL(server.uri.replace("bolt", "http")).port));
  const driver = neo4j.driver(proxy.uri, neo4j.auth.basic(server.username, server.password), {
    logging: { level: "error", logger: () => {} },
    maxTransactionRetryTime: 2_000,
  });
  try {
    const ok = await driver.executeQuery("RETURN 1 AS one");
    assert.equal(ok.records[0].get("one").toNumber(), 1);

    // A query in flight when the connection is cut fails with a connection error.
    const session = driver.session();
    const running = session.run("UNWIND range(1, 2000000) AS i RETURN i").then(() => "done");
    setTimeout(() => proxy.cutAll(), 300);
    await assert.rejects(running, (e: Error & { code?: string }) => {
      assert.match(String(e.code), /ServiceUnavailable|SessionExpired/);
      return true;
    });
    await session.close().catch(() => {});
    assert.ok(proxy.cuts >= 1);

    // Refused connections: a new driver cannot connect until the window ends.
    proxy.refuseFor(60_000);
    const fresh = neo4j.driver(proxy.uri, neo4j.auth.basic(server.username, server.password), {
      logging: { level: "error", logger: () => {} },
      connectionAcquisitionTimeout: 3_000,
    });
    await assert.rejects(fresh.verifyConnectivity());
    proxy.refuseFor(0);
    await fresh.verifyConnectivity();
    await fresh.close();

    // Random cuts after a few kilobytes: a large result never completes.
    proxy.random({ cutAfterBytes: [2_000, 20_000], seed: 7 });
    const cutAt = proxy.cuts;
    await assert.rejects(
      driver.executeQuery("UNWIND range(1, 200000) AS i RETURN i, 'padding padding' AS p"),
    );
    assert.ok(proxy.cuts > cutAt, "no connection was cut");
    proxy.random(undefined);
    const back = await driver.executeQuery("RETURN 2 AS two");
    assert.equal(back.records[0].get("two").toNumber(), 2);
  } finally {
    await driver.close();
    await proxy.close();
    await server.stop();
  }
});
