import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import neo4j from "neo4j-driver";
import {
  decodeBackup,
  DecoderStream,
  type DecoderStreamOptions,
  MAX_LINE_BYTES,
} from "./decoder_stream.ts";
import { encodeBackup, EncoderStream } from "./encoder_stream.ts";
import { BackupError, errorMessage, FileError, FormatError } from "../errors.ts";
import type {
  BackupRecord,
  BodyRecord,
  FooterRecord,
  HeaderRecord,
  Properties,
} from "./records.ts";

const { Date: Neo4jDate, DateTime, Duration, LocalDateTime, LocalTime, Point, Time } = neo4j.types;

const HEADER: HeaderRecord = {
  kind: "header",
  format: "neo4j-backup",
  version: 1,
  tool: "neo4j-backup 0.1.0",
  created: "2026-11-24T07:00:00.000Z",
  source: { version: "5.26.29", edition: "community", database: "neo4j" },
};

/** One property of every type the format carries, and a list of each. */
function everyType(): Properties {
  const scalars: Properties = {
    int: 1999n,
    intNegative: -7n,
    intBig: 2n ** 53n + 1n,
    intMax: 2n ** 63n - 1n,
    intMin: -(2n ** 63n),
    float: 0.334,
    floatIntegral: 1,
    floatZero: 0,
    floatNegativeZero: -0,
    floatNaN: NaN,
    floatInfinity: Infinity,
    floatMinusInfinity: -Infinity,
    floatHuge: 1e300,
    string: "The Matrix",
    stringEmpty: "",
    stringNul: "a\u0000b",
    stringNewlines: "one\ntwo\r\nthree\u2028four",
    stringEmoji: "🎬👩‍👩‍👧",
    stringTagLike: '{"$date":"2020-01-01"}',
    stringCypherLike: "$date('2020-01-01')",
    boolean: true,
    bytes: new Int8Array([0, 1, -1, 127, -128]),
    bytesEmpty: new Int8Array([]),
    date: new Neo4jDate(2020n, 1n, 1n),
    dateFarFuture: new Neo4jDate(999999999n, 12n, 31n),
    dateFarPast: new Neo4jDate(-999999999n, 1n, 1n),
    localTime: new LocalTime(12n, 50n, 35n, 556000000n),
    time: new Time(21n, 40n, 32n, 142000000n, 3630n),
    localDateTime: new LocalDateTime(2015n, 7n, 4n, 19n, 32n, 24n, 1n),
    dateTimeOffset: new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 556000000n, -18000n, undefined),
    dateTimeZone: new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 0n, 7200n, "Europe/Stockholm"),
    dateTimeZoneOnly: new DateTime(2015n, 6n, 24n, 12n, 50n, 35n, 0n, undefined, "Asia/Tokyo"),
    duration: new Duration(5n, 1n, 43200n, 5n),
    durationNegative: new Duration(-5n, 1n, -1n, 500000000n),
    point2d: new Point(7203n, 3, 0),
    point3d: new Point(9157n, 3, 0, 2),
    pointWgs: new Point(4326n, 12.994, 55.611),
    pointWgs3d: new Point(4979n, 12.994, 55.611, 100),
    pointOdd: new Point(1234n, NaN, -0),
  };
  const props: Properties = { ...scalars, emptyList: [] };
  for (const [key, value] of Object.entries(scalars)) {
    if (!Array.isArray(value)) props[`${key}List`] = [value, value];
  }
  return props;
}

const ODD_NAMES = ["with space", "back`tick", "co:lon", "do.t", "🎬", "名前", "имя", "اسم"];

function sampleRecords(): BodyRecord[] {
  const oddProps: Properties = {};
  for (const name of ODD_NAMES) oddProps[name] = name;
  return [
    HEADER,
    {
      kind: "index",
      name: "plot vectors 🎬",
      type: "VECTOR",
      entity: "NODE",
      labelsOrTypes: ["Movie"],
      properties: ["embedding"],
      provider: "vector-2.0",
      config: { "vector.dimensions": 1536n, "vector.similarity_function": "COSINE" },
    },
    {
      kind: "index",
      name: "places",
      type: "POINT",
      entity: "NODE",
      labelsOrTypes: ["Place"],
      properties: ["where"],
      config: { "spatial.cartesian.min": [-1000000, -1000000] },
      statement: "CREATE POINT INDEX `places` FOR (n:`Place`) ON (n.`where`)",
    },
    {
      kind: "constraint",
      name: "person_born",
      type: "NODE_PROPERTY_TYPE",
      entity: "NODE",
      labelsOrTypes: ["Person"],
      properties: ["born"],
      propertyType: "INTEGER",
      config: {},
    },
    { kind: "node", id: 0, labels: ["Movie"], props: { title: "The Matrix", released: 1999n } },
    { kind: "node", id: 1, labels: ["Person", "Actor"], props: everyType() },
    { kind: "node", id: 2, labels: [], props: {} },
    { kind: "node", id: 3, labels: ODD_NAMES, props: oddProps },
    { kind: "rel", type: "ACTED_IN", start: 1, end: 0, props: { roles: ["Neo"] } },
    { kind: "rel", type: "with space`:.🎬名前", start: 3, end: 3, props: everyType() },
    { kind: "rel", type: "KNOWS", start: 2, end: 1, props: {} },
  ];
}

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(
    await new Response(stream as ReadableStream<Uint8Array<ArrayBuffer>>).arrayBuffer(),
  );
}

