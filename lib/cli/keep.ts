/**
 * `export --keep N`: after a backup is written into a folder or prefix, read it back whole
 * (every line, the counts, the checksum), and only then delete that database's older backups
 * there beyond the newest N. A backup that does not read back deletes nothing.
 *
 * @module
 */

import { FormatError } from "../errors.ts";
import { decodeBackup } from "../format/decoder_stream.ts";
import { openSource, type PlaceOptions } from "../storage/place.ts";
import { pruneBackups, type StoredBackup } from "../storage/retention.ts";
import type { CommandContext } from "./context.ts";
import { formatBytes } from "./progress.ts";
import { terminalText } from "./terminal_text.ts";

/**
 * Reads a backup back whole; resolves when it is sound.
 *
 * @param target The path or `s3://bucket/key`.
 * @param options How to reach object storage.
 * @throws {FormatError} When it is damaged or incomplete.
 */
export async function readBack(target: string, options: PlaceOptions): Promise<void> {
  let footer = false;
  for await (const record of decodeBackup(await openSource(target, options), { integrity: true })) {
    if (record.kind === "footer") footer = true;
  }
  if (!footer) throw new FormatError(`Backup '${target}' has no footer`);
}

/**
 * Checks the new backup, then keeps the newest `keep` of the database in the place.
 *
 * @param context Where to say what was deleted.
 * @param place The folder or prefix.
 * @param written The backup just written there.
 * @param database The database.
 * @param keep How many backups of it to keep.
 * @param options How to reach object storage, the signal, and `quiet`.
 * @returns What was deleted.
 */
export async function keepBackups(
  context: CommandContext,
  place: string,
  written: string,
  database: string,
  keep: number,
  options: PlaceOptions & { quiet?: boolean },
): Promise<StoredBackup[]> {
  try {
    await readBack(written, options);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new FormatError(
      `The new backup '${written}' does not read back (${why}); no older backup was deleted`,
      { cause: error },
    );
  }
  const { kept, deleted } = await pruneBackups(place, database, keep, {
    ...options,
    protect: written,
  });
  if (!options.quiet) {
    for (const b of deleted) {
      context.stderr.line(
        `Deleted old backup ${terminalText(`'${b.target}'`)} (${formatBytes(b.size)})`,
      );
    }
    context.stderr.line(
      `Kept ${kept.length} backup${kept.length === 1 ? "" : "s"} of '${
        terminalText(database)
      }' in ${terminalText(`'${place}'`)} (--keep ${keep}); deleted ${deleted.length}`,
    );
  }
  return deleted;
}
