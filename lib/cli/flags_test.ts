import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import {
  COMMON_OPTIONS,
  connectionFlags,
  DEFAULT_URI,
  noExtraArguments,
  parseFlags,
  positiveInteger,
} from "./flags.ts";
import { parseExportArgs } from "./export_command.ts";
import { parseImportArgs } from "./import_command.ts";
import { parseVerifyArgs } from "./verify_command.ts";

const noEnv = () => undefined;
const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

/** Runs `fn`, expects a UsageError, and returns its message. */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    assert.equal(e.exitCode, 2);
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  assert.fail("expected a UsageError");
}

test("export flags default to the local server, gzip and the default file name", () => {
  const flags = parseExportArgs([], noEnv);
  assert.deepEqual(flags.connection, {
    uri: DEFAULT_URI,
    username: "neo4j",
    password: undefined,
    database: undefined,
  });
  assert.equal(flags.compress, true);
  assert.equal(flags.output, undefined);
  assert.equal(flags.force, false);
  assert.equal(flags.yes, false);
  assert.equal(flags.fetchSize, undefined);
});

test("export flags take short and long forms like cypher-shell", () => {
  const flags = parseExportArgs(
    ["-a", "bolt://db:7687", "-u", "alice", "-p", "pw", "-d", "movies", "-o", "-", "-f", "-y"],
    noEnv,
  );
  assert.deepEqual(flags.connection, {
    uri: "bolt://db:7687",
    username: "alice",
    password: "pw",
    database: "movies",
  });
  assert.equal(flags.output, "-");
  assert.equal(flags.force, true);
  assert.equal(flags.yes, true);
  const long = parseExportArgs(
    ["--uri=neo4j+s://x", "--no-compress", "--fetch-size", "500"],
    noEnv,
  );
  assert.equal(long.connection.uri, "neo4j+s://x");
  assert.equal(long.compress, false);
  assert.equal(long.fetchSize, 500);
});

test("environment variables fill in what the flags leave out", () => {
  const env = envOf({
    NEO4J_URI: "neo4j://env:7687",
    NEO4J_USERNAME: "envuser",
    NEO4J_PASSWORD: "envpass",
    NEO4J_DATABASE: "envdb",
  });
  assert.deepEqual(parseExportArgs([], env).connection, {
    uri: "neo4j://env:7687",
    username: "envuser",
    password: "envpass",
    database: "envdb",
  });
});

test("flags win over environment variables", () => {
  const env = envOf({ NEO4J_URI: "neo4j://env", NEO4J_PASSWORD: "envpass", NEO4J_DATABASE: "e" });
  const flags = parseImportArgs(["-a", "bolt://flag", "-p", "flagpass", "-d", "f", "x"], env);
  assert.equal(flags.connection.uri, "bolt://flag");
  assert.equal(flags.connection.password, "flagpass");
  assert.equal(flags.connection.database, "f");
});

test("empty environment variables count as not set", () => {
  const flags = connectionFlags({}, envOf({ NEO4J_URI: "", NEO4J_PASSWORD: "" }));
  assert.equal(flags.uri, DEFAULT_URI);
  assert.equal(flags.password, undefined);
});

test("user info in the URI is removed from it and used as credentials when none are given", () => {
  const flags = connectionFlags({ uri: "neo4j://bob:s%40cret@db:7687" }, noEnv);
  assert.equal(flags.uri, "neo4j://db:7687");
  assert.equal(flags.username, "bob");
  assert.equal(flags.password, "s@cret");
  const explicit = connectionFlags(
    { uri: "neo4j://bob:x@db", username: "u", password: "p" },
    noEnv,
  );
  assert.deepEqual([explicit.uri, explicit.username, explicit.password], ["neo4j://db", "u", "p"]);
});

test("an unknown flag is a one-line usage error naming the flag and the command's help", () => {
  assert.equal(
    usage(() => parseExportArgs(["--frobnicate"], noEnv)),
    "Unknown option '--frobnicate': see 'neo4j-backup export --help'",
  );
  assert.equal(
    usage(() => parseImportArgs(["-x"], noEnv)),
    "Unknown option '-x': see 'neo4j-backup import --help'",
  );
});

test("a flag without its value is a usage error naming the long flag", () => {
  assert.equal(
    usage(() => parseExportArgs(["-o"], noEnv)),
    "Option '--output' needs a value: see 'neo4j-backup export --help'",
  );
  assert.equal(
    usage(() => parseExportArgs(["-o", "--force"], noEnv)),
    "Option '--output' needs a value: see 'neo4j-backup export --help'",
  );
  assert.equal(
    usage(() => parseFlags("verify", ["--quiet=yes"], COMMON_OPTIONS)),
    "Option '--quiet' does not take a value: see 'neo4j-backup verify --help'",
  );
});

test("numeric flags accept whole numbers from 1 and reject the rest", () => {
  assert.equal(parseImportArgs(["f", "--batch-size", "20000"], noEnv).batchSize, 20000);
  for (const bad of ["0", "-5", "1.5", "ten", "", "2000000"]) {
    assert.match(
      usage(() => parseImportArgs(["f", `--batch-size=${bad}`], noEnv)),
      new RegExp(`^Invalid value '${bad}' for '--batch-size': expected a whole number`),
    );
  }
  assert.equal(positiveInteger("export", "fetch-size", undefined, 10), undefined);
});

test("extra arguments are usage errors", () => {
  assert.equal(
    usage(() => parseExportArgs(["backup.jsonl.gz"], noEnv)),
    "Unexpected argument 'backup.jsonl.gz': see 'neo4j-backup export --help'",
  );
  assert.match(usage(() => parseImportArgs(["a", "b"], noEnv)), /^Unexpected argument 'b'/);
  assert.doesNotThrow(() => noExtraArguments("import", ["a"], 1));
});

test("import reads stdin for '-' or no FILE, and verify needs a FILE", () => {
  assert.equal(parseImportArgs([], noEnv).input, undefined);
  assert.equal(parseImportArgs(["-"], noEnv).input, "-");
  assert.equal(parseVerifyArgs(["-"]).input, "-");
  assert.match(usage(() => parseVerifyArgs([])), /^Missing FILE/);
  assert.equal(parseVerifyArgs(["--help"]).help, true);
});

test("-Z sets the gzip level as in pg_dump: 0 is none, 1 to 9 levels", () => {
  assert.equal(parseExportArgs([], noEnv).compressionLevel, undefined);
  assert.deepEqual(
    [
      parseExportArgs(["-Z", "9"], noEnv).compress,
      parseExportArgs(["-Z9"], noEnv).compressionLevel,
    ],
    [true, 9],
  );
  assert.equal(parseExportArgs(["--compress-level=1"], noEnv).compressionLevel, 1);
  const none = parseExportArgs(["-Z", "0"], noEnv);
  assert.deepEqual([none.compress, none.compressionLevel], [false, undefined]);
  assert.equal(parseExportArgs(["-Z", "0", "--no-compress"], noEnv).compress, false);
  for (const bad of ["10", "-1", "fast", "", "5.0"]) {
    assert.match(
      usage(() => parseExportArgs([`--compress-level=${bad}`], noEnv)),
      /^Invalid value '.*' for '--compress-level': expected 0 \(none\) or 1 \(fastest\) to 9/,
    );
  }
  assert.match(
    usage(() => parseExportArgs(["--no-compress", "-Z", "6"], noEnv)),
    /^Options '--no-compress' and '--compress-level 6' contradict each other/,
  );
});
