/**
 * Typed property values <-> JSON: the only place that knows the type tags of the format
 * (`$int`, `$float`, `$bytes`, `$date`, `$localtime`, `$time`, `$localdatetime`, `$datetime`,
 * `$duration`, `$point`; see docs/FORMAT.md).
 *
 * Neo4j property values can never be maps, so a JSON object in value position is always a type
 * tag and strings are never escaped.
 *
 * The encoder is in `value_encoder.ts`, the decoder in `value_decoder.ts`, the text of temporal
 * values in `temporal_text.ts` and what they share in `value_common.ts`; this module gathers
 * their public names.
 *
 * @example Round-trip a node's properties
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeProperties, encodeProperties } from "./values.ts";
 * const json = JSON.parse(JSON.stringify(encodeProperties({ released: 1999n, rating: 8.7 })));
 * assert.deepEqual(decodeProperties(json), { released: 1999n, rating: 8.7 });
 * ```
 *
 * @module
 */

export type { JsonValue } from "./value_common.ts";
export { encodeProperties, encodeValue } from "./value_encoder.ts";
export { decodeProperties, decodeValue } from "./value_decoder.ts";