/** The bytes as a stream of chunks of the given sizes, repeated. */
function streamOf(
  bytes: Uint8Array,
  sizes: number[] = [bytes.length || 1],
): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    chunks.push(bytes.slice(at, at + size));
    at += size;
  }
  return ReadableStream.from(chunks);
}

function encodePlain(records: BodyRecord[], chunkSize?: number): Promise<Uint8Array> {
  return bytesOf(ReadableStream.from(records).pipeThrough(new EncoderStream({ chunkSize })));
}

function decodePlain(
  bytes: Uint8Array,
  sizes?: number[],
  options?: DecoderStreamOptions,
): Promise<BackupRecord[]> {
  return collect(streamOf(bytes, sizes).pipeThrough(new DecoderStream(options)));
}

/** The byte offset of the first occurrence of `needle`. */
function byteIndexOf(bytes: Uint8Array, needle: string): number {
  const n = text(needle);
  outer: for (let i = 0; i + n.length <= bytes.length; i++) {
    for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer;
    return i;
  }
  return -1;
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function lines(bytes: Uint8Array): string[] {
  return new TextDecoder().decode(bytes).split("\n");
}

/** A plain backup made of the given lines, with a correct footer unless one is given. */
function backupOf(body: string[], footer?: Partial<FooterRecord>): Uint8Array {
  const bytes = text(body.map((line) => line + "\n").join(""));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const count = (kind: string) => body.filter((l) => l.startsWith(`{"kind":"${kind}"`)).length;
  const full: FooterRecord = {
    kind: "footer",
    nodes: count("node"),
    relationships: count("rel"),
    schema: count("index") + count("constraint"),
    sha256,
    ...footer,
  };
  return text(body.map((line) => line + "\n").join("") + JSON.stringify(full) + "\n");
}

const HEADER_LINE = JSON.stringify(HEADER);
const NODE_LINE = '{"kind":"node","id":0,"labels":["Movie"],"props":{"title":"The Matrix"}}';

async function decodeFails(
  bytes: Uint8Array,
  message: RegExp,
  line?: number,
  sizes?: number[],
  options?: DecoderStreamOptions,
): Promise<FormatError> {
  let error: unknown;
  try {
    await decodePlain(bytes, sizes, options);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof FormatError, `expected a FormatError, got ${error}`);
  assert.match(error.message, message);
  if (line !== undefined) assert.equal(error.line, line);
  return error;
}

function checkFooter(records: BackupRecord[], nodes: number, rels: number, schema: number): void {
  const footer = records.at(-1) as FooterRecord;
  assert.equal(footer.kind, "footer");
  assert.deepStrictEqual(
    [footer.nodes, footer.relationships, footer.schema],
    [nodes, rels, schema],
  );
  assert.match(footer.sha256, /^[0-9a-f]{64}$/);
}

// ---------------------------------------------------------------------------------------------
// Round trips

test("every record and property type survives the encoder and decoder streams", async () => {
  const records = sampleRecords();
  const decoded = await decodePlain(await encodePlain(records));
  assert.deepStrictEqual(decoded.slice(0, -1), records);
  checkFooter(decoded, 4, 3, 3);
});

test("every record survives gzip through encodeBackup and decodeBackup", async () => {
  const records = sampleRecords();
  const gz = await bytesOf(encodeBackup(ReadableStream.from(records)));
  assert.deepStrictEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  const decoded = await collect(decodeBackup(streamOf(gz, [100])));
  assert.deepStrictEqual(decoded.slice(0, -1), records);
  checkFooter(decoded, 4, 3, 3);
});

test("decodeBackup accepts an uncompressed backup", async () => {
  const records = sampleRecords();
  const plain = await bytesOf(encodeBackup(ReadableStream.from(records), { compress: false }));
  assert.equal(plain[0], 0x7b);
  const decoded = await collect(decodeBackup(streamOf(plain)));
  assert.deepStrictEqual(decoded.slice(0, -1), records);
});

test("decodeBackup sniffs gzip even when the input arrives one byte at a time", async () => {
  const records = sampleRecords().slice(0, 5);
  const gz = await bytesOf(encodeBackup(ReadableStream.from(records)));
  const decoded = await collect(decodeBackup(streamOf(gz, [1])));
  assert.deepStrictEqual(decoded.slice(0, -1), records);
});

test("decoder splits lines correctly at any chunk boundary", async () => {
  const records = sampleRecords();
  const bytes = await encodePlain(records);
  for (const sizes of [[1], [2], [3], [7, 1, 64], [4096], [65536], [bytes.length]]) {
    const decoded = await decodePlain(bytes, sizes);
    assert.deepStrictEqual(decoded.slice(0, -1), records, `chunk sizes ${sizes}`);
  }
});

test("megabyte lines survive when split across many chunks", async () => {
  const big = "🎬".repeat(1 << 20) + "x".repeat(3 << 20);
  const records: BodyRecord[] = [
    HEADER,
    {
      kind: "node",
      id: 0,
      labels: ["Big"],
      props: { big, bytes: new Int8Array(1 << 20).fill(-3) },
    },
    { kind: "node", id: 1, labels: ["Small"], props: { n: 1n } },
  ];
  const bytes = await encodePlain(records);
  assert.ok(bytes.length > 8 << 20);
  const decoded = await decodePlain(bytes, [65536, 17]);
  assert.deepStrictEqual(decoded.slice(0, -1), records);
});

test("many records with random chunking come back identical", async () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const records: BodyRecord[] = [HEADER];
  for (let id = 0; id < 3000; id++) {
    records.push({
      kind: "node",
      id,
      labels: ["Person"],
      props: {
        name: `person ${id} ${"é".repeat(Math.floor(random() * 50))}`,
        age: BigInt(Math.floor(random() * 100)),
        score: random(),
        born: new Neo4jDate(BigInt(1900 + id % 120), 1n + BigInt(id % 12), 1n),
      },
    });
  }
  for (let i = 0; i < 3000; i++) {
    records.push({
      kind: "rel",
      type: "KNOWS",
      start: i,
      end: (i * 7) % 3000,
      props: { w: i % 3 ? 0.5 : 1 },
    });
  }
  const bytes = await encodePlain(records, 1000);
  const sizes = Array.from({ length: 50 }, () => 1 + Math.floor(random() * 5000));
  const decoded = await decodePlain(bytes, sizes);
  assert.deepStrictEqual(decoded.slice(0, -1), records);
  checkFooter(decoded, 3000, 3000, 0);
});

