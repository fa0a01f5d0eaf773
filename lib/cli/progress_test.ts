import { test } from "node:test";
import assert from "node:assert/strict";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatPhaseDone,
  formatProgressLine,
  formatSummary,
  plural,
  useColor,
} from "./progress.ts";
import { ProgressReporter } from "./progress_reporter.ts";

test("counts get thousands separators", () => {
  assert.equal(formatCount(0), "0");
  assert.equal(formatCount(999), "999");
  assert.equal(formatCount(1000), "1,000");
  assert.equal(formatCount(1234567), "1,234,567");
});

test("durations read as seconds, minutes or hours", () => {
  assert.equal(formatDuration(0), "0.0 s");
  assert.equal(formatDuration(0.04), "0.0 s");
  assert.equal(formatDuration(9.96), "10.0 s");
  assert.equal(formatDuration(12.4), "12 s");
  assert.equal(formatDuration(125), "2 min 05 s");
  assert.equal(formatDuration(3725), "1 h 02 min");
  assert.equal(formatDuration(Infinity), "?");
});

test("sizes use binary units", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1023), "1023 B");
  assert.equal(formatBytes(1024), "1.0 KiB");
  assert.equal(formatBytes(5 * 1024 * 1024 + 1), "5.0 MiB");
  assert.equal(formatBytes(3 * 1024 ** 3), "3.0 GiB");
});

test("plurals follow the count", () => {
  assert.equal(plural(1, "node"), "1 node");
  assert.equal(plural(0, "node"), "0 nodes");
  assert.equal(plural(2, "index", "indexes"), "2 indexes");
});

test("a progress line shows count, share, rate and time left when the total is known", () => {
  assert.equal(
    formatProgressLine({ phase: "nodes", done: 1200, total: 3000, seconds: 2 }),
    "nodes 1,200/3,000 40% 600/s ETA 3.0 s",
  );
  assert.equal(
    formatProgressLine({ phase: "relationships", done: 500, seconds: 1 }),
    "relationships 500 500/s",
  );
  assert.equal(
    formatProgressLine({ phase: "schema", done: 0, total: 4, seconds: 0 }),
    "schema 0/4 0%",
  );
});

test("a finished phase reads as a count and a time", () => {
  assert.equal(formatPhaseDone("nodes", 171, 0.21), "nodes 171 done in 0.2 s");
});

test("the summary lists counts, every skipped schema item with its reason, and bytes", () => {
  assert.deepEqual(
    formatSummary({
      action: "Imported into database 'neo4j':",
      nodes: 171,
      relationships: 253,
      schema: 3,
      schemaVerb: " created",
      skipped: [{ name: "person_key", reason: "node key constraints need Enterprise Edition" }],
      bytes: 7481,
      bytesVerb: "read from",
      file: "'movies.jsonl.gz'",
      seconds: 2.5,
    }),
    [
      "Imported into database 'neo4j': 171 nodes, 253 relationships, 3 schema items created in 2.5 s",
      "Skipped 1 schema item:",
      "  'person_key': node key constraints need Enterprise Edition",
      "7.3 KiB read from 'movies.jsonl.gz'",
    ],
  );
});

test("colour is used only on a terminal and never with NO_COLOR", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(useColor(env({}), true), true);
  assert.equal(useColor(env({}), false), false);
  assert.equal(useColor(env({ NO_COLOR: "1" }), true), false);
  assert.equal(useColor(env({ NO_COLOR: "" }), true), true);
  assert.equal(useColor(env({ TERM: "dumb" }), true), false);
});

/** A reporter writing into an array, with a clock the test moves. */
function reporter(terminal: boolean, quiet = false) {
  const out: string[] = [];
  let now = 0;
  const progress = new ProgressReporter({
    write: (text) => out.push(text),
    terminal,
    quiet,
    now: () => now,
  });
  return { out, progress, tick: (ms: number) => (now += ms) };
}

/** The lines written off a terminal, without their newlines. */
function plainLines(out: string[]): string[] {
  return out.join("").split("\n").filter((line) => line !== "");
}

