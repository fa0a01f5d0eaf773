/**
 * The help texts of the tool and of each command.
 *
 * @module
 */

import { VERSION } from "../version.ts";
import { FILTER_HELP } from "./filter_flags.ts";
import { STORAGE_HELP } from "./storage_flags.ts";

const CONNECTION = `Connection options (like cypher-shell):
  -a, --uri URI            server address (env NEO4J_URI, default neo4j://localhost:7687);
                           neo4j+s:// and bolt+s:// use TLS, neo4j+ssc:// and bolt+ssc://
                           accept a self-signed certificate
  -u, --username NAME      user name (env NEO4J_USERNAME, default neo4j)
  -p, --password PASSWORD  password (env NEO4J_PASSWORD); asked for on a terminal when missing
  -d, --database NAME      database (env NEO4J_DATABASE, default: the server's default database)`;

const COMMON = `  -q, --quiet              print no progress and no summary (errors still print)
      --debug              print stack traces and causes of errors
  -h, --help               print this help`;

const TOOL =
  `neo4j-backup ${VERSION}: back up a Neo4j database to a readable JSON Lines file and restore it

Usage:
  neo4j-backup export [-o FILE|DIR/|-] [options]
                                              write a backup of a database
  neo4j-backup import [FILE|DIR|-] [options]  load a backup into a database
  neo4j-backup verify FILE|DIR|-              check a backup without a server
  neo4j-backup list FILE|DIR|- [--json]       show what a backup (or a folder of backups)
                                              holds, without a server
  neo4j-backup convert FILE|DIR|- --to FORMAT -o OUT
                                              write a backup as neo4j-admin CSV, Cypher, GraphML
                                              or Parquet
  neo4j-backup prune DIR/ --keep N -d DB      keep the newest N backups of a database in a
                                              folder or s3:// prefix, delete the older ones
  neo4j-backup help [COMMAND]                 print help
  neo4j-backup --version                      print the version

Examples:
  neo4j-backup export -a neo4j://db:7687 -u neo4j -o movies.jsonl.gz
  neo4j-backup import movies.jsonl.gz -a neo4j://other:7687
  neo4j-backup export -o - -a bolt://a:7687 | neo4j-backup import - -a bolt://b:7687
  neo4j-backup export -o s3://backups/neo4j/ --keep 7

FILE may be s3://bucket/key wherever a backup is read or written (S3, GCS, R2, MinIO, B2, Ceph).

Run 'neo4j-backup COMMAND --help' for the options of a command.
Data goes to stdout only with '-'; progress, warnings and summaries go to stderr.`;

const EXPORT = `Usage: neo4j-backup export [-o FILE|DIR/|-] [options]

Writes a backup of one database: schema, nodes and relationships as gzip-compressed JSON Lines.
Without -o the file is neo4j-DATABASE-TIMESTAMP.jsonl.gz in the current folder; with a folder
or prefix ending in '/' (DIR/, s3://bucket/prefix/) it gets that name there. The backup is
written to FILE.partial and renamed to FILE only when complete (an s3:// object appears only
when its upload completes; a failed one leaves nothing). Lost connections are retried;
an export that gives up writes no backup: run it again (exports start over, they do not resume).

Options:
  -o, --output FILE|DIR/|- where to write the backup: a file, s3://bucket/key, a folder or
                           prefix ending in '/'; '-' writes to stdout
  -f, --force              overwrite FILE if it exists (otherwise ask on a terminal, or refuse)
      --keep N             with -o DIR/: once the new backup reads back whole, delete this
                           database's older backups there beyond the newest N (only files
                           named neo4j-DATABASE-TIMESTAMP.jsonl[.gz]; nothing else is touched)
  -y, --yes                answer yes to every question: the same as --force
      --no-compress        write plain JSON Lines (.jsonl) instead of gzip
  -Z, --compress-level N   gzip level: 1 fastest, 9 smallest, 0 none (default 5)
      --fetch-size N       records fetched per round trip (default 10000)
  -j, --jobs N             chunks read at once, 1 to 16, each decoded and encoded in a worker
                           thread with its own connection; same file as -j 1 (default 1)
      --retry-for DURATION how long to retry a chunk after a lost connection or a transient
                           error: 90s, 5m, 1h, or seconds; 0 for none (default 3m)
      --json               print a JSON summary on stdout at the end (with -o -, use --summary)
      --summary FILE       write the JSON summary to FILE (see docs/CLI.md)
${COMMON}

${FILTER_HELP}

${CONNECTION}

${STORAGE_HELP}

Examples:
  neo4j-backup export -a neo4j+s://db.example.com -u backup -o nightly.jsonl.gz
  neo4j-backup export -o s3://backups/neo4j/ --keep 7
  neo4j-backup export --labels Person,Movie --exclude-properties embedding -o people.jsonl.gz
  NEO4J_PASSWORD=secret neo4j-backup export -d movies --no-compress -o movies.jsonl`;

