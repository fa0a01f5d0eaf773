/**
 * The figures of the peers benchmark (bench/bench_peers.ts) and their Markdown: a table per
 * run, the typed differences per tool with examples, and the section "Peers, side by side" of
 * docs/BENCHMARKS.md, written between its markers (appended at the end the first time).
 *
 * @module
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { GraphDifferences } from "./peers_diff.ts";

const BEGIN = "<!-- peers:results:begin -->";
const END = "<!-- peers:results:end -->";

/** One step's figures. */
export interface StepFigures {
  seconds: number;
  peakRss: number;
  serverRssGrowth: number;
  serverCpuSeconds: number;
}

/** One tool on one graph. */
export interface PeerRun {
  tool: string;
  size: "small" | "large";
  nodes: number;
  relationships: number;
  export?: StepFigures;
  import?: StepFigures;
  /** Bytes of the backup (file, or the Python tool's folder). */
  bytes?: number;
  restoredNodes?: number;
  restoredRelationships?: number;
  diff?: GraphDifferences;
  error?: string;
}

/** Everything one peers run measured. */
export interface PeersReport {
  machine: {
    cpu: string;
    cores: number;
    memoryBytes: number;
    os: string;
    runtime: string;
    neo4j: string;
    loadBefore: number[];
    loadAfter: number[];
    date: string;
  };
  /** What "ours" ran from. */
  oursAt: string;
  /** The command line of the run. */
  command?: string;
  runs: PeerRun[];
}

const NAMES: Record<string, string> = {
  ours: "neo4j-backup (this tool, CLI, defaults)",
  apoc: "APOC core 5.26.1 (`apoc.export.json.all` / `apoc.import.json`)",
  python: "Python `neo4j-backup` 1.0.0",
  transfer: "`neo4j-transfer` 0.2.0 (live copy)",
};

