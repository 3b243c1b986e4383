/** @module `seccomptrace verify`: the kernel's verdict on each program, one line a file. */

import { formatVerifyError, verify } from '../../bpf/verify.js';
import { fail, isSeccompTraceError, type SeccompTraceError } from '../../errors.js';
import type { Command } from '../command.js';
import { parseVerbArgs } from '../args.js';
import { readProgram } from './bpf-input.js';

const USAGE = `usage: seccomptrace verify FILE.bpf…

Checks each program as seccomp(SECCOMP_SET_MODE_FILTER) does and prints one line a file:
"FILE: ok" or "FILE: pc N: reason (EINVAL)" ("FILE: reason (EINVAL)" for whole-program faults
such as length 0 or 4097; "FILE: reason" for a file that cannot be read, decoded or assembled).
Exit status 0 iff every file is ok. FILE.s files are assembled first.`;

export const verifyCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const parsed = parseVerbArgs('verify', { args: [...args], options: {}, allowPositionals: true });
    if (parsed.positionals.length === 0) throw fail({ code: 'cli/usage', message: 'no input file', usage: true, hint: USAGE.split('\n')[0]! });
    let allOk = true;
    for (const file of parsed.positionals) {
      // A file that cannot be read is that file's line, not the end of the run: the others still get theirs.
      let line: string;
      try {
        const r = verify(await readProgram(file, io));
        line = `${file}: ${r.ok ? 'ok' : formatVerifyError(r.error)}`;
        if (!r.ok) allOk = false;
      } catch (e) {
        if (!isSeccompTraceError(e)) throw e;
        line = fileLine(file, e);
        allOk = false;
      }
      io.stdout(`${line}\n`);
    }
    return allOk ? 0 : 1;
  },
};

/** `FILE: reason…`; the error already names the file (and maybe a line in it) when it was read from one. */
function fileLine(file: string, e: SeccompTraceError): string {
  const own = e.where !== undefined && (e.where === file || e.where.startsWith(`${file}:`) || e.where.startsWith(`${file}#`));
  return own ? e.format() : e.at(file).format();
}