test("on a terminal progress redraws one line at most ten times a second", () => {
  const { out, progress, tick } = reporter(true);
  progress.update({ type: "start", phase: "nodes", done: 0, total: 100 });
  for (let i = 1; i <= 50; i++) {
    tick(10);
    progress.update({ type: "advance", phase: "nodes", done: i, total: 100 });
  }
  const draws = out.filter((t) => t.startsWith("\r\x1b[2K") && t.length > 4);
  assert.ok(draws.length >= 5 && draws.length <= 6, `drew ${draws.length} times`);
  assert.ok(out.every((t) => !t.includes("\n")), "no newline while the phase runs");
  progress.update({ type: "end", phase: "nodes", done: 50, total: 50 });
  assert.match(out.at(-1)!, /^nodes 50 done in 0\.5 s\n$/);
});

test("on a terminal a phase shows at its start, and its end replaces the line for good", () => {
  const { out, progress, tick } = reporter(true);
  progress.update({ type: "start", phase: "nodes", done: 0, total: 1207 });
  assert.deepEqual(out, ["\r\x1b[2Knodes 0/1,207 0%"]);
  tick(2000);
  progress.update({ type: "advance", phase: "nodes", done: 1000, total: 1207 });
  assert.equal(out.at(-1), "\r\x1b[2Knodes 1,000/1,207 82% 500/s ETA 0.4 s");
  tick(500);
  progress.update({ type: "end", phase: "nodes", done: 1207, total: 1207 });
  assert.deepEqual(out.slice(-2), ["\r\x1b[2K", "nodes 1,207 done in 2.5 s\n"]);
  const written = out.length;
  tick(1000);
  progress.finish();
  assert.equal(out.length, written, "nothing is redrawn or repeated after the end");
});

test("off a terminal progress prints a plain line every five seconds and one line at each end", () => {
  const { out, progress, tick } = reporter(false);
  progress.update({ type: "start", phase: "nodes", done: 0, total: 1000 });
  for (let i = 1; i <= 12; i++) {
    tick(1000);
    progress.update({ type: "advance", phase: "nodes", done: i * 10, total: 1000 });
  }
  progress.update({ type: "end", phase: "nodes", done: 120, total: 120 });
  progress.update({ type: "start", phase: "relationships", done: 0, total: 5 });
  progress.update({ type: "end", phase: "relationships", done: 5, total: 5 });
  progress.finish();
  assert.deepEqual(out, [
    "nodes 50/1,000 5% 10/s ETA 1 min 35 s\n",
    "nodes 100/1,000 10% 10/s ETA 1 min 30 s\n",
    "nodes 120 done in 12 s\n",
    "relationships 5 done in 0.0 s\n",
  ]);
  assert.ok(out.every((t) => !t.includes("\x1b")), "no escape codes off a terminal");
});

test("a phase's clock runs from its start event to its end event, whatever comes between", () => {
  const { out, progress, tick } = reporter(false);
  progress.update({ type: "start", phase: "schema", done: 0, total: 3 });
  tick(300);
  progress.update({ type: "end", phase: "schema", done: 3, total: 3 });
  tick(700); // between phases: counted in no phase
  progress.update({ type: "start", phase: "nodes", done: 0, total: 1207 });
  tick(4000); // the first advance comes late
  progress.update({ type: "advance", phase: "nodes", done: 1000, total: 1207 });
  tick(1000);
  progress.update({ type: "end", phase: "nodes", done: 1207, total: 1207 });
  tick(2000);
  progress.update({ type: "start", phase: "relationships", done: 0, total: 0 });
  progress.update({ type: "end", phase: "relationships", done: 0, total: 0 });
  progress.finish();
  assert.deepEqual(plainLines(out), [
    "schema 3 done in 0.3 s",
    "nodes 1,207 done in 5.0 s",
    "relationships 0 done in 0.0 s",
  ]);
});

