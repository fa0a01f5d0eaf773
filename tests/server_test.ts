import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { connect, counts, cypher, loadMovies, useServers } from "./_server.ts";
import { DEFAULT_LINE, startServer } from "../scripts/neo4j_server.ts";

const servers = useServers(2);

test("the test server is a real Neo4j 5.26 Community", async () => {
  const driver = connect(servers[0]);
  try {
    const [c] = await cypher(
      driver,
      "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition",
    );
    assert.equal(c.name, "Neo4j Kernel");
    assert.equal(c.edition, "community");
    assert.match(String(c.v), /^5\.26\.\d+$/);
    assert.equal(DEFAULT_LINE, "5.26");
  } finally {
    await driver.close();
  }
});

test("data written to a test server reads back with its types", async () => {
  const driver = connect(servers[0]);
  try {
    await cypher(driver, "CREATE (:Probe {i: $i, f: 1.5, s: 'x', d: date('2020-02-29')})", {
      i: 9007199254740993n,
    });
    const [r] = await cypher(
      driver,
      "MATCH (p:Probe) RETURN p.i AS i, p.f AS f, p.s AS s, p.d AS d",
    );
    assert.equal(r.i, 9007199254740993n);
    assert.equal(r.f, 1.5);
    assert.equal(r.s, "x");
    assert.equal(String(r.d), "2020-02-29");
    await cypher(driver, "MATCH (p:Probe) DELETE p");
  } finally {
    await driver.close();
  }
});

test("two servers running at once do not share data", async () => {
  const [a, b] = servers.map((s) => connect(s));
  try {
    assert.notEqual(servers[0].uri, servers[1].uri);
    await cypher(a, "CREATE (:OnlyOnA {n: 1})");
    assert.deepEqual(await counts(b), { nodes: 0, relationships: 0 });
    const [r] = await cypher(a, "MATCH (n:OnlyOnA) RETURN count(n) AS c");
    assert.equal(r.c, 1n);
    await cypher(a, "MATCH (n:OnlyOnA) DELETE n");
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test("a wrong password is refused", async () => {
  const driver = connect(servers[1], "wrong-password");
  try {
    await assert.rejects(
      () => driver.verifyConnectivity(),
      (e: { code?: string }) => e.code === "Neo.ClientError.Security.Unauthorized",
    );
  } finally {
    await driver.close();
  }
});

test("the Movies dataset loads with 171 nodes and 253 relationships", async () => {
  const driver = connect(servers[1]);
  try {
    await loadMovies(driver);
    assert.deepEqual(await counts(driver), { nodes: 171, relationships: 253 });
    await cypher(driver, "MATCH (n) DETACH DELETE n");
  } finally {
    await driver.close();
  }
});

test("stopping a server leaves no process and no store behind", async () => {
  const server = await startServer();
  assert.ok(existsSync(server.home));
  await server.stop();
  assert.equal(existsSync(server.home), false);
  assert.throws(() => process.kill(server.pid, 0), /ESRCH|No such process/);
  await server.stop(); // a second stop is harmless
});

test("the harness says what is missing when java cannot be found", () => {
  // Deno runs the .ts sources, Node the .js build in npm/.
  const ts = import.meta.url.endsWith(".ts");
  const harness = new URL(`../scripts/neo4j_server.${ts ? "ts" : "js"}`, import.meta.url);
  const script = `import { findJava } from ${JSON.stringify(harness.href)};
try { findJava(17); } catch (e) { console.log(e.message); }`;
  const evalArgs = ts ? ["eval", script] : ["--input-type=module", "--eval", script];
  const r = spawnSync(process.execPath, evalArgs, {
    encoding: "utf8",
    env: { PATH: "/nonexistent", HOME: process.env.HOME ?? "/tmp" },
  });
  assert.match(r.stdout, /Java 17 is missing/);
});
