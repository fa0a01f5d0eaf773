#!/usr/bin/env -S deno run -A
/**
 * The `neo4j-backup` command: `export`, `import` and `verify`. It reads the arguments, runs
 * the program and exits with its code; what touches the runtime (process, terminal, stdio,
 * files) sits in the four adapters of `lib/runtime/`. See docs/CLI.md.
 *
 * @module
 */

import { main } from "./lib/cli/main.ts";
import { args, exit } from "./lib/runtime/process.ts";

export { main };

if (import.meta.main) exit(await main(args()));