function mib(bytes: number | undefined): string {
  if (bytes === undefined || Number.isNaN(bytes)) return "n/a";
  if (Math.abs(bytes) < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  const m = bytes / 1024 / 1024;
  return `${m < 10 ? m.toFixed(1) : m.toFixed(0)} MiB`;
}

function secs(s: number | undefined): string {
  if (s === undefined) return "n/a";
  return s < 10 ? s.toFixed(2) : s.toFixed(1);
}

function n(x: number): string {
  return x.toLocaleString("en");
}

function diffCell(r: PeerRun): string {
  const d = r.diff;
  if (!d) {
    if (r.restoredNodes === undefined) return "n/a";
    const ok = r.restoredNodes === r.nodes && r.restoredRelationships === r.relationships;
    return ok ? "counts equal (not compared by type at this size)" : "**counts differ**";
  }
  if (d.total === 0) return "**0**";
  return `**${n(d.total)}**: ${n(d.nodesDiffering)} nodes, ${n(d.relationshipsDiffering)} ` +
    `relationships, ${d.catalog.length} catalog entries`;
}

function row(r: PeerRun): string {
  if (r.error) {
    const why = r.error.slice(0, 300).replaceAll("|", "\\|");
    const x = r.export;
    const got = r.restoredNodes === undefined
      ? ""
      : ` (had written ${n(r.restoredNodes)} nodes, ${
        n(r.restoredRelationships ?? 0)
      } relationships)`;
    return `| ${NAMES[r.tool] ?? r.tool} | ${secs(x?.seconds)} | failed: ${why}${got} | ` +
      `${mib(x?.peakRss)} / n/a | ${mib(x?.serverRssGrowth)} / n/a | ` +
      `${secs(x?.serverCpuSeconds)} / n/a | ${r.bytes === undefined ? "n/a" : mib(r.bytes)} | | |`;
  }
  const e = r.export;
  const i = r.import;
  const serverGrowth = `${mib(e?.serverRssGrowth)} / ${mib(i?.serverRssGrowth)}`;
  return `| ${NAMES[r.tool] ?? r.tool} | ${secs(e?.seconds)} | ${secs(i?.seconds)} | ` +
    `${mib(e?.peakRss)} / ${mib(i?.peakRss)} | ${serverGrowth} | ` +
    `${secs(e?.serverCpuSeconds)} / ${secs(i?.serverCpuSeconds)} | ` +
    `${r.bytes === undefined ? "n/a (no file)" : mib(r.bytes)} | ` +
    `${n(r.restoredNodes ?? 0)} / ${n(r.restoredRelationships ?? 0)} | ${diffCell(r)} |`;
}

function details(r: PeerRun): string[] {
  const d = r.diff;
  if (!d || d.total === 0) return [];
  const keys = [...d.keys].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const shown = keys.slice(0, 12).map((k) =>
    `  - ${k.on} \`${k.key}\` ${k.kind} ×${n(k.count)}: \`${k.example.replaceAll("`", "'")}\``
  );
  const more = keys.length > 12 ? [`  - ... and ${keys.length - 12} more keys`] : [];
  const cat = d.catalog.slice(0, 8).map((c) => `  - catalog ${c.replaceAll("`", "'")}`);
  const catMore = d.catalog.length > 8 ? [`  - ... and ${d.catalog.length - 8} more`] : [];
  return [`- ${NAMES[r.tool] ?? r.tool}:`, ...shown, ...more, ...cat, ...catMore];
}

function table(runs: PeerRun[]): string[] {
  return [
    "| Tool | Export s | Import s | Peak RSS export / import | Server RSS growth export / import | Server CPU s export / import | Backup | Restored nodes / relationships | Typed differences |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...runs.map(row),
  ];
}

function load(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(" / ");
}

/**
 * The Markdown of a peers run: machine, load, one table per graph, the differences per tool.
 *
 * @param report What the run measured.
 * @param command The command line that produced it.
 */
export function renderPeers(report: PeersReport, command: string): string {
  const m = report.machine;
  const out = [
    `Run on ${m.date.slice(0, 16).replace("T", " ")} UTC: \`${command}\``,
    "",
    `- Machine: ${m.cpu}, ${m.cores} cores, ${mib(m.memoryBytes)} RAM, ${m.os}; ${m.runtime}; ` +
    `this tool from: ${report.oursAt}`,
    `- Servers: ${m.neo4j}, every one fresh, on the same machine as the tools`,
    `- Load average (1/5/15 min) before: ${load(m.loadBefore)}, after: ${load(m.loadAfter)}` +
    (m.loadBefore[0] >= 1 ? " — **the machine was busy: the times are noisy**" : ""),
  ];
  for (const size of ["small", "large"] as const) {
    const runs = report.runs.filter((r) => r.size === size);
    if (runs.length === 0) continue;
    const g = runs[0];
    const kind = size === "small"
      ? "the every-type graph (bench/peers_graph.ts)"
      : "the graph of `deno task bench` (bench/bench_worker.ts)";
    out.push(
      "",
      `### ${size === "small" ? "Small" : "Large"} graph: ${n(g.nodes)} nodes, ` +
        `${n(g.relationships)} relationships, ${kind}`,
      "",
      ...table(runs),
    );
    const det = runs.flatMap(details);
    if (det.length) out.push("", "What differs, per tool (a few examples each):", "", ...det);
  }
  return out.join("\n");
}

const SECTION = `## Peers, side by side

\`deno task bench:peers\` (bench/bench_peers.ts) runs every tool on one graph, once, each
against fresh servers: the source is generated in one Neo4j ${"5.26.1"} server (with APOC, so
that APOC can read it), every tool exports from it, and every import goes into a fresh empty
server of the same version. Neo4j 5.26.1 is used for every tool because APOC core 5.26.1 (the
newest APOC core of the 5.26 line on Maven Central) stops the harness's 5.26.30 from starting.

- **Seconds**: the wall time of the tool's process, interpreter start included (Deno and
  Python both start in well under a second). APOC's import includes creating the
  \`neo4jImportId\` uniqueness constraints it demands, one per label, as a user must.
- **Peak RSS**: of the tool's own process tree (VmHWM of each process, sampled every 50 ms).
  APOC works inside the server, so its client's figure is small; what APOC costs shows in the
  server's RSS growth (the JVM's highest VmRSS during the step minus its VmRSS before) and in
  the server's CPU seconds, given for every tool.
- **Backup**: this tool's gzip file, APOC's JSON Lines file (APOC writes it uncompressed), the
  Python tool's project folder; \`neo4j-transfer\` copies between two live servers and has no
  backup (its transfer time is in the import column).
- **Typed differences**: nodes are matched by their key \`uid\`, relationships by \`rid\`, and
  every property is compared by type and value (the canonical typed form of
  scripts/graph_compare.ts); a node or relationship counts once however many of its properties
  differ; then every label, type, property key, index and constraint in excess or missing in
  \`db.labels()\`, \`db.propertyKeys()\`, \`SHOW INDEXES\` and \`SHOW CONSTRAINTS\`. Helper
  properties a tool leaves behind count as differences.
- **Sizes**: the Python importer matches each relationship's endpoints with a label-less
  property lookup (a scan of every node per relationship), then fixes every temporal and point
  value with one more query per value, each a label-less scan too (on this graph: about 13 per
  node and 6 per relationship), so every tool runs on a small graph; this tool and APOC also
  run on the large graph of \`deno task bench\`, where a step still running after the time
  limit is stopped and what it had written is counted.
- **The graphs** have five parallel relationships between each pair of connected nodes (the
  generators' endpoint pattern, as in \`deno task bench\`), no unlabelled node and no list of
  points: the Python importer crashes on unlabelled nodes, and \`apoc.import.json\` fails on the
  whole file at the first list of points ("Property values can only be of primitive types or
  arrays thereof. Encountered: Map{x -> ..., crs -> String("cartesian")}", seen in a trial run),
  and either would leave nothing to compare.

${BEGIN}
${END}

What each peer loses, and why (from the runs above and the peers' sources):

- **APOC** writes temporal values, durations, \`NaN\`/\`Infinity\` and byte arrays as JSON
  strings with no type beside them, and \`apoc.import.json\` stores them as strings: dates,
  times, date-times (named zones kept as text), durations (as normalised text) and base64
  strings. Points come back split into one property per coordinate (\`point_wgs84.latitude\`,
  \`point_wgs84.longitude\`, \`point_wgs84.crs\`: new keys, the point gone), and a list of points
  fails the whole import. Integers beyond 2^53 and integral floats survive. It exports no
  schema: indexes and constraints are missing, and the \`neo4jImportId\` property (a string, on
  every node) and its uniqueness constraints (one per label) stay behind; the key stays in
  \`db.propertyKeys()\` for good. Every relationship line repeats both endpoints with all their
  properties, so the file is 25-80 times the size of this tool's gzip backup, and the export
  holds gigabytes in the server (and, read with the driver's default fetch size, in the
  client). Its import is not quadratic but slow: on the large graph it had written 200,000
  nodes and 924,232 of the 1,000,000 relationships when it was stopped after 8 minutes.
- **Python \`neo4j-backup\` 1.0.0** writes temporal values as Cypher-call strings
  (\`"$date('...')"\`) and fixes them after the import with one query per value: local times and
  local date-times come back zoned (\`+00:00\`), named zones as offsets, values inside lists
  stay strings, byte arrays become the Python text \`"b'...'"\`. Its relationship fix-up matches
  a relationship by its two endpoints in either direction, so between two nodes with several
  relationships each one gets the value of whichever was fixed last: on this graph (five
  parallel relationships per pair) 2,000 of the 2,500 \`since\` values belong to another
  relationship, and \`local\` values are both zoned and moved (nanoseconds 1 became 1501).
  Only node uniqueness constraints are restored (the range index is lost), and its temporary id
  key stays in \`db.propertyKeys()\`. It crashes on unlabelled nodes (the graph here has none).
- **\`neo4j-transfer\` 0.2.0** passes values through the Python driver, so almost every type
  survives, but date-times with offset \`+00:00\` come back with the named zone \`UTC\`; at its
  defaults it adds \`_transfer_element_id\` and \`_transfer_timestamp\` to every node and
  relationship (\`should_append_data=False\` turns that off), copies no schema, refuses labels
  and types that are not identifiers, and pages with \`SKIP\`/\`LIMIT\` without an order (on a
  database that changes, rows can be skipped or repeated).
`;

/**
 * Writes the peers results into docs/BENCHMARKS.md between their markers, keeping everything
 * else; appends the section "Peers, side by side" at the end when the markers are missing.
 *
 * @param path The file.
 * @param results The Markdown of {@link renderPeers}.
 */
export function writePeers(path: string, results: string): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const block = `${BEGIN}\n${results}\n${END}`;
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from !== -1 && to > from) {
    writeFileSync(path, text.slice(0, from) + block + text.slice(to + END.length));
    return;
  }
  const section = SECTION.replace(`${BEGIN}\n${END}`, block);
  writeFileSync(path, `${text.trimEnd()}\n\n${section}`);
}
