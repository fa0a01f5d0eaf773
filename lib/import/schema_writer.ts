/**
 * The schema part of an import: each index and constraint record planned for the target and
 * created, skipped when the target cannot express it, retried on transient errors; then the
 * wait for the created indexes to come online.
 *
 * @module
 */

import type { Session } from "neo4j-driver";
import { BackupError, DatabaseError } from "../errors.ts";
import type { HeaderRecord, SchemaRecord } from "../format/records.ts";
import { quote, schemaNameKept } from "../neo4j/cypher.ts";
import { classifyError, schemaFailure, summaryLine } from "../neo4j/driver_errors.ts";
import { describeSchema, planSchema } from "../neo4j/schema.ts";
import type { ServerInfo } from "../neo4j/server.ts";
import { abortable, sleep, throwIfAborted } from "../pipeline/abort.ts";
import { PhaseProgress } from "../pipeline/phase_progress.ts";
import type { ProgressEvent } from "../pipeline/progress_event.ts";

/** A schema item the target could not take whole: not created, or created without some parts. */
export interface SkippedSchema {
  /** The index or constraint name. */
  name: string;
  /** Why, in words for the user. */
  reason: string;
  /**
   * True when the item was created, only without what the reason names (an index provider or
   * settings the target does not have): such items are listed in
   * `ImportSummary.createdWithChanges`, never in `ImportSummary.skipped`.
   */
  partial?: boolean;
}

/**
 * What an import does with one schema item on its target, decided before anything runs: the
 * same decision for {@link SchemaWriter.apply} and for a dry run.
 */
export interface SchemaItemPlan {
  /** The index or constraint name. */
  name: string;
  /** The item in words, e.g. `RANGE index 'by_name' on :\`Person\``. */
  item: string;
  /**
   * `create`: created as it is; `change`: created without some parts (`reason` says which);
   * `skip`: not created (`reason` says why); `exists`: a lookup index the target has already
   * under this name.
   */
  action: "create" | "change" | "skip" | "exists";
  /** Why the item is changed or skipped. */
  reason?: string;
  /** The statement that creates it (`create` and `change`). */
  statement?: string;
  /** The target's lookup index of the same entity that is dropped first, when it has another name. */
  replaces?: string;
}

/**
 * Plans one schema item for a target, without touching it. A server may still refuse a
 * planned statement when it runs (the writer then skips the item and says why).
 *
 * @param record The schema record from the backup.
 * @param target The target server.
 * @param header The backup's header (its source version matters for 4.4 index types).
 * @param lookups The target's lookup indexes, name by entity (`NODE`, `RELATIONSHIP`).
 * @returns The plan.
 *
 * @example Plan a constraint Community cannot hold
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSchemaItem } from "./schema_writer.ts";
 * const target = { version: "5.26.0", edition: "community", database: "neo4j", major: 5, minor: 26 };
 * const header = { kind: "header", format: "neo4j-backup", version: 1, tool: "t",
 *   created: "2026-01-01T00:00:00.000Z",
 *   source: { version: "5.26.0", edition: "enterprise", database: "neo4j" } } as const;
 * const plan = planSchemaItem({ kind: "constraint", name: "k", type: "NODE_KEY", entity: "NODE",
 *   labelsOrTypes: ["Person"], properties: ["id"], config: {} }, target, header, new Map());
 * assert.equal(plan.action, "skip");
 * ```
 */
export function planSchemaItem(
  record: SchemaRecord,
  target: ServerInfo,
  header: HeaderRecord,
  lookups: ReadonlyMap<string, string>,
): SchemaItemPlan {
  const base = { name: record.name, item: describeSchema(record) };
  const lookup = record.kind === "index" && record.type === "LOOKUP";
  const existing = lookup ? lookups.get(record.entity) : undefined;
  if (existing === record.name) return { ...base, action: "exists" };
  const plan = planSchema(record, target, header.source?.version);
  if ("skip" in plan) return { ...base, action: "skip", reason: plan.skip };
  const replaces = existing !== undefined ? { replaces: existing } : {};
  if (!plan.dropped) return { ...base, action: "create", statement: plan.statement, ...replaces };
  const reason = `Neo4j ${target.version} cannot hold ${plan.dropped.join(", ")}`;
  return { ...base, action: "change", reason, statement: plan.statement, ...replaces };
}

