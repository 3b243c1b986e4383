/** @module Syscall names ↔ numbers per architecture, from the generated Linux 6.18 tables. */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { parseNumber } from './actions.js';
import { suggest, type ArchName } from './arch.js';
import { IPC_SUBCALLS, SOCKETCALL_SUBCALLS, SYSCALL_TABLES } from './syscall-tables.gen.js';

/** A syscall number as the filter sees it in `seccomp_data.nr` (x32 numbers carry 0x40000000). */
export type SyscallNr = number & { readonly __brand: 'SyscallNr' };

export interface SyscallEntry {
  readonly name: string;
  readonly nr: number;
}

// Checks at compile time that every arch has a table.
const RAW: Readonly<Record<ArchName, string>> = SYSCALL_TABLES;

interface Indexed {
  readonly list: readonly SyscallEntry[];
  readonly byName: ReadonlyMap<string, number>;
  readonly byNr: ReadonlyMap<number, string>;
}

const cache = new Map<ArchName, Indexed>();

function indexed(arch: ArchName): Indexed {
  let t = cache.get(arch);
  if (t === undefined) {
    // Unpacks the generated string (scripts/gen-syscalls.ts packRows): `name` is the previous number + 1, `name:NR` sets it.
    const list: SyscallEntry[] = [];
    let nr = -1;
    for (const tok of RAW[arch].split(' ')) {
      const colon = tok.indexOf(':');
      nr = colon === -1 ? nr + 1 : Number(tok.slice(colon + 1));
      list.push({ name: colon === -1 ? tok : tok.slice(0, colon), nr });
    }
    t = { list, byName: new Map(list.map((e) => [e.name, e.nr])), byNr: new Map(list.map((e) => [e.nr, e.name])) };
    cache.set(arch, t);
  }
  return t;
}

/** The kernel's table for `arch`, in number order. */
export function syscallTable(arch: ArchName): readonly SyscallEntry[] {
  return indexed(arch).list;
}

/** The number `arch`'s kernel uses for `name` (x32 numbers include 0x40000000), or undefined. */
export function resolveSyscall(arch: ArchName, name: string): number | undefined {
  return indexed(arch).byName.get(name);
}

/** The name of syscall `nr` on `arch`; x32 is looked up with or without the x32 bit. */
export function syscallName(arch: ArchName, nr: number): string | undefined {
  const t = indexed(arch);
  return t.byNr.get(nr) ?? (arch === 'x32' ? t.byNr.get((nr | 0x40000000) >>> 0) : undefined);
}

/** Accepts a name or a decimal/0x number; a number is accepted as it is, even without a name. */
export function parseSyscall(arch: ArchName, text: string): Result<number, SeccompTraceError> {
  const t = text.trim();
  const n = parseNumber(t);
  if (n !== undefined) {
    if (n > 0xffffffff) return err(fail({ code: 'abi/bad-syscall', message: `syscall number ${t} does not fit in 32 bits` }));
    return ok(n);
  }
  if (t.startsWith('-')) {
    const neg = parseNumber(t.slice(1));
    // seccomp_data.nr is an int: -1 is what a tracer-skipped syscall shows (kernel-semantics §3).
    if (neg !== undefined && neg <= 0x80000000) return ok(-neg);
  }
  const nr = resolveSyscall(arch, t);
  if (nr !== undefined) return ok(nr);
  return err(unknownSyscall(arch, t));
}

export function unknownSyscall(arch: ArchName, name: string): SeccompTraceError {
  return fail({
    code: 'abi/unknown-syscall',
    message: `unknown syscall '${name}' on ${arch}${suggest(name, indexed(arch).byName.keys())}`,
    hint: `see 'seccomptrace syscalls --arch ${arch}'`,
  });
}

/** x86 (i386) multiplexer numbers: arch/x86/entry/syscalls/syscall_32.tbl. */
export const X86_SOCKETCALL_NR = 102;
export const X86_IPC_NR = 117;

export interface Multiplexed {
  /** The multiplexer syscall's number on x86 (socketcall 102, ipc 117). */
  readonly via: number;
  readonly viaName: 'socketcall' | 'ipc';
  /** The sub-call number in arg0 (SYS_SOCKET=1…, SEMOP=1…). */
  readonly call: number;
}

let mux: ReadonlyMap<string, Multiplexed> | undefined;

function muxTable(): ReadonlyMap<string, Multiplexed> {
  mux ??= new Map<string, Multiplexed>([
    ...SOCKETCALL_SUBCALLS.map(([n, c]): [string, Multiplexed] => [n, { via: X86_SOCKETCALL_NR, viaName: 'socketcall', call: c }]),
    ...IPC_SUBCALLS.map(([n, c]): [string, Multiplexed] => [n, { via: X86_IPC_NR, viaName: 'ipc', call: c }]),
  ]);
  return mux;
}

/**
 * How `name` is also reachable on x86 through socketcall(2)/ipc(2) with the sub-call in arg0, as
 * libseccomp matches it (net.h SYS_*, ipc.h SEMOP…). Only x86 multiplexes among our arches.
 * ipc's arg0 carries a version in its high 16 bits (ipc.h IPCCALL); libseccomp compares the whole arg0.
 */
export function multiplexedCall(arch: ArchName, name: string): Multiplexed | undefined {
  return arch === 'x86' ? muxTable().get(name) : undefined;
}

/** The syscall a socketcall/ipc sub-call stands for (`socketcall` 1 → `socket`). */
export function subcallName(viaName: 'socketcall' | 'ipc', call: number): string | undefined {
  const rows = viaName === 'socketcall' ? SOCKETCALL_SUBCALLS : IPC_SUBCALLS;
  return rows.find(([, c]) => c === call)?.[0];
}
