/**
 * The INI dialect of `~/.aws/credentials` and `~/.aws/config`: `[section]` headers, `key = value`
 * lines, `#` and `;` comments, and one level of nested keys (`s3 =` followed by indented
 * `key = value` lines, read as `s3.key`).
 *
 * @module
 */

/** Sections by name, each its keys and values (nested keys as `parent.key`). */
export type IniFile = Map<string, Map<string, string>>;

/**
 * Parses an AWS shared configuration file. Names of sections and keys keep their case (the
 * AWS tools treat keys case-insensitively, so keys are lower-cased); unparsable lines are
 * skipped, as the AWS CLI skips them.
 *
 * @param text The file's text.
 * @returns Its sections.
 *
 * @example Read a profile with a nested S3 setting
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIni } from "./ini.ts";
 * const ini = parseIni("[profile r2]\nregion = auto\ns3 =\n  addressing_style = path\n");
 * assert.equal(ini.get("profile r2")?.get("region"), "auto");
 * assert.equal(ini.get("profile r2")?.get("s3.addressing_style"), "path");
 * ```
 */
export function parseIni(text: string): IniFile {
  const sections: IniFile = new Map();
  let current: Map<string, string> | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\uFEFF/, "");
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const header = /^\[\s*([^\]]*?)\s*\]$/.exec(trimmed);
    if (header) {
      current = sections.get(header[1]) ?? new Map();
      sections.set(header[1], current);
      parent = undefined;
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(trimmed);
    if (!pair || !current) continue;
    const key = pair[1].toLowerCase();
    const value = stripComment(pair[2]);
    const indented = /^\s/.test(line);
    if (indented && parent) {
      current.set(`${parent}.${key}`, value);
    } else if (value === "") {
      parent = key;
    } else {
      parent = undefined;
      current.set(key, value);
    }
  }
  return sections;
}

/** A comment after a value starts with ` #` or ` ;` (a `#` inside a value stays). */
function stripComment(value: string): string {
  return value.replace(/\s+[#;].*$/, "").trim();
}
