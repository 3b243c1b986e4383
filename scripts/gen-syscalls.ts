/** @module Generates src/abi/syscall-tables.gen.ts from the kernel's own syscall tables kept in scripts/syscall-tables/. */

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the .tbl inputs came from (scripts/syscall-tables/README.md says how they were taken). */
export const SOURCE = 'Linux 6.18 (v6.18.3 stable tree, clywm520/6.18.y)';
export const COMMIT = '8ada65a9e55e6dbece8e5830bbe9540c0bcb439e';

/**
 * One generated table: which file, which ABIs of it (as the kernel Makefiles select them), and the
 * number the kernel adds to each entry.
 */
interface TableSpec {
  readonly arch: string;
  readonly file: string;
  readonly abis: readonly string[];
  readonly offset: number;
  /** Where the ABI selection is written in the kernel tree. */
  readonly why: string;
}

// The kernel names each input by its path; we keep it with '/' turned into '_'.
const tbl = (path: string): string => path.replace(/\//g, '_');

export const TABLES: readonly TableSpec[] = [
  { arch: 'x86_64', file: 'arch/x86/entry/syscalls/syscall_64.tbl', abis: ['common', '64'], offset: 0, why: 'arch/x86/entry/syscalls/Makefile: unistd_64.h abis := common,64' },
  // __X32_SYSCALL_BIT, arch/x86/include/uapi/asm/unistd.h: x32 numbers are seen with this bit set.
  { arch: 'x32', file: 'arch/x86/entry/syscalls/syscall_64.tbl', abis: ['common', 'x32'], offset: 0x40000000, why: 'arch/x86/entry/syscalls/Makefile: unistd_x32.h abis := common,x32' },
  { arch: 'x86', file: 'arch/x86/entry/syscalls/syscall_32.tbl', abis: ['i386'], offset: 0, why: 'arch/x86/entry/syscalls/Makefile: unistd_32.h abis := i386' },
  { arch: 'arm', file: 'arch/arm/tools/syscall.tbl', abis: ['common', 'eabi'], offset: 0, why: 'arch/arm/tools/Makefile: unistd-eabi.h abis := common,eabi' },
  // scripts/Makefile.asm-headers: syscall_abis_64 += common,64; arch/arm64/kernel/Makefile.syscalls adds
  // renameat rlimit memfd_secret (arch/arm64/tools/syscall_64.tbl is a link to scripts/syscall.tbl).
  { arch: 'aarch64', file: 'scripts/syscall.tbl', abis: ['common', '64', 'renameat', 'rlimit', 'memfd_secret'], offset: 0, why: 'arch/arm64/kernel/Makefile.syscalls' },
  { arch: 'riscv64', file: 'scripts/syscall.tbl', abis: ['common', '64', 'riscv', 'rlimit', 'memfd_secret'], offset: 0, why: 'arch/riscv/kernel/Makefile.syscalls' },
  { arch: 'loongarch64', file: 'scripts/syscall.tbl', abis: ['common', '64'], offset: 0, why: 'arch/loongarch/kernel/Makefile.syscalls (no extra ABIs)' },
  { arch: 's390x', file: 'arch/s390/kernel/syscalls/syscall.tbl', abis: ['common', '64'], offset: 0, why: 'arch/s390/kernel/syscalls/Makefile: syshdr_abi_unistd_64 := common,64' },
  { arch: 'ppc64le', file: 'arch/powerpc/kernel/syscalls/syscall.tbl', abis: ['common', 'nospu', '64'], offset: 0, why: 'arch/powerpc/kernel/syscalls/Makefile: unistd_64.h abis := common,nospu,64' },
  // __NR_Linux, arch/mips/include/uapi/asm/unistd.h: 4000 (o32), 5000 (n64), 6000 (n32).
  { arch: 'mips', file: 'arch/mips/kernel/syscalls/syscall_o32.tbl', abis: ['o32'], offset: 4000, why: 'arch/mips/kernel/syscalls/Makefile: every line (no --abis), --offset __NR_Linux' },
  { arch: 'mipsel', file: 'arch/mips/kernel/syscalls/syscall_o32.tbl', abis: ['o32'], offset: 4000, why: 'same table as mips (o32)' },
  { arch: 'mips64', file: 'arch/mips/kernel/syscalls/syscall_n64.tbl', abis: ['n64', 'common'], offset: 5000, why: 'arch/mips/kernel/syscalls/Makefile: every line (no --abis), --offset __NR_Linux' },
  { arch: 'mipsel64', file: 'arch/mips/kernel/syscalls/syscall_n64.tbl', abis: ['n64', 'common'], offset: 5000, why: 'same table as mips64 (n64)' },
];

/**
 * ARM private syscalls outside the table: arch/arm/include/uapi/asm/unistd.h
 * `__ARM_NR_BASE = __NR_SYSCALL_BASE + 0x0f0000` (EABI: base 0) plus 1..6.
 */
export function armPrivate(unistdH: string): [string, number][] {
  const out: [string, number][] = [];
  for (const m of unistdH.matchAll(/^#define __ARM_NR_(\w+)\s+\(__ARM_NR_BASE\+(\d+)\)/gm)) {
    out.push([m[1]!, 0x0f0000 + Number(m[2])]);
  }
  return out;
}

/** Parses `<nr> <abi> <name> [entry…]` lines; comments and blank lines are skipped. */
export function parseTbl(text: string, abis: readonly string[], offset: number): [string, number][] {
  const out: [string, number][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [nr, abi, name] = line.split(/\s+/);
    if (nr === undefined || abi === undefined || name === undefined) throw new Error(`internal: bad tbl line '${raw}'`);
    if (!abis.includes(abi)) continue;
    out.push([name, Number(nr) + offset]);
  }
  return out.sort((a, b) => a[1] - b[1]);
}

/** The sub-call numbers of x86 socketcall (include/uapi/linux/net.h SYS_*) and ipc (include/uapi/linux/ipc.h). */
export function parseSubcalls(netH: string, ipcH: string): { socketcall: [string, number][]; ipc: [string, number][] } {
  const socketcall = [...netH.matchAll(/^#define SYS_(\w+)\s+(\d+)/gm)].map((m): [string, number] => [m[1]!.toLowerCase(), Number(m[2])]);
  // ipc.h lists the calls between "These are used to wrap system calls" and DIPC; DIPC is not a call.
  const ipc = [...ipcH.matchAll(/^#define (SEM\w+|MSG\w+|SHM\w+)\s+(\d+)\s*$/gm)].map((m): [string, number] => [m[1]!.toLowerCase(), Number(m[2])]);
  return { socketcall, ipc };
}

function header(inputs: string): string {
  return `// GENERATED by scripts/gen-syscalls.ts from ${inputs} at ${SOURCE} ${COMMIT} — do not edit\n`;
}

/**
 * One arch's rows as one string, cheap to load (a string literal, not hundreds of array literals):
 * space-separated `name` for the number after the previous row's, `name:NR` after a gap.
 * src/abi/syscalls.ts decodes it on the first look-up for that arch.
 */
export function packRows(rows: readonly (readonly [string, number])[]): string {
  let prev: number | undefined;
  const out: string[] = [];
  for (const [name, nr] of rows) {
    out.push(prev !== undefined && nr === prev + 1 ? name : `${name}:${nr}`);
    prev = nr;
  }
  return out.join(' ');
}

/** Every output file and its text, from the inputs in `inputDir`. Pure apart from reading the inputs. */
export function generate(inputDir: string): Map<string, string> {
  const read = (p: string): string => readFileSync(join(inputDir, tbl(p)), 'utf8');
  const inputs = new Set<string>();
  let body = '';
  for (const t of TABLES) {
    let rows = parseTbl(read(t.file), t.abis, t.offset);
    inputs.add(t.file);
    if (t.arch === 'arm') {
      rows = rows.concat(armPrivate(read('arch/arm/include/uapi/asm/unistd.h')));
      inputs.add('arch/arm/include/uapi/asm/unistd.h');
    }
    body += `  // ABIs ${t.abis.join(',')}${t.offset === 0 ? '' : `, numbers + ${t.offset === 0x40000000 ? '0x40000000' : t.offset}`} (${t.why}).\n`;
    body += `  ${t.arch}: ${JSON.stringify(packRows(rows))},\n`;
  }
  const sub = parseSubcalls(read('include/uapi/linux/net.h'), read('include/uapi/linux/ipc.h'));
  inputs.add('include/uapi/linux/net.h').add('include/uapi/linux/ipc.h');
  let text = header([...inputs].join(' + '));
  text += '/** @module Syscall numbers of every arch, one packed string each (`name` = previous number + 1, `name:NR` after a gap), and the x86 socketcall/ipc sub-calls. */\n\n';
  text += `export const SYSCALL_TABLES = {\n${body}} as const;\n\n`;
  text += '/** x86 socketcall (102) SYS_* sub-call numbers, named for the syscall each stands for. */\n';
  text += 'export const SOCKETCALL_SUBCALLS = [\n';
  for (const [n, v] of sub.socketcall) text += `  [${JSON.stringify(n)}, ${v}],\n`;
  text += '] as const;\n\n/** x86 ipc (117) sub-call numbers. */\nexport const IPC_SUBCALLS = [\n';
  for (const [n, v] of sub.ipc) text += `  [${JSON.stringify(n)}, ${v}],\n`;
  text += '] as const;\n';
  return new Map([['src/abi/syscall-tables.gen.ts', text]]);
}

function repoRoot(): string {
  // dist-*/scripts/gen-syscalls.js or scripts/gen-syscalls.ts: the repository is two or one levels up.
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes('/dist') ? join(here, '..', '..') : join(here, '..');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = repoRoot();
  for (const [rel, text] of generate(join(root, 'scripts', 'syscall-tables'))) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
    console.log(`wrote ${rel}`);
  }
}
