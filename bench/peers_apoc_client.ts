/**
 * The APOC peer's client, as a user of APOC core would drive it (a process of its own, so that
 * its memory is its own): `export` streams `CALL apoc.export.json.all(null, {stream: true})`
 * to a file; `import` creates the uniqueness constraint on `neo4jImportId` that
 * `apoc.import.json` demands for every label in the file, then calls `apoc.import.json` on it
 * (the server reads the file: the client and the server share a machine).
 *
 * ```sh
 * NEO4J_PASSWORD=... deno run -A bench/peers_apoc_client.ts export|import URI FILE
 * ```
 *
 * Prints one JSON line: what APOC reported.
 *
 * @module
 */

import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import process from "node:process";
import { createInterface } from "node:readline";
import neo4j, { type Driver } from "neo4j-driver";
import { runIfMain } from "../scripts/script_main.ts";

async function exportJson(driver: Driver, file: string): Promise<Record<string, unknown>> {
  const handle = await open(file, "w");
  const session = driver.session({ defaultAccessMode: neo4j.session.READ });
  let bytes = 0;
  let last: Record<string, unknown> = {};
  try {
    const result = session.run("CALL apoc.export.json.all(null, {stream: true})");
    for await (const record of result) {
      const data = record.get("data");
      if (typeof data === "string") {
        const text = data.endsWith("\n") ? data : `${data}\n`;
        bytes += (await handle.write(text)).bytesWritten;
      }
      last = { nodes: record.get("nodes"), relationships: record.get("relationships") };
    }
  } finally {
    await session.close();
    await handle.close();
  }
  return { ...last, bytes };
}

/** The labels of the node lines of an APOC JSON export. */
async function labelsOf(file: string): Promise<Set<string>> {
  const labels = new Set<string>();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith('{"type":"node"')) continue;
    const m = /"labels":(\[[^\]]*\])/.exec(line);
    if (m) { for (const l of JSON.parse(m[1]) as string[]) labels.add(l); }
  }
  return labels;
}

async function importJson(driver: Driver, file: string): Promise<Record<string, unknown>> {
  const labels = await labelsOf(file);
  for (const label of labels) {
    const q = "`" + label.replaceAll("`", "``") + "`";
    await driver.executeQuery(`CREATE CONSTRAINT FOR (n:${q}) REQUIRE n.neo4jImportId IS UNIQUE`);
  }
  await driver.executeQuery("CALL db.awaitIndexes(600)");
  const { records } = await driver.executeQuery("CALL apoc.import.json($file)", {
    file: `file://${file}`,
  });
  const r = records[0];
  return { nodes: r.get("nodes"), relationships: r.get("relationships"), labels: labels.size };
}

async function main(args: string[]): Promise<void> {
  const [task, uri, file] = args;
  if (!["export", "import"].includes(task) || !uri || !file) {
    throw new Error("usage: peers_apoc_client.ts export|import URI FILE");
  }
  const driver = neo4j.driver(
    uri,
    neo4j.auth.basic("neo4j", process.env.NEO4J_PASSWORD ?? ""),
    { disableLosslessIntegers: true, logging: { level: "error", logger: () => {} } },
  );
  try {
    const out = task === "export" ? await exportJson(driver, file) : await importJson(driver, file);
    process.stdout.write(JSON.stringify(out) + "\n");
  } finally {
    await driver.close();
  }
}

await runIfMain(import.meta.url, "apoc client", main);
