/**
 * The records of a backup: the vocabulary of the format. A backup is a sequence of these,
 * one per line: a header, schema items, nodes, relationships and a footer (see docs/FORMAT.md).
 *
 * Property values use the neo4j-driver types as the driver returns them with `useBigInt: true`
 * (integers as `bigint`, temporal and spatial values as driver classes with `bigint` fields,
 * byte arrays as `Int8Array`). Encoders also accept the driver's `Integer` for integers; a JS
 * `number` property is always a Float. Decoders always produce the `bigint` forms.
 *
 * @module
 */

/** The value of the format field in every header. */
export const FORMAT_NAME = "neo4j-backup";

/** The format version this code writes; readers accept versions up to this one. */
export const FORMAT_VERSION = 1;

/**
 * The driver's `Integer` class (`neo4j.int(...)`), by the part of its shape this library uses.
 * Declared by shape, like the temporal and spatial values below, so that the API does not
 * publish the driver's own types; the values are instances of the driver's classes.
 */
export interface IntegerValue {
  /** The low 32 bits. */
  readonly low: number;
  /** The high 32 bits. */
  readonly high: number;
  /** The integer as a `bigint`. */
  toBigInt(): bigint;
  /** The integer as a `number` (exact only within the safe range). */
  toNumber(): number;
}

/** A Neo4j Date: an instance of the driver's `neo4j.types.Date`. */
export interface DateValue {
  /** The year. */
  readonly year: bigint;
  /** The month, 1 to 12. */
  readonly month: bigint;
  /** The day of the month, 1 to 31. */
  readonly day: bigint;
}

/** A Neo4j LocalTime: an instance of the driver's `neo4j.types.LocalTime`. */
export interface LocalTimeValue {
  /** The hour, 0 to 23. */
  readonly hour: bigint;
  /** The minute, 0 to 59. */
  readonly minute: bigint;
  /** The second, 0 to 59. */
  readonly second: bigint;
  /** The nanosecond, 0 to 999,999,999. */
  readonly nanosecond: bigint;
}

/** A Neo4j Time (with an offset): an instance of the driver's `neo4j.types.Time`. */
export interface TimeValue extends LocalTimeValue {
  /** The offset from UTC in seconds. */
  readonly timeZoneOffsetSeconds: bigint;
}

/** A Neo4j LocalDateTime: an instance of the driver's `neo4j.types.LocalDateTime`. */
export interface LocalDateTimeValue extends DateValue, LocalTimeValue {}

/**
 * A Neo4j DateTime, with an offset or a named zone (or both): an instance of the driver's
 * `neo4j.types.DateTime`.
 */
export interface DateTimeValue extends LocalDateTimeValue {
  /** The offset from UTC in seconds, when known. */
  readonly timeZoneOffsetSeconds?: bigint;
  /** The IANA zone name, when the value has one. */
  readonly timeZoneId?: string;
}

/** A Neo4j Duration: an instance of the driver's `neo4j.types.Duration`. */
export interface DurationValue {
  /** Months. */
  readonly months: bigint;
  /** Days. */
  readonly days: bigint;
  /** Seconds. */
  readonly seconds: bigint;
  /** Nanoseconds, 0 to 999,999,999. */
  readonly nanoseconds: bigint;
}

/** A Neo4j Point: an instance of the driver's `neo4j.types.Point`. */
export interface PointValue {
  /** The coordinate reference system (4326, 4979, 7203 or 9157). */
  readonly srid: bigint;
  /** The x coordinate (longitude). */
  readonly x: number;
  /** The y coordinate (latitude). */
  readonly y: number;
  /** The z coordinate (height), for 3D points. */
  readonly z?: number;
}

/** A single (non-list) property value. */
export type ScalarValue =
  | bigint
  | IntegerValue
  | number
  | string
  | boolean
  | Int8Array
  | Uint8Array
  | DateValue
  | LocalTimeValue
  | TimeValue
  | LocalDateTimeValue
  | DateTimeValue
  | DurationValue
  | PointValue;

/** A property value: a scalar or a homogeneous list of scalars. Nulls are never stored. */
export type PropertyValue = ScalarValue | ScalarValue[];

/** The properties of a node or relationship. */
export type Properties = Record<string, PropertyValue>;

