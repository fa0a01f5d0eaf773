import { test } from "node:test";
import assert from "node:assert/strict";
import { SettleGate } from "./parallel_settle.ts";

test("SettleGate holds new transactions until the unknown ones are decided", async () => {
  const asked: number[][] = [];
  let release!: () => void;
  const gate = new SettleGate<number>(async (batches) => {
    asked.push(batches);
    await new Promise<void>((r) => release = r);
    return batches.map((b) => b % 2 === 0);
  });
  await gate.enter();
  await gate.enter();
  await gate.enter();
  const one = gate.decide(1);
  const two = gate.decide(2);
  let entered = false;
  const later = gate.enter().then(() => entered = true);
  gate.leave(); // the last one in flight ends: the decision starts
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(asked, [[1, 2]], "decided once, together, after the others ended");
  assert.equal(entered, false, "a transaction began while a decision was pending");
  release();
  assert.equal(await one, false);
  assert.equal(await two, true);
  await later;
  assert.equal(gate.active, 1);
});

test("SettleGate refuses new transactions after a decision failed", async () => {
  const gate = new SettleGate<number>(() => Promise.reject(new Error("refused")));
  await gate.enter();
  await assert.rejects(gate.decide(1), /refused/);
  await assert.rejects(gate.enter(), /refused/);
});
