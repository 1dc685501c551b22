#!/usr/bin/env node
// The command-line entry: the CLI lives in dist/cli/main.js (built from src/cli/).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`sparse-wasm: ${err?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
