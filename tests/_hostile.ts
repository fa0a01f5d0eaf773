/**
 * Hostile graphs for the generated conversion test (tests/hostile_convert_test.ts): a seeded
 * generator of names and values made of quotes, backticks, line breaks, comment starts, `;`,
 * `$`, control characters, lone surrogates, XML specials, CSV delimiters and long strings; the
 * statement splitting of cypher-shell and the one-statement-per-line rule; and exact comparisons
 * of a target database with the source graph, but for what a loss report lists.
 *
 * Nothing here uses the converters' own escaping: the comparisons on Neo4j are built from
 * literals that spell every character but letters and digits as an escape.
 *
 * @module
 */

import process from "node:process";
import type { Driver } from "neo4j-driver";
import type { LossEntry } from "../lib/convert/loss_report.ts";
import type { BodyRecord, ConstraintRecord, SchemaRecord } from "../lib/format/records.ts";
import { cypher } from "./_server.ts";
import { prng } from "../scripts/prng.ts";

/** The seed used when `HOSTILE_SEED` is not set. */
export const DEFAULT_SEED = 19;

/** The seed of this run: `HOSTILE_SEED` (an integer) or {@link DEFAULT_SEED}. */
export function hostileSeed(): number {
  const text = process.env.HOSTILE_SEED;
  if (text === undefined || text === "") return DEFAULT_SEED;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`HOSTILE_SEED '${text}' is not an integer`);
  return seed;
}

/** A property value of a hostile graph: strings, lists of strings, and the `hid` integers. */
export type HostileValue = string | string[] | bigint;

/** The properties of a hostile entity; every entity has `hid`, its identity in comparisons. */
export type HostileProps = Record<string, HostileValue>;

/** A node of a hostile graph. */
export interface HostileNode {
  id: number;
  labels: string[];
  props: HostileProps;
}

/** A relationship of a hostile graph, between node ids. */
export interface HostileRel {
  type: string;
  start: number;
  end: number;
  props: HostileProps;
}

/**
 * A schema item and what a Community 5.26 target must make of it: `created` (it exists, name,
 * labels and properties exact, unless the loss report lists a name the target cannot hold);
 * `refused` (a name in it is one Neo4j refuses: listed in the loss report, and either left out
 * or created with that name changed); `skipped` (the target cannot hold it at all: listed,
 * never created); `lookup` (listed; the target keeps its own lookup indexes).
 */
export interface HostileSchema {
  record: SchemaRecord;
  fate: "created" | "refused" | "skipped" | "lookup";
}

/** A hostile graph with its schema. */
export interface HostileGraph {
  nodes: HostileNode[];
  rels: HostileRel[];
  schema: HostileSchema[];
}

/**
 * Fixed payloads, always present, each as a label, a type, a key, a value and a schema name:
 * statements after line breaks of every kind, quotes and backticks that try to end a name,
 * escapes that a parser may read as quotes, comment starts, cypher-shell commands, XML and CSV
 * specials, terminal escapes and the C0 controls. All are names Neo4j accepts.
 */
export const PAYLOADS: readonly string[] = [
  "x\nMATCH (n) DETACH DELETE n;\n//",
  "x\rCREATE (:PWNED);\r//",
  "x\u2028CREATE (:PWNED);\u2029//\u0085CREATE (:PWNED);",
  "x\u000bCREATE (:PWNED);\u000c\u001c\u001d\u001e//",
  "`) CREATE (:PWNED) //",
  "'; CREATE (:PWNED); //",
  '"; CREATE (:PWNED); //',
  "*/ CREATE (:PWNED); /*",
  "\\u0060) CREATE (:PWNED) //",
  "y\\u000AMATCH (n) DETACH DELETE n;\\u000A//",
  "\\' \\u0027 \\\\ \\",
  "$param ${x} $(id) `id`",
  '<a b="&amp;">]]><!-- -- ---> &#0; <![CDATA[',
  'a,b;c|d"e""f\t',
  "\u001b[31mred\u001b[0m\u0007\u0001\u007f\u0008",
  "\n:exit\n:source /etc/passwd\n",
  "--",
  ";",
  "`",
  "\\",
  "🙂 日本語 \ufeff\ufffe\uffff",
];

/** Fragments of random names and values, all legal in Neo4j names and Bolt strings. */
// deno-fmt-ignore
const FRAGMENTS: readonly string[] = [
  "'", '"', "`", "``", "\\", "\\'", "\\u0060", "\\u0027", "\\u000A", "\n", "\r", "\r\n", "\u2028",
  "\u2029", "\u0085", "\u000b", "\u000c", "//", "/*", "*/", ";", "$", "$x", "${x}", "$(id)",
  "\u0001", "\u0007", "\u001b[2J", "\u001f", "\u007f", "\t", "<", ">", "&", "&amp;", "&#0;", "]]>",
  "<![CDATA[", "<!--", "-->", "--", "---", ",", "|", '""', ":", ".", "{", "}", "(", ")", "[", "]",
  " ", "🙂", "日本", "\ufeff", "\ufffe", "\uffff", "%s", "#", "=", "?", "MATCH (n) DETACH DELETE n;",
  "CREATE (:PWNED);", "\n:exit\n", "\n:source /etc/passwd\n", "plain", "Ü",
];

/**
 * Fragments only a crafted backup holds: NUL (Neo4j refuses it in names) and lone surrogates
 * (Neo4j holds them, but Bolt's UTF-8 cannot carry them, so no export writes them).
 */
const CRAFTED_FRAGMENTS = {
  nul: ["\u0000", "a\u0000"],
  surrogate: ["\ud800", "\udfff", "\udc00\ud800"],
} as const;

/** What a crafted name or value holds that no export writes. */
type Crafted = keyof typeof CRAFTED_FRAGMENTS;

/** Whether a name carries a generator tag (`zq` and digits), unique to it. */
const TAG = /zq\d+/;

class Generator {
  #rand: () => number;
  #tags = 0;
  #used = new Set<string>();

