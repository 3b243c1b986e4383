/** @module Signal names ↔ numbers per architecture, from the generated kernel uapi tables. */

import type { ArchName } from './arch.js';
import { SIGNALS_GENERIC, SIGNALS_MIPS, SIGNALS_X86 } from './signals.gen.js';

export interface SignalEntry {
  readonly name: string;
  readonly nr: number;
}

interface Indexed {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNr: ReadonlyMap<number, string>;
  readonly list: readonly SignalEntry[];
}

function build(rows: readonly (readonly [string, number])[]): Indexed {
  const list = rows.map(([name, nr]) => ({ name, nr }));
  const byNr = new Map<number, string>();
  for (const e of list) if (!byNr.has(e.nr)) byNr.set(e.nr, e.name); // first name wins: SIGABRT, SIGIO, SIGSYS
  return { list, byName: new Map(list.map((e) => [e.name, e.nr])), byNr };
}

const GENERIC = build(SIGNALS_GENERIC);
const X86 = build(SIGNALS_X86);
const MIPS = build(SIGNALS_MIPS);

function table(arch: ArchName): Indexed {
  if (arch === 'mips' || arch === 'mipsel' || arch === 'mips64' || arch === 'mipsel64') return MIPS;
  if (arch === 'x86_64' || arch === 'x86' || arch === 'x32') return X86;
  return GENERIC;
}

/** SIGSYS, the signal of SECCOMP_RET_TRAP and the kill actions' audit `sig=` (31; 12 on mips). */
export function sigsys(arch: ArchName = 'x86_64'): number {
  return table(arch).byName.get('SIGSYS')!;
}

export function signalTable(arch: ArchName = 'x86_64'): readonly SignalEntry[] {
  return table(arch).list;
}

/** `SIGSYS` for 31; real-time signals as `SIGRTMIN+n`; undefined for 0 or out of range. */
export function signalName(nr: number, arch: ArchName = 'x86_64'): string | undefined {
  const t = table(arch);
  const n = t.byNr.get(nr);
  if (n !== undefined) return n;
  const rtmin = t.byName.get('SIGRTMIN')!;
  // _NSIG is 64 (128 on mips): asm-generic/signal.h, arch/mips/include/uapi/asm/signal.h.
  const nsig = t === MIPS ? 128 : 64;
  return nr > rtmin && nr <= nsig ? `SIGRTMIN+${nr - rtmin}` : undefined;
}

/** Accepts `SIGSYS`, `sys`, `SIGRTMIN+3`, or a number. */
export function signalNumber(name: string, arch: ArchName = 'x86_64'): number | undefined {
  const t = table(arch);
  const u = name.trim().toUpperCase();
  if (/^\d+$/.test(u)) return Number(u);
  const full = u.startsWith('SIG') ? u : `SIG${u}`;
  const rt = /^SIGRTMIN\+(\d+)$/.exec(full);
  if (rt !== null) return t.byName.get('SIGRTMIN')! + Number(rt[1]);
  return t.byName.get(full);
}
