/** @module Random filter stacks and syscalls for the engine-vs-kernel oracle tests, each filter prefixed so later installs go through. */

import { archInfo, X32_SYSCALL_BIT } from '../../src/abi/arch.js';
import { makeSeccompData, type SeccompData } from '../../src/abi/seccomp-data.js';
import { insn, type RawInsn } from '../../src/bpf/insn-codec.js';
import { randomValidProgram, type Rng } from '../../src/bpf/random-program.js';
import type { ProbeAbi } from '../../src/linux/probe.js';

/**
 * Every random filter applies to every later syscall of the probe child (PROBE-API.md): seccomp()
 * for the next install, and exit_group/exit/rt_sigreturn when the child finishes or returns from
 * its SIGSYS handler (a TRAP there would overwrite the reported outcome). Each filter starts with
 * "those numbers on x86_64 → ALLOW"; the tested syscalls are never among them.
 */
export const PROBE_ALLOW_PREFIX: readonly RawInsn[] = [
  insn(0x20, 4), //                 ld [4]                     ; arch
  insn(0x15, 0xc000003e, 0, 6), //  jeq #AUDIT_ARCH_X86_64, 0, body
  insn(0x20, 0), //                 ld [0]                     ; nr
  insn(0x15, 317, 3, 0), //         jeq #317 (seccomp), allow, 0
  insn(0x15, 231, 2, 0), //         jeq #231 (exit_group), allow, 0
  insn(0x15, 60, 1, 0), //          jeq #60 (exit), allow, 0
  insn(0x15, 15, 0, 1), //          jeq #15 (rt_sigreturn), allow, body
  insn(0x06, 0x7fff0000), //        allow: ret ALLOW
];

const ACTIONS = [0x7fff0000, 0x7ffc0000, 0x7ffc0007, 0x00050001, 0x00050000, 0x0005270f, 0x00030005, 0x7ff00003, 0x7fc00000, 0x00000000, 0x80000000, 0x00010000, 0xff00002a];

/** ALLOW half the time, so stacks where every filter allows (and LOG wins) are common enough. */
const action = (r: Rng): number => (r.chance(0.5) ? 0x7fff0000 : r.pick(ACTIONS));

/** A short "rule" filter: compare nr or an arg word with a constant, two actions; keeps outcomes varied. */
function ruleFilter(r: Rng): RawInsn[] {
  const word = r.pick([0, 0, 4, 16, 20, 24]);
  const k = word === 0 ? r.pick([39, 110, 20, 64, 39 | X32_SYSCALL_BIT]) : word === 4 ? r.pick([0xc000003e, 0x40000003]) : r.pick([0, 1, 7, 0xffffffff]);
  return [
    insn(0x20, word), //                        ld [word]
    insn(r.pick([0x15, 0x25, 0x35, 0x45]), k, 0, 1), // jeq/jgt/jge/jset #k, 0, 1
    insn(0x06, action(r)), //                   ret ACTION
    insn(0x06, action(r)), //                   ret ACTION
  ];
}

export interface RandomFilter {
  readonly raw: RawInsn[];
  readonly flags: number;
}

/** 1–4 filters: half from the bpf generator (every opcode), half small rule filters; FLAG_LOG on some. */
export function randomStack(r: Rng): RandomFilter[] {
  const n = 1 + r.int(4);
  return Array.from({ length: n }, () => {
    const body = r.chance(0.5) ? randomValidProgram(r, { maxLen: 30 }) : ruleFilter(r);
    return { raw: [...PROBE_ALLOW_PREFIX, ...body], flags: r.chance(0.4) ? 2 : r.chance(0.1) ? 4 : 0 };
  });
}

export interface RandomCall {
  readonly abi: ProbeAbi;
  /** What the probe is given (x32: without the bit). */
  readonly nr: number;
  readonly args: bigint[];
  readonly inThread: boolean;
}

/** getpid and getppid per ABI: harmless, and both succeed with a positive value when they run. */
export const CALL_NRS: Record<ProbeAbi, readonly number[]> = { x86_64: [39, 110], x86: [20, 64], x32: [39, 110] };

function randomArg(r: Rng): bigint {
  const pick = r.int(4);
  if (pick === 0) return 0n;
  if (pick === 1) return BigInt(r.pick([1, 7, 0xffffffff]));
  return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
}

export function randomCall(r: Rng): RandomCall {
  const abi = r.pick<ProbeAbi>(['x86_64', 'x86_64', 'x86', 'x32']);
  return { abi, nr: r.pick(CALL_NRS[abi]), args: Array.from({ length: 6 }, () => randomArg(r)), inThread: r.chance(0.2) };
}

/** The seccomp_data the kernel builds for this call (x86: 32-bit registers; x32: nr with the bit). */
export function callData(c: RandomCall, ip: bigint): SeccompData {
  const arch = archInfo(c.abi);
  const nr = c.abi === 'x32' ? (c.nr | X32_SYSCALL_BIT) >>> 0 : c.nr;
  const args = c.abi === 'x86' ? c.args.map((a) => a & 0xffffffffn) : c.args;
  return makeSeccompData(nr, arch.auditArch, args, ip);
}