test("a phase's line prints at its end with the end's count, before the next phase starts", () => {
  const { out, progress } = reporter(false);
  progress.update({ type: "start", phase: "nodes", done: 0, total: 2000 });
  progress.update({ type: "advance", phase: "nodes", done: 1000, total: 2000 });
  progress.update({ type: "end", phase: "nodes", done: 1207, total: 2000 });
  assert.deepEqual(plainLines(out), ["nodes 1,207 done in 0.0 s"]);
  assert.equal(progress.counts.get("nodes"), 1207);
});

test("schema and indexes each get their own line with their own count", () => {
  const { out, progress, tick } = reporter(false);
  for (const [phase, done] of [["nodes", 171], ["relationships", 253], ["schema", 5]] as const) {
    progress.update({ type: "start", phase, done: 0, total: done });
    tick(100);
    progress.update({ type: "end", phase, done, total: done });
  }
  progress.update({ type: "start", phase: "indexes", done: 0, total: 2 });
  tick(1500);
  progress.update({ type: "advance", phase: "indexes", done: 1, total: 2 });
  progress.update({ type: "end", phase: "indexes", done: 2, total: 2 });
  progress.finish();
  assert.deepEqual(plainLines(out), [
    "nodes 171 done in 0.1 s",
    "relationships 253 done in 0.1 s",
    "schema 5 done in 0.1 s",
    "indexes 2 done in 1.5 s",
  ]);
  assert.deepEqual([...progress.counts], [
    ["nodes", 171],
    ["relationships", 253],
    ["schema", 5],
    ["indexes", 2],
  ]);
});

test("no phase line is invented or lost when events come out of the contract", () => {
  const { out, progress, tick } = reporter(false);
  // An end without a start still prints, once; late events of an ended phase print nothing.
  progress.update({ type: "end", phase: "schema", done: 2, total: 2 });
  progress.update({ type: "end", phase: "schema", done: 2, total: 2 });
  progress.update({ type: "advance", phase: "schema", done: 2, total: 2 });
  // A phase that starts while another runs closes the running one at its last count.
  progress.update({ type: "start", phase: "nodes", done: 0 });
  tick(500);
  progress.update({ type: "start", phase: "nodes", done: 0 }); // repeated: the clock runs on
  tick(500);
  progress.update({ type: "advance", phase: "nodes", done: 10 });
  progress.update({ type: "start", phase: "relationships", done: 0 });
  tick(1000);
  progress.update({ type: "advance", phase: "relationships", done: 4 });
  // finish() closes a phase that never ended.
  progress.finish();
  progress.finish();
  assert.deepEqual(plainLines(out), [
    "schema 2 done in 0.0 s",
    "nodes 10 done in 1.0 s",
    "relationships 4 done in 1.0 s",
  ]);
  assert.deepEqual([...progress.counts], [["schema", 2], ["nodes", 10], ["relationships", 4]]);
});

test("quiet progress prints nothing but still counts and prints warnings", () => {
  const { out, progress } = reporter(true, true);
  progress.update({ type: "start", phase: "nodes", done: 0 });
  progress.update({ type: "advance", phase: "nodes", done: 10 });
  progress.update({ type: "end", phase: "nodes", done: 12 });
  progress.finish();
  assert.deepEqual(out, []);
  assert.equal(progress.counts.get("nodes"), 12);
  progress.warn("Index 'x' skipped");
  assert.deepEqual(out, ["neo4j-backup: warning: Index 'x' skipped\n"]);
});

test("each warning prints once, clearing the progress line first and redrawing it after", () => {
  const { out, progress } = reporter(true);
  progress.update({ type: "start", phase: "nodes", done: 0 });
  progress.update({ type: "advance", phase: "nodes", done: 1 });
  progress.warn("Value of 'p' on line 3 was rounded");
  progress.warn("Value of 'p' on line 3 was rounded");
  const warnings = out.filter((t) => t.includes("warning:"));
  assert.equal(warnings.length, 1);
  const at = out.indexOf(warnings[0]);
  assert.equal(out[at - 1], "\r\x1b[2K");
  assert.ok(out[at + 1].startsWith("\r\x1b[2Knodes 1"), "the line is drawn again");
});
