/**
 * The Cypher script writer: a backup's records as a `.cypherl` script, one statement per line,
 * that Neo4j (4.4, 5.x, 2025+) or FalkorDB runs line by line. Lines starting with `//` are
 * comments (the script's description and, at the end, its loss report): a runner skips them.
 *
 * The script creates every node with a temporary label and key (its backup id, indexed) so that
 * relationships can find their endpoints; then removes both, in one statement per node batch,
 * drops the temporary index, and creates the backup's indexes and constraints after the data
 * (faster to load, as the import does).
 *
 * @module
 */

import { RefusedError, UsageError } from "../errors.ts";
import type {
  BackupRecord,
  FooterRecord,
  HeaderRecord,
  NodeRecord,
  Properties,
  RelationshipRecord,
  SchemaRecord,
} from "../format/records.ts";
import { clipText, commentText } from "./comment_text.ts";
import { UnwindBatches } from "./cypher_batches.ts";
import { type CypherDialect, cypherValue } from "./cypher_literals.ts";
import { cypherName } from "./cypher_names.ts";
import { neo4jTarget, schemaStatements } from "./cypher_schema.ts";
import { recordSize } from "./cypher_size.ts";
import type { LossReport } from "./loss_report.ts";

/** Options of {@link CypherScriptStream}. */
export interface CypherScriptOptions {
  /** The database that runs the script. */
  dialect: "neo4j" | "falkordb";
  /** The target's version, e.g. `"4.4"`, `"5.26"`, `"2025"`, `"2026"` (Neo4j only). */
  targetVersion: string;
  /** Rows per UNWIND statement (default 1000). */
  batchSize?: number;
  /** Bytes per statement line, however few its rows (default 1 MiB; a larger row stands alone). */
  maxStatementBytes?: number;
  /**
   * The most characters (UTF-16 code units) the statement of one node or relationship may
   * have, escapes included (default {@link MAX_STATEMENT_CHARS}): a record that needs more is
   * refused with a {@link RefusedError} before its statement is built.
   */
  maxStatementChars?: number;
  /**
   * The Neo4j edition of the target (default `"community"`): key, existence and property-type
   * constraints are written for `"enterprise"` only, and reported otherwise.
   */
  edition?: "community" | "enterprise";
}

/**
 * The most characters one record's statement may have by default: 64 Mi, far beyond any
 * statement a server runs well, and well within the longest string JavaScript holds.
 */
export const MAX_STATEMENT_CHARS: number = 64 * 1024 * 1024;

/** The temporary label every node carries while the script runs. */
export const TEMPORARY_LABEL = "__neo4j_backup_node";
/** The temporary key holding each node's backup id while the script runs. */
export const TEMPORARY_KEY = "__neo4j_backup_id";
const TEMPORARY_INDEX = "__neo4j_backup_node_id";

/**
 * Turns backup records into the lines of a Cypher script (UTF-8, each ended by `\n`), and fills
 * `loss` with what the target cannot hold; the loss report is also the script's last lines.
 *
 * Every line is one whole statement or a `//` comment, whatever the backup holds: names and
 * strings write their line breaks as escapes (or, for FalkorDB names, as `_`), and comments
 * escape them too ({@link commentText}). A record whose statement would be longer than
 * `maxStatementChars` fails the stream with a {@link RefusedError}.
 *
 * @example Write a script for a two-node backup
 * ```ts
 * import assert from "node:assert/strict";
 * import { CypherScriptStream } from "./cypher_script.ts";
 * import { LossReport } from "./loss_report.ts";
 * import type { BackupRecord } from "../format/records.ts";
 * const records: BackupRecord[] = [
 *   { kind: "node", id: 0, labels: ["Movie"], props: { title: "The Matrix" } },
 *   { kind: "node", id: 1, labels: ["Person"], props: { name: "Keanu", photo: new Int8Array(1) } },
 *   { kind: "rel", type: "ACTED_IN", start: 1, end: 0, props: {} },
 * ];
 * const loss = new LossReport();
 * const script = ReadableStream.from(records)
 *   .pipeThrough(new CypherScriptStream({ dialect: "neo4j", targetVersion: "5.26" }, loss))
 *   .pipeThrough(new TextDecoderStream());
 * let text = "";
 * for await (const chunk of script) text += chunk;
 * const statements = text.split("\n").filter((l) => l && !l.startsWith("//"));
 * assert.ok(statements.some((s) => s.includes("{i: 0, p: {`title`: 'The Matrix'}}")));
 * assert.ok(text.includes("// loss: Person.photo: ByteArray: left out (1)"));
 * ```
 */
