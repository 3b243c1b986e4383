/** @module `seccomptrace asm`: assembler text → raw sock_filter bytes. */

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assemble } from '../../bpf/asm.js';
import { encodeProgram } from '../../bpf/insn-codec.js';
import { fail } from '../../errors.js';
import type { Command } from '../command.js';
import { parseVerbArgs } from '../args.js';
import { readInput } from './bpf-input.js';

const USAGE = `usage: seccomptrace asm FILE.s [-o OUT.bpf]

Assembles FILE.s (syntax: docs/asm.md; '-' reads stdin) into raw struct sock_filter bytes
(8 bytes an instruction, little-endian), written to OUT.bpf or to stdout.
  -o, --output OUT.bpf   where to write the bytes`;

export const asmCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseVerbArgs('asm', { args: [...args], options: { output: { type: 'string', short: 'o' } }, allowPositionals: true });
    if (positionals.length !== 1) throw fail({ code: 'cli/usage', message: positionals.length === 0 ? 'no input file' : 'one input file only', usage: true, hint: USAGE.split('\n')[0]! });
    const file = positionals[0]!;
    const r = assemble(new TextDecoder().decode(await readInput(file, io)), { file });
    if (!r.ok) throw r.error;
    const bytes = encodeProgram(r.value);
    if (values.output === undefined) io.stdoutBytes(bytes);
    else {
      try {
        writeFileSync(resolve(io.cwd, values.output), bytes);
      } catch (e) {
        throw fail({ code: 'cli/cannot-write', where: values.output, message: 'cannot write it', errno: (e as NodeJS.ErrnoException).code ?? 'EIO' });
      }
    }
    return 0;
  },
};
