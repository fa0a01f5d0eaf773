import { test } from "node:test";
import assert from "node:assert/strict";
import { FormatError } from "../errors.ts";
import { PromptCancelled } from "../runtime/terminal.ts";
import { describeError } from "./main.ts";
import { toBackupError } from "./failure.ts";
import { Interrupted } from "./interrupt.ts";
import { Stderr } from "./stderr.ts";
import { helpText } from "./help.ts";
import { raceAbort } from "./interrupt.ts";

test("a cancelled prompt ends the run as an interruption with exit code 130", () => {
  const error = toBackupError(new PromptCancelled("Password prompt cancelled"));
  assert.ok(error instanceof Interrupted);
  assert.equal(error.exitCode, 130);
});

test("errors of the family keep their exit code and unknown errors exit 1", () => {
  const format = new FormatError("Not a neo4j-backup file", { line: 1 });
  assert.equal(toBackupError(format), format);
  assert.equal(toBackupError("a string was thrown").exitCode, 1);
  assert.equal(toBackupError("a string was thrown").message, "a string was thrown");
});

test("--debug output shows each error of the cause chain with its code", () => {
  const inner = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  const text = describeError(new Error("Cannot connect", { cause: inner }));
  assert.match(text, /^Error: Cannot connect\n\s+at /);
  assert.match(text, /\nCaused by: Error: connect ECONNREFUSED\n[\s\S]* \[code ECONNREFUSED\]\n$/);
});

test("stderr prints errors as one line and masks registered secrets", () => {
  let out = "";
  const stderr = new Stderr({ write: (t) => (out += t), terminal: false, color: false });
  stderr.hide("correct-horse-battery");
  stderr.hide("abc"); // too short to mask without garbling ordinary words
  stderr.error("Cannot log in\nwith correct-horse-battery as abc");
  assert.equal(out, "neo4j-backup: error: Cannot log in with *** as abc\n");
});

test("stderr colours the error label only when asked to", () => {
  let out = "";
  const stderr = new Stderr({ write: (t) => (out += t), terminal: true, color: true });
  stderr.error("boom");
  assert.equal(out, "neo4j-backup: \x1b[31merror:\x1b[0m boom\n");
});

test("raceAbort settles with the work, or with the abort reason as soon as the signal fires", async () => {
  assert.equal(await raceAbort(Promise.resolve(1), new AbortController().signal), 1);
  const controller = new AbortController();
  const never = new Promise<number>(() => {});
  setTimeout(() => controller.abort(new Interrupted("Interrupted by the user")), 10);
  await assert.rejects(raceAbort(never, controller.signal), Interrupted);
});

test("each command has help that starts with its usage line", () => {
  assert.match(helpText(), /^neo4j-backup \d+\.\d+\.\d+: /);
  for (const command of ["export", "import", "verify"] as const) {
    assert.match(helpText(command), new RegExp(`^Usage: neo4j-backup ${command} `));
  }
});
