/** @module `seccomptrace disasm`: raw sock_filter bytes → annotated text that `asm` reads back to the same bytes. */

import { parseArch, type ArchName } from '../../abi/arch.js';
import { disassemble } from '../../bpf/disasm.js';
import { BPF_MAXINSNS } from '../../bpf/opcodes.js';
import { fail } from '../../errors.js';
import type { Command } from '../command.js';
import { parseVerbArgs } from '../args.js';
import { readProgram } from './bpf-input.js';

const USAGE = `usage: seccomptrace disasm FILE.bpf [--arch ARCH]

Prints FILE.bpf ('-' reads stdin) as assembler text (docs/asm.md) that 'seccomptrace asm' turns
back into the same bytes, with syscall, arch and action names in comments.
  --arch ARCH   name syscalls for ARCH before the program checks the arch itself`;

export const disasmCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseVerbArgs('disasm', { args: [...args], options: { arch: { type: 'string' } }, allowPositionals: true });
    if (positionals.length !== 1) throw fail({ code: 'cli/usage', message: positionals.length === 0 ? 'no input file' : 'one input file only', usage: true, hint: USAGE.split('\n')[0]! });
    const file = positionals[0]!;
    let arch: ArchName | undefined;
    if (values.arch !== undefined) {
      const a = parseArch(values.arch);
      if (!a.ok) throw fail({ code: 'cli/usage', message: a.error.message, usage: true, ...(a.error.hint === undefined ? {} : { hint: a.error.hint }) });
      arch = a.value.name;
    }
    const prog = await readProgram(file, io);
    if (prog.length === 0) throw fail({ code: 'bpf/empty', where: file, message: 'the file is empty (no instructions)', hint: 'pass a raw sock_filter array (seccomptrace asm writes one)' });
    if (prog.length > BPF_MAXINSNS) throw fail({ code: 'bpf/too-long', where: file, message: `${prog.length} instructions, more than BPF_MAXINSNS (${BPF_MAXINSNS})`, hint: 'is this a raw sock_filter array?' });
    io.stdout(disassemble(prog, arch === undefined ? {} : { arch }));
    return 0;
  },
};
