import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import neo4j from "neo4j-driver";
import { connect, normalizeUri, redactUri } from "./connect.ts";
import { classifyError } from "../neo4j/driver_errors.ts";
import {
  AuthenticationError,
  BackupError,
  ConnectionError,
  DatabaseError,
  FileError,
  UsageError,
} from "../errors.ts";

/** A port on 127.0.0.1 that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The error a real driver throws when it runs a query against `uri`. */
async function driverError(uri: string): Promise<unknown> {
  const driver = neo4j.driver(uri, neo4j.auth.basic("neo4j", "not-the-password"));
  try {
    await driver.verifyConnectivity();
  } catch (e) {
    return e;
  } finally {
    await driver.close();
  }
  assert.fail(`expected ${uri} to fail`);
}

/** A driver error as the server sends it, for codes a Community server cannot produce. */
function serverError(code: string, message: string): Error {
  return new neo4j.Neo4jError(message, code, "50N42", "error: general processing exception");
}

test("a refused connection is a connection error that asks whether Neo4j runs", async () => {
  const uri = `neo4j://127.0.0.1:${await closedPort()}`;
  const error = classifyError(await driverError(uri), { uri });
  assert.ok(error instanceof ConnectionError);
  assert.equal(error.exitCode, 3);
  assert.equal(
    error.message,
    `Cannot connect to '${uri}': connection refused; is Neo4j running and is the address right?`,
  );
  assert.ok(error.cause, "the driver error is kept as the cause");
});

test("a refused direct bolt connection is classified the same way", async () => {
  const uri = `bolt://127.0.0.1:${await closedPort()}`;
  const error = classifyError(await driverError(uri), { uri });
  assert.ok(error instanceof ConnectionError);
  assert.match(error.message, /connection refused/);
});

test("connect() fails with a connection error before anything else when the port is closed", async () => {
  const uri = `bolt://127.0.0.1:${await closedPort()}`;
  await assert.rejects(
    connect({ uri, username: "neo4j", password: "p4ssw0rd-secret" }),
    (e) => {
      assert.ok(e instanceof ConnectionError);
      assert.doesNotMatch(e.message, /p4ssw0rd-secret/);
      return true;
    },
  );
});

test("a wrong password is an authentication error naming the user, not the password", () => {
  const error = classifyError(
    serverError(
      "Neo.ClientError.Security.Unauthorized",
      "The client is unauthorized due to authentication failure.",
    ),
    { uri: "bolt://db:7687", username: "alice" },
  );
  assert.ok(error instanceof AuthenticationError);
  assert.equal(error.exitCode, 4);
  assert.equal(
    error.message,
    "Cannot log in to 'bolt://db:7687' as 'alice': the user name or password is wrong",
  );
});

test("an unknown database is a database error naming it", () => {
  const error = classifyError(
    serverError(
      "Neo.ClientError.Database.DatabaseNotFound",
      "Unable to get a routing table for database 'nope' because this database does not exist",
    ),
    { uri: "neo4j://db", database: "nope" },
  );
  assert.ok(error instanceof DatabaseError);
  assert.equal(error.exitCode, 5);
  assert.match(error.message, /^Database 'nope' does not exist on 'neo4j:\/\/db'/);
});

test("missing privileges are a database error saying so", () => {
  const error = classifyError(
    serverError(
      "Neo.ClientError.Security.Forbidden",
      "Read operations are not allowed for user 'reader' with roles [PUBLIC].",
    ),
    { database: "movies", username: "reader" },
  );
  assert.ok(error instanceof DatabaseError);
  assert.match(error.message, /^Insufficient privileges for 'reader' on database 'movies': Read/);
});

test("other server errors are database errors carrying the server's first line and code", () => {
  const error = classifyError(
    serverError("Neo.ClientError.Statement.SyntaxError", "Invalid input 'X'\n\"X\"\n ^"),
  );
  assert.ok(error instanceof DatabaseError);
  assert.equal(error.message, "Invalid input 'X' (Neo.ClientError.Statement.SyntaxError)");
});

test("TLS failures get a hint about the URI scheme", () => {
  const handshake = serverError(
    "ServiceUnavailable",
    "Failed to connect to server. ... Caused by: Client network socket disconnected before secure TLS connection was established",
  );
  assert.match(
    classifyError(handshake, { uri: "neo4j+s://db" }).message,
    /TLS handshake failed; the server may not accept TLS: use neo4j:\/\/ or bolt:\/\//,
  );
  const closed = serverError("ServiceUnavailable", "Connection was closed by server");
  assert.match(
    classifyError(closed, { uri: "neo4j://db" }).message,
    /it may require TLS: use neo4j\+s:\/\/ \(or neo4j\+ssc:\/\//,
  );
  const untrusted = serverError(
    "ServiceUnavailable",
    "Failed to connect to server. Caused by: Server certificate is not trusted.",
  );
  assert.match(classifyError(untrusted, { uri: "neo4j+s://db" }).message, /use neo4j\+ssc:\/\//);
});

test("errors of the family pass through and unknown errors become exit code 1", () => {
  const file = new FileError("File 'x' not found");
  assert.equal(classifyError(file), file);
  const unknown = classifyError(new TypeError("undefined is not a function"));
  assert.equal(unknown.constructor, BackupError);
  assert.equal(unknown.exitCode, 1);
  assert.equal(unknown.message, "undefined is not a function");
});

test("user info is stripped from URIs and unknown schemes are usage errors", () => {
  assert.equal(
    redactUri("neo4j+s://neo4j:secret@db.example.com:7687/x"),
    "neo4j+s://db.example.com:7687/x",
  );
  assert.equal(redactUri("bolt://db:7687"), "bolt://db:7687");
  assert.equal(normalizeUri("localhost:7687"), "neo4j://localhost:7687");
  assert.equal(normalizeUri("bolt://u:p@h"), "bolt://h");
  assert.throws(() => normalizeUri("http://u:secret@h"), (e) => {
    assert.ok(e instanceof UsageError);
    assert.doesNotMatch(e.message, /secret/);
    assert.match(e.message, /^Unsupported URI scheme 'http'/);
    return true;
  });
});
