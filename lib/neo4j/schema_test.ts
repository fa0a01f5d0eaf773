import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConstraintRecord } from "../format/records.ts";
import { planSchema, type SchemaPlan } from "./schema.ts";
import type { ServerInfo } from "./server.ts";

const ENTERPRISE: ServerInfo = {
  version: "5.26.0",
  edition: "enterprise",
  database: "neo4j",
  major: 5,
  minor: 26,
};

function typeConstraint(propertyType: string): ConstraintRecord {
  return {
    kind: "constraint",
    name: "typed",
    type: "NODE_PROPERTY_TYPE",
    entity: "NODE",
    labelsOrTypes: ["Person"],
    properties: ["age"],
    propertyType,
    config: {},
  };
}

function statementOf(plan: SchemaPlan): string {
  assert.ok("statement" in plan, `expected a statement, got ${JSON.stringify(plan)}`);
  return plan.statement;
}

test("a crafted property type is skipped with a reason and never reaches a statement", () => {
  for (
    const crafted of [
      "INTEGER\nMATCH (n) DETACH DELETE n",
      "STRING} MATCH (n) DETACH DELETE n //",
      "INTEGER OR 1=1",
      "LIST<STRING NOT NULL>; DROP CONSTRAINT x",
      "",
    ]
  ) {
    const plan = planSchema(typeConstraint(crafted), ENTERPRISE);
    assert.ok("skip" in plan, `${JSON.stringify(crafted)} was planned: ${JSON.stringify(plan)}`);
    assert.match(plan.skip, /is not a Cypher property type/);
  }
});

test("property types of every form are rebuilt in canonical spelling", () => {
  const cases: [string, string][] = [
    ["INTEGER", "INTEGER"],
    ["zoned   datetime", "ZONED DATETIME"],
    ["LIST<STRING NOT NULL>", "LIST<STRING NOT NULL>"],
    ["INTEGER | FLOAT | STRING", "INTEGER | FLOAT | STRING"],
    [
      "LIST<INTEGER NOT NULL> | LIST<FLOAT NOT NULL>",
      "LIST<INTEGER NOT NULL> | LIST<FLOAT NOT NULL>",
    ],
    ["TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE"],
    ["VECTOR<FLOAT32>(3)", "VECTOR<FLOAT32>(3)"],
    ["VECTOR(128, INT8)", "VECTOR(128, INT8)"],
  ];
  for (const [given, written] of cases) {
    assert.equal(
      statementOf(planSchema(typeConstraint(given), ENTERPRISE)),
      `CREATE CONSTRAINT \`typed\` FOR (n:\`Person\`) REQUIRE n.\`age\` IS :: ${written}`,
    );
  }
});

test("names that try to end their backticks with a unicode escape stay inside them", () => {
  const plan = planSchema({
    kind: "index",
    name: "x\\u0060 FOR (n:Q) ON (n.q) //",
    type: "RANGE",
    entity: "NODE",
    labelsOrTypes: ["C:\\users"],
    properties: ["k\\u0060"],
    config: {},
  }, ENTERPRISE);
  assert.equal(
    statementOf(plan),
    "CREATE RANGE INDEX `x\\u005Cu0060 FOR (n:Q) ON (n.q) //` FOR (n:`C:\\u005Cusers`) " +
      "ON (n.`k\\u005Cu0060`)",
  );
});

test("index options keep backslashes and quotes inside their string literals", () => {
  const plan = planSchema({
    kind: "index",
    name: "ft",
    type: "FULLTEXT",
    entity: "NODE",
    labelsOrTypes: ["Doc"],
    properties: ["text"],
    config: { "fulltext.analyzer": "it\\u0027s' MATCH (n) DETACH DELETE n //" },
  }, ENTERPRISE);
  assert.equal(
    statementOf(plan),
    "CREATE FULLTEXT INDEX `ft` FOR (n:`Doc`) ON EACH [n.`text`] OPTIONS {indexConfig: " +
      "{`fulltext.analyzer`: 'it\\\\u0027s\\' MATCH (n) DETACH DELETE n //'}}",
  );
});

test("a schema item without properties is skipped, not sent", () => {
  const plan = planSchema({ ...typeConstraint("INTEGER"), properties: [] }, ENTERPRISE);
  assert.ok("skip" in plan);
});

test("names with line breaks stay on the statement's one line, each as a \\u escape", () => {
  const inject = "x\nMATCH (n) DETACH DELETE n;\r\n//\u2028\u0085";
  for (const kind of ["index", "constraint"] as const) {
    const record = kind === "index"
      ? {
        kind,
        name: inject,
        type: "VECTOR",
        entity: "NODE" as const,
        labelsOrTypes: [inject],
        properties: [inject],
        config: { "vector.dimensions": 3n, [inject]: inject },
      }
      : { ...typeConstraint("STRING"), name: inject, labelsOrTypes: [inject] };
    const statement = statementOf(planSchema(record, ENTERPRISE));
    assert.doesNotMatch(statement, /[\n\r\u0085\u2028\u2029]/, statement);
    assert.ok(
      statement.includes("x\\u000AMATCH (n) DETACH DELETE n;\\u000D\\u000A//\\u2028\\u0085"),
    );
  }
});

test("a schema item too large to write is skipped with its size, not built", () => {
  const plan = planSchema({ ...typeConstraint("STRING"), name: "n".repeat(2_000_000) }, ENTERPRISE);
  assert.ok("skip" in plan);
  assert.match(plan.skip, /hold 2000033 characters, more than the 1048576 a schema item may have/);
});