// ---------------------------------------------------------------------------------------------
// What the encoder writes

test("encoder writes one record per line, keys in the documented order, kind first", async () => {
  const node = { props: { n: 1n }, labels: ["A"], id: 5, kind: "node" } as BodyRecord;
  const rel = { props: {}, end: 5, start: 5, type: "R", kind: "rel" } as BodyRecord;
  const out = lines(await encodePlain([HEADER, node, rel]));
  assert.equal(out[0], HEADER_LINE);
  assert.equal(out[1], '{"kind":"node","id":5,"labels":["A"],"props":{"n":1}}');
  assert.equal(out[2], '{"kind":"rel","type":"R","start":5,"end":5,"props":{}}');
  assert.match(
    out[3],
    /^\{"kind":"footer","nodes":1,"relationships":1,"schema":0,"sha256":"[0-9a-f]{64}"\}$/,
  );
  assert.equal(out[4], "");
  assert.equal(out.length, 5);
});

test("the footer's checksum is the SHA-256 of every byte before the footer line", async () => {
  const bytes = await encodePlain(sampleRecords());
  const footerStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  const expected = createHash("sha256").update(bytes.subarray(0, footerStart)).digest("hex");
  const footer = JSON.parse(new TextDecoder().decode(bytes.subarray(footerStart)));
  assert.equal(footer.sha256, expected);
});

test("encoder batches lines into chunks of about the chunk size", async () => {
  const records: BodyRecord[] = [HEADER];
  for (let id = 0; id < 5000; id++) {
    records.push({ kind: "node", id, labels: ["N"], props: { name: `node ${id}` } });
  }
  const chunks = await collect(
    ReadableStream.from(records).pipeThrough(new EncoderStream({ chunkSize: 16384 })),
  );
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  assert.ok(chunks.length < 30, `${chunks.length} chunks`);
  for (const chunk of chunks.slice(0, -2)) {
    assert.ok(chunk.length >= 16384 && chunk.length < 16384 + 200);
  }
  assert.ok(total > 16384 * 15);
});

test("a backup with no schema, nodes or relationships is header and footer", async () => {
  const decoded = await decodePlain(await encodePlain([HEADER]));
  assert.deepStrictEqual(decoded[0], HEADER);
  checkFooter(decoded, 0, 0, 0);
});

