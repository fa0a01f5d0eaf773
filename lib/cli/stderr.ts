/**
 * The CLI's voice on stderr: error and warning lines in one format, optional colour, and a
 * last line of defence that masks the password should it ever reach a message.
 *
 * Every registered secret is masked wherever it occurs, however short: the promise that the
 * password is never printed holds without exceptions. The price is paid by very short
 * passwords only, whose characters also vanish from ordinary words (a password `a` turns
 * `Cannot` into `C***nnot`); a garbled message is better than a leaked password. Terminal
 * control sequences written by the progress display are left intact.
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

import { terminalText } from "./terminal_text.ts";

/** What a masked secret shows instead. */
const MASK = "***";

/** ANSI control sequences (CSI), e.g. `ESC [ 2 K`, which the progress display writes. */
// deno-lint-ignore no-control-regex -- matching the escape character is the point
const CONTROL = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * Writes to stderr, masking registered secrets.
 *
 * @example Print an error
 * ```ts
 * import assert from "node:assert/strict";
 * import { Stderr } from "./stderr.ts";
 * let out = "";
 * const stderr = new Stderr({ write: (t) => (out += t), terminal: false, color: false });
 * stderr.hide("hunter2");
 * stderr.hide("pw");
 * stderr.error("Cannot log in with 'hunter2' or 'pw'");
 * assert.equal(out, "neo4j-backup: error: Cannot log in with '***' or '***'\n");
 * ```
 */
export class Stderr {
  /** Whether stderr is a terminal. */
  readonly terminal: boolean;
  /** Whether colours are on. */
  readonly color: boolean;
  #write: (text: string) => void;
  #secrets = new Set<string>();
  /** Matches any secret, longest first so that a secret containing another is masked whole. */
  #pattern?: RegExp;

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
   * Registers a secret that must never be printed, of any length; an empty or missing one is
   * ignored.
   *
   * @param secret E.g. the password.
   *
   * @example Hide a short password
   * ```ts
   * import assert from "node:assert/strict";
   * import { Stderr } from "./stderr.ts";
   * let out = "";
   * const stderr = new Stderr({ write: (t) => (out += t), terminal: false, color: false });
   * stderr.hide("xy");
   * stderr.line("password xy");
   * assert.equal(out, "password ***\n");
   * ```
   */
  hide(secret: string | undefined): void {
    if (secret === undefined || secret === "" || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    const sorted = [...this.#secrets].sort((a, b) => b.length - a.length);
    this.#pattern = new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  }

  /**
   * Writes text as it is, secrets masked.
   *
   * @param text The text, newlines included.
   *
   * @example Write progress
   * ```ts
   * import assert from "node:assert/strict";
   * import { Stderr } from "./stderr.ts";
   * let out = "";
   * const stderr = new Stderr({ write: (t) => (out += t), terminal: true, color: false });
   * stderr.write("\r\x1b[2Knodes 10");
   * assert.equal(out, "\r\x1b[2Knodes 10");
   * ```
   */
  write(text: string): void {
    this.#write(this.#pattern ? mask(text, this.#pattern) : text);
  }

  /**
   * Writes one line.
   *
   * @param text The line, without its newline.
   *
   * @example Write a summary line
   * ```ts
   * import assert from "node:assert/strict";
   * import { Stderr } from "./stderr.ts";
   * let out = "";
   * const stderr = new Stderr({ write: (t) => (out += t), terminal: false, color: false });
   * stderr.line("Exported database 'neo4j'");
   * assert.equal(out, "Exported database 'neo4j'\n");
   * ```
   */
  line(text: string): void {
    this.write(`${text}\n`);
  }

  /**
   * Writes `neo4j-backup: error: MESSAGE` as one line.
   *
   * @param message The error message; line breaks in it become spaces, and any other control
   *   character (a message may quote a name from a backup) is shown escaped.
   *
   * @example Print an error on two lines as one
   * ```ts
   * import assert from "node:assert/strict";
   * import { Stderr } from "./stderr.ts";
   * let out = "";
   * const stderr = new Stderr({ write: (t) => (out += t), terminal: false, color: false });
   * stderr.error("Cannot connect\nto 'x'");
   * assert.equal(out, "neo4j-backup: error: Cannot connect to 'x'\n");
   * ```
   */
  error(message: string): void {
    const label = this.color ? "\x1b[31merror:\x1b[0m" : "error:";
    this.line(`neo4j-backup: ${label} ${terminalText(message.replace(/\s*\n\s*/g, " "))}`);
  }
}

/** Masks every match of `pattern`, except a match that lies inside a control sequence. */
function mask(text: string, pattern: RegExp): string {
  const controls = [...text.matchAll(CONTROL)].map((m) => [m.index, m.index + m[0].length]);
  return text.replace(pattern, (match: string, at: number) => {
    const inside = controls.some(([from, to]) => at >= from && at + match.length <= to);
    return inside ? match : MASK;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
