/**
 * The `neo4j-backup` command as users run it: a child process against real servers, checked by
 * exit code, stdout, stderr and the files it leaves. Set NEO4J_BACKUP_CLI to run another build
 * (e.g. `node npm/bin/neo4j-backup.js`); the default is `deno run -A cli.ts`.
 */

import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Driver } from "neo4j-driver";
import { startServer } from "../scripts/neo4j_server.ts";
import { VERSION } from "../lib/version.ts";
import { connect, counts, loadMovies, type Neo4jServer, useServers, wipe } from "./_server.ts";
import {
  as,
  assertOneErrorLine,
  cleanEnv,
  CLI,
  interruptWhen,
  ROOT,
  runCli as run,
  tempDir,
} from "./_cli.ts";

const LEGACY_FIXTURE = join(ROOT, "tests", "fixtures", "legacy", "movies_gz");

// servers[0]: the Movies graph, read-only for these tests; servers[1]: a target, wiped as needed.
const servers = useServers(2);
const source = () => servers[0];
const target = () => servers[1];

before(async () => {
  await servers.ready();
  const driver = connect(source());
  try {
    await loadMovies(driver);
  } finally {
    await driver.close();
  }
}, { timeout: 120_000 });

async function withTarget<T>(fn: (driver: Driver) => Promise<T>): Promise<T> {
  const driver = connect(target());
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

test("--version prints the version on stdout", async () => {
  const result = await run(["--version"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout.toString(), `neo4j-backup ${VERSION}\n`);
  assert.equal(result.stderr, "");
});

test("--help and 'help COMMAND' print help on stdout", async () => {
  const tool = await run(["--help"]);
  assert.equal(tool.code, 0);
  assert.match(tool.stdout.toString(), /^neo4j-backup .*\n\nUsage:\n {2}neo4j-backup export/);
  for (const args of [["help", "export"], ["export", "--help"], ["export", "-h"]]) {
    const result = await run(args);
    assert.equal(result.code, 0, args.join(" "));
    assert.match(result.stdout.toString(), /^Usage: neo4j-backup export /);
  }
  assert.match((await run(["import", "--help"])).stdout.toString(), /^Usage: neo4j-backup import/);
  assert.match((await run(["help", "verify"])).stdout.toString(), /^Usage: neo4j-backup verify/);
});

test("an unknown flag exits 2 with one line naming the flag and no stack trace", async () => {
  const result = await run(["export", "--frobnicate"]);
  assert.equal(result.code, 2);
  assertOneErrorLine(
    result,
    /^neo4j-backup: error: Unknown option '--frobnicate': see 'neo4j-backup export --help'$/,
  );
  assert.equal(result.stdout.length, 0);
});

test("an unknown command and a bad value exit 2", async () => {
  const command = await run(["backup"]);
  assert.equal(command.code, 2);
  assertOneErrorLine(command, /Unknown command 'backup': see 'neo4j-backup --help'/);
  const value = await run(["import", "x.jsonl", "--batch-size", "many"]);
  assert.equal(value.code, 2);
  assertOneErrorLine(value, /Invalid value 'many' for '--batch-size'/);
});

test("a missing password without a terminal exits 2 and says how to pass one", async () => {
  const result = await run(["export", "-a", source().uri, "-o", "-"]);
  assert.equal(result.code, 2);
  assertOneErrorLine(result, /pass -p\/--password or set NEO4J_PASSWORD/);
});

// Failed logins use a user that does not exist: three failures for 'neo4j' would lock it for
// five seconds (dbms.security.auth_lock_time) and fail the tests that follow.
test("a wrong password exits 4 and the password appears nowhere, not even with --debug", async () => {
  const dir = tempDir();
  try {
    const password = "wrong-Pa55word-xyz";
    for (const debug of [[], ["--debug"]]) {
      const result = await run([
        "export",
        ...as(source(), password),
        "-u",
        "intruder",
        "-o",
        join(dir, "b.jsonl.gz"),
        ...debug,
      ]);
      assert.equal(result.code, 4);
      assert.match(
        result.stderr,
        /error: Cannot log in to '.*' as 'intruder': the user name or password is wrong/,
      );
      assert.ok(!result.stderr.includes(password), "password in stderr");
      assert.ok(!result.stdout.toString().includes(password), "password in stdout");
    }
    assert.deepEqual(readdirSync(dir), [], "no file is created before connecting");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("a password in the URI's user info is used and never shown", async () => {
  const secret = "wrong-Pa55word-in-uri";
  const uri = source().uri.replace("://", `://intruder:${secret}@`);
  const result = await run(["export", "-a", uri, "-o", "-", "--debug"]);
  assert.equal(result.code, 4);
  assert.match(result.stderr, /as 'intruder'/);
  assert.ok(!result.stderr.includes(secret));
});

test("an unreachable port exits 3 with a hint", async () => {
  const result = await run(["export", "-a", "bolt://127.0.0.1:9", "-p", "x", "-o", "-"]);
  assert.equal(result.code, 3);
  assertOneErrorLine(
    result,
    /Cannot connect to 'bolt:\/\/127\.0\.0\.1:9': connection refused; is Neo4j running/,
  );
});

test("a TLS scheme against a plain server exits 3 with a hint to drop TLS", async () => {
  const uri = source().uri.replace("bolt://", "bolt+ssc://");
  const result = await run(["export", "-a", uri, "-p", source().password, "-o", "-"]);
  assert.equal(result.code, 3);
  assertOneErrorLine(result, /TLS handshake failed; .*use neo4j:\/\/ or bolt:\/\//);
});

test("a plain scheme against a TLS-only server exits 3 with a hint to use TLS", async (t) => {
  let server: Neo4jServer;
  try {
    server = await startServer({ tls: true });
  } catch (e) {
    t.skip(`no TLS test server: ${(e as Error).message}`);
    return;
  }
  try {
    const plain = server.uri.replace(/^bolt\+ssc:/, "bolt:");
    const result = await run(["export", "-a", plain, "-p", server.password, "-o", "-"]);
    assert.equal(result.code, 3);
    assertOneErrorLine(result, /it may require TLS: use neo4j\+s:\/\/ \(or neo4j\+ssc:\/\//);
    const secure = await run(["export", "-a", server.uri, "-p", server.password, "-o", "-", "-q"]);
    assert.equal(secure.code, 0, secure.stderr);
  } finally {
    await server.stop();
  }
});

test("an unknown database exits 5 naming it", async () => {
  const result = await run(["export", ...as(source()), "-d", "nosuchdb", "-o", "-"]);
  assert.equal(result.code, 5);
  assertOneErrorLine(result, /Database 'nosuchdb' does not exist/);
});

test("a missing input file exits 7", async () => {
  const missing = join(tmpdir(), "neo4j-backup-surely-missing.jsonl.gz");
  const verify = await run(["verify", missing]);
  assert.equal(verify.code, 7);
  assertOneErrorLine(verify, /Cannot read '.*surely-missing\.jsonl\.gz': no such file or folder/);
  const imported = await run(["import", missing, ...as(target())]);
  assert.equal(imported.code, 7);
});

test("--debug adds the stack trace when it is given as a flag, and only then", async () => {
  const missing = join(tmpdir(), "neo4j-backup-surely-missing.jsonl.gz");
  const debug = await run(["verify", missing, "--debug"]);
  assert.equal(debug.code, 7);
  assert.match(debug.stderr, /^neo4j-backup: error: Cannot read '.*surely-missing\.jsonl\.gz'/);
  assert.match(debug.stderr, /\n.*Cannot read '.*surely-missing[^\n]*\n\s+at /);
  assertOneErrorLine(await run(["verify", missing]), /Cannot read '.*surely-missing/);
  // After '--', '--debug' is a file name, not the flag.
  const named = await run(["verify", "--", "--debug"]);
  assert.equal(named.code, 7);
  assertOneErrorLine(named, /Cannot read '--debug': no such file or folder$/);
});

test("a file that is not a backup exits 6 and nothing is written", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "hello, this is not a backup\n");
    const verify = await run(["verify", file]);
    assert.equal(verify.code, 6);
    assertOneErrorLine(verify, /Not a neo4j-backup file/);
    await withTarget(wipe);
    const imported = await run(["import", file, ...as(target())]);
    assert.equal(imported.code, 6);
    assert.deepEqual(await withTarget(counts), { nodes: 0, relationships: 0 });
    const folder = await run(["import", dir, ...as(target())]);
    assert.equal(folder.code, 6);
    assertOneErrorLine(folder, /is a folder without the compressed\.json and data\//);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("export writes a verifiable file with the default name, summary on stderr only", async () => {
  const dir = tempDir();
  try {
    const result = await run(["export", ...as(source())], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.length, 0, "nothing on stdout");
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^neo4j-neo4j-\d{8}T\d{6}Z\.jsonl\.gz$/);
    assert.match(result.stderr, /Exported database 'neo4j': 171 nodes, 253 relationships/);
    assert.match(result.stderr, /KiB written to '.*\.jsonl\.gz'/);

    const verify = await run(["verify", files[0]], { cwd: dir });
    assert.equal(verify.code, 0, verify.stderr);
    const report = verify.stdout.toString();
    assert.match(report, /: OK\n/);
    assert.match(report, /contents: 171 nodes, 253 relationships/);
    assert.match(report, /source: +Neo4j 5\.26\.\d+ community, database 'neo4j'/);

    const piped = await run(["verify", "-"], { input: readFileSync(join(dir, files[0])) });
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout.toString(), /^stdin: OK/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("export refuses to overwrite a file without --force and leaves it untouched", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl.gz");
    writeFileSync(file, "precious");
    const refused = await run(["export", ...as(source()), "-o", file]);
    assert.equal(refused.code, 8);
    assertOneErrorLine(refused, /File '.*b\.jsonl\.gz' already exists; pass --force/);
    assert.equal(readFileSync(file, "utf8"), "precious");
    assert.deepEqual(readdirSync(dir), ["b.jsonl.gz"]);

    const forced = await run(["export", ...as(source()), "-o", file, "--force", "-q"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.stderr, "", "--quiet prints nothing");
    assert.deepEqual(readdirSync(dir), ["b.jsonl.gz"], "no partial file is left");
    assert.deepEqual([...readFileSync(file).subarray(0, 2)], [0x1f, 0x8b]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("--no-compress writes plain JSON Lines", async () => {
  const result = await run(["export", ...as(source()), "-o", "-", "--no-compress", "-q"]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.toString().trimEnd().split("\n");
  const footer = JSON.parse(lines.at(-1)!);
  assert.equal(JSON.parse(lines[0]).kind, "header");
  assert.deepEqual([footer.kind, footer.nodes, footer.relationships], ["footer", 171, 253]);
  assert.equal(lines.length, 1 + footer.schema + 171 + 253 + 1);
});

test("-Z picks the gzip level: 1 and 9 both decode to the same lines, 0 writes plain text", async () => {
  const plain = async (level: string) => {
    const result = await run(["export", ...as(source()), "-o", "-", "-Z", level, "-q"]);
    assert.equal(result.code, 0, result.stderr);
    const bytes = result.stdout;
    const text = level === "0" ? bytes.toString() : gunzipSync(bytes).toString();
    return { size: bytes.length, body: text.split("\n").slice(1, -2).join("\n") };
  };
  const [fast, small, none] = [await plain("1"), await plain("9"), await plain("0")];
  assert.equal(fast.body, small.body);
  assert.equal(none.body, small.body);
  assert.ok(
    small.size <= fast.size && fast.size < none.size,
    JSON.stringify([fast, small, none].map((x) => x.size)),
  );
});

test("import loads a backup into an empty target and refuses a non-empty one without --yes", async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "movies.jsonl.gz");
    const exported = await run(["export", ...as(source()), "-o", file, "-q"]);
    assert.equal(exported.code, 0, exported.stderr);
    await withTarget(wipe);

    const imported = await run(["import", file, ...as(target())]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /Imported into database 'neo4j': 171 nodes, 253 relationships/);
    assert.match(imported.stderr, /KiB read from '.*movies\.jsonl\.gz'/);
    assert.equal(imported.stdout.length, 0);
    assert.deepEqual(await withTarget(counts), { nodes: 171, relationships: 253 });

    const refused = await run(["import", file, ...as(target())]);
    assert.equal(refused.code, 8);
    assertOneErrorLine(refused, /not empty \(171 nodes, 253 relationships\).*--yes/);
    assert.deepEqual(await withTarget(counts), { nodes: 171, relationships: 253 });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("export -o - | import - copies a database between two servers", async () => {
  await withTarget(wipe);
  const exporter = spawn(CLI[0], [...CLI.slice(1), "export", ...as(source()), "-o", "-"], {
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const importer = spawn(CLI[0], [...CLI.slice(1), "import", "-", ...as(target())], {
    env: cleanEnv(),
    stdio: [exporter.stdout, "pipe", "pipe"],
  });
  const finished = (child: ReturnType<typeof spawn>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      let stderr = "";
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (d: string) => (stderr += d));
      // 'exit' and the end of stderr, not 'close': under Node the exporter's stdout, handed to
      // the importer, never ends in this process, so the exporter's 'close' never comes.
      let code: number | null = null;
      let pending = 2;
      const done = () => --pending === 0 && resolve({ code, stderr });
      child.stderr!.on("end", done);
      child.on("exit", (c) => {
        code = c;
        done();
      });
    });
  const [e, i] = await Promise.all([finished(exporter), finished(importer)]);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(i.code, 0, i.stderr);
  assert.match(e.stderr, /written to stdout/);
  assert.match(i.stderr, /read from stdin/);
  assert.deepEqual(await withTarget(counts), { nodes: 171, relationships: 253 });
});

test("connection settings come from NEO4J_* variables when flags are absent", async () => {
  const result = await run(["export", "-o", "-", "-q"], {
    env: { NEO4J_URI: source().uri, NEO4J_USERNAME: "neo4j", NEO4J_PASSWORD: source().password },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual([...result.stdout.subarray(0, 2)], [0x1f, 0x8b]);
  const flagWins = await run(["export", "-o", "-", "-q", "-p", source().password], {
    env: { NEO4J_URI: source().uri, NEO4J_PASSWORD: "not-the-password" },
  });
  assert.equal(flagWins.code, 0, flagWins.stderr);
});

test("import reads a Python neo4j-backup project folder", async () => {
  await withTarget(wipe);
  const result = await run(["import", LEGACY_FIXTURE, ...as(target())]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /Imported into database 'neo4j': \d+ nodes/);
  const { nodes } = await withTarget(counts);
  assert.ok(nodes > 0);
});

const HAS_SCRIPT = spawnSync("script", ["--version"]).status === 0;

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), answering each prompt when its text
 * appears. Returns the exit code and everything the terminal showed.
 */
async function runOnTerminal(
  args: string[],
  answers: [prompt: string, reply: string][],
  cwd = ROOT,
): Promise<{ code: number | null; screen: string; unanswered: number }> {
  const command = [...CLI, ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qefc", command, "/dev/null"], {
    cwd,
    env: cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  const pending = [...answers];
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      screen += d;
      if (pending.length > 0 && screen.includes(pending[0][0])) {
        child.stdin.write(pending.shift()![1]);
      }
    });
    child.on("close", resolve);
  });
  return { code, screen, unanswered: pending.length };
}

test("the password prompt on a terminal does not echo what is typed", {
  skip: HAS_SCRIPT ? false : "util-linux 'script' is not installed",
}, async () => {
  const dir = tempDir();
  try {
    const password = source().password;
    const result = await runOnTerminal(
      ["export", "-a", source().uri, "-o", join(dir, "b.jsonl.gz")],
      [["Password for 'neo4j' at ", `${password}\r`]],
    );
    assert.equal(result.code, 0, result.screen);
    assert.equal(result.unanswered, 0, "the prompt appeared");
    assert.ok(!result.screen.includes(password), `the password was echoed:\n${result.screen}`);
    assert.match(result.screen, /Exported database 'neo4j'/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("on a terminal, overwriting asks first and only 'y' overwrites", {
  skip: HAS_SCRIPT ? false : "util-linux 'script' is not installed",
}, async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "b.jsonl.gz");
    writeFileSync(file, "precious");
    const args = ["export", ...as(source()), "-o", file];
    const question = "File '" + file + "' exists. Overwrite it? [y/N] ";
    const no = await runOnTerminal(args, [[question, "\r"]]);
    assert.equal(no.code, 8, no.screen);
    assert.equal(readFileSync(file, "utf8"), "precious");
    const yes = await runOnTerminal(args, [[question, "y\r"]]);
    assert.equal(yes.code, 0, yes.screen);
    assert.deepEqual([...readFileSync(file).subarray(0, 2)], [0x1f, 0x8b]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("on a terminal, importing into a non-empty database asks, and Enter means no", {
  skip: HAS_SCRIPT ? false : "util-linux 'script' is not installed",
}, async () => {
  const dir = tempDir();
  try {
    const file = join(dir, "movies.jsonl.gz");
    assert.equal((await run(["export", ...as(source()), "-o", file, "-q"])).code, 0);
    const before = await withTarget(counts);
    assert.ok(before.nodes > 0, "the target holds data");
    const result = await runOnTerminal(["import", file, ...as(target())], [[
      `Target database 'neo4j' holds ${before.nodes} nodes and ${before.relationships} relationships. Import into it anyway? [y/N] `,
      "\r",
    ]]);
    assert.equal(result.unanswered, 0, result.screen);
    assert.equal(result.code, 8, result.screen);
    assert.deepEqual(await withTarget(counts), before);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("Ctrl-C during an export exits 130 and leaves neither the file nor a partial file", async () => {
  await withTarget(async (driver) => {
    await wipe(driver);
    const session = driver.session();
    try {
      await session.run(
        "UNWIND range(1, 300000) AS i CALL { WITH i CREATE (:Big {i: i, s: 'padding text ' + toString(i)}) } IN TRANSACTIONS OF 50000 ROWS",
      );
    } finally {
      await session.close();
    }
  });
  const dir = tempDir();
  try {
    const file = join(dir, "big.jsonl.gz");
    const { ready, code, stderr } = await interruptWhen(
      ["export", ...as(target()), "-o", file],
      () => existsSync(`${file}.partial`),
    );
    assert.ok(ready, `the export wrote no partial file:\n${stderr}`);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /error: Interrupted by the user/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
