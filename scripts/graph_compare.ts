/**
 * Whole-graph comparison for tests and the demo: a type-preserving fingerprint of every node and
 * relationship, and the catalog of tokens and schema a database shows.
 *
 * @module
 */

import type { Driver } from "neo4j-driver";
import type { Properties, PropertyValue } from "../lib/format/records.ts";
import { encodeValue } from "../lib/format/values.ts";

async function cypher(driver: Driver, query: string): Promise<Record<string, unknown>[]> {
  return (await driver.executeQuery(query)).records.map((r) => r.toObject());
}

function canon(v: PropertyValue): string {
  return JSON.stringify(encodeValue(v));
}

function canonProps(p: Properties): string {
  return Object.keys(p).sort().map((k) => `${JSON.stringify(k)}=${canon(p[k])}`).join(",");
}

/**
 * A type-preserving fingerprint of a whole graph: every node as its sorted labels and typed
 * properties, every relationship as type, typed properties and both endpoints' fingerprints.
 * Two graphs are equal (up to internal ids) when their fingerprints are.
 */
export async function fingerprint(driver: Driver): Promise<{ nodes: string[]; rels: string[] }> {
  const nodeRows = await cypher(
    driver,
    "MATCH (n) RETURN id(n) AS i, labels(n) AS l, properties(n) AS p",
  );
  const byId = new Map<string, string>();
  for (const r of nodeRows) {
    byId.set(
      String(r.i),
      `(${[...(r.l as string[])].sort().join(":")} {${canonProps(r.p as Properties)}})`,
    );
  }
  const relRows = await cypher(
    driver,
    "MATCH (a)-[r]->(b) RETURN id(a) AS a, type(r) AS t, properties(r) AS p, id(b) AS b",
  );
  const rels = relRows.map((r) =>
    `${byId.get(String(r.a))}-[${r.t} {${canonProps(r.p as Properties)}}]->${byId.get(String(r.b))}`
  );
  return { nodes: [...byId.values()].sort(), rels: rels.sort() };
}

/** Everything the server shows about tokens and schema, for "no trace" comparisons. */
export async function catalog(driver: Driver): Promise<Record<string, unknown>> {
  const col = async (query: string) =>
    (await cypher(driver, query)).map((r) => Object.values(r)[0]).sort();
  const schema = async (query: string) =>
    (await cypher(driver, query)).map((r) =>
      JSON.stringify(r, (_k, v) => typeof v === "bigint" ? `${v}n` : v)
    )
      .sort();
  return {
    labels: await col("CALL db.labels() YIELD label RETURN label"),
    types: await col("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType"),
    keys: await col("CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey"),
    indexes: await schema(
      "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, options, owningConstraint " +
        "RETURN name, type, entityType, labelsOrTypes, properties, options, owningConstraint",
    ),
    constraints: await schema(
      "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties, ownedIndex, propertyType, options " +
        "RETURN name, type, entityType, labelsOrTypes, properties, ownedIndex, propertyType, options",
    ),
  };
}
