/**
 * How `cypher-shell -f` splits a script into the statements it sends, for tests that run a
 * converted script as an administrator would: a port of cypher-shell's `ShellStatementParser`
 * (4.x). A statement ends at a `;` outside quotes, backticks and comments; a backslash escapes
 * the next character outside comments; and a comment is sent along with the statement after it,
 * so the server reads it too (and reads the `\u` escapes in it: see lib/convert/comment_text.ts).
 *
 * @module
 */

/**
 * Splits a script as cypher-shell does.
 *
 * @param text The script.
 * @returns Each statement as sent, comments before it included, without its `;`; text after
 *   the last `;` that holds nothing but comments and space is dropped, as cypher-shell does.
 */
export function cypherShellStatements(text: string): string[] {
  const statements: string[] = [];
  let statement = "";
  let awaited: string | undefined;
  let skipNext = false;
  let previous = "";
  for (const c of text) {
    statement += c;
    const prev = previous;
    previous = c;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const inComment = awaited === "\n" || awaited === "*/";
    if (inComment) {
      if (awaited === "\n" ? c === "\n" : prev + c === "*/") awaited = undefined;
      continue;
    }
    if (c === "\\") {
      skipNext = true;
      continue;
    }
    if (awaited !== undefined) {
      if (c === awaited) awaited = undefined;
      continue;
    }
    if (c === ";") {
      statements.push(statement.slice(0, -1));
      statement = "";
      continue;
    }
    const two = prev + c;
    if (two === "//") awaited = "\n";
    else if (two === "/*") awaited = "*/";
    else if (c === "`" || c === '"' || c === "'") awaited = c;
  }
  const rest = statement.replace(/\/\/[^\n]*(\n|$)/g, "").trim();
  if (rest !== "") statements.push(statement);
  return statements;
}
