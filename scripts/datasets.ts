/**
 * Loads the public datasets of `testdata/` (sources and licences in its README) into a database:
 * Movies (one Cypher statement, plus the Python tool's edge cases) and Northwind (from its CSV
 * files, in the graph model of its `northwind.cypher`, which loads from addresses we cannot reach).
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Driver } from "neo4j-driver";

/**
 * The repository's `testdata/` folder, found by looking upwards from here, so the tests compiled
 * into `npm/` for Node find it too.
 */
export const DATASETS: string = findDatasets(dirname(fileURLToPath(import.meta.url)));

function findDatasets(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, "testdata");
    if (existsSync(join(candidate, "movies"))) return candidate;
  }
  return join(from, "..", "testdata"); // for the error message of a missing file
}

/** Reads a file of the datasets folder. */
export function dataset(path: string): string {
  return readFileSync(join(DATASETS, path), "utf8");
}

/** Loads Movies (171 nodes, 253 relationships). */
export async function loadMovies(driver: Driver): Promise<void> {
  await driver.executeQuery(dataset("movies/movies.cypher"));
}

/** Loads Movies plus the Python tool's edge cases: typed values on a node and a relationship, a lonely node. */
export async function loadMoviesWithEdgeCases(driver: Driver): Promise<void> {
  await loadMovies(driver);
  for (const f of ["modify_node.cypher", "modify_rel.cypher", "lonely_node.cypher"]) {
    await driver.executeQuery(dataset(`movies/${f}`));
  }
}

/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes)
 * into objects keyed by the header row. `NULL` fields are left out: Neo4j stores no nulls.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) rows.push([...row, field]);
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== "");
  return body.map((r) => {
    const o: Record<string, string> = {};
    header.forEach((h, i) => {
      if (r[i] !== undefined && r[i] !== "NULL") o[h] = r[i];
    });
    return o;
  });
}

function csv(name: string): Record<string, string>[] {
  return parseCsv(dataset(`northwind/${name}.csv`));
}

/**
 * Loads Northwind in the model of `northwind.cypher`: Product, Category, Supplier, Customer and
 * Order nodes with uniqueness constraints; PART_OF, SUPPLIES, PURCHASED and ORDERS relationships.
 */
export async function loadNorthwind(driver: Driver): Promise<void> {
  const run = (query: string, rows: unknown[] = []) => driver.executeQuery(query, { rows });
  for (
    const [label, key] of [
      ["Product", "productID"],
      ["Category", "categoryID"],
      ["Supplier", "supplierID"],
      ["Customer", "customerID"],
      ["Order", "orderID"],
    ]
  ) {
    await run(
      `CREATE CONSTRAINT ${label}_${key} IF NOT EXISTS FOR (n:${label}) REQUIRE (n.${key}) IS UNIQUE`,
    );
  }
  await run(
    `UNWIND $rows AS row CREATE (n:Product) SET n = row,
       n.unitPrice = toFloat(row.unitPrice), n.unitsInStock = toInteger(row.unitsInStock),
       n.unitsOnOrder = toInteger(row.unitsOnOrder), n.reorderLevel = toInteger(row.reorderLevel),
       n.discontinued = (row.discontinued <> "0")`,
    csv("products"),
  );
  await run("UNWIND $rows AS row CREATE (n:Category) SET n = row", csv("categories"));
  await run("UNWIND $rows AS row CREATE (n:Supplier) SET n = row", csv("suppliers"));
  await run(
    "MATCH (p:Product), (c:Category) WHERE p.categoryID = c.categoryID MERGE (p)-[:PART_OF]->(c)",
  );
  await run(
    "MATCH (p:Product), (s:Supplier) WHERE p.supplierID = s.supplierID MERGE (s)-[:SUPPLIES]->(p)",
  );
  await run("UNWIND $rows AS row CREATE (n:Customer) SET n = row", csv("customers"));
  await run("UNWIND $rows AS row CREATE (n:Order) SET n = row", csv("orders"));
  await run(
    "MATCH (c:Customer), (o:Order) WHERE c.customerID = o.customerID MERGE (c)-[:PURCHASED]->(o)",
  );
  await run(
    `UNWIND $rows AS row MATCH (p:Product {productID: row.productID}), (o:Order {orderID: row.orderID})
     MERGE (o)-[details:ORDERS]->(p) SET details = row, details.quantity = toInteger(row.quantity)`,
    csv("order-details"),
  );
}