async function encodeFails(records: BodyRecord[], message: RegExp): Promise<void> {
  await assert.rejects(encodePlain(records), (e: unknown) => {
    assert.ok(e instanceof BackupError, `expected a BackupError, got ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

const NODE: BodyRecord = { kind: "node", id: 0, labels: [], props: {} };

test("encoder refuses records that do not start with a header", async () => {
  await encodeFails([NODE], /^Cannot write a 'node' record first: a backup starts with a header$/);
  await encodeFails([], /^Cannot write a backup without a header$/);
});

test("encoder refuses a footer record and records out of order", async () => {
  const footer = { kind: "footer", nodes: 0, relationships: 0, schema: 0, sha256: "" };
  await encodeFails(
    [HEADER, footer as unknown as BodyRecord],
    /^Cannot write a 'footer' record: the encoder writes the footer itself$/,
  );
  const index: BodyRecord = {
    kind: "index",
    name: "i",
    type: "RANGE",
    entity: "NODE",
    labelsOrTypes: ["A"],
    properties: ["p"],
    config: {},
  };
  await encodeFails([HEADER, NODE, index], /^Cannot write a 'index' record after a 'node' record/);
  await encodeFails([HEADER, HEADER], /^Cannot write a 'header' record after a 'header' record/);
  const rel: BodyRecord = { kind: "rel", type: "R", start: 0, end: 0, props: {} };
  await encodeFails([HEADER, rel, NODE], /^Cannot write a 'node' record after a 'rel' record/);
});

test("encoder refuses ids that are not numbers and values that are not Neo4j types", async () => {
  const bigId = { kind: "node", id: 5n, labels: [], props: {} } as unknown as BodyRecord;
  await encodeFails(
    [HEADER, bigId],
    /^Cannot write a 'node' record: 'id' must be an integer number$/,
  );
  const odd = { kind: "node", id: 1, labels: [], props: { when: new globalThis.Date() } };
  await encodeFails([HEADER, odd as unknown as BodyRecord], /^Cannot encode property 'when'/);
});

// ---------------------------------------------------------------------------------------------
// What the decoder refuses

test("decoder rejects empty input", async () => {
  await decodeFails(new Uint8Array(), /^Not a neo4j-backup file: the input is empty$/);
  await assert.rejects(collect(decodeBackup(streamOf(new Uint8Array()))), /the input is empty/);
});

test("decoder rejects garbage bytes as not a backup", async () => {
  const garbage = new Uint8Array(10000).map((_, i) => (i * 7919) % 251);
  await decodeFails(garbage, /^Not a neo4j-backup file: line 1 is not a backup header$/, 1);
  await decodeFails(text("hello\nworld\n"), /line 1 is not a backup header$/, 1);
  await decodeFails(text("{not json}\n"), /line 1 is not a backup header$/, 1);
  await decodeFails(text("{" + "x".repeat(2 << 20)), /line 1 is not a backup header$/, 1);
  await assert.rejects(collect(decodeBackup(streamOf(garbage))), /line 1 is not a backup header/);
});

test("decoder rejects a gzip stream with a hint to decompress it", async () => {
  const gz = await bytesOf(encodeBackup(ReadableStream.from([HEADER])));
  await decodeFails(
    gz,
    /line 1 is not a backup header \(the input is gzip-compressed: decompress it first\)$/,
  );
});

test("decoder rejects a backup without its header", async () => {
  await decodeFails(
    backupOf([NODE_LINE]),
    /^Not a neo4j-backup file: line 1 is not a backup header$/,
    1,
  );
  const otherFormat = JSON.stringify({ ...HEADER, format: "something-else" });
  await decodeFails(backupOf([otherFormat]), /line 1 is not a backup header$/, 1);
  await decodeFails(backupOf(["[1,2,3]"]), /line 1 is not a backup header$/, 1);
});

test("decoder rejects an unsupported format version", async () => {
  const v2 = JSON.stringify({
    kind: "header",
    format: "neo4j-backup",
    version: 2,
    other: "fields",
  });
  await decodeFails(
    backupOf([v2, NODE_LINE]),
    /^Unsupported format version 2: this neo4j-backup reads version 1; upgrade neo4j-backup$/,
    1,
  );
  const v0 = JSON.stringify({ ...HEADER, version: 0 });
  await decodeFails(
    backupOf([v0]),
    /^Cannot read line 1: field 'version' must be a positive integer$/,
  );
});

test("decoder rejects bad JSON naming the line", async () => {
  const bytes = backupOf([HEADER_LINE, NODE_LINE, NODE_LINE, '{"kind":"node","id":3,', NODE_LINE]);
  const error = await decodeFails(bytes, /^Cannot parse line 4: /, 4);
  assert.doesNotMatch(error.message, /^Cannot parse line 4: U/); // the reason starts lower-case
  // The same error wherever the chunks are cut.
  await decodeFails(bytes, /^Cannot parse line 4: /, 4, [3]);
});

test("decoder rejects a flipped byte in a node line as a checksum mismatch", async () => {
  const bytes = await encodePlain(sampleRecords());
  const at = byteIndexOf(bytes, "The Matrix");
  const flipped = bytes.slice();
  flipped[at] = "t".charCodeAt(0);
  const footerLine = lines(bytes).length - 1;
  await decodeFails(
    flipped,
    new RegExp(`^Backup is corrupt: checksum mismatch at the footer \\(line ${footerLine}\\)$`),
    footerLine,
  );
  await decodeFails(flipped, /checksum mismatch/, footerLine, [5]);
  // Without the checksum the damaged value reads fine.
  const unchecked = await collect(
    streamOf(flipped).pipeThrough(new DecoderStream({ checksum: false })),
  );
  assert.equal(unchecked[4].kind === "node" && unchecked[4].props.title, "the Matrix");
});

test("decoder rejects a footer whose counts do not match", async () => {
  await decodeFails(
    backupOf([HEADER_LINE, NODE_LINE], { nodes: 2 }),
    /^Backup is corrupt: count mismatch at the footer \(line 3\): it says 2 nodes, 0 relationships and 0 schema records, the backup holds 1 nodes, 0 relationships and 0 schema records$/,
    3,
  );
});

test("decoder rejects a backup cut short anywhere", async () => {
  const bytes = await encodePlain(sampleRecords());
  const ends: number[] = [];
  for (let at = 0; at < bytes.length; at++) if (bytes[at] === 0x0a) ends.push(at + 1);
  const footerStart = ends.at(-2)!;
  const cuts = [
    ends[0],
    ends[0] + 1,
    ends[3],
    ends[4] + 100,
    footerStart,
    footerStart + 30,
  ];
  for (const cut of cuts) {
    const before = ends.filter((end) => end <= cut).length;
    await decodeFails(
      bytes.subarray(0, cut),
      new RegExp(`^Backup is truncated: no footer after line ${before}$`),
      before,
      [4000],
    );
  }
});

test("decoder tells a backup cut inside its header from a file that is not a backup", async () => {
  const bytes = await encodePlain(sampleRecords());
  const headerEnd = bytes.indexOf(0x0a);
  for (const cut of [2, 10, 30, headerEnd - 1]) {
    await decodeFails(
      bytes.subarray(0, cut),
      /^Backup is truncated: it ends inside the header \(line 1\)$/,
      1,
    );
  }
  await decodeFails(
    bytes.subarray(0, headerEnd),
    /^Backup is truncated: no footer after line 1$/,
    1,
  );
});

test("decoder accepts a footer that lost only its final newline", async () => {
  const bytes = await encodePlain(sampleRecords());
  const decoded = await decodePlain(bytes.subarray(0, bytes.length - 1));
  checkFooter(decoded, 4, 3, 3);
});

test("decodeBackup rejects a gzip stream cut short anywhere", async () => {
  const gz = await bytesOf(encodeBackup(ReadableStream.from(sampleRecords())));
  for (const cut of [2, 5, 10, 20, Math.floor(gz.length / 2), gz.length - 8, gz.length - 1]) {
    await assert.rejects(
      collect(decodeBackup(streamOf(gz.subarray(0, cut), [64]))),
      (e: unknown) => {
        assert.ok(e instanceof FormatError, `cut at ${cut}: expected a FormatError, got ${e}`);
        assert.match(e.message, /^Backup is truncated/);
        return true;
      },
    );
  }
  await assert.rejects(
    collect(decodeBackup(streamOf(gz.subarray(0, 1)))),
    /line 1 is not a backup header/,
  );
});

test("decodeBackup rejects bytes after the end of the gzip stream", async () => {
  const gz = await bytesOf(encodeBackup(ReadableStream.from(sampleRecords())));
  const trailing = new Uint8Array(gz.length + 4);
  trailing.set(gz);
  trailing.set([1, 2, 3, 4], gz.length);
  await assert.rejects(collect(decodeBackup(streamOf(trailing))), (e: unknown) => {
    assert.ok(e instanceof FormatError);
    assert.match(e.message, /^Backup is truncated or corrupt: the gzip stream/);
    return true;
  });
});

test("decodeBackup passes on the input's own errors unchanged", async () => {
  const gz = await bytesOf(encodeBackup(ReadableStream.from(sampleRecords())));
  for (const bytes of [gz, await encodePlain(sampleRecords())]) {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 200));
      },
      pull(controller) {
        controller.error(new FileError("Cannot read 'x': disk on fire"));
      },
    });
    await assert.rejects(collect(decodeBackup(failing)), (e: unknown) => {
      assert.ok(e instanceof FileError, `expected the FileError, got ${e}`);
      return true;
    });
  }
});

test("decoder rejects any line after the footer", async () => {
  const bytes = await encodePlain([HEADER]);
  const more = new Uint8Array([...bytes, ...text(NODE_LINE + "\n")]);
  await decodeFails(more, /^Backup is corrupt: line 3 follows the footer$/, 3);
  await decodeFails(
    new Uint8Array([...bytes, 0x0a]),
    /^Backup is corrupt: line 3 follows the footer$/,
    3,
  );
  await decodeFails(
    new Uint8Array([...bytes, 0x20]),
    /^Backup is corrupt: line 3 follows the footer$/,
    3,
  );
  await decodeFails(more, /line 3 follows the footer/, 3, [1]);
});

test("decoder rejects unknown kinds, records out of order and fields of the wrong type", async () => {
  const rel = '{"kind":"rel","type":"R","start":0,"end":0,"props":{}}';
  const cases: [string, RegExp][] = [
    ['{"kind":"edge"}', /^Cannot read line 2: unknown record kind "edge"$/],
    ['{"id":1}', /^Cannot read line 2: unknown record kind \(none\)$/],
    ["42", /^Cannot read line 2: a record must be a JSON object$/],
    [HEADER_LINE, /^Cannot read line 2: a 'header' record cannot follow a 'header' record/],
    [
      '{"kind":"node","id":"0","labels":[],"props":{}}',
      /^Cannot read line 2: field 'id' must be an integer$/,
    ],
    ['{"kind":"node","id":0.5,"labels":[],"props":{}}', /field 'id' must be an integer$/],
    [
      '{"kind":"node","id":0,"labels":"A","props":{}}',
      /^Cannot read line 2: field 'labels' must be a list of strings$/,
    ],
    ['{"kind":"node","id":0,"labels":[1],"props":{}}', /field 'labels' must be a list of strings$/],
    [
      '{"kind":"node","id":0,"labels":[]}',
      /^Cannot decode properties in 'props' on line 2: expected a JSON object$/,
    ],
    [
      '{"kind":"rel","type":5,"start":0,"end":0,"props":{}}',
      /^Cannot read line 2: field 'type' must be a string$/,
    ],
    ['{"kind":"rel","type":"R","start":0,"props":{}}', /field 'end' must be an integer$/],
    [
      '{"kind":"index","name":"i","type":"RANGE","entity":"node","labelsOrTypes":[],"properties":[],"config":{}}',
      /field 'entity' must be "NODE" or "RELATIONSHIP"$/,
    ],
    [
      '{"kind":"constraint","name":"c","type":"T","entity":"NODE","labelsOrTypes":[],"properties":[],"propertyType":1,"config":{}}',
      /field 'propertyType' must be a string when present$/,
    ],
    [
      '{"kind":"footer","nodes":0,"relationships":0,"schema":0,"sha256":"ABC"}',
      /^Cannot read line 2: field 'sha256' must be 64 lower-case hex digits$/,
    ],
  ];
  for (const [line, message] of cases) await decodeFails(backupOf([HEADER_LINE, line]), message, 2);
  await decodeFails(
    backupOf([HEADER_LINE, rel, NODE_LINE]),
    /^Cannot read line 3: a 'node' record cannot follow a 'rel' record/,
    3,
  );
});

test("decoder names the key and the line of a malformed property value", async () => {
  const bad = '{"kind":"node","id":0,"labels":[],"props":{"ok":1,"born":{"$date":"1999-02-30"}}}';
  await decodeFails(
    backupOf([HEADER_LINE, NODE_LINE, bad]),
    /^Cannot decode property 'born' in 'props' on line 3: invalid \$date '1999-02-30': no such day$/,
    3,
  );
  const config =
    '{"kind":"index","name":"i","type":"RANGE","entity":"NODE","labelsOrTypes":[],"properties":[],"config":{"x":{"$what":1}}}';
  await decodeFails(
    backupOf([HEADER_LINE, config]),
    /^Cannot decode property 'x' in 'config' on line 2: unknown type tag '\$what'$/,
    2,
  );
});

test("decoder rejects invalid UTF-8 naming the line", async () => {
  const good = backupOf([HEADER_LINE, NODE_LINE, NODE_LINE]);
  const at = new TextDecoder().decode(good).lastIndexOf("Matrix");
  const bad = good.slice();
  bad[at] = 0xff;
  await decodeFails(bad, /^Cannot parse line 3: invalid UTF-8$/, 3);
  await decodeFails(bad, /^Cannot parse line 3: invalid UTF-8$/, 3, [at + 3]);
});

test("decoder does not mistake a byte order mark or CRLF line ends for a backup", async () => {
  await decodeFails(
    new Uint8Array([0xef, 0xbb, 0xbf, ...backupOf([HEADER_LINE])]),
    /line 1 is not a backup header/,
  );
  const crlf = text(
    new TextDecoder().decode(backupOf([HEADER_LINE, NODE_LINE])).replaceAll("\n", "\r\n"),
  );
  await decodeFails(crlf, /^Backup is corrupt: checksum mismatch/);
});

test("labels and types that look alike once joined stay apart", async () => {
  const records: BodyRecord[] = [
    HEADER,
    { kind: "node", id: 1, labels: ["a\u0000b"], props: {} },
    { kind: "node", id: 2, labels: ["a", "b"], props: {} },
    { kind: "node", id: 3, labels: ["a\u0000b"], props: {} },
    { kind: "node", id: 4, labels: [], props: {} },
    { kind: "rel", type: "a\u0000b", start: 1, end: 2, props: {} },
    { kind: "rel", type: "a", start: 2, end: 1, props: { "\u0000": 1n } },
  ];
  const back = await decodePlain(await encodePlain(records));
  assert.deepStrictEqual(back.slice(0, -1), records);
});

test("gzip levels 1 to 9 all decode; other levels are refused", async () => {
  const records = sampleRecords();
  const sizes: number[] = [];
  for (const level of [1, 5, 9]) {
    const gz = await bytesOf(
      encodeBackup(ReadableStream.from(records), { compressionLevel: level }),
    );
    sizes.push(gz.length);
    const back = await collect(decodeBackup(ReadableStream.from([gz])));
    assert.equal(back.length, records.length + 1);
  }
  assert.ok(sizes[0] >= sizes[2], `level 1 (${sizes[0]} B) smaller than level 9 (${sizes[2]} B)`);
  for (const bad of [0, 10, 2.5, NaN]) {
    assert.throws(() => encodeBackup(ReadableStream.from(records), { compressionLevel: bad }), {
      name: "UsageError",
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The line cap

/** A node line of exactly `length` bytes, newline not counted. */
function nodeLineOf(length: number, id = 0): string {
  const empty = `{"kind":"node","id":${id},"labels":[],"props":{"s":""}}`;
  const line = `{"kind":"node","id":${id},"labels":[],"props":{"s":"${
    "x".repeat(length - empty.length)
  }"}}`;
  assert.equal(text(line).length, length);
  return line;
}

test("the default line cap leaves room for multi-megabyte values", () => {
  assert.equal(MAX_LINE_BYTES, 256 * 1024 * 1024);
  for (const bad of [0, -1, 1.5, NaN]) {
    assert.throws(() => new DecoderStream({ maxLineBytes: bad }), RangeError);
  }
});

test("decoder reads a line exactly as long as its cap, however the chunks fall", async () => {
  const cap = 4096;
  const bytes = backupOf([HEADER_LINE, nodeLineOf(cap), nodeLineOf(100, 1)]);
  for (const sizes of [[bytes.length], [1000], [cap - 1, 7], [1]]) {
    const records = await decodePlain(bytes, sizes, { maxLineBytes: cap });
    assert.deepEqual(records.map((r) => r.kind), ["header", "node", "node", "footer"], `${sizes}`);
  }
});

test("decoder rejects a line one byte over its cap naming the line, however the chunks fall", async () => {
  const cap = 4096;
  const bytes = backupOf([HEADER_LINE, nodeLineOf(100), nodeLineOf(cap + 1, 1), NODE_LINE]);
  for (const sizes of [[bytes.length], [1000], [cap - 1, 7], [1]]) {
    await decodeFails(
      bytes,
      /^Cannot read line 3: longer than 4 KiB; the file is corrupt or not a backup$/,
      3,
      sizes,
      { maxLineBytes: cap },
    );
  }
  await assert.rejects(
    collect(decodeBackup(streamOf(bytes, [512]), { maxLineBytes: cap })),
    /^FormatError: Cannot read line 3: longer than 4 KiB/,
  );
});

test("decoder fails fast on input without newlines instead of buffering all of it", async () => {
  const cap = 64 * 1024;
  const head = text(`${HEADER_LINE}\n{"kind":"node","id":0,"labels":[],"props":{"s":"`);
  const filler = new Uint8Array(16 * 1024).fill(0x61);
  const total = 64 * 1024 * 1024;
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += filler.length;
      controller.enqueue(filler);
    },
  }, { highWaterMark: 0 });
  await assert.rejects(
    collect(endless.pipeThrough(new DecoderStream({ maxLineBytes: cap }))),
    (e: unknown) => {
      assert.ok(e instanceof FormatError, `expected a FormatError, got ${e}`);
      assert.equal(
        e.message,
        "Cannot read line 2: longer than 64 KiB; the file is corrupt or not a backup",
      );
      assert.equal(e.line, 2);
      return true;
    },
  );
  assert.ok(pulled <= cap + 4 * filler.length, `read ${pulled} bytes past the header`);
});

test("errorMessage gives the first line of an error's message, ready to follow a colon", () => {
  assert.equal(errorMessage(new SyntaxError("Unexpected token 'x'.")), "unexpected token 'x'");
  assert.equal(errorMessage(new Error("ENOENT: no such file\n    at x")), "ENOENT: no such file");
  assert.equal(errorMessage("a string"), "a string");
  assert.equal(errorMessage(undefined), "undefined");
});

// ---------------------------------------------------------------------------------------------
// Hostile input: fields of the wrong type and fields no reader knows

test("decoder refuses footer warnings that are not a list of strings, naming the line", async () => {
  for (const warnings of [5, { a: 1 }, "abc", [1], ["ok", null], null]) {
    const footer = { warnings } as unknown as Partial<FooterRecord>;
    await decodeFails(
      backupOf([HEADER_LINE, NODE_LINE], footer),
      /^Cannot read line 3: field 'warnings' must be a list of strings when present$/,
      3,
    );
  }
  const records = await decodePlain(backupOf([HEADER_LINE], { warnings: ["It changed"] }));
  assert.deepStrictEqual((records[1] as FooterRecord).warnings, ["It changed"]);
});

test("decoder refuses header counts that are not counts, naming line 1", async () => {
  const cases: [unknown, RegExp][] = [
    ["5", /^Cannot read line 1: field 'counts' must be an object when present$/],
    [[1, 2], /field 'counts' must be an object when present$/],
    [{ nodes: -1, relationships: 0 }, /field 'counts\.nodes' must be a count/],
    [{ nodes: 1 }, /field 'counts\.relationships' must be a count/],
    [{ nodes: 1, relationships: "2" }, /field 'counts\.relationships' must be a count/],
  ];
  for (const [counts, message] of cases) {
    await decodeFails(backupOf([JSON.stringify({ ...HEADER, counts })]), message, 1);
  }
  const counted = JSON.stringify({ ...HEADER, counts: { nodes: 3, relationships: 2 } });
  const [header] = await decodePlain(backupOf([counted]));
  assert.deepStrictEqual((header as HeaderRecord).counts, { nodes: 3, relationships: 2 });
});

test("decoder drops fields it does not know, however deeply nested", async () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const extra = `,"extra":${deep}`;
  const body = [
    HEADER_LINE.slice(0, -2) + extra + `},"counts":{"nodes":1,"relationships":1${extra}}${extra}}`,
    '{"kind":"index","name":"i","type":"RANGE","entity":"NODE","labelsOrTypes":[],' +
    `"properties":[],"config":{}${extra}}`,
    `{"kind":"node","id":0,"labels":["A"],"props":{}${extra}}`,
    `{"kind":"rel","type":"R","start":0,"end":0,"props":{}${extra}}`,
  ];
  const bytes = backupOf(body);
  const footerLine = JSON.stringify({ ...JSON.parse(lines(bytes)[4]), extra: 1 }).slice(0, -1);
  const withExtraFooter = text(lines(bytes).slice(0, 4).join("\n") + `\n${footerLine}${extra}}\n`);
  const records = await decodePlain(withExtraFooter);
  assert.deepStrictEqual(records, [
    { ...HEADER, counts: { nodes: 1, relationships: 1 } },
    {
      kind: "index",
      name: "i",
      type: "RANGE",
      entity: "NODE",
      labelsOrTypes: [],
      properties: [],
      config: {},
    },
    { kind: "node", id: 0, labels: ["A"], props: {} },
    { kind: "rel", type: "R", start: 0, end: 0, props: {} },
    { ...JSON.parse(lines(bytes)[4]) },
  ]);
  // What `list --json` and `verify --json` print: indented JSON, which recurses.
  assert.doesNotThrow(() => JSON.stringify(records, null, 2));
});

test("decoder describes an unknown record kind in a few characters whatever it holds", async () => {
  const cases: [string, RegExp][] = [
    ['{"kind":"constructor","nodes":0,"relationships":0,"schema":0}', /kind "constructor"$/],
    ['{"kind":"toString"}', /kind "toString"$/],
    ['{"kind":"__proto__"}', /kind "__proto__"$/],
    [`{"kind":"${"x".repeat(1_000_000)}"}`, /kind "x{37}\.\.\."$/],
    [`{"kind":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, /kind \(a list\)$/],
    ['{"kind":5}', /kind \(a number\)$/],
    ['{"kind":null}', /kind null$/],
  ];
  for (const [line, message] of cases) {
    const error = await decodeFails(backupOf([HEADER_LINE, line]), message, 2);
    assert.match(error.message, /^Cannot read line 2: unknown record kind /);
  }
});
