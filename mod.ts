/**
 * neo4j-backup: back up a live Neo4j database to a human-readable, compressed file and restore it
 * into another Neo4j, through plain Cypher over Bolt. No APOC, no Enterprise edition, no file
 * access to the server. Lossless for every property type; streaming end to end.
 *
 * A backup is a `ReadableStream<Uint8Array>` (gzip-compressed JSON Lines, see docs/FORMAT.md);
 * the records inside are available as streams too, so a backup can be inspected, filtered or
 * piped straight from one database into another.
 *
 * @example Back up one database and restore it into another
 * ```ts ignore
 * import neo4j from "neo4j-driver";
 * import { exportBackup, importBackup } from "@neo4j-backup/neo4j-backup";
 *
 * const auth = neo4j.auth.basic("neo4j", "secret");
 * const source = neo4j.driver("neo4j://old-server:7687", auth);
 * const target = neo4j.driver("neo4j://new-server:7687", auth);
 *
 * // To a file and back (Deno): a backup is just bytes.
 * await exportBackup(source).pipeTo((await Deno.create("graph.jsonl.gz")).writable);
 * const summary = await importBackup(target, (await Deno.open("graph.jsonl.gz")).readable);
 * console.log(`${summary.nodes} nodes, ${summary.relationships} relationships`);
 *
 * await source.close();
 * await target.close();
 * ```
 *
 * @module
 */

export {
  AuthenticationError,
  BackupError,
  ConnectionError,
  DatabaseError,
  FileError,
  FormatError,
  RefusedError,
  UsageError,
} from "./lib/errors.ts";
export {
  type BackupRecord,
  type BodyRecord,
  type ConstraintRecord,
  type DateTimeValue,
  type DateValue,
  type DurationValue,
  type EntityType,
  type FooterRecord,
  FORMAT_NAME,
  FORMAT_VERSION,
  type HeaderRecord,
  type IndexRecord,
  type IntegerValue,
  type LocalDateTimeValue,
  type LocalTimeValue,
  type NodeRecord,
  type PointValue,
  type Properties,
  type PropertyValue,
  type RelationshipRecord,
  type ScalarValue,
  type SchemaRecord,
  type TimeValue,
} from "./lib/format/records.ts";
export { decodeValue, encodeValue, type JsonValue } from "./lib/format/values.ts";
export {
  encodeBackup,
  type EncodeBackupOptions,
  EncoderStream,
  type EncoderStreamOptions,
} from "./lib/format/encoder_stream.ts";
export {
  decodeBackup,
  DecoderStream,
  type DecoderStreamOptions,
} from "./lib/format/decoder_stream.ts";
export { DEFAULT_COMPRESSION_LEVEL, GzipStream } from "./lib/format/gzip_stream.ts";
export type { ProgressEvent, ProgressPhase } from "./lib/pipeline/progress_event.ts";
export { exportBackup, type ExportOptions, exportRecords } from "./lib/export/export.ts";
export {
  type CleanSummary,
  importBackup,
  type ImportOptions,
  importRecords,
  type ImportSummary,
  type PartialImport,
  type PartialImportError,
  partialImportOf,
  type SkippedSchema,
  type TargetContents,
} from "./lib/import/import.ts";
export type { RetryInfo } from "./lib/pipeline/retry.ts";
export { type LossEntry, LossReport, lossReportText } from "./lib/convert/loss_report.ts";
export {
  type AdminCsvOptions,
  type AdminCsvResult,
  writeAdminCsv,
} from "./lib/convert/admin_csv.ts";
export { type CypherScriptOptions, CypherScriptStream } from "./lib/convert/cypher_script.ts";
export { type GraphmlOptions, type GraphmlResult, writeGraphml } from "./lib/convert/graphml.ts";
export {
  emptySummary,
  type FilterSummary,
  isEmptyFilter,
  leftOutSentence,
  type PropertyExclusion,
  type RecordFilter,
  RecordSelector,
  type Stripped,
} from "./lib/pipeline/filter.ts";
export { FilterStream } from "./lib/pipeline/filter_stream.ts";
export type {
  BackupContents,
  LabelContents,
  LabelSetContents,
  PatternContents,
  PropertyKeyContents,
  SchemaItemContents,
  TypeContents,
} from "./lib/list/contents.ts";
export { valueTypeName } from "./lib/list/property_tally.ts";
export { BackupTally, tallyBackup, type TallyOptions } from "./lib/list/tally.ts";
export type { Neo4jDriver } from "./lib/neo4j/driver.ts";
export { type ServerInfo, serverInfo } from "./lib/neo4j/server.ts";
export { Extractor, type ExtractorOptions } from "./lib/compat/extractor.ts";
export { Importer, type ImporterOptions } from "./lib/compat/importer.ts";
export {
  isLegacyBackup,
  type LegacyReadOptions,
  readLegacyBackup,
} from "./lib/compat/legacy_reader.ts";
export { VERSION } from "./lib/version.ts";
