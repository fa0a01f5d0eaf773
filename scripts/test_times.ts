/**
 * Which test file a line of test output starts, and the table of the slowest files that
 * `scripts/test.ts` prints at the end of a run.
 *
 * @module
 */

/** A test file and the seconds from its first line of output to the next file's. */
export interface FileTime {
  file: string;
  seconds: number;
}

/**
 * Finds which test file a line of test output starts: Deno prints `running N tests from
 * ./tests/x_test.ts`, Node's TAP reporter `# Subtest: /path/tests/x_test.js` for each file.
 *
 * @param line One line of output, without colours.
 * @returns The file, or `undefined` for any other line.
 *
 * @example Read both runners' lines
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileStarted } from "./test_times.ts";
 * assert.equal(fileStarted("running 3 tests from ./tests/cli_test.ts"), "./tests/cli_test.ts");
 * assert.equal(fileStarted("# Subtest: /p/npm/tests/cli_test.js"), "/p/npm/tests/cli_test.js");
 * assert.equal(fileStarted("# Subtest: a test name"), undefined);
 * ```
 */
export function fileStarted(line: string): string | undefined {
  const deno = /^running \d+ tests? from (\S+)$/.exec(line);
  if (deno) return deno[1];
  const node = /^# Subtest: (\/\S+\.[cm]?js)$/.exec(line);
  return node?.[1];
}

/**
 * The ten slowest files as a table.
 *
 * @param times Every file's time.
 * @returns Lines of text, a title first.
 *
 * @example Show two files
 * ```ts
 * import assert from "node:assert/strict";
 * import { slowestTable } from "./test_times.ts";
 * const text = slowestTable([{ file: "a", seconds: 1 }, { file: "b", seconds: 12.5 }]);
 * assert.match(text, /b +12\.5 s\n.*a +1\.0 s/s);
 * ```
 */
export function slowestTable(times: FileTime[]): string {
  const top = [...times].sort((a, b) => b.seconds - a.seconds).slice(0, 10);
  const total = times.reduce((sum, t) => sum + t.seconds, 0);
  const width = Math.max(...top.map((t) => t.file.length), 4);
  const rows = top.map((t) => `  ${t.file.padEnd(width)}  ${t.seconds.toFixed(1).padStart(6)} s`);
  return [
    `Slowest test files (${times.length} files, ${total.toFixed(0)} s in all):`,
    ...rows,
  ].join("\n");
}
