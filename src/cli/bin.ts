#!/usr/bin/env node
/** @module The `seccomptrace` executable (installed as dist/cli/seccomptrace.js, bundled by scripts/bundle-cli.ts). */

import { main } from './main.js';
import { processIo } from './process-io.js';

// No top-level await: the bundle runs this module as a function.
void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
