/** @module `seccomptrace syscalls`: prints an arch's syscall table or looks names and numbers up. */

import { parseVerbArgs } from '../args.js';
import { archFromNode, parseArch, parseNumber, parseSyscall, resolveSyscall, syscallName, syscallTable, type ArchName, type SyscallEntry } from '../../abi/index.js';
import { fail } from '../../errors.js';
import type { Command } from '../command.js';

const USAGE = `usage: seccomptrace syscalls [--arch ARCH] [NAME|NR…] [--json]

Without arguments, prints ARCH's syscall table (Linux 6.18) as "NAME NR" lines; with arguments,
looks each name or number up. x32 numbers include the 0x40000000 bit.
  --arch ARCH   x86_64, x86, x32, aarch64, arm, riscv64, s390x, ppc64le, loongarch64, mips,
                mipsel, mips64, mipsel64 (aliases amd64, i386, arm64, SCMP_ARCH_*); default: host
  --json        a JSON array of {"name","nr"}`;

function lookUp(arch: ArchName, word: string): SyscallEntry {
  const n = parseNumber(word);
  if (n !== undefined) {
    const name = syscallName(arch, n);
    if (name === undefined) throw fail({ code: 'abi/unknown-syscall', message: `no syscall number ${word} on ${arch}`, hint: `see 'seccomptrace syscalls --arch ${arch}'` });
    return { name, nr: resolveSyscall(arch, name) ?? n }; // x32: 1 and 0x40000001 both print the table's number
  }
  const r = parseSyscall(arch, word);
  if (!r.ok) throw r.error;
  return { name: word, nr: r.value };
}

export const syscallsCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseVerbArgs('syscalls', { args: [...args], options: { arch: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
    let arch: ArchName;
    if (values.arch !== undefined) {
      const a = parseArch(values.arch);
      if (!a.ok) throw a.error.at('--arch');
      arch = a.value.name;
    } else {
      const host = archFromNode(process.arch);
      if (host === undefined) throw fail({ code: 'cli/no-host-arch', message: `unknown host arch '${process.arch}'`, hint: 'pass --arch' });
      arch = host.name;
    }
    const rows = positionals.length === 0 ? syscallTable(arch) : positionals.map((w) => lookUp(arch, w));
    if (values.json === true) {
      io.stdout(`${JSON.stringify(rows.map((r) => ({ name: r.name, nr: r.nr })))}\n`);
    } else {
      const width = Math.max(8, ...rows.map((r) => r.name.length));
      io.stdout(rows.map((r) => `${r.name.padEnd(width)} ${r.nr}\n`).join(''));
    }
    return 0;
  },
};
