/**
 * The library with drivers made in each of the ways that change how integers come back: the
 * default (the driver's `Integer`), `useBigInt` (`bigint`) and `disableLosslessIntegers`
 * (`number`, which cannot be told from a Float). An export keeps Integers and Floats apart, or
 * refuses the driver before reading anything; an import is exact with every driver.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import neo4j, { type Config, type Driver } from "neo4j-driver";
import { exportBackup, exportRecords } from "../lib/export/export.ts";
import { importBackup, importRecords } from "../lib/import/import.ts";
import { UsageError } from "../lib/errors.ts";
import { decodeBackup } from "../lib/format/decoder_stream.ts";
import { encodeBackup } from "../lib/format/encoder_stream.ts";
import { clear, connect, cypher, type Neo4jServer, useServers } from "./_server.ts";
import { collect, fingerprint, streamOf, TYPED_VALUES } from "./_graph.ts";

const servers = useServers(1);
/** Made as the tests' other drivers are: `useBigInt`. */
let normal: Driver;
let drivers: Record<"default" | "useBigInt" | "disableLosslessIntegers", Driver>;
let expected: Awaited<ReturnType<typeof fingerprint>>;

function driverWith(server: Neo4jServer, config: Config): Driver {
  return neo4j.driver(server.uri, neo4j.auth.basic(server.username, server.password), {
    ...config,
    logging: { level: "error", logger: () => {} },
  });
}

before(async () => {
  await servers.ready();
  normal = connect(servers[0]);
  drivers = {
    default: driverWith(servers[0], {}),
    useBigInt: driverWith(servers[0], { useBigInt: true }),
    disableLosslessIntegers: driverWith(servers[0], { disableLosslessIntegers: true }),
  };
  await cypher(normal, "CREATE (x:Types) SET x = $props", { props: TYPED_VALUES });
  await cypher(
    normal,
    "CREATE (:Movie {title: 'The Matrix', released: 1999, rating: 8.7, score: 9.0})" +
      "-[:SEQUEL {gap: 4, weight: 1.0}]->(:Movie {title: 'Reloaded', released: 2003})",
  );
  expected = await fingerprint(normal);
}, { timeout: 600_000 });

after(async () => {
  await Promise.all([normal, ...Object.values(drivers ?? {})].map((d) => d?.close()));
});

/** Empties the database and imports `backup` into it with the normal driver. */
async function restore(backup: Uint8Array): Promise<void> {
  await clear(normal);
  await importBackup(normal, streamOf(backup));
}

/** The graph holds what it held at the start, every value with its type. */
async function assertSameGraph(): Promise<void> {
  assert.deepStrictEqual(await fingerprint(normal), expected);
  const [m] = await cypher(
    normal,
    "MATCH (m:Movie {title: 'The Matrix'})-[s:SEQUEL]->() RETURN m.released AS released, " +
      "m.score AS score, s.gap AS gap, s.weight AS weight",
  );
  assert.deepStrictEqual(m, { released: 1999n, score: 9, gap: 4n, weight: 1 });
  const [t] = await cypher(normal, "MATCH (x:Types) RETURN properties(x) AS p");
  assert.deepStrictEqual(t.p, TYPED_VALUES);
}

for (const name of ["default", "useBigInt"] as const) {
  test(`exportBackup with a ${name} driver keeps Integers and Floats apart`, async () => {
    await restore(await collect(exportBackup(drivers[name])));
    await assertSameGraph();
  });

  test(`exportRecords with a ${name} driver keeps Integers and Floats apart`, async () => {
    await restore(await collect(encodeBackup(exportRecords(drivers[name]))));
    await assertSameGraph();
  });
}

/** A refusal of a driver whose integers come back as floats: one line that names the option. */
function isLossyRefusal(e: unknown): boolean {
  return e instanceof UsageError && e.message.includes("disableLosslessIntegers") &&
    !e.message.includes("\n");
}

test("exportBackup refuses a disableLosslessIntegers driver before handing out any byte", async () => {
  const reader = exportBackup(drivers.disableLosslessIntegers, { compress: false }).getReader();
  await assert.rejects(reader.read(), isLossyRefusal);
  await assert.rejects(collect(exportBackup(drivers.disableLosslessIntegers)), isLossyRefusal);
});

test("exportRecords refuses a disableLosslessIntegers driver before handing out any record", async () => {
  const reader = exportRecords(drivers.disableLosslessIntegers).getReader();
  await assert.rejects(reader.read(), isLossyRefusal);
});

for (const name of ["useBigInt", "disableLosslessIntegers"] as const) {
  test(`importBackup with a ${name} driver imports Integers and Floats exactly`, async () => {
    const backup = await collect(exportBackup(normal));
    await clear(normal);
    const summary = await importBackup(drivers[name], streamOf(backup));
    assert.equal(summary.nodes, expected.nodes.length);
    assert.equal(summary.relationships, expected.rels.length);
    await assertSameGraph();
  });

  test(`importRecords with a ${name} driver imports Integers and Floats exactly`, async () => {
    const backup = await collect(exportBackup(normal));
    await clear(normal);
    await importRecords(drivers[name], decodeBackup(streamOf(backup)));
    await assertSameGraph();
  });
}