export class CypherScriptStream extends TransformStream<BackupRecord, Uint8Array> {
  /**
   * Starts a script for one dialect and target version.
   *
   * @param options The dialect, target version and batch size.
   * @param loss Receives what the script cannot carry.
   * @throws {UsageError} When the options name no target this writer knows.
   */
  constructor(options: CypherScriptOptions, loss: LossReport) {
    const encoder = new TextEncoder();
    let writer: ScriptWriter;
    super({
      start(controller) {
        writer = new ScriptWriter(options, loss, (line) => {
          controller.enqueue(encoder.encode(line + "\n"));
        });
      },
      transform(record) {
        writer.write(record);
      },
      flush() {
        writer.end();
      },
    });
  }
}

/** The state of one script as its records arrive. */
class ScriptWriter {
  #dialect: CypherDialect;
  #options: CypherScriptOptions;
  #loss: LossReport;
  #emit: (line: string) => void;
  #batches: UnwindBatches;
  #rows: number;
  #header?: HeaderRecord;
  #schema: SchemaRecord[] = [];
  #footer?: FooterRecord;
  #described = false;
  #began = false;
  #relsBegan = false;
  /** Backup-id ranges of the node batches, for the removal of the temporary key. */
  #ranges: [number, number][] = [];
  #chunk: { min: number; max: number; count: number } | undefined;