  constructor(seed: number) {
    this.#rand = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.#rand() * n);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  tag(): string {
    return `zq${this.#tags++}`;
  }

  /** A fresh name of 1 to 4 fragments around a unique tag (crafted ones hold a crafted fragment). */
  name(crafted?: Crafted): string {
    for (;;) {
      const parts: string[] = [];
      const count = 1 + this.int(4);
      for (let i = 0; i < count; i++) parts.push(this.pick(FRAGMENTS));
      if (crafted) {
        parts.splice(this.int(parts.length + 1), 0, this.pick(CRAFTED_FRAGMENTS[crafted]));
      }
      parts.splice(this.int(parts.length + 1), 0, this.tag());
      const name = parts.join("");
      if (!this.#used.has(name)) {
        this.#used.add(name);
        return name;
      }
    }
  }

  /** A string value of 0 to 6 fragments. */
  text(crafted?: Crafted): string {
    const parts: string[] = [];
    const count = this.int(7);
    for (let i = 0; i < count; i++) parts.push(this.pick(FRAGMENTS));
    if (crafted) parts.splice(this.int(parts.length + 1), 0, this.pick(CRAFTED_FRAGMENTS[crafted]));
    return parts.join("");
  }

  /** A long string of fragments, about `size` UTF-16 units. */
  long(size: number, crafted?: Crafted): string {
    const parts: string[] = [];
    let length = 0;
    while (length < size) {
      const part = crafted && this.int(8) === 0
        ? this.pick(CRAFTED_FRAGMENTS[crafted])
        : this.pick(FRAGMENTS);
      parts.push(part);
      length += part.length;
    }
    return parts.join("");
  }

  value(crafted?: Crafted): HostileValue {
    if (this.int(3) === 0) {
      const list: string[] = [];
      const count = 1 + this.int(4);
      for (let i = 0; i < count; i++) list.push(this.int(5) === 0 ? "" : this.text(crafted));
      return list;
    }
    return this.text(crafted);
  }
}

/** Sizes of a generated graph. */
const LEGAL_NODES = 26;
const LEGAL_RELS = 20;
const LONG_VALUE = 150_000;

/**
 * The hostile graphs of a seed: `legal`, which a real Neo4j accepts through Bolt (no NUL and
 * no empty name, no lone surrogate), and `crafted`, the same plus nodes, relationships and
 * schema items only a crafted backup can hold (names with NUL, values with lone surrogates,
 * Enterprise-only and unknown schema items, a lookup index named to inject a statement).
 *
 * @param seed The seed.
 * @returns Both graphs; `crafted` extends `legal`.
 */
