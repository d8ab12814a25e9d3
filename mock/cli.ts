#!/usr/bin/env node
/**
 * The `createchat-mock` executable (`npm start` runs it with tsx). Everything it does is in
 * mock/cli/: the option table, the parser, the help text and `main`.
 */
import { main } from "./cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
