/**
 * The `neo4j-admin` command lines that import an admin-csv folder, in the syntax of Neo4j 5.x
 * and 2025+ (`neo4j-admin database import full`) and of Neo4j 4.4 (`neo4j-admin import`).
 *
 * @module
 */

import { ARRAY_DELIMITER_OPTION } from "./csv_values.ts";

/** One `--nodes=` or `--relationships=` group: its header file, then its data files. */
export interface ImportGroup {
  /** `"nodes"` or `"relationships"`. */
  kind: "nodes" | "relationships";
  /** Absolute paths: the header file first, then the data parts. */
  files: string[];
}

/** The options both syntaxes share, after the subcommand. */
function commonOptions(groups: ImportGroup[]): string[] {
  return [
    "--id-type=INTEGER",
    `--array-delimiter=${ARRAY_DELIMITER_OPTION}`,
    "--multiline-fields=true",
    ...groups.map((g) => shellWord(`--${g.kind}=${g.files.join(",")}`)),
  ];
}

/**
 * The command for a target line, as words (for running it without a shell).
 *
 * @param groups The file groups.
 * @param targetMajor The target's major version (4, 5, 2025, ...).
 * @param database The database to create (default `neo4j`).
 * @returns The arguments after `neo4j-admin`.
 *
 * @example The 4.4 syntax names the database with a flag
 * ```ts
 * import assert from "node:assert/strict";
 * import { importArguments } from "./admin_import_command.ts";
 * const args = importArguments([{ kind: "nodes", files: ["/d/h.csv", "/d/n.csv.gz"] }], 4);
 * assert.deepEqual(args.slice(0, 2), ["import", "--database=neo4j"]);
 * assert.ok(args.includes("--nodes=/d/h.csv,/d/n.csv.gz"));
 * ```
 */
export function importArguments(
  groups: ImportGroup[],
  targetMajor: number,
  database = "neo4j",
): string[] {
  const options = [
    "--id-type=INTEGER",
    `--array-delimiter=${ARRAY_DELIMITER_OPTION}`,
    "--multiline-fields=true",
    ...groups.map((g) => `--${g.kind}=${g.files.join(",")}`),
  ];
  if (targetMajor === 4) return ["import", `--database=${database}`, ...options];
  // The file lists take any number of values: `--` ends them before the database name.
  return ["database", "import", "full", ...options, "--", database];
}

/**
 * The text of `import-command.txt`: both syntaxes, the target line's first, as shell commands.
 *
 * @param groups The file groups.
 * @param targetMajor The target's major version.
 * @returns The text.
 *
 * @example Both syntaxes are written
 * ```ts
 * import assert from "node:assert/strict";
 * import { importCommandText } from "./admin_import_command.ts";
 * const text = importCommandText([{ kind: "nodes", files: ["/d/h.csv", "/d/n.csv.gz"] }], 5);
 * assert.ok(text.includes("neo4j-admin database import full"));
 * assert.ok(text.includes("neo4j-admin import --database=neo4j"));
 * ```
 */
export function importCommandText(groups: ImportGroup[], targetMajor: number): string {
  const modern = ["neo4j-admin database import full", ...commonOptions(groups), "-- neo4j"];
  const old = ["neo4j-admin import --database=neo4j", ...commonOptions(groups)];
  const blocks = [
    [
      "# Neo4j 5.x and 2025+: stop the database first (or add --overwrite-destination=true),",
      "# then run schema.cypher once it is started again.",
      modern.join(" \\\n  "),
    ].join("\n"),
    [
      "# Neo4j 4.4: the database must not exist (or stop it and delete its store first),",
      "# then run schema.cypher once it is started.",
      old.join(" \\\n  "),
    ].join("\n"),
  ];
  if (targetMajor === 4) blocks.reverse();
  return `${blocks.join("\n\n")}\n`;
}

/** A word for a POSIX shell: as it is when plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
