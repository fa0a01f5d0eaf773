/**
 * HTTP requests for the S3 client on `node:http` and `node:https` (Deno, Node and compiled
 * binaries alike), with kept-alive connections. Not `fetch`: Deno's `fetch` holds on to about
 * 200 MB more memory than the bodies it sends when it uploads 8 MiB parts (measured in
 * docs/STORAGE.md), where `node:http` stays within the parts themselves.
 *
 * @module
 */

import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** One request. */
export interface HttpRequest {
  /** `GET`, `PUT` ... */
  method: string;
  /** Headers to send (a `content-length` is added for a body). */
  headers: Record<string, string>;
  /** The body, in memory. */
  body?: Uint8Array;
  /** Stops the request and its answer's body. */
  signal?: AbortSignal;
  /** Gives up after this long, until the answer's body is read (by {@link HttpAnswer.text}). */
  timeoutMs?: number;
}

/** Idle connections are kept for the next request (and do not keep the process alive). */
const agents = {
  "http:": new HttpAgent({ keepAlive: true }),
  "https:": new HttpsAgent({ keepAlive: true }),
};

/**
 * An answer: status and headers, and the body as a stream (or as text).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HttpAnswer } from "./http.ts";
 * const answer = new HttpAnswer(404, new Headers({ etag: '"x"' }), ReadableStream.from([]));
 * assert.equal(answer.ok, false);
 * assert.equal(await answer.text(), "");
 * ```
 */
export class HttpAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** The headers. */
  readonly headers: Headers;
  /** The body. */
  readonly body: ReadableStream<Uint8Array>;

  /**
   * Holds an answer.
   *
   * @param status The status.
   * @param headers The headers.
   * @param body The body.
   */
  constructor(status: number, headers: Headers, body: ReadableStream<Uint8Array>) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** Reads the whole body as UTF-8 text. */
  async text(): Promise<string> {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of this.body) text += decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  }
}

/**
 * Sends a request and resolves with the answer once its headers arrived. A lost connection,
 * the timeout or the signal reject it (or error its body, when they come later).
 *
 * @param url The URL, path and query encoded as they are to be sent.
 * @param request The method, headers, body, signal and timeout.
 * @returns The answer.
 */
export function sendHttp(url: string, request: HttpRequest): Promise<HttpAnswer> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const agent = target.protocol === "https:" ? agents["https:"] : agents["http:"];
  const headers = { ...request.headers };
  if (request.body && request.body.length > 0) {
    headers["content-length"] = String(request.body.length);
  } else if (request.method === "PUT" || request.method === "POST") headers["content-length"] = "0";
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = send(target, { method: request.method, headers, agent });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error) => {
      done();
      req.destroy(error);
      reject(error);
    };
    const onAbort = () =>
      fail(
        request.signal!.reason instanceof Error
          ? request.signal!.reason
          : new Error("The request was aborted"),
      );
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    if (request.timeoutMs) {
      timer = setTimeout(
        () => fail(new Error(`no answer within ${request.timeoutMs! / 1000} s`)),
        request.timeoutMs,
      );
    }
    req.on("error", (e) => {
      done();
      reject(e);
    });
    req.on("response", (res: IncomingMessage) => {
      res.on("end", done);
      res.on("close", done);
      res.on("error", done);
      resolve(new HttpAnswer(res.statusCode ?? 0, headersOf(res), bodyOf(res)));
    });
    req.end(request.body && request.body.length > 0 ? request.body : undefined);
  });
}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** The body as a web stream, read only as fast as it is consumed. */
function bodyOf(res: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = res[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else {
        const bytes = value as Uint8Array;
        controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
    },
    cancel() {
      res.destroy();
    },
  }, { highWaterMark: 0 });
}
