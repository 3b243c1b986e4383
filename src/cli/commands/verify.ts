/** @module `seccomptrace verify`: the kernel's verdict on each program, one line a file. */

import { parseArgs } from 'node:util';
import { formatVerifyError, verify } from '../../bpf/verify.js';
import { fail } from '../../errors.js';
import type { Command } from '../command.js';
import { readProgram, usageError } from './bpf-input.js';

const USAGE = `usage: seccomptrace verify FILE.bpf…

Checks each program as seccomp(SECCOMP_SET_MODE_FILTER) does and prints one line a file:
"FILE: ok" or "FILE: pc N: reason (EINVAL)" ("FILE: reason (EINVAL)" for whole-program faults
such as length 0 or 4097). Exit status 0 iff every file is ok. FILE.s files are assembled first.`;

export const verifyCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args: [...args], options: {}, allowPositionals: true, strict: true });
    } catch (e) {
      throw usageError('verify', e);
    }
    if (parsed.positionals.length === 0) throw fail({ code: 'cli/usage', message: 'no input file', usage: true, hint: USAGE.split('\n')[0]! });
    let allOk = true;
    for (const file of parsed.positionals) {
      const r = verify(await readProgram(file, io));
      if (!r.ok) allOk = false;
      io.stdout(`${file}: ${r.ok ? 'ok' : formatVerifyError(r.error)}\n`);
    }
    return allOk ? 0 : 1;
  },
};
