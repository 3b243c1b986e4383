#!/usr/bin/env node
/** @module The `seccomptrace` executable. */

import { main } from './main.js';
import { processIo } from './process-io.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
