import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FormatError } from "../errors.ts";
import { PromptCancelled } from "../runtime/terminal.ts";
import { debugRequested, describeError } from "./main.ts";
import { toBackupError } from "./failure.ts";
import { Interrupted } from "./interrupt.ts";
import { Stderr } from "./stderr.ts";
import { type Command, COMMANDS, helpText } from "./help.ts";
import { parseExportArgs } from "./export_command.ts";
import { parseImportArgs } from "./import_command.ts";
import { parseVerifyArgs } from "./verify_command.ts";
import { parseListArgs } from "./list_command.ts";
import { parseConvertArgs } from "./convert_command.ts";
import { parsePruneArgs } from "./prune_command.ts";
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

/** A Stderr writing into a string, with the given secrets hidden. */
function stderrWith(...secrets: (string | undefined)[]) {
  const out: string[] = [];
  const stderr = new Stderr({ write: (t) => out.push(t), terminal: false, color: false });
  for (const secret of secrets) stderr.hide(secret);
  return { out, stderr };
}

test("stderr prints errors as one line and masks registered secrets", () => {
  const { out, stderr } = stderrWith("correct-horse-battery", "abc");
  stderr.error("Cannot log in\nwith correct-horse-battery as abc");
  assert.deepEqual(out, ["neo4j-backup: error: Cannot log in with *** as ***\n"]);
});

test("stderr masks secrets of any length, even one character, wherever they occur", () => {
  const { out, stderr } = stderrWith("pw1", "x", "");
  stderr.line("user 'alice' with pw1 at bolt://alice:pw1@host");
  stderr.line("exit 0x1"); // the accepted price of a one-character password: garbled words
  assert.deepEqual(out, ["user 'alice' with *** at bolt://alice:***@host\n", "e***it 0***1\n"]);
});

test("stderr masks a secret that contains another whole, and never masks its own mask", () => {
  const { out, stderr } = stderrWith("abc", "abcdef", "*");
  stderr.line("abcdef abc a*b");
  assert.deepEqual(out, ["*** *** a***b\n"]);
});

test("stderr leaves terminal control sequences intact when a secret matches inside them", () => {
  const { out, stderr } = stderrWith("2K", "[");
  stderr.write("\r\x1b[2Knodes 2K/s [x]");
  assert.deepEqual(out, ["\r\x1b[2Knodes ***/s ***x]"]);
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
  for (const command of COMMANDS) {
    assert.match(helpText(command), new RegExp(`^Usage: neo4j-backup ${command} `));
  }
});

/** What `convert` needs to run, unless the arguments under test give the flag. */
const CONVERT_BASE = ["--to", "cypher", "-o", "x.cypherl"];

/** The pairs of {@link CONVERT_BASE} whose flag `args` does not give. */
function convertBase(args: string[]): string[] {
  const base: string[] = [];
  // --compression and --row-group-rows are parquet flags: the base converts to parquet for them.
  const parquet = args.includes("--compression") || args.includes("--row-group-rows");
  const whole = parquet ? ["--to", "parquet", "-o", "out/"] : CONVERT_BASE;
  for (let i = 0; i < whole.length; i += 2) {
    if (!args.includes(whole[i])) base.push(whole[i], whole[i + 1]);
  }
  return base;
}

/** A value each flag takes: "1" unless it needs a word. */
const VALUES: Record<string, string> = {
  "--to": "graphml",
  "--dialect": "falkordb",
  "--target-version": "4.4",
  "--compression": "snappy", // zstd is refused on a Node without it (Node 20)
};

/** Whether a command's parser accepts the arguments (with what else it needs to run). */
function accepts(command: Command, args: string[]): boolean {
  const parse = {
    export: parseExportArgs,
    import: parseImportArgs,
    verify: parseVerifyArgs,
    list: parseListArgs,
    convert: parseConvertArgs,
    prune: parsePruneArgs,
  };
  const file = command === "verify" || command === "list"
    ? ["b.jsonl"]
    : command === "convert"
    ? ["b.jsonl", ...convertBase(args)]
    : command === "prune"
    ? [
      "backups/",
      ...["--keep", "1", "-d", "neo4j"].filter((_, i, a) => !args.includes(a[i - (i % 2)])),
    ]
    : command === "export" && args.includes("--keep")
    ? ["-o", "backups/"]
    : [];
  try {
    parse[command]([...file, ...args], () => undefined);
    return true;
  } catch {
    return false;
  }
}

test("each command's help lists --yes exactly when the command accepts it", () => {
  for (const command of COMMANDS) {
    const listed = /^ +-y, --yes /m.test(helpText(command));
    assert.equal(listed, accepts(command, ["--yes"]), command);
    assert.equal(listed, accepts(command, ["-y"]), command);
  }
});

test("every flag the help of a command lists, the command accepts", () => {
  for (const command of COMMANDS) {
    const flags = [...helpText(command).matchAll(/^ +(?:-\w, )?(--[\w-]+)( [A-Z|-]+)?/gm)];
    assert.ok(flags.length >= 3, command);
    for (const [, flag, value] of flags) {
      const args = value ? [flag, VALUES[flag] ?? "1"] : [flag];
      assert.ok(accepts(command, args), `${command} ${flag}`);
    }
  }
});

const CLI_DOC = fileURLToPath(new URL("../../docs/CLI.md", import.meta.url));

test("the options docs/CLI.md gives every command, every command accepts", {
  skip: existsSync(CLI_DOC) ? false : "docs/ is not part of this build",
}, () => {
  const doc = readFileSync(CLI_DOC, "utf8");
  const section = doc.split("## Options of every command")[1].split("\n## ")[0];
  const flags = [...section.matchAll(/^\| `(?:-\w, )?(--[\w-]+)`/gm)].map((m) => m[1]);
  assert.ok(flags.includes("--quiet") && flags.includes("--debug"), section);
  for (const flag of flags) {
    for (const command of COMMANDS) {
      assert.ok(accepts(command, [flag]), `docs/CLI.md says every command takes ${flag}`);
    }
  }
});

test("--debug counts only when the command's parser reads it as the flag", () => {
  const env = () => undefined;
  assert.equal(debugRequested(["verify", "b.jsonl", "--debug"], env), true);
  assert.equal(debugRequested(["import", "b.jsonl", "--debug"], env), true);
  assert.equal(debugRequested(["export", "--debug", "-o", "-"], env), true);
  assert.equal(debugRequested(["list", "b.jsonl", "--json", "--debug"], env), true);
  assert.equal(debugRequested(["verify", "b.jsonl"], env), false);
  assert.equal(debugRequested(["verify", "--", "--debug"], env), false, "a file named --debug");
  assert.equal(debugRequested(["export", "-p", "--debug"], env), false, "a password");
  assert.equal(debugRequested(["export", "--frobnicate", "--debug"], env), false);
  assert.equal(debugRequested(["--debug"], env), false);
});
