/** @module Executor case table (kernel-semantics.md §5, each value verified on 6.18), run against every executor. */

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { unwrap } from '../result.js';
import { assemble } from './asm.js';
import type { Executor } from './executor.js';
import { verify, type VerifiedProgram } from './verify.js';

export interface ExecCase {
  readonly name: string;
  readonly asm: string;
  /** seccomp_data words; missing words are 0. */
  readonly input?: readonly number[];
  readonly ret: number;
  readonly insns: number;
}

export const EXEC_CASES: readonly ExecCase[] = [
  { name: 'ADD wraps: 0xffffffff + 2 = 1', asm: 'ld #0xffffffff\nadd #2\nret a', ret: 1, insns: 3 },
  { name: 'SUB wraps: 0 - 1 = 0xffffffff', asm: 'sub #1\nret a', ret: 0xffffffff, insns: 2 },
  { name: 'MUL keeps the low 32 bits: 0x10001 * 0x10001 = 0x20001', asm: 'ld #0x10001\nmul #0x10001\nret a', ret: 0x20001, insns: 3 },
  { name: 'DIV is unsigned: 0xffffffff / 2 = 0x7fffffff', asm: 'ld #0xffffffff\ndiv #2\nret a', ret: 0x7fffffff, insns: 3 },
  { name: 'DIV by 0x80000000 gives 1', asm: 'ld #0xffffffff\nldx #0x80000000\ndiv x\nret a', ret: 1, insns: 4 },
  { name: 'DIV X by 0 returns 0 at once', asm: 'ld #7\ndiv x\nret ALLOW', ret: 0, insns: 2 },
  { name: 'LSH X uses X & 31: 1 << 33 = 2', asm: 'ld #1\nldx #33\nlsh x\nret a', ret: 2, insns: 4 },
  { name: 'RSH X uses X & 31: 0x80000000 >> 32 = 0x80000000', asm: 'ld #0x80000000\nldx #32\nrsh x\nret a', ret: 0x80000000, insns: 4 },
  { name: 'RSH zero-fills: 0x80000000 >> 31 = 1', asm: 'ld #0x80000000\nrsh #31\nret a', ret: 1, insns: 3 },
  { name: 'NEG: -1 = 0xffffffff', asm: 'ld #1\nneg\nret a', ret: 0xffffffff, insns: 3 },
  { name: 'AND OR XOR are bitwise', asm: 'ld #0xf0f0\nand #0xff00\nor #0x1\nxor #0xffffffff\nret a', ret: 0xffff0ffe, insns: 5 },
  { name: 'JGT is unsigned: 0xffffffff > 1', asm: 'ld #0xffffffff\njgt #1, T\nret #0\nT: ret #1', ret: 1, insns: 3 },
  { name: 'JGE is unsigned: 0x7fffffff >= 0x80000000 is false', asm: 'ld #0x7fffffff\njge #0x80000000, T\nret #0\nT: ret #1', ret: 0, insns: 3 },
  { name: 'JSET tests A & k', asm: 'ld #6\njset #4, T, F\nT: ret #1\nF: ret #0', ret: 1, insns: 3 },
  { name: 'JEQ X compares with X', asm: 'ld nr\nldx #39\njeq x, T\nret #0\nT: ret #1', input: [39], ret: 1, insns: 4 },
  { name: 'LEN is 64 (sizeof seccomp_data)', asm: 'ld len\nret a', ret: 64, insns: 2 },
  { name: 'LDX LEN, TXA', asm: 'ldx len\ntxa\nret a', ret: 64, insns: 3 },
  { name: 'loads read every word of seccomp_data', asm: 'ld args[5].hi\nret a', input: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xabcd], ret: 0xabcd, insns: 2 },
  { name: 'scratch memory holds A and X', asm: 'ld #5\nst M[3]\nldx #9\nstx M[15]\nld M[15]\ntax\nld M[3]\nadd x\nret a', ret: 14, insns: 9 },
  { name: 'JA skips forward', asm: 'ja L\nret #1\nL: ret #2', ret: 2, insns: 2 },
  { name: 'TAX copies A to X', asm: 'ld #3\ntax\nld #0\ntxa\nret a', ret: 3, insns: 5 },
  { name: 'A and X start at 0', asm: 'txa\nret a', ret: 0, insns: 2 },
];

/** Runs every case against one executor factory. */
export function runExecCases(name: string, make: (p: VerifiedProgram) => Executor): void {
  for (const c of EXEC_CASES) {
    it(`${name}: ${c.name}`, () => {
      const exe = make(unwrap(verify(unwrap(assemble(c.asm)))));
      const input = new Uint32Array(16);
      (c.input ?? []).forEach((w, i) => (input[i] = w));
      assert.deepEqual(exe.run(input), { ret: c.ret, insns: c.insns });
    });
  }
}
