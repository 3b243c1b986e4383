/** @module Lowered proposed-mode stacks on the real kernel: accepted by seccomp(), and the kernel's outcome = the interpreter's on the lowered program = the engine's. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeSeccompData, seccompDataWords } from '../../src/abi/seccomp-data.js';
import { encodeProgram, type RawInsn } from '../../src/bpf/insn-codec.js';
import { interpret } from '../../src/bpf/interpret.js';
import { randomValidProgram, rng } from '../../src/bpf/random-program.js';
import { verify } from '../../src/bpf/verify.js';
import { FilterStack } from '../../src/engine/stack.js';
import { errnoOf, probeBatch, probeIp, type ProbeOutcome } from '../../src/linux/probe.js';
import { lowerStack } from '../../src/linux/supervisor-stack.js';

const GETPPID = 110, X86_64 = 0xc000003e;

/** What the kernel makes visible for a filter result (kernel-semantics §2.4) in a probe child. */
function visible(v: number): string {
  const act = (v & 0xffff0000) >>> 0;
  if (act === 0x7fff0000 || act === 0x7ffc0000) return 'runs';
  if (act === 0x00050000) return `errno ${Math.min(v & 0xffff, 4095)}`;
  if (act === 0x7fc00000 || act === 0x7ff00000) return 'errno 38';
  if (act === 0x00030000) return `trap ${v & 0xffff}`;
  return 'killed 31';
}
function seen(o: ProbeOutcome | undefined): string {
  if (o === undefined) return 'none';
  if (o.kind === 'trap') return `trap ${o.siErrno}`;
  if (o.kind === 'killed') return `killed ${o.signal}`;
  if (o.kind === 'skipped') return 'skipped';
  const e = errnoOf(o);
  return e === undefined ? (o.value === BigInt(process.pid) ? 'runs' : `returned ${o.value}`) : `errno ${e}`;
}

describe('lowered stacks on the kernel', () => {
  it('300 random stacks: seccomp() accepts each lowered program; getppid behaves as the engine decides', () => {
    const seed = 4242;
    const r = rng(seed);
    const ip = probeIp('x86_64');
    const cases: { prog: Uint8Array; args: bigint[]; want: string }[] = [];
    while (cases.length < 300) {
      const filters: RawInsn[][] = Array.from({ length: 1 + r.int(3) }, () => randomValidProgram(r, { maxLen: 25 }));
      let lowered: RawInsn[];
      try {
        lowered = lowerStack(filters, { notifyOutcomes: new Set([0x00050000]) });
      } catch {
        continue;
      }
      const args = Array.from({ length: 6 }, () => (BigInt(r.u32()) << 32n) | BigInt(r.u32()));
      const d = makeSeccompData(GETPPID, X86_64, args, ip);
      const v = verify(lowered);
      assert.ok(v.ok);
      const stack = new FilterStack({ mode: 'proposed' });
      for (const f of filters) stack.install(f, 0);
      const lv = interpret(v.value, seccompDataWords(d)).ret >>> 0;
      const ev = stack.evaluate(d);
      const sides = ev.log.some((e) => e.kind === 'side');
      const act = (ev.value & 0xffff0000) >>> 0;
      const wantLowered = (sides && act !== 0x00030000 && act !== 0x7ff00000) || act === 0x00050000 ? 0x7fc00000 : ev.value >>> 0;
      assert.equal(lv, wantLowered, `seed ${seed} case ${cases.length}: interpreter on the lowered program`);
      cases.push({ prog: encodeProgram(lowered), args, want: visible(lv) });
    }
    const got = probeBatch(cases.map((c) => ({ filters: [{ program: c.prog, flags: 0 }], syscall: { nr: GETPPID, args: c.args } })));
    const bad = got.flatMap((g, i) => (g.installs[0]?.errno !== 0 || seen(g.outcome) !== cases[i]!.want ? [`seed ${seed} case ${i}: install errno ${g.installs[0]?.errno}, kernel ${seen(g.outcome)}, want ${cases[i]!.want}`] : []));
    assert.deepEqual(bad.slice(0, 5), []);
  });
});
