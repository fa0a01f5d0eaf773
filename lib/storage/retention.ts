/**
 * Backups kept in one place (a local folder or an S3 prefix): the names this tool gives them
 * (`neo4j-DATABASE-TIMESTAMP.jsonl.gz`), listing them, and keeping the newest N of a database.
 * Only names this tool gives are ever listed or deleted: whatever else the place holds is
 * never touched.
 *
 * @module
 */

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { errorCode, fileError, removeFile } from "./files.ts";
import { defaultOutputName } from "./output_file.ts";
import { type PlaceOptions, s3ClientFor } from "./place.ts";
import { s3Delete, s3List } from "./s3/objects.ts";
import { isS3Url, parseS3Url } from "./s3/url.ts";

/** A backup found in a place. */
export interface StoredBackup {
  /** Its file name (the last part of the key for an object). */
  name: string;
  /** The path or `s3://bucket/key` to read it with. */
  target: string;
  /** The database it was named for, as in its name (unsafe characters already `_`). */
  database: string;
  /** When the backup started, from its name (UTC). */
  started: Date;
  /** Bytes. */
  size: number;
}

const NAME = /^neo4j-(.+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.jsonl(?:\.gz)?$/;

/**
 * Reads a backup name this tool gives: its database and start time, or `undefined` for any
 * other name.
 *
 * @param name A file name.
 * @returns The database and time, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBackupName } from "./retention.ts";
 * assert.deepEqual(parseBackupName("neo4j-movies-20261124T070000Z.jsonl.gz"), {
 *   database: "movies",
 *   started: new Date("2026-11-24T07:00:00Z"),
 * });
 * assert.equal(parseBackupName("movies.jsonl.gz"), undefined);
 * ```
 */
export function parseBackupName(name: string): { database: string; started: Date } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, database, y, mo, d, h, mi, s] = m;
  const started = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  if (Number.isNaN(started.getTime())) return undefined;
  return { database, started };
}

/**
 * Whether an output argument names a place (a folder or a prefix) rather than a file: it ends
 * in `/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPlace } from "./retention.ts";
 * assert.equal(isPlace("backups/"), true);
 * assert.equal(isPlace("s3://bucket/neo4j/"), true);
 * assert.equal(isPlace("s3://bucket"), true);
 * assert.equal(isPlace("backup.jsonl.gz"), false);
 * ```
 */
export function isPlace(output: string): boolean {
  if (output.endsWith("/")) return true;
  return isS3Url(output) && parseS3Url(output).key === "";
}

/**
 * The target of a new backup in a place, named as the default name is.
 *
 * @param place A folder or prefix (see {@link isPlace}).
 * @param database The database.
 * @param date When the backup starts.
 * @param compress Whether it is gzip-compressed.
 * @returns The path or `s3://bucket/key`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { targetIn } from "./retention.ts";
 * const at = new Date("2026-12-04T03:00:00Z");
 * assert.equal(targetIn("s3://b/nightly/", "neo4j", at, true), "s3://b/nightly/neo4j-neo4j-20261204T030000Z.jsonl.gz");
 * assert.equal(targetIn("backups/", "neo4j", at, false), "backups/neo4j-neo4j-20261204T030000Z.jsonl");
 * ```
 */
export function targetIn(place: string, database: string, date: Date, compress: boolean): string {
  const base = place.endsWith("/") ? place : `${place}/`;
  return base + defaultOutputName(database, date, compress);
}

/**
 * Lists the backups this tool named in a place, newest first; other entries are ignored. A
 * missing folder holds none.
 *
 * @param place A folder or prefix.
 * @param options How to reach object storage.
 * @returns The backups.
 */
export async function listBackups(
  place: string,
  options: PlaceOptions = {},
): Promise<StoredBackup[]> {
  const found: StoredBackup[] = [];
  const add = (name: string, target: string, size: number) => {
    const parsed = parseBackupName(name);
    if (parsed) found.push({ name, target, size, ...parsed });
  };
  if (isS3Url(place)) {
    const location = parseS3Url(place);
    const prefix = location.key === "" || location.key.endsWith("/")
      ? location.key
      : `${location.key}/`;
    const client = await s3ClientFor(options);
    for await (
      const entry of s3List({ ...location, key: prefix }, { client, signal: options.signal })
    ) {
      const name = entry.key.slice(prefix.length);
      if (!name.includes("/")) add(name, entry.url, entry.size);
    }
  } else {
    let names: string[];
    try {
      names = await readdir(place);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return [];
      throw fileError(error, "list", place);
    }
    for (const name of names) {
      if (!parseBackupName(name)) continue;
      const path = join(place, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) add(name, path, info.size);
    }
  }
  return found.sort((a, b) =>
    b.started.getTime() - a.started.getTime() || (a.name < b.name ? 1 : -1)
  );
}

/** What {@link pruneBackups} kept and deleted. */
export interface Pruned {
  /** The newest `keep` backups of the database. */
  kept: StoredBackup[];
  /** The older ones: deleted, or with `dryRun` those that would be. */
  deleted: StoredBackup[];
}

/**
 * Keeps the newest `keep` backups of one database in a place and deletes the older ones (only
 * names this tool gives, only that database's).
 *
 * @param place A folder or prefix.
 * @param database The database, as named in the backups (see {@link defaultOutputName}).
 * @param keep How many to keep, 1 or more.
 * @param options How to reach object storage; `dryRun` deletes nothing; `protect` names a
 *   backup never deleted (the one just written).
 * @returns What was kept and deleted.
 */
export async function pruneBackups(
  place: string,
  database: string,
  keep: number,
  options: PlaceOptions & { dryRun?: boolean; protect?: string } = {},
): Promise<Pruned> {
  const safe = parseBackupName(defaultOutputName(database, new Date(0), false))!.database;
  const mine = (await listBackups(place, options)).filter((b) => b.database === safe);
  // The backup just written stays even when a clock put a newer name beside it.
  const kept = mine.filter((b, i) => i < keep || b.target === options.protect);
  const deleted = mine.filter((b) => !kept.includes(b));
  if (!options.dryRun) {
    for (const backup of deleted) {
      if (isS3Url(backup.target)) {
        await s3Delete(backup.target, { client: await s3ClientFor(options) });
      } else await removeFile(backup.target);
    }
  }
  return { kept, deleted };
}