const IMPORT = `Usage: neo4j-backup import [FILE|DIR|-] [options]

Loads a backup into a database: nodes and relationships first, then indexes and constraints.
FILE may be compressed or not; '-' (or no FILE with piped input) reads stdin; DIR is a project
folder written by the Python neo4j-backup. A target that already holds data is refused unless
you confirm on a terminal or pass --yes. The import keeps a state file (FILE.import-state) until
it completes: an interrupted import is continued with the same command and --resume.

Options:
      --batch-size N       records written per transaction (default 5000)
  -j, --jobs N             write transactions in flight at once, 1 to 16 (default 1)
      --resume             continue the interrupted import of this backup into this database
      --state PATH         the state file (default FILE.import-state, or KEY.import-state in
                           the working folder for s3://; stdin and DIR have none unless
                           given, and cannot be resumed without it)
      --retry-for DURATION how long to retry a batch after a lost connection or a transient
                           error: 90s, 5m, 1h, or seconds; 0 for none (default 3m)
  -y, --yes                import into a database that holds data, or empty it for
                           --clean, without asking
      --dry-run            read the backup and the target, print what the import would do
                           (counts, schema to create or skip, batches), write nothing; exit 8
                           when the import would ask or refuse
      --clean              empty the target first: delete its nodes and relationships, drop
                           its indexes and constraints (asks on a terminal; --yes elsewhere);
                           Neo4j keeps the names (tokens) of deleted labels and keys
      --json               print a JSON summary (or, with --dry-run, the plan) on stdout
      --summary FILE       write the JSON summary to FILE (see docs/CLI.md)
${COMMON}

${FILTER_HELP}

${CONNECTION}

${STORAGE_HELP}

Examples:
  neo4j-backup import nightly.jsonl.gz -a neo4j://localhost:7687
  neo4j-backup import s3://backups/neo4j/neo4j-neo4j-20261204T030000Z.jsonl.gz --resume
  neo4j-backup import nightly.jsonl.gz -a neo4j://localhost:7687 --resume
  neo4j-backup import ./old-python-backup --yes
  neo4j-backup import nightly.jsonl.gz --dry-run
  neo4j-backup import nightly.jsonl.gz --clean --yes --json | jq .nodes
  neo4j-backup import nightly.jsonl.gz --exclude-properties Person.email,Person.phone
  zcat nightly.jsonl.gz | neo4j-backup import -`;

const VERIFY = `Usage: neo4j-backup verify FILE|DIR|- [options]

Reads a whole backup without a server: checks every line, the counts and the checksum, then
prints what the header says and how many items the backup holds (on stdout). DIR is a Python
neo4j-backup project folder: read whole and checked too, but it has no checksum.

Options:
      --json               print a JSON document instead of the report (see docs/CLI.md)
      --summary FILE       write that JSON document to FILE
  -q, --quiet              print nothing but errors; the exit code tells the result
      --debug              print stack traces and causes of errors
  -h, --help               print this help

${STORAGE_HELP}

Example:
  neo4j-backup verify nightly.jsonl.gz && echo fine
  neo4j-backup verify s3://backups/neo4j/nightly.jsonl.gz`;

const LIST = `Usage: neo4j-backup list FILE|DIR|- [options]

Reads a whole backup without a server and prints its table of contents on stdout: the header,
whether the backup is complete (footer counts and checksum verified), nodes per label set and
per label, relationships per type and per (start labels)-[type]->(end labels) pattern, property
keys with the value types seen, and the indexes and constraints. '-' reads stdin; DIR is a
project folder written by the Python neo4j-backup (it has no checksum to verify). Any other
folder, or an s3:// prefix ending in '/', lists the backups this tool named there, newest first,
with size, time and a verdict from reading each whole (exit 6 if one does not read back).

Options:
      --json               print one JSON document instead of the table (see docs/CLI.md)
  -q, --quiet              print no progress (the listing and errors still print)
      --debug              print stack traces and causes of errors
  -h, --help               print this help

${STORAGE_HELP}

Examples:
  neo4j-backup list nightly.jsonl.gz
  neo4j-backup list nightly.jsonl.gz --json | jq '.labels'
  neo4j-backup list s3://backups/neo4j/`;

