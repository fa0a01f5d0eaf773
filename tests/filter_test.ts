/**
 * The filter flags of `export` and `import` as users run them, against real servers: each
 * filtered graph compared, typed, with the subgraph the source's own Cypher selects.
 */

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, rmSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Driver } from "neo4j-driver";
import type { Properties } from "../lib/format/records.ts";
import { encodeValue } from "../lib/format/values.ts";
import { connect, cypher, type Neo4jServer, useServers, wipe } from "./_server.ts";
import { fingerprint } from "./_graph.ts";
import { as, assertOneErrorLine, runCli, tempDir } from "./_cli.ts";
import { Journal } from "../lib/import/journal.ts";
import type { HeaderRecord } from "../lib/format/records.ts";

const servers = useServers(2);
let source: Driver;
let target: Driver;
const dir = tempDir("neo4j-backup-filter-test-");
const full = join(dir, "full.jsonl.gz");

const GRAPH = `
CREATE (ann:Person {name: 'Ann', email: 'ann@example.com', born: 1970}),
       (bo:Person:Actor {name: 'Bo', email: 'bo@example.com'}),
       (m1:Movie {title: 'M1', embedding: [0.1, 0.2, 0.3]}),
       (m2:Movie {title: 'M2', embedding: [0.3, 0.2, 0.1]}),
       (u {note: 'no labels'}),
       (r2:Robot {name: 'R2'}),
       (ab:\`A,B\` {\`x.y\`: 1, keep: 2}),
       (ml:\`My.Label\` {key: 'k', other: 'o'}),
       (bt:\`back\`\`tick\` {\` sp \`: 's'})
CREATE (ann)-[:KNOWS {since: 2020}]->(bo),
       (bo)-[:ACTED_IN {roles: ['X'], email: 'kept on relationships'}]->(m1),
       (ann)-[:ACTED_IN {roles: ['Y']}]->(m2),
       (ann)-[:OWNS]->(r2),
       (u)-[:KNOWS]->(ann),
       (ab)-[:\`WITH, COMMA\` {w: 1}]->(ml),
       (ml)-[:\`WITH, COMMA\`]->(bt),
       (ab)-[:ACTED_IN]->(m1)`;

const SCHEMA = [
  "CREATE INDEX person_email FOR (n:Person) ON (n.email)",
  "CREATE CONSTRAINT movie_title FOR (n:Movie) REQUIRE n.title IS UNIQUE",
  "CREATE VECTOR INDEX plot_vectors FOR (n:Movie) ON (n.embedding) OPTIONS {indexConfig: " +
  "{`vector.dimensions`: 3, `vector.similarity_function`: 'cosine'}}",
  "CREATE INDEX ab_keep FOR (n:`A,B`) ON (n.keep)",
  "CREATE INDEX knows_since FOR ()-[r:KNOWS]-() ON (r.since)",
];

before(async () => {
  await servers.ready();
  source = connect(servers[0]);
  target = connect(servers[1]);
  await cypher(source, GRAPH);
  for (const statement of SCHEMA) await cypher(source, statement);
  await cypher(source, "CALL db.awaitIndexes(300)");
  const run = await runCli(["export", "-o", full, "-q", ...as(servers[0])]);
  assert.equal(run.code, 0, run.stderr);
}, { timeout: 600_000 });

