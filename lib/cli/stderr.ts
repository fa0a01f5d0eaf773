/**
 * The CLI's voice on stderr: error and warning lines in one format, optional colour, and a
 * last line of defence that masks the password should it ever reach a message.
 *
 * @module
 */

/** How a {@link Stderr} writes. */
export interface StderrOptions {
  /** Writes text as it is. */
  write: (text: string) => void;
  /** Whether stderr is a terminal. */
  terminal: boolean;
  /** Whether to use ANSI colours. */
  color: boolean;
}

/** Secrets shorter than this are not masked: they would mask ordinary words. */
const MIN_SECRET = 6;

/**
 * Writes to stderr, masking registered secrets.
 *
 * @example Print an error
 * ```ts
 * import assert from "node:assert/strict";
 * import { Stderr } from "./stderr.ts";
 * let out = "";
 * const stderr = new Stderr({ write: (t) => (out += t), terminal: false, color: false });
 * stderr.hide("hunter2hunter2");
 * stderr.error("Cannot log in with 'hunter2hunter2'");
 * assert.equal(out, "neo4j-backup: error: Cannot log in with '***'\n");
 * ```
 */
export class Stderr {
  /** Whether stderr is a terminal. */
  readonly terminal: boolean;
  /** Whether colours are on. */
  readonly color: boolean;
  #write: (text: string) => void;
  #secrets: string[] = [];

  /**
   * Creates a writer.
   *
   * @param options Where to write and whether to colour.
   */
  constructor(options: StderrOptions) {
    this.#write = options.write;
    this.terminal = options.terminal;
    this.color = options.color;
  }

  /**
   * Registers a secret that must never be printed.
   *
   * @param secret E.g. the password.
   */
  hide(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= MIN_SECRET) this.#secrets.push(secret);
  }

  /**
   * Writes text as it is, secrets masked.
   *
   * @param text The text, newlines included.
   */
  write(text: string): void {
    let safe = text;
    for (const secret of this.#secrets) safe = safe.replaceAll(secret, "***");
    this.#write(safe);
  }

  /**
   * Writes one line.
   *
   * @param text The line, without its newline.
   */
  line(text: string): void {
    this.write(`${text}\n`);
  }

  /**
   * Writes `neo4j-backup: error: MESSAGE` as one line.
   *
   * @param message The error message; line breaks in it become spaces.
   */
  error(message: string): void {
    const label = this.color ? "\x1b[31merror:\x1b[0m" : "error:";
    this.line(`neo4j-backup: ${label} ${message.replace(/\s*\n\s*/g, " ")}`);
  }
}