export function hostileGraphs(seed: number): { legal: HostileGraph; crafted: HostileGraph } {
  const g = new Generator(seed);
  const labels = [...PAYLOADS, ...Array.from({ length: 10 }, () => g.name())];
  labels.push(g.tag() + "x".repeat(300) + g.pick(FRAGMENTS)); // a long name
  const types = [...PAYLOADS, ...Array.from({ length: 4 }, () => g.name())];
  const keys = [...PAYLOADS, ...Array.from({ length: 12 }, () => g.name())];
  const values: HostileValue[] = [...PAYLOADS, ...Array.from({ length: 20 }, () => g.value())];
  values.push(g.long(LONG_VALUE), [g.long(LONG_VALUE / 3), "", g.text()]);

  let labelAt = 0, keyAt = 0, valueAt = 0;
  const props = (hid: number): HostileProps => {
    const out: HostileProps = { hid: BigInt(hid) };
    const count = 1 + g.int(3);
    for (let i = 0; i < count; i++) {
      out[keys[keyAt++ % keys.length]] = values[valueAt++ % values.length];
    }
    return out;
  };
  const nodes: HostileNode[] = [];
  for (let id = 0; id < LEGAL_NODES; id++) {
    const own = new Set<string>();
    const count = id % 7 === 3 ? 0 : 1 + g.int(3);
    for (let i = 0; i < count; i++) own.add(labels[labelAt++ % labels.length]);
    nodes.push({ id, labels: [...own], props: props(id) });
  }
  const rels: HostileRel[] = [];
  for (let i = 0; i < LEGAL_RELS; i++) {
    const type = types[i % types.length];
    rels.push({ type, start: g.int(LEGAL_NODES), end: g.int(LEGAL_NODES), props: props(1000 + i) });
  }
  // Every label, type, key and value at least once.
  for (; labelAt < labels.length; labelAt++) {
    nodes[labelAt % LEGAL_NODES].labels.push(labels[labelAt]);
  }
  for (let i = rels.length; i < types.length; i++) {
    rels.push({
      type: types[i],
      start: g.int(LEGAL_NODES),
      end: g.int(LEGAL_NODES),
      props: props(1000 + i),
    });
  }
  for (let i = 0; keyAt < keys.length || valueAt < values.length; i++) {
    nodes[i % LEGAL_NODES].props[keys[keyAt++ % keys.length]] = values[valueAt++ % values.length];
  }
  for (const n of nodes) n.labels = [...new Set(n.labels)];

  // Neo4j trims what Java's String.trim() trims (up to U+0020) off schema names, even quoted: a
  // server-made backup never holds such a name, a crafted one does (below).
  const schemaName = () => {
    for (;;) {
      const name = g.name();
      if (javaTrim(name) === name) return name;
    }
  };
  const schemaLabel = () => g.name();
  const legalSchema: HostileSchema[] = [
    index(schemaName(), "RANGE", "NODE", [schemaLabel()], [schemaLabel(), schemaLabel()]),
    index(schemaName(), "RANGE", "RELATIONSHIP", [schemaLabel()], [schemaLabel()]),
    index(schemaName(), "TEXT", "NODE", [schemaLabel()], [schemaLabel()], {}, "text-2.0"),
    index(schemaName(), "POINT", "NODE", [schemaLabel()], [schemaLabel()]),
    index(schemaName(), "FULLTEXT", "NODE", [schemaLabel(), schemaLabel()], [
      schemaLabel(),
      schemaLabel(),
    ], { "fulltext.analyzer": "standard-no-stop-words", "fulltext.eventually_consistent": false }),
    index(schemaName(), "FULLTEXT", "RELATIONSHIP", [schemaLabel()], [schemaLabel()], {
      "fulltext.analyzer": "english",
      "fulltext.eventually_consistent": false,
    }),
    index(schemaName(), "VECTOR", "NODE", [schemaLabel()], [schemaLabel()], {
      "vector.dimensions": 3n,
      "vector.similarity_function": "COSINE",
    }),
    constraint(PAYLOADS[0] + g.tag(), "UNIQUENESS", "NODE", [schemaLabel()], [
      schemaLabel(),
      schemaLabel(),
    ]),
    constraint(schemaName(), "RELATIONSHIP_UNIQUENESS", "RELATIONSHIP", [schemaLabel()], [
      schemaLabel(),
    ]),
  ];
  const legal: HostileGraph = { nodes, rels, schema: legalSchema };

  // Crafted only: names with NUL, which Neo4j refuses; values with lone surrogates, which Bolt
  // cannot carry. (Empty names and names with lone surrogates are refused by every reader:
  // tests/hostile_backup_test.ts.)
  const craftedLabels = [g.name("nul"), g.name("nul")];
  const craftedKeys = [g.name("nul"), g.name("nul")];
  const craftedTypes = [g.name("nul"), g.name("nul")];
  const extraNodes: HostileNode[] = [];
  for (let i = 0; i < 6; i++) {
    const id = LEGAL_NODES + i;
    const own = [craftedLabels[i % craftedLabels.length], labels[i]];
    const p: HostileProps = { hid: BigInt(id), [keys[i]]: g.value("surrogate") };
    p[craftedKeys[i % craftedKeys.length]] = g.value(i % 2 ? "nul" : "surrogate");
    if (i === 0) p[keys[1]] = g.long(LONG_VALUE / 3, "surrogate");
    extraNodes.push({ id, labels: [...new Set(own)], props: p });
  }
  const extraRels: HostileRel[] = craftedTypes.map((type, i) => ({
    type,
    start: i,
    end: LEGAL_NODES + i,
    props: {
      hid: BigInt(2000 + i),
      [craftedKeys[(i + 1) % craftedKeys.length]]: g.value("surrogate"),
    },
  }));
  extraRels.push({
    type: types[0],
    start: LEGAL_NODES,
    end: 1,
    props: { hid: 2100n, [keys[2]]: [g.text("surrogate"), g.text("nul")] },
  });
  const craftedSchema: HostileSchema[] = [
    // The issue's example: a lookup index whose name ends a comment line and runs a statement.
    { record: indexRecord(PAYLOADS[0] + g.tag(), "LOOKUP", "NODE", [], []), fate: "lookup" },
    { record: indexRecord(g.name(), "LOOKUP", "RELATIONSHIP", [], []), fate: "lookup" },
    {
      record: constraintRecord(PAYLOADS[1] + g.tag(), "NODE_KEY", "NODE", [schemaLabel()], [
        schemaLabel(),
      ]),
      fate: "skipped",
    },
    {
      record: {
        ...constraintRecord(schemaName(), "NODE_PROPERTY_TYPE", "NODE", [schemaLabel()], [
          schemaLabel(),
        ]),
        propertyType: "INTEGER\nMATCH (n) DETACH DELETE n;\n//",
      },
      fate: "skipped",
    },
    {
      record: constraintRecord(schemaName(), "RELATIONSHIP_PROPERTY_EXISTENCE", "RELATIONSHIP", [
        schemaLabel(),
      ], [schemaLabel()]),
      fate: "skipped",
    },
    {
      record: indexRecord(schemaName(), "WEIRD\n;CREATE (:PWNED);//", "NODE", [schemaLabel()], [
        schemaLabel(),
      ]),
      fate: "skipped",
    },
    {
      record: indexRecord(g.name("nul"), "RANGE", "NODE", [schemaLabel()], [schemaLabel()]),
      fate: "refused",
    },
    {
      record: indexRecord(schemaName(), "RANGE", "NODE", [g.name("nul")], [schemaLabel()]),
      fate: "refused",
    },
    // Settings a 5.x target does not know, with names of their own: left out and reported.
    index(schemaName(), "VECTOR", "NODE", [schemaLabel()], [schemaLabel()], {
      "vector.dimensions": 3n,
      "vector.similarity_function": "COSINE",
      [PAYLOADS[0]]: "x\nCREATE (:PWNED);",
      [PAYLOADS[5]]: "*/ CREATE (:PWNED) /*",
    }),
    index(`\u0007 ${g.name()}\t`, "TEXT", "NODE", [schemaLabel()], [schemaLabel()]),
  ];
  const crafted: HostileGraph = {
    nodes: [...nodes, ...extraNodes],
    rels: [...rels, ...extraRels],
    schema: [...legalSchema, ...craftedSchema],
  };
  return { legal, crafted };
}

function indexRecord(
  name: string,
  type: string,
  entity: "NODE" | "RELATIONSHIP",
  labelsOrTypes: string[],
  properties: string[],
  config: Record<string, string | bigint | boolean> = {},
  provider?: string,
): SchemaRecord {
  return {
    kind: "index",
    name,
    type,
    entity,
    labelsOrTypes,
    properties,
    ...(provider ? { provider } : {}),
    config,
  };
}

function index(...args: Parameters<typeof indexRecord>): HostileSchema {
  return { record: indexRecord(...args), fate: "created" };
}

function constraintRecord(
  name: string,
  type: string,
  entity: "NODE" | "RELATIONSHIP",
  labelsOrTypes: string[],
  properties: string[],
): ConstraintRecord {
  return { kind: "constraint", name, type, entity, labelsOrTypes, properties, config: {} };
}

