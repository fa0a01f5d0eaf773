/**
 * `convert --to graphml`: a backup as one GraphML document for Gephi, NetworkX, yEd or
 * graph-tool. GraphML needs every `<key>` (with its `attr.type`) before the `<graph>`, and a key's
 * type is known only once every value was seen: the body streams to a temporary file, then the
 * head, the keys and the body are written to the output. Memory holds the keys, never the records.
 *
 * @module
 */

import type { BackupRecord, Properties } from "../format/records.ts";
import { openRead, openWrite, removeFile } from "../runtime/files.ts";
import { graphmlValue } from "./graphml_values.ts";
import { type LossReport, lossReportText } from "./loss_report.ts";
import { xmlText } from "./xml_text.ts";

/** Options of {@link writeGraphml}. */
export interface GraphmlOptions {
  /** Receives every value written as text of another type, and every escaped character. */
  loss: LossReport;
  /** Writes the document's bytes to the output (a file or stdout). */
  sink: (bytes: ReadableStream<Uint8Array>) => Promise<void>;
  /** The temporary file for the body; deleted at the end. */
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
  const file = (await openWrite(options.tempPath)).getWriter();
  try {
    const encoder = new TextEncoder();
    for await (const record of records) {
      body.add(record);
      if (body.pending >= FLUSH_CHARS) await file.write(encoder.encode(body.take()));
    }
    await file.write(encoder.encode(body.take()));
    await file.close();
    const head = encoder.encode(`${HEAD}${body.keyLines()}<graph id="G" edgedefault="directed">\n`);
    const tail = encoder.encode(`</graph>\n</graphml>\n${lossComment(options.loss)}`);
    const temp = options.tempPath;
    await options.sink(ReadableStream.from(concat(head, await openRead(temp), tail)));
    return { nodes: body.nodes, edges: body.edges, keys: body.keys };
  } finally {
    await file.abort().catch(() => {});
    await removeFile(options.tempPath);
  }
}

async function* concat(
  head: Uint8Array,
  middle: ReadableStream<Uint8Array>,
  tail: Uint8Array,
): AsyncGenerator<Uint8Array> {
  yield head;
  yield* middle;
  yield tail;
}

/** The loss report as an XML comment (`--` cannot occur inside one). */
function lossComment(loss: LossReport): string {
  const text = lossReportText(loss, "graphml").replaceAll("--", "- -");
  return `<!--\n${text}-->\n`;
}

/** The body's text and the keys it uses. */
class GraphmlBody {
  nodes = 0;
  edges = 0;
  #loss: LossReport;
  #keys = new Map<string, Key>();
  #text = "";

  constructor(loss: LossReport) {
    this.#loss = loss;
  }

  get pending(): number {
    return this.#text.length;
  }

  get keys(): number {
    return this.#keys.size + 2;
  }

  take(): string {
    const text = this.#text;
    this.#text = "";
    return text;
  }

  add(record: BackupRecord): void {
    if (record.kind === "node") {
      const owner = record.labels.length === 0 ? "(no labels)" : record.labels.join(":");
      const labels = record.labels.map((l) => `:${l}`).join("");
      let text = `<node id="n${record.id}">`;
      if (labels !== "") text += `<data key="labels">${this.#escape(labels, owner)}</data>`;
      this.#text += `${text}${this.#data("node", owner, record.props)}</node>\n`;
      this.nodes++;
    } else if (record.kind === "rel") {
      const head = `<edge id="e${this.edges}" source="n${record.start}" target="n${record.end}">`;
      const label = `<data key="label">${this.#escape(record.type, record.type)}</data>`;
      this.#text += `${head}${label}${this.#data("edge", record.type, record.props)}</edge>\n`;
      this.edges++;
    }
  }

  /** The `<key>` lines of the properties, each declared with the one type all its values had. */
  keyLines(): string {
    let text = "";
    for (const key of this.#keys.values()) {
      let type = [...key.types][0];
      if (key.types.size > 1) {
        type = "string";
        const types = [...key.types].sort().join(", ");
        this.#loss.add(`${key.for}s.${key.name}`, `mixed types (${types})`, "declared string");
      }
      const name = this.#escape(key.name, key.name, true);
      text += `<key id="${key.id}" for="${key.for}" attr.name="${name}" attr.type="${type}"/>\n`;
    }
    return text;
  }

  #data(kind: "node" | "edge", owner: string, props: Properties): string {
    let text = "";
    for (const [name, value] of Object.entries(props)) {
      const data = graphmlValue(value);
      const where = `${owner}.${name}`;
      if (data.written) this.#loss.add(where, data.written.what, data.written.action);
      text += `<data key="${this.#key(kind, name, data.type, where).id}">${
        this.#escape(data.text, where)
      }</data>`;
    }
    return text;
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

  #escape(value: string, where: string, attribute = false): string {
    const { text, replaced } = xmlText(value, attribute);
    if (replaced > 0) {
      this.#loss.add(
        where,
        "character XML 1.0 cannot hold (NUL, C0 control, lone surrogate)",
        "written as \\u and four hex digits",
        replaced,
      );
    }
    return text;
  }
}
