/**
 * A tiny run of the benchmark (bench/bench.ts) against real servers: it must complete and
 * produce its tables. No timing is asserted: timings belong in docs/BENCHMARKS.md.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_OPTIONS, renderResults, runBench } from "../bench/bench.ts";

test(
  "the benchmark completes a tiny run and renders its tables",
  { timeout: 900_000 },
  async () => {
    const report = await runBench({
      ...DEFAULT_OPTIONS,
      nodes: 2000,
      memorySizes: [1000, 2000],
      batchSizes: [1000],
      fetchSizes: [1000],
      heap: "768m",
      log: () => {},
    });
    const t = report.throughput;
    assert.equal(t.nodes, 2000);
    assert.equal(t.relationships, 10_000);
    for (const run of [...t.reads, ...t.exports, ...t.writes, ...t.imports]) {
      assert.deepEqual(
        [run.nodes, run.relationships],
        [2000, 10_000],
        `${run.task} saw every entity`,
      );
      assert.ok(run.seconds > 0 && run.peakRss > 0, `${run.task} was measured`);
    }
    assert.ok((t.exports[0].bytes ?? 0) > 0, "the export wrote a backup");
    const text = renderResults(report, "deno task bench --nodes 2000");
    for (const row of ["Raw read ceiling", "Export", "Raw write ceiling", "Import", "Peak RSS"]) {
      assert.match(text, new RegExp(row), `the results show '${row}'`);
    }
  },
);
