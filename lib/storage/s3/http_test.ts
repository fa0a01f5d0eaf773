import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import { sendHttp } from "./http.ts";

// A plain HTTP server (not an S3 one): the transport's own behaviour, on a real socket.
let server: Server;
let base = "";
const stalled = new Set<ServerResponse>();

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url === "/echo") {
        res.setHeader("x-method", req.method ?? "");
        res.setHeader("x-length", req.headers["content-length"] ?? "none");
        res.end(body);
      } else if (req.url === "/stall") {
        stalled.add(res);
      } else if (req.url === "/cut") {
        res.writeHead(200, { "content-length": "1000" });
        res.write("x".repeat(100), () => res.socket?.destroy());
      } else {
        res.statusCode = 404;
        res.end("<Error><Code>NoSuchKey</Code></Error>");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

after(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("a body is sent with its length and the answer's body comes back as a stream", async () => {
  const body = new TextEncoder().encode("hello, bucket");
  const answer = await sendHttp(`${base}/echo`, { method: "PUT", headers: {}, body });
  assert.equal(answer.status, 200);
  assert.equal(answer.ok, true);
  assert.equal(answer.headers.get("x-method"), "PUT");
  assert.equal(answer.headers.get("x-length"), String(body.length));
  assert.equal(await answer.text(), "hello, bucket");
});

test("a POST without a body says its length is zero", async () => {
  const answer = await sendHttp(`${base}/echo`, { method: "POST", headers: {} });
  assert.equal(answer.headers.get("x-length"), "0");
  await answer.text();
});

test("an error status is an answer, not a failure", async () => {
  const answer = await sendHttp(`${base}/missing`, { method: "GET", headers: {} });
  assert.equal(answer.status, 404);
  assert.equal(answer.ok, false);
  assert.match(await answer.text(), /NoSuchKey/);
});

test("a request without an answer fails after its timeout", async () => {
  await assert.rejects(
    sendHttp(`${base}/stall`, { method: "GET", headers: {}, timeoutMs: 200 }),
    /no answer within 0\.2 s/,
  );
});

test("an aborted request fails with the signal's reason", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stopped by the user")), 100);
  await assert.rejects(
    sendHttp(`${base}/stall`, { method: "GET", headers: {}, signal: controller.signal }),
    /stopped by the user/,
  );
});

test("a connection cut in the middle of a body errors the body's stream", async () => {
  const answer = await sendHttp(`${base}/cut`, { method: "GET", headers: {} });
  assert.equal(answer.status, 200);
  await assert.rejects(answer.text());
});

test("an unreachable server fails the request", async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const address = probe.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await assert.rejects(
    sendHttp(`http://127.0.0.1:${port}/`, { method: "GET", headers: {} }),
    /ECONNREFUSED/,
  );
});
