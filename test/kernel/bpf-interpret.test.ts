/** @module Interpreter = kernel: 1,000 random valid programs × several syscalls, compared on what the kernel makes visible. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { behaviour, MAX_ERRNO } from '../../src/abi/actions.js';
import { makeSeccompData, seccompDataWords } from '../../src/abi/seccomp-data.js';
import { disassemble } from '../../src/bpf/disasm.js';
import { encodeProgram } from '../../src/bpf/insn-codec.js';
import { interpret } from '../../src/bpf/interpret.js';
import { randomValidProgram, rng, type Rng } from '../../src/bpf/random-program.js';
import { verify, type VerifiedProgram } from '../../src/bpf/verify.js';
import { probeBatch, probeIp, type ProbeAbi, type ProbeOutcome, type ProbeResult, type ProbeSyscall } from '../../src/linux/probe.js';
import { unwrap } from '../../src/result.js';

const ENOSYS = 38;
const SIGSYS = 31;
const AUDIT_ARCH = { x86_64: 0xc000003e, x86: 0x40000003, x32: 0xc000003e } as const;
/** getppid (arch/x86/entry/syscalls/syscall_64.tbl 110, syscall_32.tbl 64): returns our pid when allowed. */
const GETPPID = { x86_64: 110, x86: 64, x32: 110 } as const;

interface Case {
  readonly prog: VerifiedProgram;
  readonly syscall: ProbeSyscall & { readonly abi: ProbeAbi };
  readonly valid: boolean;
}

function randomSyscall(r: Rng): { syscall: Case['syscall']; valid: boolean } {
  const abi: ProbeAbi = r.pick(['x86_64', 'x86_64', 'x86_64', 'x86', 'x32']);
  const valid = r.chance(0.6);
  // Numbers no table uses: ENOSYS (but small enough to stay clear of the x32 bit).
  const nr = valid ? GETPPID[abi] : r.pick([1000, 4000, 0x3fffffff, 999_999]);
  const word = (): bigint => (r.chance(0.3) ? BigInt(r.int(8)) : BigInt(r.u32()));
  const args = Array.from({ length: 6 }, () => (abi === 'x86' ? word() : (word() << 32n) | word()));
  return { syscall: { nr, args, abi, inThread: r.chance(0.3) }, valid };
}

/** What the kernel shows for filter value `ret` (kernel/seccomp.c __seccomp_filter()). */
function expected(ret: number, c: Case): ProbeOutcome | 'allowed' {
  switch (behaviour(ret)) {
    case 'allow':
    case 'log':
      return 'allowed';
    case 'errno':
      return { kind: 'returned', value: -BigInt(Math.min(ret & 0xffff, MAX_ERRNO)) };
    case 'trap': {
      const nr = c.syscall.abi === 'x32' ? (c.syscall.nr | 0x40000000) >>> 0 : c.syscall.nr;
      return { kind: 'trap', siErrno: ret & 0xffff, siSyscall: nr, siArch: AUDIT_ARCH[c.syscall.abi], siCode: 1 };
    }
    case 'trace': // no tracer attached
    case 'user_notif': // no listener
      return { kind: 'returned', value: -BigInt(ENOSYS) };
    case 'kill_thread':
      return { kind: 'killed', signal: SIGSYS, thread: c.syscall.inThread === true };
    case 'kill_process':
      return { kind: 'killed', signal: SIGSYS, thread: false };
  }
}

describe('interpret = kernel', () => {
  it('agrees on 1,000 random valid programs × 4 syscalls each', () => {
    const seed = Number(process.env['SECCOMPTRACE_SEED'] ?? 0x5eed0200);
    const r = rng(seed);
    const ips = { x86_64: probeIp('x86_64'), x86: probeIp('x86'), x32: probeIp('x32') };
    // A kernel built without CONFIG_X86_X32_ABI still runs the filter on x32 calls, then returns
    // ENOSYS for an allowed one: ask this kernel which it is.
    const allowAll = encodeProgram([{ code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 }]);
    const x32Runs = probeBatch([{ filters: [{ program: allowAll, flags: 0 }], syscall: { nr: GETPPID.x32, abi: 'x32' } }])[0]?.outcome;
    const x32Enabled = x32Runs?.kind === 'returned' && x32Runs.value === BigInt(process.pid);
    const cases: Case[] = [];
    for (let p = 0; p < 1000; p++) {
      const prog = unwrap(verify(randomValidProgram(r)));
      for (let n = 0; n < 4; n++) {
        const s = randomSyscall(r);
        cases.push({ prog, syscall: s.syscall, valid: s.valid && (s.syscall.abi !== 'x32' || x32Enabled) });
      }
    }
    const results: ProbeResult[] = [];
    for (let i = 0; i < cases.length; i += 600) {
      results.push(...probeBatch(cases.slice(i, i + 600).map((c) => ({ filters: [{ program: encodeProgram(c.prog.raw), flags: 0 }], syscall: c.syscall }))));
    }
    const mismatches: string[] = [];
    const seen = new Set<string>();
    cases.forEach((c, n) => {
      const { abi, nr, args = [] } = c.syscall;
      const data = makeSeccompData(abi === 'x32' ? (nr | 0x40000000) >>> 0 : nr, AUDIT_ARCH[abi], args, ips[abi]);
      const { ret } = interpret(c.prog, seccompDataWords(data));
      const want = expected(ret, c);
      const got = results[n]!.outcome;
      seen.add(`${behaviour(ret)}${c.syscall.inThread === true ? '/thread' : ''}`);
      const ok =
        want === 'allowed'
          ? got?.kind === 'returned' && got.value === (c.valid ? BigInt(process.pid) : -BigInt(ENOSYS))
          : JSON.stringify(got, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(want, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      if (!ok) mismatches.push(`seed ${seed} case ${n} (${abi} nr ${nr}): ret 0x${ret.toString(16)} → expected ${String(JSON.stringify(want, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))}, kernel ${JSON.stringify(got, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n${disassemble(c.prog.raw)}`);
    });
    assert.deepEqual(mismatches.slice(0, 3), [], `${mismatches.length} mismatches of ${cases.length}`);
    for (const b of ['allow', 'log', 'errno', 'trap', 'trace', 'user_notif', 'kill_thread', 'kill_thread/thread', 'kill_process']) assert.ok(seen.has(b), `no case ended in ${b}`);
  });
});