function constraint(...args: Parameters<typeof constraintRecord>): HostileSchema {
  return { record: constraintRecord(...args), fate: "created" };
}

/** The records of a graph as a backup holds them, header first. */
export function backupRecords(graph: HostileGraph): BodyRecord[] {
  return [
    {
      kind: "header",
      format: "neo4j-backup",
      version: 1,
      tool: "hostile_convert_test",
      created: "2026-01-01T00:00:00.000Z",
      source: { version: "5.26.0", edition: "community", database: "neo4j" },
    },
    ...graph.schema.map((s) => s.record),
    ...graph.nodes.map((n) => ({
      kind: "node" as const,
      id: n.id,
      labels: n.labels,
      props: n.props,
    })),
    ...graph.rels.map((r) => ({ kind: "rel" as const, ...r })),
  ];
}

// ---------------------------------------------------------------------------------------------
// Creating the legal graph on a real server, through parameters (dynamic labels, types, keys).

/** A name as a Cypher identifier, for the setup only (checked afterwards by SHOW INDEXES). */
function ident(name: string): string {
  return "`" + name.replaceAll("`", "``").replaceAll("\\", "\\u005C") + "`";
}

/** Creates a legal hostile graph and its schema on an empty Neo4j 5.26, through parameters. */
export async function createOnServer(driver: Driver, graph: HostileGraph): Promise<void> {
  const labelled = graph.nodes.filter((n) => n.labels.length > 0);
  const bare = graph.nodes.filter((n) => n.labels.length === 0);
  await cypher(driver, "UNWIND $rows AS row CREATE (n:$(row.labels)) SET n = row.props", {
    rows: labelled.map((n) => ({ labels: n.labels, props: n.props })),
  });
  await cypher(driver, "UNWIND $rows AS row CREATE (n) SET n = row.props", {
    rows: bare.map((n) => ({ props: n.props })),
  });
  await cypher(
    driver,
    "UNWIND $rows AS row MATCH (a {hid: row.s}), (b {hid: row.e}) " +
      "CREATE (a)-[r:$(row.type)]->(b) SET r = row.props",
    {
      rows: graph.rels.map((r) => ({
        type: r.type,
        s: BigInt(r.start),
        e: BigInt(r.end),
        props: r.props,
      })),
    },
  );
  for (const { record } of graph.schema) {
    const v = record.entity === "NODE" ? "n" : "r";
    const names = record.labelsOrTypes.map(ident).join("|");
    const on = record.entity === "NODE" ? `(n:${names})` : `()-[r:${names}]-()`;
    const props = record.properties.map((p) => `${v}.${ident(p)}`);
    let statement: string;
    if (record.kind === "constraint") {
      statement = `CREATE CONSTRAINT $name FOR ${on} REQUIRE (${props.join(", ")}) IS UNIQUE`;
    } else if (record.type === "FULLTEXT") {
      const c = record.config;
      statement = `CREATE FULLTEXT INDEX $name FOR ${on} ON EACH [${props.join(", ")}] ` +
        `OPTIONS {indexConfig: {\`fulltext.analyzer\`: '${c["fulltext.analyzer"]}', ` +
        `\`fulltext.eventually_consistent\`: false}}`;
    } else if (record.type === "VECTOR") {
      statement = `CREATE VECTOR INDEX $name FOR ${on} ON (${props.join(", ")}) OPTIONS ` +
        "{indexConfig: {`vector.dimensions`: 3, `vector.similarity_function`: 'cosine'}}";
    } else statement = `CREATE ${record.type} INDEX $name FOR ${on} ON (${props.join(", ")})`;
    await cypher(driver, statement, { name: record.name });
  }
  await cypher(driver, "CALL db.awaitIndexes(300)");
}

/**
 * A name as a Cypher identifier that spells lone surrogates as escapes, for dropping schema
 * items whose names Bolt cannot carry.
 */
function exactIdent(name: string): string {
  let out = "`";
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    const code = name.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && /[\udc00-\udfff]/.test(name[i + 1] ?? "");
    if (c === "`") out += "``";
    else if (c === "\\") out += "\\u005C";
    else if (pair) out += c + name[++i];
    else if (code >= 0xd800 && code <= 0xdfff) out += "\\u" + code.toString(16).toUpperCase();
    else out += c;
  }
  return out + "`";
}

/**
 * Empties a server of data and schema (but its lookup indexes), whatever the names hold: the
 * test harness's own clean-up quotes names without escaping backslashes, so that a name holding
 * `\u000A` as text, or a lone surrogate, would make it fail.
 *
 * @param driver The server.
 * @param graphs The graphs whose schema items may exist there.
 */
export async function clearServer(driver: Driver, graphs: HostileGraph[]): Promise<void> {
  await cypher(driver, "MATCH (n) DETACH DELETE n");
  const drop = (statement: string) => cypher(driver, statement).catch(() => []);
  for (const { name } of await cypher(driver, "SHOW CONSTRAINTS YIELD name")) {
    await drop(`DROP CONSTRAINT ${ident(String(name))} IF EXISTS`);
  }
  const indexes = "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name";
  for (const { name } of await cypher(driver, indexes)) {
    await drop(`DROP INDEX ${ident(String(name))} IF EXISTS`);
  }
  for (const { record } of graphs.flatMap((g) => g.schema)) {
    if (record.type === "LOOKUP") continue;
    await drop(`DROP CONSTRAINT ${exactIdent(record.name)} IF EXISTS`);
    await drop(`DROP INDEX ${exactIdent(record.name)} IF EXISTS`);
  }
  const left = [
    ...await cypher(driver, "SHOW CONSTRAINTS YIELD name"),
    ...await cypher(driver, indexes),
  ];
  if (left.length) throw new Error(`Cannot drop schema items ${show(left.map((r) => r.name))}`);
}

// ---------------------------------------------------------------------------------------------
// cypher-shell's statement splitting, and the line rule.

