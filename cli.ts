#!/usr/bin/env -S deno run -A
/**
 * The `neo4j-backup` command: `export`, `import` and `verify`. The only impure file: it reads
 * the arguments, runs the program and exits with its code. See docs/CLI.md.
 *
 * @module
 */

import { main } from "./lib/cli/main.ts";
import { args } from "./lib/runtime/args.ts";
import { exit } from "./lib/runtime/exit.ts";

export { main };

if (import.meta.main) exit(await main(args()));
