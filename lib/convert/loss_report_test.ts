import { test } from "node:test";
import assert from "node:assert/strict";
import { LossReport, lossReportText, MAX_LOSS_ENTRIES } from "./loss_report.ts";

test("LossReport escapes its lines, so a name cannot add a line to a report or a comment", () => {
  const loss = new LossReport();
  loss.add("L\nfake: entry (1)", "what\u2028", "action\u001b[2J");
  assert.deepEqual(loss.lines(), ["L\\nfake: entry (1): what\\x{2028}: action\\x{1B}[2J (1)"]);
  assert.equal(lossReportText(loss, "cypher").split("\n").length, 3);
  assert.equal(loss.entries()[0].where, "L\nfake: entry (1)");
});

test("LossReport keeps its size bounded: long names clipped, kinds past the limit counted together", () => {
  const loss = new LossReport();
  const long = "k".repeat(50_000_000);
  loss.add(long, "ByteArray", "left out");
  loss.add(long, "ByteArray", "left out");
  assert.equal(loss.entries()[0].count, 2);
  assert.ok(loss.entries()[0].where.length < 1100);
  for (let i = 0; i < MAX_LOSS_ENTRIES + 5; i++) loss.add(`L${i}.k`, "ByteArray", "left out");
  const entries = loss.entries();
  assert.equal(entries.length, MAX_LOSS_ENTRIES + 1);
  assert.deepEqual(entries.at(-1), {
    where: "*",
    what: "other losses",
    action: `not listed (the report lists ${MAX_LOSS_ENTRIES} kinds)`,
    count: 6,
  });
});