/** One statement as cypher-shell splits a script. */
export interface ShellStatement {
  /** The statement without its `;` (a command: its line). */
  text: string;
  /** Whether it ended with `;` (commands are always complete). */
  complete: boolean;
  /** Whether cypher-shell reads it as a client command (`:exit`, `:source`, `:param`, ...). */
  command: boolean;
}

/**
 * Splits a script as cypher-shell 5.x does (`ShellStatementParser`, re-implemented here): at
 * the start of a statement whitespace and comments are skipped and a `:` starts a client
 * command that runs to the end of the line; inside a statement a backslash escapes the next
 * character (also outside quotes, not inside comments), `'`, `"` and backtick quote, `//` and
 * `/*` start comments, and a `;` outside them ends the statement. With `dialect: "falkordb"`
 * a backslash escapes only inside `'` and `"` strings (FalkorDB reads backtick names as they
 * are) and there are no client commands.
 *
 * With `withComments`, the comments before a statement are sent with it, as cypher-shell 4.x
 * does: the server then parses them too, and Neo4j reads `\u` escapes in comments as well.
 *
 * @param script The script's text.
 * @param dialect Whose splitting rules.
 * @param withComments Whether a statement's text begins at the comments before it.
 * @returns The statements, in order.
 */
export function splitStatements(
  script: string,
  dialect: "cypher-shell" | "falkordb" = "cypher-shell",
  withComments = false,
): ShellStatement[] {
  const out: ShellStatement[] = [];
  let i = 0;
  const n = script.length;
  let comments: number | undefined;
  while (i < n) {
    const c = script[i];
    if (c === " " || c === "\n" || c === "\t" || c === "\r") {
      i++;
    } else if (c === "/" && (script[i + 1] === "/" || script[i + 1] === "*")) {
      const end = script[i + 1] === "/" ? "\n" : "*/";
      comments ??= i;
      i = skipUntilAndIncluding(script, i + 2, end);
    } else if (c === ":" && dialect === "cypher-shell") {
      let j = i;
      while (j < n && script[j] !== "\n" && script[j] !== "\r") j++;
      out.push({ text: script.slice(i, j), complete: true, command: true });
      comments = undefined;
      i = j;
    } else {
      const start = withComments ? comments ?? i : i;
      comments = undefined;
      let awaited: string | null = null;
      let skipNext = false;
      let current = "\0";
      let complete = false;
      while (i < n) {
        const previous = current;
        current = script[i++];
        if (skipNext) {
          skipNext = false;
        } else if (awaited === "\n" || awaited === "*/") {
          if (isRight(awaited, previous, current)) awaited = null;
        } else if (
          current === "\\" &&
          (dialect === "cypher-shell" || awaited === "'" || awaited === '"')
        ) {
          skipNext = true;
        } else if (awaited !== null) {
          if (isRight(awaited, previous, current)) awaited = null;
        } else if (current === ";") {
          complete = true;
          break;
        } else {
          awaited = previous + current === "//"
            ? "\n"
            : previous + current === "/*"
            ? "*/"
            : current === "`" || current === '"' || current === "'"
            ? current
            : null;
        }
      }
      out.push({ text: script.slice(start, complete ? i - 1 : i), complete, command: false });
    }
  }
  return out;
}

function isRight(awaited: string, previous: string, current: string): boolean {
  return awaited.length === 1 ? awaited === current : awaited === previous + current;
}

/** cypher-shell's `skipUntilAndIncluding`, with its naive restart on a mismatch. */
function skipUntilAndIncluding(script: string, from: number, end: string): number {
  let matches = 0;
  for (let i = from; i < script.length; i++) {
    if (script[i] === end[matches]) {
      if (++matches === end.length) return i + 1;
    } else if (matches !== 0) matches = 0;
  }
  return script.length;
}

/**
 * Characters that some line reader takes for a line break: `\n`, `\r`, NEL, the Unicode line and
 * paragraph separators (JavaScript, Java), and vertical tab, form feed and the information
 * separators 1C to 1E (Python's `str.splitlines`). None may stand raw in a script line.
 */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