after(async () => {
  await source?.close();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function schemaNames(driver: Driver): Promise<string[]> {
  const rows = await cypher(driver, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'");
  return rows.map((r) => String(r.name)).sort();
}

/** What a filter should keep, written as the source's own Cypher and key tests. */
interface Expected {
  /** A predicate on `n`. */
  nodes: string;
  /** Whether a node property key is left out, by the node's labels. */
  dropNodeKey?: (labels: string[], key: string) => boolean;
  /** A predicate on `r`. */
  types?: string;
}

function props(p: Properties, drop: (key: string) => boolean): string {
  return Object.keys(p).filter((k) => !drop(k)).sort()
    .map((k) => `${JSON.stringify(k)}=${JSON.stringify(encodeValue(p[k]))}`).join(",");
}

/** The fingerprint (as tests/_graph.ts makes it) of the subgraph `expected` selects. */
async function subgraph(driver: Driver, expected: Expected) {
  const drop = expected.dropNodeKey ?? (() => false);
  const byId = new Map<string, string>();
  const nodes = await cypher(
    driver,
    `MATCH (n) WHERE ${expected.nodes} RETURN id(n) AS i, labels(n) AS l, properties(n) AS p`,
  );
  for (const n of nodes) {
    const labels = n.l as string[];
    byId.set(
      String(n.i),
      `(${[...labels].sort().join(":")} {${props(n.p as Properties, (k) => drop(labels, k))}})`,
    );
  }
  const rels = await cypher(
    driver,
    `MATCH (a)-[r]->(b) WHERE ${expected.types ?? "true"} ` +
      "RETURN id(a) AS a, type(r) AS t, properties(r) AS p, id(b) AS b",
  );
  const kept = rels.filter((r) => byId.has(String(r.a)) && byId.has(String(r.b)))
    .map((r) =>
      `${byId.get(String(r.a))}-[${r.t} {${props(r.p as Properties, () => false)}}]->${
        byId.get(String(r.b))
      }`
    );
  return { nodes: [...byId.values()].sort(), rels: kept.sort() };
}

async function assertTargetHolds(expected: Expected): Promise<void> {
  const want = await subgraph(source, expected);
  assert.ok(want.nodes.length > 0 && want.rels.length > 0, "the filter keeps something");
  assert.deepStrictEqual(await fingerprint(target), want);
}

function importInto(server: Neo4jServer, args: string[], input?: Uint8Array) {
  return runCli(["import", ...args, ...as(server)], input ? { input } : {});
}

test("export --labels --exclude-properties writes the subgraph, its schema and its counts", async () => {
  await wipe(target);
  const file = join(dir, "people.jsonl.gz");
  const exported = await runCli([
    "export",
    "-o",
    file,
    "--labels",
    "Person,Movie",
    "--exclude-properties",
    "embedding,Person.email",
    ...as(servers[0]),
  ]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.doesNotMatch(exported.stderr, /warning/);
  assert.match(
    exported.stderr,
    /Left out by the filter: 5 nodes, 5 relationships, 4 property values, schema items '/,
  );
  for (const name of ["person_email", "plot_vectors", "ab_keep"]) {
    assert.match(exported.stderr, new RegExp(`'${name}'`));
  }
  const lines = gunzipSync(readFileSync(file)).toString().trimEnd().split("\n");
  const header = JSON.parse(lines[0]);
  const footer = JSON.parse(lines.at(-1)!);
  assert.deepEqual(header.counts, { nodes: 9, relationships: 8 });
  // movie_title, knows_since and the two token lookup indexes
  assert.deepEqual([footer.nodes, footer.relationships, footer.schema], [4, 3, 4]);
  assert.match(footer.warnings.join(), /^Left out by the filter: 5 nodes/);
  assert.equal((await runCli(["verify", "-q", file])).code, 0);

  const imported = await importInto(servers[1], [file, "-q"]);
  assert.equal(imported.code, 0, imported.stderr);
  await assertTargetHolds({
    nodes: "n:Person OR n:Movie",
    dropNodeKey: (labels, key) =>
      key === "embedding" || (key === "email" && labels.includes("Person")),
  });
  assert.deepEqual(await schemaNames(target), ["knows_since", "movie_title"]);
});

test("import with exclusions and quoted names loads the subgraph", async () => {
  await wipe(target);
  const imported = await importInto(servers[1], [
    full,
    "--exclude-labels",
    "Robot,`back``tick`",
    "--exclude-types",
    "KNOWS",
    "--exclude-properties",
    "`A,B`.`x.y`,`My.Label`.key",
  ]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(
    imported.stderr,
    /Left out by the filter: 2 nodes, 4 relationships, 2 property values, schema item 'knows_since'/,
  );
  await assertTargetHolds({
    nodes: "NOT n:Robot AND NOT n:`back``tick`",
    types: "type(r) <> 'KNOWS'",
    dropNodeKey: (labels, key) =>
      (key === "x.y" && labels.includes("A,B")) || (key === "key" && labels.includes("My.Label")),
  });
  assert.deepEqual(await schemaNames(target), [
    "ab_keep",
    "movie_title",
    "person_email",
    "plot_vectors",
  ]);
});

test("export -o - --types | import - keeps only those types between kept nodes", async () => {
  await wipe(target);
  const exported = await runCli([
    "export",
    "-o",
    "-",
    "-q",
    "--types",
    "ACTED_IN,`WITH, COMMA`",
    "--labels",
    "`A,B`, Movie,`My.Label`",
    ...as(servers[0]),
  ]);
  assert.equal(exported.code, 0, exported.stderr);
  const imported = await importInto(servers[1], ["-"], exported.stdout);
  assert.equal(imported.code, 0, imported.stderr);
  await assertTargetHolds({
    nodes: "n:`A,B` OR n:Movie OR n:`My.Label`",
    types: "type(r) IN ['ACTED_IN', 'WITH, COMMA']",
  });
  assert.deepEqual(await schemaNames(target), ["ab_keep", "movie_title", "plot_vectors"]);
});

test("bad filter values are one-line usage errors", async () => {
  const cases: [string[], RegExp][] = [
    [["export", "--labels", ""], /Option '--labels' needs at least one name/],
    [["export", "--types", "A,,B"], /Invalid value 'A,,B' for '--types': name 2 is empty/],
    [["import", full, "--exclude-properties", "`Person.email"], /backtick at 1 is not closed/],
  ];
  for (const [args, pattern] of cases) {
    const run = await runCli([...args, ...as(servers[0])]);
    assert.equal(run.code, 2, run.stderr);
    assertOneErrorLine(run, pattern);
  }
});

test("a --resume with other filter flags than the interrupted import is refused", async () => {
  await wipe(target);
  const state = join(dir, "filtered.import-state");
  const [info] = await cypher(
    target,
    "CALL db.info() YIELD id, creationDate RETURN id, creationDate",
  );
  const header = JSON.parse(
    gunzipSync(readFileSync(full)).toString().split("\n")[0],
  ) as HeaderRecord;
  const identity = {
    id: String(info.id),
    creationDate: String(info.creationDate),
    database: "neo4j",
  };
  // The start of an interrupted `import --labels Person`, as the import writes it.
  const run = (extra: string[]) =>
    runCli(["import", full, "--state", state, "--resume", "-q", ...as(servers[1]), ...extra]);
  const journal = await Journal.create(
    state,
    header,
    identity,
    { nodes: 0, relationships: 0 },
    JSON.stringify({ labels: ["Person"] }),
  );
  await journal.close();
  const other = await run(["--labels", "Movie"]);
  assert.equal(other.code, 8, other.stderr);
  assertOneErrorLine(other, /filtered differently.*same filter flags/);
  const none = await run([]);
  assert.equal(none.code, 8, none.stderr);
  assert.equal(Number((await cypher(target, "MATCH (n) RETURN count(n) AS n"))[0].n), 0);
  const same = await run(["--labels", "Person"]);
  assert.equal(same.code, 0, same.stderr);
  assert.deepEqual(
    (await cypher(target, "MATCH (n) RETURN count(n) AS n"))[0].n,
    (await cypher(source, "MATCH (n:Person) RETURN count(n) AS n"))[0].n,
  );
});
