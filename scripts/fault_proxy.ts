/**
 * A fault-injecting TCP proxy on loopback, for tests of long work against real servers: it sits
 * between the tool and a Neo4j server and, on command or at random, cuts connections, stalls
 * them, or refuses new ones for a while. Nothing of Bolt is faked: the bytes that pass are the
 * server's own.
 *
 * @module
 */

import { createConnection, createServer, type Server, type Socket } from "node:net";
import { prng } from "./prng.ts";

/** Faults the proxy injects by itself, at random, until changed. */
export interface RandomFaults {
  /**
   * Cut each connection after a random number of bytes from the server, between these bounds
   * (inclusive); no cut when omitted.
   */
  cutAfterBytes?: [number, number];
  /** A seed for the random choices, so that a failing run can be repeated. */
  seed?: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** `bolt://127.0.0.1:PORT`. */
  uri: string;
  /** Connections cut so far (by command or at random). */
  readonly cuts: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Cuts every open connection now (both sides see a reset). */
  cutAll(): void;
  /** Refuses (closes at once) new connections for `ms` milliseconds; open ones are kept. */
  refuseFor(ms: number): void;
  /** Stops forwarding in both directions for `ms` milliseconds, then goes on. */
  stall(ms: number): void;
  /** Sets or clears the random faults. */
  random(faults: RandomFaults | undefined): void;
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  server: Socket;
  /** Bytes from the server after which this pair is cut; Infinity for never. */
  budget: number;
  sent: number;
}

/**
 * Starts a proxy to `127.0.0.1:targetPort`.
 *
 * @param targetPort The server's Bolt port.
 * @returns The running proxy.
 *
 * @example Cut the connections of a long import once
 * ```ts ignore
 * const proxy = await startFaultProxy(7687);
 * setTimeout(() => proxy.cutAll(), 2000);
 * // ... run the tool against proxy.uri ...
 * await proxy.close();
 * ```
 */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let refuseUntil = 0;
  let stalled = false;
  let faults: RandomFaults | undefined;
  let rand = prng(1);
  let cuts = 0;
  let accepted = 0;

  const budget = () => {
    const range = faults?.cutAfterBytes;
    if (!range) return Infinity;
    return range[0] + Math.floor(rand() * (range[1] - range[0] + 1));
  };
  const cut = (pair: Pair) => {
    if (!pairs.delete(pair)) return;
    cuts++;
    pair.client.resetAndDestroy();
    pair.server.resetAndDestroy();
  };

  const server: Server = createServer((client) => {
    if (Date.now() < refuseUntil) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    const pair: Pair = { client, server: upstream, budget: budget(), sent: 0 };
    pairs.add(pair);
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk: Buffer) => {
      if (pair.sent + chunk.length > pair.budget) {
        const part = pair.budget - pair.sent;
        if (part > 0) client.write(chunk.subarray(0, part));
        cut(pair);
        return;
      }
      pair.sent += chunk.length;
      client.write(chunk);
    });
    const end = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", end);
    upstream.on("error", end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    port,
    uri: `bolt://127.0.0.1:${port}`,
    get cuts() {
      return cuts;
    },
    get accepted() {
      return accepted;
    },
    cutAll() {
      for (const pair of [...pairs]) cut(pair);
    },
    refuseFor(ms) {
      refuseUntil = Date.now() + ms;
    },
    stall(ms) {
      stalled = true;
      for (const p of pairs) {
        p.client.pause();
        p.server.pause();
      }
      setTimeout(() => {
        stalled = false;
        for (const p of pairs) {
          p.client.resume();
          p.server.resume();
        }
      }, ms);
    },
    random(next) {
      faults = next;
      rand = prng(next?.seed ?? 1);
    },
    async close() {
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        pair.client.destroy();
        pair.server.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
