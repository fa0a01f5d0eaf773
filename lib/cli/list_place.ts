/**
 * `neo4j-backup list DIR/` and `list s3://bucket/prefix/`: the backups this tool named in a
 * folder or prefix, newest first, each with its size, its time and a verdict from reading it
 * whole (every line, the counts, the checksum), as `verify` reads it.
 *
 * @module
 */

import { errorMessage, FormatError } from "../errors.ts";
import type { PlaceOptions } from "../storage/place.ts";
import { listBackups } from "../storage/retention.ts";
import { writeStdout } from "../storage/stdio.ts";
import { readBack } from "./keep.ts";
import { formatBytes } from "./progress.ts";
import { terminalText } from "./terminal_text.ts";

/** One backup of a listed place, as `--json` shows it. */
export interface PlaceEntry {
  /** Its name. */
  name: string;
  /** The path or `s3://bucket/key`. */
  target: string;
  /** The database in its name. */
  database: string;
  /** When the backup started, from its name (ISO 8601, UTC). */
  started: string;
  /** Bytes. */
  bytes: number;
  /** Whether it reads back whole. */
  ok: boolean;
  /** Why not, when it does not. */
  error?: string;
}

/**
 * Lists the backups of a place and prints them: a table, or with `json` one document.
 *
 * @param place The folder or prefix.
 * @param options How to reach object storage, `json` and `quiet`.
 * @returns The entries.
 * @throws {FormatError} When the place holds no backup this tool named.
 */
export async function listPlace(
  place: string,
  options: PlaceOptions & { json: boolean; started: number },
): Promise<PlaceEntry[]> {
  const found = await listBackups(place, options);
  if (found.length === 0) {
    throw new FormatError(
      `Not a backup: ${terminalText(`'${place}'`)} holds no backup named by neo4j-backup ` +
        "(neo4j-DATABASE-TIMESTAMP.jsonl.gz) and is not a Python neo4j-backup project",
    );
  }
  const entries: PlaceEntry[] = [];
  for (const b of found) {
    let error: string | undefined;
    try {
      await readBack(b.target, options);
    } catch (e) {
      error = errorMessage(e);
    }
    entries.push({
      name: b.name,
      target: b.target,
      database: b.database,
      started: b.started.toISOString(),
      bytes: b.size,
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
    });
  }
  if (options.json) {
    const seconds = (performance.now() - options.started) / 1000;
    const ok = entries.every((e) => e.ok);
    await writeStdout(
      `${
        JSON.stringify(
          { command: "list", ok, seconds, warnings: [], place, backups: entries },
          null,
          2,
        )
      }\n`,
    );
  } else {
    const lines = [`Backups in ${terminalText(`'${place}'`)}, newest first:`];
    for (const e of entries) {
      const verdict = e.ok ? "OK" : `DAMAGED: ${e.error}`;
      lines.push(
        `  ${terminalText(e.name)}  ${formatBytes(e.bytes).padStart(10)}  ${
          e.started.replace(/\.\d+Z$/, "Z")
        }  ${terminalText(verdict)}`,
      );
    }
    await writeStdout(`${lines.join("\n")}\n`);
  }
  const damaged = entries.filter((e) => !e.ok).length;
  if (damaged > 0) {
    throw new FormatError(
      `${damaged} of ${entries.length} backups in ${terminalText(`'${place}'`)} do not read back`,
    );
  }
  return entries;
}