/**
 * Orders schema items as {@link SchemaWriter.apply} creates them: lookup indexes first.
 *
 * @param schema The backup's schema records.
 * @returns The same records, lookup indexes first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { SchemaRecord } from "../format/records.ts";
 * import { schemaOrder } from "./schema_writer.ts";
 * const range: SchemaRecord = { kind: "index", name: "r", type: "RANGE", entity: "NODE",
 *   labelsOrTypes: ["A"], properties: ["x"], config: {} };
 * const lookup: SchemaRecord = { kind: "index", name: "l", type: "LOOKUP", entity: "NODE",
 *   labelsOrTypes: [], properties: [], config: {} };
 * assert.deepEqual(schemaOrder([range, lookup]).map((r) => r.name), ["l", "r"]);
 * ```
 */
export function schemaOrder(schema: readonly SchemaRecord[]): SchemaRecord[] {
  return [...schema.filter(isLookup), ...schema.filter((r) => !isLookup(r))];
}

function isLookup(record: SchemaRecord): boolean {
  return record.kind === "index" && record.type === "LOOKUP";
}

/**
 * Reads the target's lookup indexes: name by entity type.
 *
 * @param session A session on the target database.
 * @returns E.g. `Map { "NODE" => "index_343aff4e" }`.
 *
 * @example
 * ```ts ignore
 * const lookups = await lookupIndexes(session);
 * console.log(lookups.get("NODE"));
 * ```
 */
export async function lookupIndexes(session: Session): Promise<Map<string, string>> {
  const result = await session.run(
    "SHOW INDEXES YIELD name, type, entityType WHERE type = 'LOOKUP' RETURN name, entityType",
  );
  return new Map(result.records.map((r) => [String(r.get("entityType")), String(r.get("name"))]));
}

/** What a {@link SchemaWriter} needs besides its session. */
export interface SchemaWriterOptions {
  /** The target server. */
  target: ServerInfo;
  /** The backup's header (its source version matters for 4.4 index types). */
  header: HeaderRecord;
  /** Seconds to wait for the created indexes to come online. */
  indexTimeoutSeconds: number;
  /** Pauses before each retry of a statement that met a transient error (default 0.2, 1 and 5 s). */
  retryDelays?: readonly number[];
  /** Stops the writer between statements and while it waits. */
  signal?: AbortSignal;
  /** Receives the `schema` and `indexes` phases. */
  onProgress?: (event: ProgressEvent) => void;
  /** Receives one line per item skipped or created with changes. */
  onWarning?: (message: string) => void;
  /** Items a resumed import created already: counted as created, not run again. */
  done?: ReadonlySet<string>;
  /** Called after each item is created (the journal records it). */
  onCreated?: (name: string) => Promise<void> | void;
}

/** Pauses before the retries of a statement that met a transient error (deadlock, lock wait). */
const RETRY_DELAYS: readonly number[] = [200, 1_000, 5_000];

/**
 * Creates a backup's schema on the target. Its lists and counts are always what the target
 * holds, also when it throws.
 *
 * @example Apply the schema records after the data
 * ```ts ignore
 * const writer = new SchemaWriter(session, { target, header, indexTimeoutSeconds: 3600 });
 * await writer.apply(schema);
 * console.log(writer.created, writer.skipped, writer.createdWithChanges);
 * ```
 */
export class SchemaWriter {
  /** Items that exist on the target: created (with or without changes) or already there. */
  created = 0;
  /** Items created without some of their parts (also counted in `created`). */
  createdWithChanges: SkippedSchema[] = [];
  /** Items not created. */
  skipped: SkippedSchema[] = [];
  #session: Session;
  #options: SchemaWriterOptions;
  /** Indexes created by a statement, whose population {@link SchemaWriter.apply} awaits. */
  #populating = 0;

  /**
   * Prepares a writer; nothing is written until {@link SchemaWriter.apply}.
   *
   * @param session A write session on the target database.
   * @param options Target, header, timeouts, signal, progress and warnings.
   */
  constructor(session: Session, options: SchemaWriterOptions) {
    this.#session = session;
    this.#options = options;
  }