/** The first record: what wrote the backup, when, and from where. */
export interface HeaderRecord {
  /** Always `"header"`. */
  kind: "header";
  /** Always {@link FORMAT_NAME}. */
  format: typeof FORMAT_NAME;
  /** The format version, {@link FORMAT_VERSION} when written by this code. */
  version: number;
  /** The writing tool and its version, e.g. `"neo4j-backup 0.1.0"`. */
  tool: string;
  /** ISO 8601 UTC time the backup started. */
  created: string;
  /** The source server. */
  source: {
    /** Neo4j version, e.g. `"5.26.29"`. */
    version: string;
    /** `"community"` or `"enterprise"`. */
    edition: string;
    /** The database the backup was read from. */
    database: string;
  };
  /**
   * The source's node and relationship counts when the export began (from the count store),
   * so that a reader can show progress and an ETA; the footer has the exact counts.
   */
  counts?: { nodes: number; relationships: number };
}

/** Whether a schema item applies to nodes or to relationships. */
export type EntityType = "NODE" | "RELATIONSHIP";

/** An index, as the source's `SHOW INDEXES` described it (constraint-owned indexes excluded). */
export interface IndexRecord {
  /** Always `"index"`. */
  kind: "index";
  /** The index name, kept on restore. */
  name: string;
  /** `RANGE`, `TEXT`, `POINT`, `FULLTEXT`, `VECTOR`, `LOOKUP` or (4.4) `BTREE`. */
  type: string;
  /** Whether the index is on nodes or relationships. */
  entity: EntityType;
  /** Labels or relationship types; empty for LOOKUP indexes. */
  labelsOrTypes: string[];
  /** Indexed property keys; empty for LOOKUP indexes. */
  properties: string[];
  /** The index provider, e.g. `"range-1.0"`, when the server reported one. */
  provider?: string;
  /** The index configuration (`OPTIONS {indexConfig: ...}`), typed values. */
  config: Properties;
  /** The source's own `createStatement`, kept for reference and same-version replay. */
  statement?: string;
}

/** A constraint, as the source's `SHOW CONSTRAINTS` described it. */
export interface ConstraintRecord {
  /** Always `"constraint"`. */
  kind: "constraint";
  /** The constraint name, kept on restore. */
  name: string;
  /**
   * Normalised constraint type: `UNIQUENESS`, `RELATIONSHIP_UNIQUENESS`, `NODE_KEY`,
   * `RELATIONSHIP_KEY`, `NODE_PROPERTY_EXISTENCE`, `RELATIONSHIP_PROPERTY_EXISTENCE`,
   * `NODE_PROPERTY_TYPE`, `RELATIONSHIP_PROPERTY_TYPE`.
   */
  type: string;
  /** Whether the constraint is on nodes or relationships. */
  entity: EntityType;
  /** The constrained labels or relationship types. */
  labelsOrTypes: string[];
  /** The constrained property keys. */
  properties: string[];
  /** For property-type constraints: the Cypher type, e.g. `"INTEGER"` or `"LIST<STRING NOT NULL>"`. */
  propertyType?: string;
  /** The provider of the owned index, when there is one. */
  provider?: string;
  /** The configuration of the owned index, typed values. */
  config: Properties;
  /** The source's own `createStatement`. */
  statement?: string;
}

/** A schema item. */
export type SchemaRecord = IndexRecord | ConstraintRecord;

/** A node. `id` is the source's internal id: unique within the backup, meaningless elsewhere. */
export interface NodeRecord {
  /** Always `"node"`. */
  kind: "node";
  /** The node's id in the backup (the source's internal id). */
  id: number;
  /** The node's labels, possibly none. */
  labels: string[];
  /** The node's properties, typed. */
  props: Properties;
}

/** A relationship between two nodes of the same backup, by their backup ids. */
export interface RelationshipRecord {
  /** Always `"rel"`. */
  kind: "rel";
  /** The relationship type. */
  type: string;
  /** The backup id of the start node. */
  start: number;
  /** The backup id of the end node. */
  end: number;
  /** The relationship's properties, typed. */
  props: Properties;
}

/** The last record: counts and a checksum over every line before it. */
export interface FooterRecord {
  /** Always `"footer"`. */
  kind: "footer";
  /** Number of node records. */
  nodes: number;
  /** Number of relationship records. */
  relationships: number;
  /** Number of schema records (indexes + constraints). */
  schema: number;
  /** Lower-case hex SHA-256 of all bytes before the footer line, newlines included. */
  sha256: string;
  /**
   * What the user should know about the backup, when anything: e.g. that the database changed
   * while it was exported, so that the backup is not a copy of one moment.
   */
  warnings?: string[];
}

/** Any record of a backup. */
export type BackupRecord =
  | HeaderRecord
  | IndexRecord
  | ConstraintRecord
  | NodeRecord
  | RelationshipRecord
  | FooterRecord;

/** The records a producer hands to the encoder: everything but the footer, which it computes. */
export type BodyRecord = Exclude<BackupRecord, FooterRecord>;