  constructor(options: CypherScriptOptions, loss: LossReport, emit: (line: string) => void) {
    if (options.dialect !== "neo4j" && options.dialect !== "falkordb") {
      throw new UsageError(
        `Cannot write Cypher for '${options.dialect}': the dialects are neo4j and falkordb`,
      );
    }
    if (options.dialect === "neo4j") neo4jTarget(options.targetVersion, "community");
    this.#rows = options.batchSize ?? 1000;
    if (!Number.isInteger(this.#rows) || this.#rows < 1) {
      throw new UsageError(`Cannot use batch size '${options.batchSize}': give a positive integer`);
    }
    this.#dialect = options.dialect;
    this.#options = options;
    this.#loss = loss;
    this.#emit = emit;
    const bytes = options.maxStatementBytes ?? 1024 * 1024;
    this.#batches = new UnwindBatches(
      { rows: this.#rows, bytes, pendingRows: 10 * this.#rows, pendingBytes: 4 * bytes },
      (line) => this.#emit(line),
    );
  }

  write(record: BackupRecord): void {
    switch (record.kind) {
      case "header":
        this.#header = record;
        return;
      case "index":
      case "constraint":
        this.#schema.push(record);
        return;
      case "node":
        return this.#node(record);
      case "rel":
        return this.#rel(record);
      case "footer":
        this.#footer = record;
    }
  }

  end(): void {
    this.#describe();
    if (this.#began) {
      this.#batches.flush();
      this.#cleanUp();
    }
    const statements = this.#schema.flatMap((r) =>
      schemaStatements(r, this.#target, this.#header?.source.version, this.#loss)
    );
    for (const s of statements) this.#statement(s);
    if (statements.length && this.#dialect === "neo4j") {
      this.#statement("CALL db.awaitIndexes(86400)");
    }
    for (const w of this.#footer?.warnings ?? []) this.#comment(`backup warning: ${clipText(w)}`);
    // The report's lines come escaped for comments already.
    for (const line of this.#loss.lines()) this.#emit(`// loss: ${line}`);
  }

  get #target() {
    const edition = this.#options.edition ?? "community";
    return { dialect: this.#dialect, targetVersion: this.#options.targetVersion, edition };
  }

  #name(name: string, where: string): string {
    return cypherName(name, this.#dialect, (what, action) => this.#loss.add(where, what, action));
  }

  /** The script's first lines: what it is and how to run it. Written once. */
  #describe(): void {
    if (this.#described) return;
    this.#described = true;
    const target = this.#dialect === "neo4j"
      ? `Neo4j ${this.#options.targetVersion} (${this.#options.edition ?? "community"})`
      : "FalkorDB";
    const h = this.#header;
    const from = h
      ? ` from a backup of Neo4j ${h.source.version} (database ${h.source.database}) made ${h.created}`
      : "";
    this.#comment(`neo4j-backup Cypher script for ${target}${from}`);
    this.#comment(
      "One statement per line, each in its own transaction; lines starting with // are comments",
    );
  }

  /** The temporary index, before the first node. */
  #begin(): void {
    this.#describe();
    this.#began = true;
    const label = this.#name(TEMPORARY_LABEL, "*");
    const key = this.#name(TEMPORARY_KEY, "*");
    this.#loss.add(
      `:${TEMPORARY_LABEL}.${TEMPORARY_KEY}`,
      "temporary label and key for matching relationship endpoints",
      this.#dialect === "neo4j"
        ? "removed from every node at the end; their tokens stay in the target (Neo4j cannot drop tokens)"
        : "removed from every node at the end; their names stay in db.labels() and db.propertyKeys()",
    );
    if (this.#dialect === "neo4j") {
      this.#statement(
        `CREATE INDEX ${this.#name(TEMPORARY_INDEX, "*")} IF NOT EXISTS ` +
          `FOR (n:${label}) ON (n.${key})`,
      );
      this.#statement("CALL db.awaitIndexes(300)");
    } else this.#statement(`CREATE INDEX FOR (n:${label}) ON (n.${key})`);
  }

  /** Refuses a record whose statement would be too long, before building any of it. */
  #checkSize(record: NodeRecord | RelationshipRecord): void {
    const max = this.#options.maxStatementChars ?? MAX_STATEMENT_CHARS;
    if (recordSize(record, this.#dialect, false).total <= max) return;
    const { total, largest } = recordSize(record, this.#dialect, true);
    if (total <= max) return;
    const what = record.kind === "node"
      ? `node ${record.id}`
      : `the relationship from node ${record.start} to node ${record.end}`;
    const part = largest.property
      ? `its property '${commentText(clipText(largest.part, 100))}' needs ${largest.size}`
      : `its ${largest.part} need ${largest.size}`;
    const fix = largest.property
      ? `leave the property out with --exclude-properties, or convert --to admin-csv or graphml`
      : `convert --to admin-csv or graphml`;
    throw new RefusedError(
      `Cannot write ${what} as a Cypher statement: ${part} of the ${total} characters it would take, more than the ${max} a statement may have; ${fix}`,
    );
  }

  #node(node: NodeRecord): void {
    this.#checkSize(node);
    if (!this.#began) this.#begin();
    const where = node.labels.length ? node.labels.join(":") : "(no labels)";
    const labels = node.labels.map((l) => ":" + this.#name(l, where)).join("");
    const label = this.#name(TEMPORARY_LABEL, "*");
    const key = this.#name(TEMPORARY_KEY, "*");
    const tail = `CREATE (n:${label}${labels} {${key}: row.i}) SET n += row.p;`;
    this.#batches.add(tail, `{i: ${node.id}, p: ${this.#props(node.props, where)}}`);
    this.#track(node.id);
  }

  #rel(rel: RelationshipRecord): void {
    this.#checkSize(rel);
    if (!this.#began) this.#begin();
    if (!this.#relsBegan) {
      this.#relsBegan = true;
      this.#batches.flush();
    }
    const label = this.#name(TEMPORARY_LABEL, "*");
    const key = this.#name(TEMPORARY_KEY, "*");
    const tail = `MATCH (a:${label} {${key}: row.s}), (b:${label} {${key}: row.e}) ` +
      `CREATE (a)-[r:${this.#name(rel.type, rel.type)}]->(b) SET r += row.p;`;
    this.#batches.add(
      tail,
      `{s: ${rel.start}, e: ${rel.end}, p: ${this.#props(rel.props, rel.type)}}`,
    );
  }

  #props(props: Properties, where: string): string {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(props)) {
      const at = `${where}.${k}`;
      const text = cypherValue(
        v,
        this.#dialect,
        (what, action) => this.#loss.add(at, what, action),
      );
      if (text !== undefined) parts.push(`${this.#name(k, at)}: ${text}`);
    }
    return `{${parts.join(", ")}}`;
  }

  /** Widens the current id range; closes it after a batch's worth of nodes. */
  #track(id: number): void {
    const c = this.#chunk ??= { min: id, max: id, count: 0 };
    c.min = Math.min(c.min, id);
    c.max = Math.max(c.max, id);
    if (++c.count < this.#rows) return;
    this.#ranges.push([c.min, c.max]);
    this.#chunk = undefined;
  }

  /** Removes the temporary label and key, range by range, and drops their index. */
  #cleanUp(): void {
    if (this.#chunk) this.#ranges.push([this.#chunk.min, this.#chunk.max]);
    this.#chunk = undefined;
    const label = this.#name(TEMPORARY_LABEL, "*");
    const key = this.#name(TEMPORARY_KEY, "*");
    for (const [min, max] of this.#ranges) {
      this.#statement(
        `MATCH (n:${label}) WHERE n.${key} >= ${min} AND n.${key} <= ${max} ` +
          `REMOVE n:${label}, n.${key}`,
      );
    }
    this.#statement(
      this.#dialect === "neo4j"
        ? `DROP INDEX ${this.#name(TEMPORARY_INDEX, "*")}`
        : `DROP INDEX ON :${label}(${key})`,
    );
  }

  #statement(text: string): void {
    this.#emit(text.endsWith(";") ? text : text + ";");
  }

  #comment(text: string): void {
    this.#emit("// " + commentText(text));
  }
}
