/**
 * The driver's integers as JS numbers. The driver hands integers over as its `Integer` class, as
 * `bigint` (`useBigInt`) or as `number` (`disableLosslessIntegers`), depending on how it was made.
 *
 * @module
 */

import type { Integer } from "neo4j-driver";

/**
 * A driver integer (`bigint`, `Integer` or number) as a JS number.
 *
 * @param v A count or an id as the driver returned it.
 * @returns The same integer as a number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import neo4j from "neo4j-driver";
 * import { toNumber } from "./integers.ts";
 * assert.equal(toNumber(neo4j.int(42)), 42);
 * assert.equal(toNumber(42n), 42);
 * ```
 */
export function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return (v as Integer).toNumber();
}
