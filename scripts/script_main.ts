/**
 * The entry point of a script that is also imported as a module: `main` runs only when the
 * script itself was started (`deno run scripts/x.ts` or `node scripts/x.js`), and a failure
 * prints one line, `NAME: message`, and exits 1.
 *
 * @module
 */

import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * Runs `main` with the process's arguments when `url` is the module the process started with.
 *
 * @param url The script's `import.meta.url`.
 * @param name The prefix of the error line.
 * @param main The script's work.
 *
 * @example
 * ```ts ignore
 * await runIfMain(import.meta.url, "bench", main);
 * ```
 */
export async function runIfMain(
  url: string,
  name: string,
  main: (args: string[]) => Promise<void>,
): Promise<void> {
  if (process.argv[1] === undefined || fileURLToPath(url) !== process.argv[1]) return;
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
