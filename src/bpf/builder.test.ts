/** @module The label builder: forward offsets, trampolines for conditional jumps beyond 255, shared returns. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BpfBuilder } from './builder.js';
import { verify } from './verify.js';
import { interpret } from './interpret.js';

function run(b: BpfBuilder, nr: number): { ret: number; insns: number; length: number } {
  const { insns } = b.build();
  const v = verify(insns);
  assert.ok(v.ok, 'verifies');
  const words = new Uint32Array(16);
  words[0] = nr;
  return { ...interpret(v.value, words), length: insns.length };
}

test('labels resolve to forward offsets; a shared return is emitted once', () => {
  const b = new BpfBuilder();
  const allow = b.returnLabel(0x7fff0000);
  const deny = b.newLabel();
  b.ldAbs(0);
  b.jump('jeq', 1, allow, deny);
  b.bind(deny);
  b.jump('jeq', 2, allow, b.returnLabel(0x00050001));
  assert.equal(b.returnLabel(0x7fff0000), allow);
  assert.deepEqual(run(b, 1), { ret: 0x7fff0000, insns: 3, length: 5 });
  const b2 = new BpfBuilder();
  b2.ldAbs(0);
  b2.jump('jeq', 2, b2.returnLabel(1), b2.returnLabel(2));
  assert.equal(run(b2, 2).ret, 1);
});

test('a conditional jump over 300 instructions gets a copy of its ret target, or a ja to other code', () => {
  for (const farIsRet of [true, false]) {
    const b = new BpfBuilder();
    const far = b.newLabel();
    const near = b.newLabel();
    b.ldAbs(0);
    b.jump('jeq', 7, far, near);
    b.bind(near);
    for (let i = 0; i < 300; i++) b.alu('and', 0xffffffff);
    b.ret(0x00050002);
    b.bind(far);
    if (farIsRet) b.ret(0x7fff0000);
    else {
      b.alu('and', 0xffffffff);
      b.ret(0x7ffc0000);
    }
    const r7 = run(b, 7);
    assert.equal(r7.ret, farIsRet ? 0x7fff0000 : 0x7ffc0000);
    assert.equal(r7.insns, farIsRet ? 3 : 5, 'ld, jeq, then the copied ret (or ja, and, ret)');
    assert.equal(run(b, 8).ret, 0x00050002);
  }
});
