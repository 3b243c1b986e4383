/** @module The eBPF length model against the lengths measured on 6.18 (kernel-semantics.md §4.4 table). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unwrap } from '../result.js';
import { assemble } from './asm.js';
import { ebpfLength } from './ebpf-length.js';
import { verify } from './verify.js';

const ROWS: readonly (readonly [string, number])[] = [
  ['ret #0', 5],
  ['ld nr\nret #0', 6],
  ['ld arch\njeq #0xc000003e, +1\nret #0\nret #0', 10],
  ['ld nr\njeq #5, +1, +2\nret #0\nret #0\nret #0', 12],
  ['ld nr\njset #1, +0, +1\nret #0\nret #0', 10],
  ['ld nr\njeq #1, +0, +1\nret #0\nret #0', 9],
  ['ld nr\njgt #0x80000000, +1, +1\nret #0\nret #0', 11],
  ['ld #1\nldx #0\ndiv x\nret #0', 12],
  ['ld len\nst M[0]\nld M[0]\ntax\ntxa\nret #0', 10],
];

describe('ebpfLength', () => {
  for (const [text, len] of ROWS) {
    it(`${text.replace(/\n/g, '; ')} → ${len}`, () => {
      assert.equal(ebpfLength(unwrap(verify(unwrap(assemble(text))))), len);
    });
  }
});
