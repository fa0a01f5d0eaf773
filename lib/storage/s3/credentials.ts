/**
 * S3 credentials that cannot leak by accident: the secret key and the session token live in
 * private fields, so printing, inspecting or serialising the object shows neither; the signer
 * gets a derived signing key, never the secret itself.
 *
 * @module
 */

import { createHmac } from "node:crypto";

/**
 * An access key pair, with a session token for temporary credentials.
 *
 * @example The secret stays out of printed forms
 * ```ts
 * import assert from "node:assert/strict";
 * import { S3Credentials } from "./credentials.ts";
 * const c = new S3Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
 * assert.equal(JSON.stringify(c).includes("wJalr"), false);
 * assert.equal(String(c).includes("wJalr"), false);
 * ```
 */
export class S3Credentials {
  /** The access key id (not secret, but not printed by this tool either). */
  readonly accessKeyId: string;
  #secretAccessKey: string;
  #sessionToken: string | undefined;
  #cache: { scope: string; key: Buffer } | undefined;

  /**
   * Holds a key pair.
   *
   * @param accessKeyId The access key id.
   * @param secretAccessKey The secret access key.
   * @param sessionToken The session token of temporary credentials, if any.
   */
  constructor(accessKeyId: string, secretAccessKey: string, sessionToken?: string) {
    this.accessKeyId = accessKeyId;
    this.#secretAccessKey = secretAccessKey;
    this.#sessionToken = sessionToken || undefined;
  }

  /** The session token, for the `x-amz-security-token` header; undefined for long-term keys. */
  get sessionToken(): string | undefined {
    return this.#sessionToken;
  }

  /**
   * The SigV4 signing key of one day, region and service (cached for the last scope).
   *
   * @param date `YYYYMMDD`.
   * @param region E.g. `us-east-1`.
   * @param service E.g. `s3`.
   * @returns The key.
   */
  signingKey(date: string, region: string, service: string): Buffer {
    const scope = `${date}/${region}/${service}`;
    if (this.#cache?.scope === scope) return this.#cache.key;
    const hmac = (key: string | Buffer, data: string) =>
      createHmac("sha256", key).update(data).digest();
    const key = hmac(
      hmac(hmac(hmac(`AWS4${this.#secretAccessKey}`, date), region), service),
      "aws4_request",
    );
    this.#cache = { scope, key };
    return key;
  }

  /**
   * Strings that must never be printed: the secret, the session token and the access key id.
   *
   * @returns The non-empty ones.
   */
  secrets(): string[] {
    return [this.#secretAccessKey, this.#sessionToken, this.accessKeyId]
      .filter((s): s is string => !!s && s.length >= 4);
  }

  /** A printable form without any key. */
  toString(): string {
    return `S3Credentials(${this.#sessionToken ? "temporary" : "long-term"})`;
  }

  /** The serialised form: no key at all. */
  toJSON(): { kind: string } {
    return { kind: this.toString() };
  }

  /** What `console.log` and Node's `util.inspect` show. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** What Deno's `console.log` shows. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}