export const LINE_BREAKS = /[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;

/**
 * How the statements of the converters' scripts begin: data batches, the clean-up of the
 * temporary label, index and constraint statements, the wait for indexes. A statement that
 * begins otherwise (`MATCH (n) DETACH DELETE n`) is none the writer meant.
 */
export const STATEMENT_HEADS: readonly RegExp[] = [
  /^UNWIND \[/,
  /^MATCH \(n:`__neo4j_backup_node`\) WHERE /,
  /^CREATE (RANGE |TEXT |POINT |FULLTEXT |VECTOR |LOOKUP |BTREE )?INDEX /,
  /^CREATE CONSTRAINT /,
  /^DROP INDEX /,
  /^CALL db\.awaitIndexes\(\d+\)$/,
];

/**
 * What breaks the line rule of a script: every line is a `//` comment, empty, or exactly one
 * complete statement ending with `;` that begins as the writers' statements do
 * ({@link STATEMENT_HEADS}); no line holds a character any reader takes for a line break; the
 * script ends with a newline; with `falkordb`, no line holds NUL (FalkorDB ends a query there).
 *
 * @param script The script's text.
 * @param dialect Whose splitting rules decide what a complete statement is.
 * @returns One sentence per problem (empty when the script keeps the rule).
 */
export function lineRuleProblems(
  script: string,
  dialect: "cypher-shell" | "falkordb" = "cypher-shell",
): string[] {
  const problems: string[] = [];
  if (script !== "" && !script.endsWith("\n")) problems.push("the script does not end with \\n");
  const lines = script.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const [i, line] of lines.entries()) {
    const at = `line ${i + 1} ${show(line)}`;
    // FalkorDB has no \u escape: its scripts are split at \n only (docs/FORMATS.md), so its
    // strings may hold U+2028 and the like; no name may.
    const raw = (dialect === "falkordb" ? /[\n\r]/ : LINE_BREAKS).exec(line);
    if (raw) problems.push(`${at} holds a raw ${codeOf(raw[0])}`);
    if (dialect === "falkordb" && line.includes("\u0000")) problems.push(`${at} holds a raw NUL`);
    if (line === "" || line.startsWith("//")) continue;
    const parsed = splitStatements(line, dialect);
    const one = parsed.length === 1 && parsed[0].complete && !parsed[0].command &&
      line.endsWith(";") && parsed[0].text === line.slice(0, -1);
    if (!one) {
      problems.push(
        `${at} is not one complete statement: ${
          parsed.map((s) =>
            `${s.command ? "command" : s.complete ? "statement" : "unended"} ${show(s.text)}`
          )
            .join(", ")
        }`,
      );
    } else if (!STATEMENT_HEADS.some((head) => head.test(parsed[0].text))) {
      problems.push(`${at} is no statement the writer writes`);
    }
  }
  return problems;
}

/**
 * What differs between cypher-shell's reading of a whole script and its lines: the statements
 * cypher-shell runs must be exactly the statement lines, in order, with no client command.
 *
 * @param script The script's text.
 * @returns One sentence per difference.
 */
export function shellSplitProblems(script: string): string[] {
  const lines = script.split("\n").filter((l) => l !== "" && !l.startsWith("//"));
  const statements = splitStatements(script);
  const problems: string[] = [];
  for (const s of statements) {
    if (s.command) problems.push(`cypher-shell runs the client command ${show(s.text)}`);
    else if (!s.complete) problems.push(`cypher-shell finds an unended statement ${show(s.text)}`);
  }
  const cypherText = statements.filter((s) => !s.command).map((s) => s.text);
  const lineText = lines.map((l) => l.replace(/;$/, ""));
  const count = Math.max(cypherText.length, lineText.length);
  for (let i = 0; i < count && problems.length < 20; i++) {
    if (cypherText[i] !== lineText[i]) {
      problems.push(
        `statement ${i + 1}: cypher-shell reads ${show(cypherText[i] ?? "(nothing)")}, ` +
          `the line is ${show(lineText[i] ?? "(nothing)")}`,
      );
      break;
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Loss reports: which names and values a writer may lose, and whether it said so.

/** Which names and values a format cannot carry, so that a writer may lose them (reported). */
export interface MayLose {
  /** A label (`label`), relationship type (`type`) or property key (`key`). */
  name(kind: "label" | "type" | "key", name: string): boolean;
  /** A property value. */
  value(value: HostileValue): boolean;
}

/** Whether a string holds a lone surrogate (which UTF-8 cannot encode). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

// `String.prototype.isWellFormed` is ES2024; the npm build compiles for ES2023.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string without what Java's `String.trim()` removes: characters up to U+0020 at both ends. */
export function javaTrim(s: string): string {
  let start = 0, end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** What no format can be asked to keep: names Neo4j refuses (empty, NUL) and lone surrogates. */
export function refusedName(name: string): boolean {
  return name === "" || name.includes("\u0000") || hasLoneSurrogate(name);
}

/** A loss report as a test reads it: its entries and what its format may lose. */
export class Losses {
  readonly entries: LossEntry[];
  readonly mayLose: MayLose;

  constructor(entries: LossEntry[], mayLose: MayLose) {
    this.entries = entries;
    this.mayLose = mayLose;
  }

  /** Whether a name may be lost and the report lists it. */
  name(kind: "label" | "type" | "key", name: string): boolean {
    if (!this.mayLose.name(kind, name)) return false;
    if (name === "") return this.entries.some(emptyName);
    return this.entries.some((e) => mentions(e.where, name) || mentions(e.what, name));
  }

  /** Whether a property (key and value) may be lost or changed and the report lists it. */
  property(key: string, value: HostileValue): boolean {
    if (this.name("key", key)) return true;
    if (!this.mayLose.value(value)) return false;
    if (key === "") return this.entries.some(emptyName);
    return this.entries.some((e) => mentions(e.where, key));
  }
}

/** Whether an entry is about an empty name: it says so, or its place ends where a name would be. */
function emptyName(e: LossEntry): boolean {
  return /empty/i.test(`${e.where} ${e.what}`) || /[.:]$/.test(e.where);
}

/**
 * Whether a loss report's text names a name: as it is, JSON-escaped or `\u`-escaped, bounded by
 * the start or end of the text or by `:`, `.`, `'` or a space; or, for a tagged name, by its
 * letters and digits alone.
 */
export function mentions(text: string, name: string): boolean {
  const renderings = new Set([name, JSON.stringify(name).slice(1, -1), uEscaped(name)]);
  renderings.add(uEscaped(name).toLowerCase());
  for (const r of renderings) {
    if (r === "") continue;
    for (let at = text.indexOf(r); at >= 0; at = text.indexOf(r, at + 1)) {
      const before = at === 0 ? "" : text[at - 1];
      const after = text[at + r.length] ?? "";
      if (
        (before === "" || ":.' `(".includes(before)) && (after === "" || ":.' `)".includes(after))
      ) {
        return true;
      }
    }
  }
  const tag = TAG.exec(name);
  if (tag) return skeleton(text).includes(skeleton(name));
  return false;
}

// deno-lint-ignore no-control-regex -- control characters are what it escapes
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufffe\uffff]/g;

function uEscaped(s: string): string {
  return s.replace(
    ESCAPED,
    (c) => "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0"),
  );
}

function skeleton(s: string): string {
  return s.replace(/[^\p{L}\p{N}]/gu, "");
}

/** A name or value for a message: JSON-escaped, cut to 70 characters. */
export function show(value: unknown): string {
  const text = typeof value === "bigint" ? String(value) : JSON.stringify(value) ?? String(value);
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

function codeOf(c: string): string {
  return "U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
}

// ---------------------------------------------------------------------------------------------
// Exact comparison on Neo4j, through literals of our own.

/** A Cypher string literal spelling every character but letters, digits and space as an escape. */
export function lit(s: string): string {
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (/[A-Za-z0-9 _]/.test(c)) out += c;
    else if (c === "'") out += "\\'";
    else if (c === "\\") out += "\\\\";
    else out += "\\u" + s.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0");
  }
  return out + "'";
}

function valueLit(v: HostileValue): string {
  if (typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map(lit).join(", ")}]`;
  return lit(v);
}

/** A sentinel node planted before a script runs: it must survive, unchanged. */
export async function plantSentinel(driver: Driver): Promise<void> {
  await cypher(driver, "CREATE (:HostileSentinel {hostile_sentinel: 'keep'})");
}

/**
 * What shows that a script ran more than its own statements: the sentinel gone or changed, a
 * node labelled exactly `PWNED`, an entity without `hid` (other than the sentinel), two entities
 * with one `hid`.
 */
export async function injectionProblems(driver: Driver): Promise<string[]> {
  const problems: string[] = [];
  const [s] = await cypher(
    driver,
    "MATCH (n:HostileSentinel) RETURN count(n) AS c, collect(n.hostile_sentinel) AS v",
  );
  if (Number(s.c) !== 1 || (s.v as string[])[0] !== "keep") {
    problems.push(`the sentinel node is gone or changed (${Number(s.c)} found)`);
  }
  const [p] = await cypher(driver, "MATCH (n:PWNED) RETURN count(n) AS c");
  if (Number(p.c) !== 0) problems.push(`${p.c} node(s) labelled PWNED: an injected statement ran`);
  const [x] = await cypher(
    driver,
    "MATCH (n) WHERE n.hid IS NULL AND n.hostile_sentinel IS NULL RETURN count(n) AS c",
  );
  if (Number(x.c) !== 0) problems.push(`${x.c} node(s) without hid that the source does not have`);
  const [y] = await cypher(driver, "MATCH ()-[r]->() WHERE r.hid IS NULL RETURN count(r) AS c");
  if (Number(y.c) !== 0) problems.push(`${y.c} relationship(s) without hid`);
  const twice = await cypher(
    driver,
    "MATCH (n) WHERE n.hid IS NOT NULL WITH n.hid AS h, count(*) AS c WHERE c > 1 RETURN h",
  );
  if (twice.length) problems.push(`nodes created twice: hid ${twice.map((r) => r.h).join(", ")}`);
  return problems;
}

/**
 * Compares a Neo4j database with a graph, entity by entity, by `hid`: labels, type, endpoints,
 * property keys and values exact, compared on the server against literals of our own (so that
 * lone surrogates, which Bolt cannot carry back, compare too). A name or value is skipped when
 * the loss report lists it and the format may lose it; an entity may then be missing too.
 *
 * @param driver The target.
 * @param graph The source graph.
 * @param losses The loss report.
 * @returns One sentence per difference.
 */
export async function graphProblems(
  driver: Driver,
  graph: HostileGraph,
  losses: Losses,
): Promise<string[]> {
  const problems: string[] = [];
  const session = driver.session();
  try {
    for (const node of graph.nodes) {
      const labels = node.labels.filter((l) => !losses.name("label", l));
      const props = Object.entries(node.props).filter(([k, v]) => !losses.property(k, v));
      const looseLabels = labels.length < node.labels.length;
      const looseKeys = props.length < Object.keys(node.props).length;
      const what = `node hid=${node.props.hid} ${show(node.labels)}`;
      const rows = (await session.run(
        `MATCH (n) WHERE n.hid = ${node.props.hid} ` +
          `WITH n, [${labels.map(lit).join(", ")}] AS ls, ` +
          `[${props.map(([k, v]) => `[${lit(k)}, ${valueLit(v)}]`).join(", ")}] AS ps ` +
          "RETURN [i IN range(0, size(ls) - 1) WHERE NOT ls[i] IN labels(n)] AS missing, " +
          "size(labels(n)) AS labelCount, " +
          "[i IN range(0, size(ps) - 1) WHERE n[ps[i][0]] IS NULL OR NOT n[ps[i][0]] = ps[i][1]] AS bad, " +
          "size(keys(n)) AS keyCount, labels(n) AS got, keys(n) AS gotKeys",
      )).records.map((r) => r.toObject());
      entityProblems(
        problems,
        what,
        rows,
        looseLabels,
        {
          names: labels,
          count: labels.length,
          loose: looseLabels,
          noun: "label",
        },
        props,
        looseKeys,
      );
    }
    for (const rel of graph.rels) {
      const typeLost = losses.name("type", rel.type);
      const props = Object.entries(rel.props).filter(([k, v]) => !losses.property(k, v));
      const looseKeys = props.length < Object.keys(rel.props).length;
      const what = `relationship hid=${rel.props.hid} ${show(rel.type)}`;
      const rows = (await session.run(
        `MATCH (a)-[r]->(b) WHERE r.hid = ${rel.props.hid} ` +
          `WITH a, r, b, [${
            props.map(([k, v]) => `[${lit(k)}, ${valueLit(v)}]`).join(", ")
          }] AS ps ` +
          `RETURN CASE WHEN ${typeLost} OR type(r) = ${
            lit(rel.type)
          } THEN [] ELSE [0] END AS missing, ` +
          "1 AS labelCount, a.hid AS s, b.hid AS e, " +
          "[i IN range(0, size(ps) - 1) WHERE r[ps[i][0]] IS NULL OR NOT r[ps[i][0]] = ps[i][1]] AS bad, " +
          "size(keys(r)) AS keyCount, [type(r)] AS got, keys(r) AS gotKeys",
      )).records.map((r) => r.toObject());
      entityProblems(
        problems,
        what,
        rows,
        typeLost,
        {
          names: [rel.type],
          count: 1,
          loose: true,
          noun: "type",
        },
        props,
        looseKeys,
      );
      const [row] = rows;
      if (rows.length === 1) {
        const start = graph.nodes.find((n) => n.id === rel.start)!.props.hid;
        const end = graph.nodes.find((n) => n.id === rel.end)!.props.hid;
        if (row.s !== start || row.e !== end) {
          problems.push(`${what} joins hid ${row.s} to ${row.e}, not ${start} to ${end}`);
        }
      }
    }
  } finally {
    await session.close();
  }
  const [{ c: nodes }] = await cypher(
    driver,
    "MATCH (n) WHERE n.hid IS NOT NULL RETURN count(n) AS c",
  );
  const [{ c: rels }] = await cypher(driver, "MATCH ()-[r]->() RETURN count(r) AS c");
  if (Number(nodes) > graph.nodes.length) {
    problems.push(`${nodes} nodes, the source has ${graph.nodes.length}`);
  }
  if (Number(rels) > graph.rels.length) {
    problems.push(`${rels} relationships, the source has ${graph.rels.length}`);
  }
  return problems;
}

function entityProblems(
  problems: string[],
  what: string,
  rows: Record<string, unknown>[],
  mayBeMissing: boolean,
  names: { names: string[]; count: number; loose: boolean; noun: string },
  props: [string, HostileValue][],
  looseKeys: boolean,
): void {
  if (rows.length === 0) {
    if (!mayBeMissing) problems.push(`${what} is missing`);
    return;
  }
  if (rows.length > 1) problems.push(`${what} exists ${rows.length} times`);
  const row = rows[0];
  const got = `(has ${show(row.got)})`;
  for (const i of row.missing as bigint[]) {
    problems.push(`${what}: ${names.noun} ${show(names.names[Number(i)])} is not exact ${got}`);
  }
  if (!names.loose && Number(row.labelCount) !== names.count) {
    problems.push(`${what}: ${row.labelCount} labels, the source has ${names.count} ${got}`);
  }
  for (const i of row.bad as bigint[]) {
    const [k, v] = props[Number(i)];
    problems.push(`${what}: property ${show(k)} is missing or not ${show(v)}`);
  }
  if (!looseKeys && Number(row.keyCount) !== props.length) {
    problems.push(
      `${what}: ${row.keyCount} properties, the source has ${props.length} (has ${
        show(row.gotKeys)
      })`,
    );
  }
}

/** Constraint types as newer Cypher names them. */
const RENAMED: Record<string, string> = {
  UNIQUENESS: "NODE_PROPERTY_UNIQUENESS",
  RELATIONSHIP_UNIQUENESS: "RELATIONSHIP_PROPERTY_UNIQUENESS",
};

/**
 * Compares a Neo4j database's indexes and constraints with a graph's schema (see
 * {@link HostileSchema}): every `created` item not in the loss report exists with its exact
 * name, type, labels or types and properties; every other item is in the loss report; nothing
 * else exists but lookup indexes and as many items as may have been renamed.
 *
 * @param driver The target.
 * @param graph The source graph.
 * @param losses The loss report.
 * @returns One sentence per difference.
 */
export async function schemaProblems(
  driver: Driver,
  graph: HostileGraph,
  losses: Losses,
): Promise<string[]> {
  const problems: string[] = [];
  const expected: string[] = [];
  /** Items that may exist under a name of the writer's making (reported). */
  let renamed = 0;
  for (const { record, fate } of graph.schema) {
    const listed = losses.entries.some((e) =>
      mentions(e.where, record.name) || mentions(e.what, record.name)
    );
    const what = `${record.kind} ${show(record.name)} (${record.type})`;
    // Neo4j trims a schema name as Java's String.trim() does: a writer can only report that.
    const lossy = javaTrim(record.name) !== record.name || losses.mayLose.name("key", record.name);
    if (fate !== "created" && !listed) problems.push(`${what} is not in the loss report`);
    if (fate === "refused" && listed) {
      if (lossy) renamed++;
      else expected.push(record.name); // created, perhaps with a label or key changed
    }
    if (fate !== "created") continue;
    if (listed && lossy) {
      renamed++;
      continue;
    }
    // An item whose own name the target holds may still be listed for a part (a setting).
    expected.push(record.name);
    const command = record.kind === "index" ? "SHOW INDEXES" : "SHOW CONSTRAINTS";
    const rows = await cypher(
      driver,
      `${command} YIELD name, type, entityType, labelsOrTypes, properties WHERE name = ${
        lit(record.name)
      } ` +
        `RETURN type, entityType, size(labelsOrTypes) = ${record.labelsOrTypes.length} AND ` +
        `all(x IN [${record.labelsOrTypes.map(lit).join(", ")}] WHERE x IN labelsOrTypes) AS on, ` +
        `properties = [${
          record.properties.map(lit).join(", ")
        }] AS props, labelsOrTypes, properties`,
    );
    if (rows.length !== 1) {
      problems.push(`${what} is missing`);
      continue;
    }
    const [row] = rows;
    const types = [record.type, ...(RENAMED[record.type] ? [RENAMED[record.type]] : [])];
    if (!types.includes(String(row.type)) || row.entityType !== record.entity) {
      problems.push(`${what} is a ${row.entityType} ${row.type}`);
    }
    if (!row.on) {
      problems.push(`${what} is on ${show(row.labelsOrTypes)}, not ${show(record.labelsOrTypes)}`);
    }
    if (!row.props) {
      problems.push(
        `${what} has properties ${show(row.properties)}, not ${show(record.properties)}`,
      );
    }
  }
  const names = `[${expected.map(lit).join(", ")}]`;
  const extra = [
    ...await cypher(
      driver,
      "SHOW INDEXES YIELD name, type, owningConstraint WHERE type <> 'LOOKUP' AND " +
        `owningConstraint IS NULL AND NOT name IN ${names} RETURN name`,
    ),
    ...await cypher(driver, `SHOW CONSTRAINTS YIELD name WHERE NOT name IN ${names} RETURN name`),
  ];
  if (extra.length > renamed) {
    const names = show(extra.map((r) => r.name));
    problems.push(`schema items ${names} exist; the source has ${renamed} that may be renamed`);
  }
  return problems;
}
