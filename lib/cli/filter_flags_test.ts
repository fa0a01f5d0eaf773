import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { FILTER_OPTIONS, filterFlags } from "./filter_flags.ts";
import { parseFlags } from "./flags.ts";

function parse(...args: string[]) {
  return filterFlags("export", parseFlags("export", args, FILTER_OPTIONS).values);
}

function refuses(args: string[], pattern: RegExp): void {
  assert.throws(() => parse(...args), (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.equal(e.exitCode, 2);
    assert.doesNotMatch(e.message, /\n/);
    assert.match(e.message, pattern);
    return true;
  });
}

test("filterFlags() returns undefined without filter flags", () => {
  assert.equal(parse(), undefined);
});

test("filterFlags() reads every list, trimming spaces around unquoted names", () => {
  assert.deepEqual(
    parse(
      "--labels",
      "Person, Movie",
      "--exclude-labels",
      "Secret",
      "--types",
      "KNOWS",
      "--exclude-types",
      "LIKES,OWNS",
      "--exclude-properties",
      "embedding, Person.email,KNOWS.since",
    ),
    {
      labels: ["Person", "Movie"],
      excludeLabels: ["Secret"],
      types: ["KNOWS"],
      excludeTypes: ["LIKES", "OWNS"],
      excludeProperties: [
        "embedding",
        { owner: "Person", key: "email" },
        { owner: "KNOWS", key: "since" },
      ],
    },
  );
});

test("filterFlags() reads backtick-quoted names with commas, spaces, dots and backticks", () => {
  assert.deepEqual(parse("--labels", "`A,B`,C, ` padded ` ,`back``tick`,do.t"), {
    labels: ["A,B", "C", " padded ", "back`tick", "do.t"],
  });
  assert.deepEqual(
    parse("--exclude-properties", "`My.Label`.key,`a.b`,`L`.`k,1`,Type.`x``y`"),
    {
      excludeProperties: [
        { owner: "My.Label", key: "key" },
        "a.b",
        { owner: "L", key: "k,1" },
        { owner: "Type", key: "x`y" },
      ],
    },
  );
});

test("filterFlags() refuses an empty list", () => {
  refuses(
    ["--labels", ""],
    /Option '--labels' needs at least one name, e\.g\. --labels Person,Movie/,
  );
  refuses(["--exclude-properties", " "], /'--exclude-properties' needs at least one name/);
});

test("filterFlags() refuses an empty name", () => {
  refuses(["--types", "A,,B"], /Invalid value 'A,,B' for '--types': name 2 is empty/);
  refuses(["--types", "A,"], /name 2 is empty/);
  refuses(["--labels", "``"], /name 1 is empty/);
  refuses(["--exclude-properties", "Person."], /name 1 is empty/);
});

test("filterFlags() refuses an unterminated or misplaced backtick", () => {
  refuses(["--labels", "A,`B"], /the backtick at 3 is not closed; .*backticks/);
  refuses(["--labels", "A`B"], /a backtick inside an unquoted name/);
  refuses(["--labels", "`A`B"], /unexpected 'B' after the quoted name at 1/);
  refuses(["--exclude-properties", "a.b.c"], /'a\.b\.c' has a second dot/);
});
