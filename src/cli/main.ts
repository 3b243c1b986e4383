/** @module The CLI entry: finds the verb, runs it, and is the one place that turns errors into a line and an exit code. */

import { isSeccompTraceError } from '../errors.js';
import type { CliIo } from './command.js';
import { COMMANDS } from './commands/index.js';

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 4);
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: seccomptrace COMMAND [ARGS…]\n\ncommands:\n${lines.join('\n')}\n\nRun 'seccomptrace COMMAND --help' for a command's options.\n`;
}

/** Runs one invocation; never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    (verb === undefined ? io.stderr : io.stdout)(helpText());
    return verb === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === verb);
  if (entry === undefined) {
    io.stderr(`seccomptrace: unknown command '${verb}'; run 'seccomptrace --help' for the list\n`);
    return 2;
  }
  try {
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      const dd = rest.indexOf('--');
      const h = rest.findIndex((a) => a === '--help' || a === '-h');
      if (dd === -1 || h < dd) {
        io.stdout(`${cmd.usage}\n`);
        return 0;
      }
    }
    return await cmd.run(rest, io);
  } catch (e) {
    if (isSeccompTraceError(e)) {
      io.stderr(`seccomptrace ${entry.name}: ${e.format()}\n`);
      if (io.env['SECCOMPTRACE_DEBUG'] === '1' && e.stack !== undefined) io.stderr(`${e.stack}\n`);
      return e.usage ? 2 : 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`seccomptrace ${entry.name}: internal error: ${msg} (please report; SECCOMPTRACE_DEBUG=1 shows the stack)\n`);
    if (io.env['SECCOMPTRACE_DEBUG'] === '1' && e instanceof Error && e.stack !== undefined) io.stderr(`${e.stack}\n`);
    return 70;
  }
}
