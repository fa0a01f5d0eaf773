import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { exportBackup, exportRecords } from "./export.ts";

// The options are checked before the driver is touched, so no server is needed.
const noDriver = {} as Parameters<typeof exportBackup>[0];

test("a chunk size outside 1 to 20,000 is a usage error, before anything is read", () => {
  for (const chunkSize of [0, -1, 1.5, 20_001]) {
    assert.throws(() => exportBackup(noDriver, { chunkSize }), UsageError, `${chunkSize}`);
    assert.throws(() => exportRecords(noDriver, { chunkSize }), UsageError, `${chunkSize}`);
  }
});

test("jobs outside 1 to 16 is a usage error, before anything is read", () => {
  for (const jobs of [0, 17, 2.5]) {
    assert.throws(() => exportBackup(noDriver, { jobs }), /Invalid jobs/, `${jobs}`);
  }
});
