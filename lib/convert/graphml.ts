/**
 * `convert --to graphml`: a backup as one GraphML document for Gephi, NetworkX, yEd or
 * graph-tool. GraphML needs every `<key>` (with its `attr.type`) before the `<graph>`, and a key's
 * type is known only once every value was seen: the body streams to a temporary file, then the
 * head, the keys and the body are written to the output. Memory holds the keys, never the records,
 * and a long value is escaped and written slice by slice, never whole.
 *
 * @module
 */

import type { BackupRecord, Properties } from "../format/records.ts";
import { openRead, openWrite, removeFile } from "../storage/files.ts";
import { graphmlValue } from "./graphml_values.ts";
import { type LossReport, lossReportText } from "./loss_report.ts";
import { SLICE_CHARS, textSlices } from "./text_slices.ts";
import { xmlComment, xmlText } from "./xml_text.ts";

/** Options of {@link writeGraphml}. */
export interface GraphmlOptions {
  /** Receives every value written as text of another type, and every escaped character. */
  loss: LossReport;
  /** Writes the document's bytes to the output (a file or stdout). */
  sink: (bytes: ReadableStream<Uint8Array>) => Promise<void>;
  /**
   * The temporary file for the body: created new (the conversion fails if anything, a link
   * included, is at that path), and deleted at the end.
   */
  tempPath: string;
}

/** What {@link writeGraphml} wrote. */
export interface GraphmlResult {
  /** Nodes written. */
  nodes: number;
  /** Edges written. */
  edges: number;
  /** Attribute keys declared (`labels` and `label` included). */
  keys: number;
}

interface Key {
  id: string;
  for: "node" | "edge";
  name: string;
  types: Set<string>;
}

