/**
 * Typed differences between a source graph and its restored copy, for the peers benchmark:
 * nodes matched by their key `uid` and relationships by `rid` (bench/peers_graph.ts), every
 * property compared by type and value (the same canonical form as the whole-graph fingerprint
 * of scripts/graph_compare.ts), plus the catalog: labels, types, property keys, indexes and
 * constraints the copy has in excess or lacks.
 *
 * @module
 */

import type { Driver } from "neo4j-driver";
import type { Properties, PropertyValue } from "../lib/format/records.ts";
import { encodeValue } from "../lib/format/values.ts";
import { catalog } from "../scripts/graph_compare.ts";

/** One entity: its labels or type, endpoints, and its properties in canonical typed form. */
interface Entity {
  head: string;
  props: Map<string, string>;
}

/** A graph read for comparison. */
export interface Snapshot {
  nodes: Map<string, Entity>;
  rels: Map<string, Entity>;
  catalog: Record<string, unknown>;
}

/** How one property key differs, over all entities. */
export interface KeyDifference {
  /** `node` or `relationship`. */
  on: string;
  key: string;
  /** `changed` (type or value), `missing` (lost), `extra` (added by the tool). */
  kind: "changed" | "missing" | "extra";
  count: number;
  /** One example: source value → restored value (canonical typed JSON). */
  example: string;
}

/** The differences of a restored graph from its source. */
export interface GraphDifferences {
  nodes: number;
  relationships: number;
  /** Nodes whose labels or typed properties differ, or that are missing or extra. */
  nodesDiffering: number;
  /** Relationships whose type, endpoints or typed properties differ, or missing or extra. */
  relationshipsDiffering: number;
  /** Per property key. */
  keys: KeyDifference[];
  /** Catalog entries in excess (`+`) or missing (`-`): labels, types, keys, indexes, constraints. */
  catalog: string[];
  /** The total: differing nodes + differing relationships + catalog entries. */
  total: number;
}

function canon(v: PropertyValue): string {
  try {
    return JSON.stringify(encodeValue(v));
  } catch (e) {
    return `<unencodable: ${(e as Error).message}>`;
  }
}

function keyOf(v: unknown): string {
  if (typeof v === "bigint" || typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

function entity(head: string, p: Properties): Entity {
  return { head, props: new Map(Object.entries(p).map(([k, v]) => [k, canon(v)])) };
}

/**
 * Reads a graph of the every-type kind for comparison.
 *
 * @param driver A driver with `useBigInt: true`.
 */
export async function snapshot(driver: Driver): Promise<Snapshot> {
  const nodeRows = await driver.executeQuery(
    "MATCH (n) RETURN id(n) AS i, labels(n) AS l, properties(n) AS p",
  );
  const uidOf = new Map<string, string>();
  const nodes = new Map<string, Entity>();
  for (const r of nodeRows.records) {
    const p = r.get("p") as Properties;
    const uid = keyOf(p.uid ?? `id:${r.get("i")}`);
    uidOf.set(String(r.get("i")), uid);
    nodes.set(uid, entity([...(r.get("l") as string[])].sort().join(":"), p));
  }
  const relRows = await driver.executeQuery(
    "MATCH (a)-[r]->(b) RETURN id(r) AS i, id(a) AS a, type(r) AS t, properties(r) AS p, id(b) AS b",
  );
  const rels = new Map<string, Entity>();
  for (const r of relRows.records) {
    const p = r.get("p") as Properties;
    const head = `${uidOf.get(String(r.get("a")))}-${r.get("t")}->${uidOf.get(String(r.get("b")))}`;
    rels.set(keyOf(p.rid ?? `id:${r.get("i")}`), entity(head, p));
  }
  return { nodes, rels, catalog: await catalog(driver) };
}

function short(s: string | undefined): string {
  if (s === undefined) return "(none)";
  return s.length > 70 ? `${s.slice(0, 67)}...` : s;
}

function compareEntities(
  on: string,
  source: Map<string, Entity>,
  copy: Map<string, Entity>,
  keys: Map<string, KeyDifference>,
): number {
  let differing = 0;
  const note = (key: string, kind: KeyDifference["kind"], from?: string, to?: string) => {
    const id = `${on}\u0000${key}\u0000${kind}`;
    const d = keys.get(id);
    if (d) d.count++;
    else keys.set(id, { on, key, kind, count: 1, example: `${short(from)} → ${short(to)}` });
  };
  for (const [id, s] of source) {
    const c = copy.get(id);
    if (!c) {
      differing++;
      continue;
    }
    let same = s.head === c.head;
    if (!same) note(on === "node" ? "(labels)" : "(type or endpoints)", "changed", s.head, c.head);
    for (const [k, v] of s.props) {
      const w = c.props.get(k);
      if (w === undefined) note(k, "missing", v, w);
      else if (w !== v) note(k, "changed", v, w);
      if (w !== v) same = false;
    }
    for (const [k, w] of c.props) {
      if (!s.props.has(k)) {
        note(k, "extra", undefined, w);
        same = false;
      }
    }
    if (!same) differing++;
  }
  for (const id of copy.keys()) if (!source.has(id)) differing++;
  return differing;
}

function schemaKey(json: string): string {
  const { name: _n, ownedIndex: _o, owningConstraint: _w, ...rest } = JSON.parse(json);
  return JSON.stringify(rest);
}

function compareCatalog(source: Record<string, unknown>, copy: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const part of ["labels", "types", "keys", "indexes", "constraints"]) {
    const norm = (x: unknown) =>
      (x as string[]).map((v) => part === "indexes" || part === "constraints" ? schemaKey(v) : v);
    const s = norm(source[part]);
    const c = norm(copy[part]);
    for (const v of c) if (!s.includes(v)) out.push(`+ ${part}: ${v}`);
    for (const v of s) if (!c.includes(v)) out.push(`- ${part}: ${v}`);
  }
  return out;
}

/**
 * Compares a restored graph with its source.
 *
 * @param source The source's snapshot.
 * @param copy The restored graph's snapshot.
 */
export function differences(source: Snapshot, copy: Snapshot): GraphDifferences {
  const keys = new Map<string, KeyDifference>();
  const nodesDiffering = compareEntities("node", source.nodes, copy.nodes, keys);
  const relationshipsDiffering = compareEntities("relationship", source.rels, copy.rels, keys);
  const cat = compareCatalog(source.catalog, copy.catalog);
  return {
    nodes: copy.nodes.size,
    relationships: copy.rels.size,
    nodesDiffering,
    relationshipsDiffering,
    keys: [...keys.values()],
    catalog: cat,
    total: nodesDiffering + relationshipsDiffering + cat.length,
  };
}
