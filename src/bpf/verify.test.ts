/** @module The verifier on the kernel facts of kernel-semantics.md §4.2–4.4 (each row verified on 6.18). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unwrap } from '../result.js';
import { assemble } from './asm.js';
import { insn } from './insn-codec.js';
import { formatVerifyError, verify } from './verify.js';

const asm = (text: string) => unwrap(assemble(text));

/** [name, program, expected: 'ok' or the contract line]. */
const ROWS: readonly (readonly [string, string, string])[] = [
  ['LD W ABS 60 is accepted', 'ld [60]\nret a', 'ok'],
  ['LD W ABS 64 is out of seccomp_data', 'ld [64]\nret a', 'pc 0: load from offset 64 (must be a multiple of 4 below 64) (EINVAL)'],
  ['LD W ABS 2 is misaligned', 'ld [2]\nret a', 'pc 0: load from offset 2 (must be a multiple of 4 below 64) (EINVAL)'],
  ['LSH K 31 is accepted', 'lsh #31\nret a', 'ok'],
  ['LSH K 32 is rejected', 'lsh #32\nret a', 'pc 0: shift by 32 (must be below 32) (EINVAL)'],
  ['DIV K 0 is rejected', 'div #0\nret a', 'pc 0: division by constant 0 (EINVAL)'],
  ['ST 15 is accepted, ST 16 is not', 'st M[15]\nst M[16]\nret a', 'pc 1: scratch index M[16] (must be below 16) (EINVAL)'],
  ['JA 0 and JEQ jt=jf=0 are accepted', 'ja +0\njeq #1, +0, +0\nret a', 'ok'],
  ['a JA to the last instruction is accepted', 'ja L\nld #1\nL: ret a', 'ok'],
  ['JA k = 0xffffffff is rejected', 'ja +4294967295\nret a', 'pc 0: ja +4294967295 lands past the last instruction (EINVAL)'],
  ['a conditional jump past the end is rejected', 'jeq #1, +1\nret a', 'pc 0: conditional jump (jt 1, jf 0) lands past the last instruction (EINVAL)'],
  ['a last instruction that is not RET is rejected', 'ret a\nld #1', 'the last instruction is not a ret (EINVAL)'],
  ['MOD K is rejected by seccomp only', '.insn 0x94, 0, 0, 3\nret a', 'pc 0: opcode 0x94 is not allowed in seccomp filters (EINVAL)'],
  ['LD H ABS is rejected by seccomp', '.insn 0x28, 0, 0, 0\nret a', 'pc 0: opcode 0x28 is not allowed in seccomp filters (EINVAL)'],
  ['the internal marker 0x21 is rejected', '.insn 0x21, 0, 0, 0\nret a', 'pc 0: unknown opcode 0x21 (EINVAL)'],
  ['NEG|X 0x8c is rejected', '.insn 0x8c, 0, 0, 0\nret a', 'pc 0: unknown opcode 0x8c (EINVAL)'],
  ['an invalid opcode in dead code after RET is rejected', 'ret a\n.insn 0x0f, 0, 0, 0\nret a', 'pc 1: unknown opcode 0x0f (EINVAL)'],
  ['a store on one branch only, then a load, is rejected', 'jeq #1, A\nst M[0]\nA: ld M[0]\nret a', 'pc 2: M[0] is read before it is written on some path (EINVAL)'],
  ['a store on both branches, then a load, is accepted', 'jeq #1, A\nst M[0]\nja B\nA: st M[0]\nB: ld M[0]\nret a', 'ok'],
  ['a load in dead code after RET, behind a store, is accepted', 'st M[2]\nret a\nld M[2]\nret a', 'ok'],
  ['JA over the store leaves the slot unwritten', 'ja +1\nst M[5]\nld M[5]\nret a', 'pc 2: M[5] is read before it is written on some path (EINVAL)'],
  ['RET A as the only instruction is accepted', 'ret a', 'ok'],
];

describe('verify: kernel facts', () => {
  for (const [name, text, expected] of ROWS) {
    it(name, () => {
      const r = verify(asm(text));
      assert.equal(r.ok ? 'ok' : formatVerifyError(r.error), expected);
    });
  }
  it('rejects length 0 and 4097 as whole-program faults, accepts 4096', () => {
    const rets = (n: number) => Array.from({ length: n }, () => insn(0x06, 0x7fff0000));
    const r0 = verify(rets(0));
    assert.equal(!r0.ok && formatVerifyError(r0.error), 'program has no instructions (EINVAL)');
    const r1 = verify(rets(4097));
    assert.equal(!r1.ok && formatVerifyError(r1.error), 'program has 4097 instructions, more than BPF_MAXINSNS (4096) (EINVAL)');
    assert.equal(verify(rets(4096)).ok, true);
  });
  it('takes the input size for engine log layers: offset 76 passes with 80 bytes', () => {
    assert.equal(verify(asm('ld [76]\nret a'), 80).ok, true);
    assert.equal(verify(asm('ld [76]\nret a')).ok, false);
  });
});
