/**
 * The text of one file of the Python `neo4j-backup` layout, read in chunks: gunzipped when it
 * starts with the gzip magic bytes, decoded as UTF-8, and each failure named for what it is.
 *
 * @module
 */

import { BackupError, errorMessage, FormatError } from "../errors.ts";
import { openRead } from "../storage/files.ts";

/**
 * The most bytes handed to the gunzip at once: gzip inflates at most about 1,000 times, so one
 * decompressed chunk stays a few MiB even for a crafted file.
 */
const GZIP_SLICE = 4 * 1024;

/**
 * Opens a file of the Python tool's layout as text, in chunks, reading it only as the stream is
 * pulled: memory stays that of a chunk whatever the size of the file, compressed or not.
 *
 * @param file The file, `.json` or `.json.gz` (gzip is recognised by its first bytes).
 * @returns The file's text; the stream errors with a {@link FileError} when the file cannot be
 *   read, and with a {@link FormatError} naming the file when its gzip is damaged or its bytes
 *   are not UTF-8.
 * @throws {FileError} When the file cannot be opened.
 *
 * @example Count the characters of a data file
 * ```ts ignore
 * import { openLegacyText } from "./legacy_file.ts";
 * let characters = 0;
 * for await (const chunk of await openLegacyText("backup/data/nodes_7461.json.gz")) {
 *   characters += chunk.length;
 * }
 * ```
 */
export async function openLegacyText(file: string): Promise<ReadableStream<string>> {
  const bytes = await openRead(file);
  const chunks = legacyText(file, bytes);
  return new ReadableStream<string>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  }, { highWaterMark: 0 });
}

async function* legacyText(
  file: string,
  bytes: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const source = bytes.getReader();
  const head = await source.read(); // FileError: the stream of openRead names the file
  const first = head.done ? new Uint8Array(0) : head.value;
  const gzip = first[0] === 0x1f && first[1] === 0x8b;
  const reader = gzip
    ? sliced(first, source, GZIP_SLICE).pipeThrough(new DecompressionStream("gzip")).getReader()
    : sliced(first, source, Infinity).getReader();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for (;;) {
      const next = gzip ? await decompressed(file, reader) : await reader.read();
      if (next.done) break;
      const text = decode(file, decoder, next.value, true);
      if (text.length > 0) yield text;
    }
    const rest = decode(file, decoder, undefined, false);
    if (rest.length > 0) yield rest;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The file's bytes in slices of at most `size` bytes, `first` included. */
function sliced(
  first: Uint8Array,
  source: ReadableStreamDefaultReader<Uint8Array>,
  size: number,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let pending = first;
  let done = first.length === 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      while (pending.length === 0 && !done) {
        const next = await source.read();
        if (next.done) done = true;
        else pending = next.value;
      }
      if (pending.length === 0) return controller.close();
      // Typed as ArrayBuffer-backed for DecompressionStream; file reads never share memory.
      controller.enqueue(pending.subarray(0, size) as Uint8Array<ArrayBuffer>);
      pending = pending.subarray(Math.min(size, pending.length));
    },
    cancel: (reason) => source.cancel(reason),
  }, { highWaterMark: 0 });
}

/** What a reader's `read()` resolves with (Node 20's types do not name it). */
type ReadResult<T> = Awaited<ReturnType<ReadableStreamDefaultReader<T>["read"]>>;

async function decompressed(
  file: string,
  output: ReadableStreamDefaultReader<Uint8Array>,
): Promise<ReadResult<Uint8Array>> {
  try {
    return await output.read();
  } catch (error) {
    if (error instanceof BackupError) throw error; // the file's own read error
    throw new FormatError(
      `Cannot decompress '${file}': ${errorMessage(error)}; the file was cut short or damaged`,
      { cause: error },
    );
  }
}

function decode(
  file: string,
  decoder: InstanceType<typeof TextDecoder>,
  bytes: Uint8Array | undefined,
  stream: boolean,
): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch (error) {
    throw new FormatError(
      `Cannot read '${file}': it is not UTF-8 text; the Python tool writes UTF-8 only`,
      { cause: error },
    );
  }
}