const FLUSH_CHARS = 1 << 16;
const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
<key id="labels" for="node" attr.name="labels" attr.type="string"/>
<key id="label" for="edge" attr.name="label" attr.type="string"/>
`;

/**
 * Writes a backup's records as GraphML: nodes with their labels in a `labels` attribute
 * (`:A:B`), edges with their type as the `label` attribute, every property as declared data.
 *
 * @param records The backup's records.
 * @param options The loss report, the output and the temporary file.
 * @returns What was written.
 *
 * @example Convert a backup file to a GraphML file
 * ```ts ignore
 * import { decodeBackup } from "../format/decoder_stream.ts";
 * import { LossReport } from "./loss_report.ts";
 * import { writeGraphml } from "./graphml.ts";
 * const file = await Deno.open("backup.jsonl.gz");
 * const out = await Deno.create("graph.graphml");
 * await writeGraphml(decodeBackup(file.readable), {
 *   loss: new LossReport(), sink: (bytes) => bytes.pipeTo(out.writable), tempPath: "body.tmp",
 * });
 * ```
 */
export async function writeGraphml(
  records: ReadableStream<BackupRecord>,
  options: GraphmlOptions,
): Promise<GraphmlResult> {
  const body = new GraphmlBody(options.loss);
  const file = (await openWrite(options.tempPath, { createNew: true })).getWriter();
  try {
    const encoder = new TextEncoder();
    for await (const record of records) {
      body.add(record);
      if (body.pending >= FLUSH_CHARS) {
        for (const piece of body.take()) await file.write(encoder.encode(piece));
      }
    }
    for (const piece of body.take()) await file.write(encoder.encode(piece));
    await file.close();
    const head = [HEAD, ...body.keyLines(), `<graph id="G" edgedefault="directed">\n`];
    const tail = `</graph>\n</graphml>\n${lossComment(options.loss)}`;
    const temp = options.tempPath;
    await options.sink(ReadableStream.from(concat(head, await openRead(temp), tail)));
    return { nodes: body.nodes, edges: body.edges, keys: body.keys };
  } finally {
    await file.abort().catch(() => {});
    await removeFile(options.tempPath);
  }
}

async function* concat(
  head: Iterable<string>,
  middle: ReadableStream<Uint8Array>,
  tail: string,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let text = "";
  for (const piece of head) {
    text += piece;
    if (text.length < FLUSH_CHARS) continue;
    yield encoder.encode(text);
    text = "";
  }
  yield encoder.encode(text);
  yield* middle;
  yield encoder.encode(tail);
}

/**
 * The loss report as an XML comment, well-formed whatever the names in it hold: its lines have
 * their control characters escaped, and {@link xmlComment} breaks up every `--`.
 */
function lossComment(loss: LossReport): string {
  return `${xmlComment(`\n${lossReportText(loss, "graphml")}`)}\n`;
}

/** Text, or the lazily escaped pieces of a long value. */
type Piece = string | Iterable<string>;

/** The body's text and the keys it uses. */
class GraphmlBody {
  nodes = 0;
  edges = 0;
  #loss: LossReport;
  #keys = new Map<string, Key>();
  #text = "";
  /** Text and long values waiting before `#text`, in order. */
  #queue: Piece[] = [];

  constructor(loss: LossReport) {
    this.#loss = loss;
  }

  /** Characters waiting to be written (a waiting long value counts as a full buffer). */
  get pending(): number {
    return this.#text.length + (this.#queue.length > 0 ? FLUSH_CHARS : 0);
  }

  get keys(): number {
    return this.#keys.size + 2;
  }

  /** The waiting text, in pieces of a few megabytes at most; empties the body. */
  *take(): Generator<string> {
    const queue = this.#queue;
    const text = this.#text;
    this.#queue = [];
    this.#text = "";
    for (const piece of queue) {
      if (typeof piece === "string") yield piece;
      else yield* piece;
    }
    if (text !== "") yield text;
  }

  add(record: BackupRecord): void {
    if (record.kind === "node") {
      const owner = record.labels.length === 0 ? "(no labels)" : record.labels.join(":");
      const labels = record.labels.map((l) => `:${l}`).join("");
      this.#put(`<node id="n${record.id}">`);
      if (labels !== "") {
        this.#put(`<data key="labels">`, this.#escape(labels, owner), "</data>");
      }
      this.#data("node", owner, record.props);
      this.#put("</node>\n");
      this.nodes++;
    } else if (record.kind === "rel") {
      this.#put(`<edge id="e${this.edges}" source="n${record.start}" target="n${record.end}">`);
      this.#put(`<data key="label">`, this.#escape(record.type, record.type), "</data>");
      this.#data("edge", record.type, record.props);
      this.#put("</edge>\n");
      this.edges++;
    }
  }

  /** The `<key>` lines of the properties, each declared with the one type all its values had. */
  *keyLines(): Generator<string> {
    for (const key of this.#keys.values()) {
      let type = [...key.types][0];
      if (key.types.size > 1) {
        type = "string";
        const types = [...key.types].sort().join(", ");
        this.#loss.add(`${key.for}s.${key.name}`, `mixed types (${types})`, "declared string");
      }
      yield `<key id="${key.id}" for="${key.for}" attr.name="`;
      const name = this.#escape(key.name, key.name, true);
      if (typeof name === "string") yield name;
      else yield* name;
      yield `" attr.type="${type}"/>\n`;
    }
  }

  #put(...pieces: Piece[]): void {
    for (const piece of pieces) {
      if (typeof piece === "string") {
        this.#text += piece;
        continue;
      }
      if (this.#text !== "") this.#queue.push(this.#text);
      this.#text = "";
      this.#queue.push(piece);
    }
  }

  #data(kind: "node" | "edge", owner: string, props: Properties): void {
    for (const [name, value] of Object.entries(props)) {
      const data = graphmlValue(value);
      const where = `${owner}.${name}`;
      if (data.written) this.#loss.add(where, data.written.what, data.written.action);
      const id = this.#key(kind, name, data.type, where).id;
      this.#put(`<data key="${id}">`, this.#escape(data.text, where), "</data>");
    }
  }

  #key(kind: "node" | "edge", name: string, type: string, where: string): Key {
    const reserved = kind === "node" ? "labels" : "label";
    let attrName = name;
    if (name === reserved) {
      attrName = `${name}_property`;
      this.#loss.add(
        where,
        `property named like the '${reserved}' attribute`,
        `written as '${attrName}'`,
      );
    }
    const id = `${kind}\u0000${attrName}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      key = { id: `d${this.#keys.size}`, for: kind, name: attrName, types: new Set() };
      this.#keys.set(id, key);
    }
    key.types.add(type);
    return key;
  }

  /**
   * Escapes text for XML: at once when it is short, else lazily slice by slice as it is
   * written, so that no escaped value is ever held whole.
   */
  #escape(value: string, where: string, attribute = false): Piece {
    if (value.length <= SLICE_CHARS) {
      const { text, replaced } = xmlText(value, attribute);
      this.#replaced(where, replaced);
      return text;
    }
    const replaced = (count: number) => this.#replaced(where, count);
    return (function* () {
      let count = 0;
      for (const slice of textSlices(value)) {
        const escaped = xmlText(slice, attribute);
        count += escaped.replaced;
        yield escaped.text;
      }
      replaced(count);
    })();
  }

  #replaced(where: string, count: number): void {
    if (count === 0) return;
    this.#loss.add(
      where,
      "character XML 1.0 cannot hold (NUL, C0 control, lone surrogate)",
      "written as \\u and four hex digits",
      count,
    );
  }
}