const CONVERT = `Usage: neo4j-backup convert FILE|DIR|- --to FORMAT -o OUT [options]

Writes a backup in another format, without a server, streaming (memory stays flat):
  admin-csv  a folder for neo4j-admin import (5.x, 2025+ and 4.4): header and gzip data files
             per label set and relationship type, import-command.txt, schema.cypher
  cypher     a .cypherl script, one statement per line, for Neo4j or FalkorDB
  graphml    one GraphML file with typed attributes, for Gephi, NetworkX, yEd, graph-tool
  parquet    a folder of typed Parquet files (nodes/ per label set, relationships/ per type)
             and manifest.json, for DuckDB, Spark, Polars, Kuzu-family graph databases
What a format cannot carry exactly is listed in a loss report: on stderr at the end and in the
output (admin-csv, parquet: loss-report.txt; graphml: a comment at the end; cypher: comments
at the end).
'-' reads stdin; DIR is a project folder written by the Python neo4j-backup. FILE may be
s3://bucket/key, and so may OUT for the one-file formats (cypher, graphml).

Options:
      --to FORMAT          admin-csv, cypher, graphml or parquet (required)
  -o, --output OUT|-       the folder (admin-csv, parquet) or file to write; '-' writes to stdout
  -f, --force              overwrite the file, or write into a folder that is not empty
      --target-version V   the Neo4j line to write for: 4.4, 5.26, 2025.01, 2026... (default 5.26)
      --dialect NAME       cypher only: neo4j (default) or falkordb
      --batch-size N       cypher only: rows per UNWIND statement
      --compression C      parquet only: zstd (default; snappy on Node before 22.15), snappy,
                           gzip or none
      --row-group-rows N   parquet only: rows per row group (default 8192; larger groups take
                           more memory, see docs/FORMATS.md)
      --json               print one JSON document at the end (see docs/CLI.md)
      --summary FILE       write that document to FILE (needed for --json with -o -)
${COMMON}

${FILTER_HELP}

${STORAGE_HELP}

Examples:
  neo4j-backup convert nightly.jsonl.gz --to admin-csv -o ./csv && cat ./csv/import-command.txt
  neo4j-backup convert nightly.jsonl.gz --to graphml -o graph.graphml
  neo4j-backup convert nightly.jsonl.gz --to parquet -o ./parquet
  neo4j-backup convert nightly.jsonl.gz --to cypher --dialect falkordb -o graph.cypherl`;

const PRUNE = `Usage: neo4j-backup prune DIR/ --keep N -d DATABASE [options]

Keeps the newest N backups of a database in a folder or s3:// prefix and deletes the older ones
(what 'export --keep N' does after each backup). Only files this tool named are considered
(neo4j-DATABASE-TIMESTAMP.jsonl[.gz], by the time in the name); nothing else is touched.

Options:
      --keep N             how many of the database's backups to keep, newest first (required)
  -d, --database NAME      whose backups (env NEO4J_DATABASE)
      --dry-run            print what would be deleted; delete nothing
      --json               print one JSON document (kept, deleted) on stdout
${COMMON}

${STORAGE_HELP}

Examples:
  neo4j-backup prune s3://backups/neo4j/ --keep 7 -d neo4j --dry-run
  neo4j-backup prune /var/backups/neo4j/ --keep 30 -d movies`;

/** The commands that have their own help. */
export const COMMANDS = ["export", "import", "verify", "list", "convert", "prune"] as const;

/** A command name. */
export type Command = typeof COMMANDS[number];

/**
 * Returns the help text of the tool or of one command.
 *
 * @param command A command, or `undefined` for the tool's overview.
 * @returns The text, ending with a newline.
 *
 * @example Print the export help
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpText } from "./help.ts";
 * assert.ok(helpText("export").startsWith("Usage: neo4j-backup export"));
 * ```
 */
export function helpText(command?: Command): string {
  const text = command === "export"
    ? EXPORT
    : command === "import"
    ? IMPORT
    : command === "verify"
    ? VERIFY
    : command === "list"
    ? LIST
    : command === "convert"
    ? CONVERT
    : command === "prune"
    ? PRUNE
    : TOOL;
  return `${text}\n`;
}
