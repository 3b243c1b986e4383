/** @module The lowered stack = the engine's proposed mode: random stacks of valid filters, random inputs, 0 mismatches. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeSeccompData, seccompDataWords } from '../abi/seccomp-data.js';
import type { RawInsn } from '../bpf/insn-codec.js';
import { interpret } from '../bpf/interpret.js';
import { randomValidProgram, rng, type Rng } from '../bpf/random-program.js';
import { verify } from '../bpf/verify.js';
import { seccompUprobeException } from '../engine/decide.js';
import { FilterStack } from '../engine/stack.js';
import { lowerStack } from './supervisor-stack.js';

const USER_NOTIF = 0x7fc00000;
const NOTIFY = new Set([0x00050000, 0x80000000]); // report errno and kill_process outcomes

/** What the lowered program must return for this evaluation. */
function expected(value: number, sides: number): number {
  const act = (value & 0xffff0000) >>> 0;
  if (sides > 0 && act !== 0x00030000 && act !== 0x7ff00000) return USER_NOTIF;
  return NOTIFY.has(act) ? USER_NOTIF : value >>> 0;
}

function randomInput(r: Rng): Uint32Array {
  const args = Array.from({ length: 6 }, () => (BigInt(r.u32()) << 32n) | BigInt(r.pick([0, 1, 2, 0xffffffff, r.u32()])));
  const d = makeSeccompData(r.pick([0, 1, 39, 110, 231, r.int(512)]), r.pick([0xc000003e, 0x40000003, r.u32()]), args, BigInt(r.u32()));
  return seccompDataWords(d);
}

describe('lowerStack', () => {
  it('= FilterStack in proposed mode on 2,000 random stacks × 8 inputs (seed printed on failure)', () => {
    const seed = 20261204;
    const r = rng(seed);
    let stacks = 0, skipped = 0, cases = 0;
    const mismatches: string[] = [];
    while (stacks < 2000) {
      const n = 1 + r.int(4);
      const filters: RawInsn[][] = Array.from({ length: n }, () => randomValidProgram(r, { maxLen: 30 }));
      let lowered: RawInsn[];
      try {
        lowered = lowerStack(filters, { notifyOutcomes: NOTIFY });
      } catch (e) {
        skipped++; // scratch words exhausted or DIV X: refused by design
        if (skipped > 2000) throw e;
        continue;
      }
      stacks++;
      const v = verify(lowered);
      assert.ok(v.ok, `seed ${seed} stack ${stacks}: lowered program rejected: ${v.ok ? '' : v.error.reason}`);
      const stack = new FilterStack({ mode: 'proposed' });
      for (const f of filters) assert.ok(stack.install(f, 0).ok);
      for (let c = 0; c < 8; c++) {
        const w = randomInput(r);
        const ev = stack.evaluate({ nr: w[0]!, arch: w[1]!, ip: (BigInt(w[3]!) << 32n) | BigInt(w[2]!), args: [0, 1, 2, 3, 4, 5].map((i) => (BigInt(w[5 + 2 * i]!) << 32n) | BigInt(w[4 + 2 * i]!)) as never });
        // uprobe/uretprobe bypass every filter in the kernel (kernel/seccomp.c seccomp_uprobe_exception): never run.
        if (seccompUprobeException(w[0]!, w[1]!)) continue;
        const sides = ev.log.filter((e) => e.kind === 'side').length;
        const want = expected(ev.value, sides);
        const got = interpret(v.value, w).ret >>> 0;
        cases++;
        if (got !== want && mismatches.length < 5) mismatches.push(`seed ${seed} stack ${stacks} input ${c}: engine 0x${(ev.value >>> 0).toString(16)} sides ${sides} → want 0x${want.toString(16)}, lowered 0x${got.toString(16)}`);
      }
    }
    assert.deepEqual(mismatches, [], `${cases} cases`);
    assert.ok(skipped < stacks, `skipped ${skipped} of ${stacks + skipped}`);
  });
  it('refuses a filter that divides by X, with the reason', () => {
    assert.throws(() => lowerStack([[{ code: 0x3c, jt: 0, jf: 0, k: 0 }, { code: 0x16, jt: 0, jf: 0, k: 0 }]], { notifyOutcomes: new Set() }), /divides by X/);
  });
});