  /**
   * Creates the items (lookup indexes first, online before the others: other indexes populate
   * from them, and 4.4 fails an index whose population loses its lookup index to a DROP), then
   * waits for the created indexes. Reports the `schema` phase (items created) and the
   * `indexes` phase (indexes whose population it waits for).
   *
   * @param schema The backup's schema records.
   * @returns Resolves when every item is created or skipped and the indexes are online.
   * @throws {BackupError} A member of the error family when a statement fails for a reason
   *   other than the target's abilities.
   */
  async apply(schema: SchemaRecord[]): Promise<void> {
    if (schema.length === 0) return;
    const phase = new PhaseProgress("schema", schema.length, this.#options.onProgress);
    const lookups = await lookupIndexes(this.#session);
    let replaced = false;
    for (const record of schemaOrder(schema)) {
      throwIfAborted(this.#options.signal);
      if (this.#options.done?.has(record.name)) {
        this.created++;
        if (record.kind === "index") this.#populating++;
        phase.advance(this.created);
        continue;
      }
      if (replaced && !isLookup(record)) {
        replaced = false;
        await this.#awaitIndexes();
      }
      const plan = planSchemaItem(record, this.#options.target, this.#options.header, lookups);
      if (plan.action === "exists") {
        this.created++;
        phase.advance(this.created);
        continue;
      }
      if (isLookup(record)) {
        if (plan.replaces !== undefined) {
          await this.#run(`DROP INDEX ${quote(plan.replaces)}`, record);
        }
        replaced = true;
      }
      if (await this.#create(record, plan)) {
        await this.#options.onCreated?.(record.name);
        phase.advance(this.created);
      }
    }
    phase.end(this.created, schema.length);
    if (this.#populating === 0) return;
    const indexes = new PhaseProgress("indexes", this.#populating, this.#options.onProgress);
    await this.#awaitIndexes();
    indexes.end(this.#populating);
  }

  /** Plans and runs one item; returns whether it now exists on the target. */
  async #create(record: SchemaRecord, plan: SchemaItemPlan): Promise<boolean> {
    const { onWarning } = this.#options;
    const reason = plan.statement === undefined
      ? plan.reason
      : await this.#run(plan.statement, record);
    if (reason !== undefined) {
      this.skipped.push({ name: record.name, reason });
      onWarning?.(`Skipped ${plan.item}: ${reason}`);
      return false;
    }
    this.created++;
    // Constraints populate their index as they are created; indexes populate afterwards.
    if (record.kind === "index") this.#populating++;
    if (plan.action === "change") {
      const partial = plan.reason!;
      this.createdWithChanges.push({ name: record.name, reason: partial, partial: true });
      onWarning?.(`Created ${plan.item} without some options: ${partial}`);
    }
    const kept = schemaNameKept(record.name);
    if (kept !== record.name) {
      const reason = `named '${kept}': Neo4j trims spaces and control characters at either end`;
      this.createdWithChanges.push({ name: record.name, reason, partial: true });
      onWarning?.(`Created ${plan.item} ${reason}`);
    }
    return true;
  }

  /**
   * Runs a schema statement: `undefined` when it ran, the reason when the target cannot
   * express it; retries transient errors; throws anything else as a member of the error family.
   */
  async #run(statement: string, record: SchemaRecord): Promise<string | undefined> {
    const delays = this.#options.retryDelays ?? RETRY_DELAYS;
    for (let attempt = 0;; attempt++) {
      try {
        await abortable(this.#session.run(statement), this.#options.signal);
        return undefined;
      } catch (e) {
        if (e instanceof BackupError) throw e;
        const kind = schemaFailure(e);
        if (kind === "skip") return `the target refused it: ${summaryLine(e)}`;
        if (kind === "retry" && attempt < delays.length) {
          await sleep(delays[attempt], this.#options.signal);
          continue;
        }
        throw this.#failure(e, record);
      }
    }
  }

  #failure(error: unknown, record: SchemaRecord): BackupError {
    const database = this.#options.target.database;
    const base = classifyError(error, { database, connected: true });
    const what = `Cannot create ${describeSchema(record)}`;
    if (base instanceof DatabaseError) {
      return new DatabaseError(`${what}: ${base.message}`, { cause: error });
    }
    return base;
  }

  async #awaitIndexes(): Promise<void> {
    const t = BigInt(this.#options.indexTimeoutSeconds);
    await abortable(this.#session.run("CALL db.awaitIndexes($t)", { t }), this.#options.signal);
  }
}
