import { test } from "node:test";
import assert from "node:assert/strict";
import neo4j from "neo4j-driver";
import { connect, cypher, useServers } from "./_server.ts";

const servers = useServers(1, { tls: true });

test("a TLS test server serves Bolt over TLS with a self-signed certificate", async () => {
  const server = servers[0];
  assert.match(server.uri, /^bolt\+ssc:\/\/127\.0\.0\.1:\d+$/);
  const driver = connect(server);
  try {
    const [row] = await cypher(driver, "RETURN 1 AS one");
    assert.equal(row.one, 1n);
  } finally {
    await driver.close();
  }
});

test("a TLS test server refuses plain Bolt and untrusted certificates", async () => {
  const server = servers[0];
  const auth = neo4j.auth.basic(server.username, server.password);
  // One config object per driver: the driver writes the URI's encryption settings into it.
  const quiet = () => ({ logging: { level: "error" as const, logger: () => {} } });
  const plain = neo4j.driver(server.uri.replace("bolt+ssc", "bolt"), auth, quiet());
  const verified = neo4j.driver(server.uri.replace("bolt+ssc", "bolt+s"), auth, quiet());
  try {
    await assert.rejects(
      () => plain.verifyConnectivity(),
      (e: { code?: string; message: string }) => /Connection was closed by server/.test(e.message),
    );
    await assert.rejects(
      () => verified.verifyConnectivity(),
      (e: { code?: string; message: string }) =>
        /Server certificate is not trusted/.test(e.message),
    );
  } finally {
    await Promise.all([plain.close(), verified.close()]);
  }
});
