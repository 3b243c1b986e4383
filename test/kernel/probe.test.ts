/** @module Kernel probe against facts in kernel-semantics.md §2.4, §4, §7 (the kernel is the oracle). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProgram, insn, type RawInsn } from '../../src/bpf/insn-codec.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../../src/bpf/opcodes.js';
import { errnoOf, probe, probeBatch, probeIp, type ProbeSyscall } from '../../src/linux/probe.js';

const RET = BPF_RET | BPF_K;
const LD_W = BPF_LD | BPF_W | BPF_ABS;
const JEQ = BPF_JMP | BPF_JEQ | BPF_K;
const ALLOW = 0x7fff0000, LOG = 0x7ffc0000, TRACE = 0x7ff00000, USER_NOTIF = 0x7fc00000;
const ERRNO = (e: number): number => 0x00050000 | e;
const TRAP = (d: number): number => 0x00030000 | d;
const KILL_PROCESS = 0x80000000, KILL_THREAD = 0;
const GETPPID: ProbeSyscall = { nr: 110 }; // syscall_64.tbl
const ENOSYS = 38, EINVAL = 22;

const prog = (...p: RawInsn[]): Uint8Array => encodeProgram(p);
const ret = (k: number): Uint8Array => prog(insn(RET, k));
const one = (k: number, syscall: ProbeSyscall = GETPPID) => probe({ filters: [{ program: ret(k), flags: 0 }], syscall });

describe('kernel probe: actions (kernel-semantics §2.4)', () => {
  it('ALLOW runs getppid: the parent is this process', () => {
    assert.deepEqual(one(ALLOW).outcome, { kind: 'returned', value: BigInt(process.pid) });
  });
  it('LOG runs the syscall', () => {
    assert.deepEqual(one(LOG).outcome, { kind: 'returned', value: BigInt(process.pid) });
  });
  it('ERRNO|5000 is clamped to errno 4095', () => {
    const r = one(ERRNO(5000));
    assert.equal(r.outcome && errnoOf(r.outcome), 4095);
  });
  it('ERRNO|0 returns 0 without running the call', () => {
    assert.deepEqual(one(ERRNO(0)).outcome, { kind: 'returned', value: 0n });
  });
  it('TRAP delivers SIGSYS with si_errno = data, si_syscall, si_arch = x86_64, si_code = SYS_SECCOMP', () => {
    assert.deepEqual(one(TRAP(0x1234)).outcome, { kind: 'trap', siErrno: 0x1234, siSyscall: 110, siArch: 0xc000003e, siCode: 1 });
  });
  it('KILL_PROCESS kills the process with SIGSYS (31)', () => {
    assert.deepEqual(one(KILL_PROCESS).outcome, { kind: 'killed', signal: 31, thread: false });
    assert.deepEqual(one(KILL_PROCESS, { ...GETPPID, inThread: true }).outcome, { kind: 'killed', signal: 31, thread: false });
  });
  it('KILL_THREAD in a second thread ends only that thread', () => {
    assert.deepEqual(one(KILL_THREAD, { ...GETPPID, inThread: true }).outcome, { kind: 'killed', signal: 31, thread: true });
  });
  it('in a second thread, ERRNO, TRAP and ALLOW report as in the main thread', () => {
    const t = { ...GETPPID, inThread: true };
    const r = one(ERRNO(13), t);
    assert.equal(r.outcome && errnoOf(r.outcome), 13);
    assert.deepEqual(one(TRAP(9), t).outcome, { kind: 'trap', siErrno: 9, siSyscall: 110, siArch: 0xc000003e, siCode: 1 });
    assert.deepEqual(one(ALLOW, t).outcome, { kind: 'returned', value: BigInt(process.pid) });
  });
  it('KILL_THREAD in the only thread kills the process', () => {
    assert.deepEqual(one(KILL_THREAD).outcome, { kind: 'killed', signal: 31, thread: false });
  });
  it('TRACE with no tracer and USER_NOTIF with no listener give ENOSYS', () => {
    for (const k of [TRACE, USER_NOTIF]) {
      const r = one(k);
      assert.equal(r.outcome && errnoOf(r.outcome), ENOSYS, `action 0x${k.toString(16)}`);
    }
  });
  it('an unknown action value acts as KILL_PROCESS', () => {
    assert.deepEqual(one(0x00010000).outcome, { kind: 'killed', signal: 31, thread: false });
  });
});

describe('kernel probe: installs (kernel-semantics §4)', () => {
  it('program length 0 and 4097 are EINVAL, 4096 is accepted', () => {
    const big = (n: number) => encodeProgram(Array.from({ length: n }, () => insn(RET, ALLOW)));
    const rs = probeBatch([0, 4097, 4096].map((n) => ({ filters: [{ program: big(n), flags: 0 }], syscall: GETPPID })));
    assert.deepEqual(rs.map((r) => r.installs[0]?.errno), [EINVAL, EINVAL, 0]);
    assert.deepEqual(rs.map((r) => r.outcome?.kind), ['skipped', 'skipped', 'returned']);
  });
  it('an opcode outside the seccomp whitelist is EINVAL', () => {
    const r = probe({ filters: [{ program: prog(insn(0xffff, 0), insn(RET, ALLOW)), flags: 0 }] });
    assert.deepEqual(r.installs, [{ errno: EINVAL, ret: -1 }]);
    assert.equal(r.outcome, undefined);
  });
  it('filters stack in order; the newest ERRNO wins over an older ALLOW', () => {
    const r = probe({ filters: [{ program: ret(ALLOW), flags: 0 }, { program: ret(ERRNO(13)), flags: 0 }], syscall: GETPPID });
    assert.deepEqual(r.installs, [{ errno: 0, ret: 0 }, { errno: 0, ret: 0 }]);
    assert.equal(r.outcome && errnoOf(r.outcome), 13);
  });
  it('an older filter denying seccomp() makes the next install fail with its errno', () => {
    const r = probe({ filters: [{ program: ret(ERRNO(1)), flags: 0 }, { program: ret(ALLOW), flags: 0 }], syscall: GETPPID });
    assert.deepEqual(r.installs.map((i) => i.errno), [0, 1]);
    assert.deepEqual(r.outcome, { kind: 'skipped' });
  });
  it('a child that never reports (USER_NOTIF with a listener nobody serves) is killed and reported as linux/probe-timeout', () => {
    assert.throws(() => probe({ filters: [{ program: ret(USER_NOTIF), flags: 8 }], syscall: GETPPID }), (e: { code?: string; message?: string }) => e.code === 'linux/probe-timeout');
    assert.equal(one(ALLOW).outcome?.kind, 'returned', 'the probe works again afterwards');
  });
  it('flag NEW_LISTENER returns a listener fd (> 2)', () => {
    const r = probe({ filters: [{ program: ret(ALLOW), flags: 8 }] });
    assert.equal(r.installs[0]?.errno, 0);
    assert.ok((r.installs[0]?.ret ?? 0) > 2);
  });
});

describe('kernel probe: seccomp_data as the filter sees it (kernel-semantics §1, §7)', () => {
  // LD [off]; JEQ k → ERRNO(7) else ERRNO(9): errno 7 proves the word equals k.
  const wordIs = (off: number, k: number): Uint8Array => prog(insn(LD_W, off), insn(JEQ, k >>> 0, 0, 1), insn(RET, ERRNO(7)), insn(RET, ERRNO(9)));
  const errnoWith = (p: Uint8Array, s: ProbeSyscall): number | undefined => {
    const r = probe({ filters: [{ program: p, flags: 0 }], syscall: s });
    return r.outcome && errnoOf(r.outcome);
  };
  it('ip (offset 8, 12) is the address right after the syscall instruction, as reported', () => {
    for (const abi of ['x86_64', 'x86'] as const) {
      const ip = probeIp(abi);
      const s: ProbeSyscall = { nr: abi === 'x86' ? 64 : 110, abi };
      assert.equal(errnoWith(wordIs(8, Number(ip & 0xffffffffn)), s), 7, `${abi} ip low`);
      assert.equal(errnoWith(wordIs(12, Number(ip >> 32n)), s), 7, `${abi} ip high`);
    }
    assert.notEqual(probeIp('x86'), probeIp('x86_64'));
  });
  it('64-bit arguments reach the filter whole (low word at 16+8i, high at 20+8i)', () => {
    const args = [0x1111111122222222n, 0n, 0n, 0n, 0n, 0xdeadbeefcafef00dn];
    assert.equal(errnoWith(wordIs(16, 0x22222222), { nr: 110, args }), 7);
    assert.equal(errnoWith(wordIs(20, 0x11111111), { nr: 110, args }), 7);
    assert.equal(errnoWith(wordIs(16 + 5 * 8, 0xcafef00d), { nr: 110, args }), 7);
    assert.equal(errnoWith(wordIs(20 + 5 * 8, 0xdeadbeef), { nr: 110, args }), 7);
  });
  it('x86 via int $0x80 reports arch 0x40000003 and the i386 number', () => {
    assert.deepEqual(one(TRAP(5), { nr: 64, abi: 'x86' }).outcome, { kind: 'trap', siErrno: 5, siSyscall: 64, siArch: 0x40000003, siCode: 1 });
    assert.deepEqual(one(ALLOW, { nr: 64, abi: 'x86' }).outcome, { kind: 'returned', value: BigInt(process.pid) });
  });
  it('x86 passes only the low 32 bits of each argument', () => {
    assert.equal(errnoWith(wordIs(20, 0), { nr: 64, abi: 'x86', args: [0x1234567800000001n] }), 7);
    assert.equal(errnoWith(wordIs(16, 1), { nr: 64, abi: 'x86', args: [0x1234567800000001n] }), 7);
  });
  it('x32 reports arch x86_64 with nr | 0x40000000', () => {
    assert.deepEqual(one(TRAP(0), { nr: 39, abi: 'x32' }).outcome, { kind: 'trap', siErrno: 0, siSyscall: 0x40000000 | 39, siArch: 0xc000003e, siCode: 1 });
  });
});
