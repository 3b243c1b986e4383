/** @module Unit tests for the one instruction decode: exactly seccomp's 41 codes have a meaning. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insn } from './insn-codec.js';
import { decodeInsn, isCanonical } from './insn.js';

describe('decodeInsn', () => {
  it('gives a meaning to exactly the 41 codes seccomp allows (kernel-semantics §4.2)', () => {
    const valid: number[] = [];
    for (let code = 0; code <= 0xffff; code++) if (decodeInsn(insn(code)).kind !== 'invalid') valid.push(code);
    const expected = [0x00, 0x20, 0x60, 0x80, 0x01, 0x61, 0x81, 0x02, 0x03, 0x04, 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0xa4, 0x0c, 0x1c, 0x2c, 0x3c, 0x4c, 0x5c, 0x6c, 0x7c, 0xac, 0x84, 0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x06, 0x16, 0x07, 0x87];
    assert.deepEqual(valid, [...expected].sort((a, b) => a - b));
  });
  it('keeps the raw fields of an invalid code (MOD K 0x94)', () => {
    assert.deepEqual(decodeInsn(insn(0x94, 7, 1, 2)), { kind: 'invalid', raw: { code: 0x94, jt: 1, jf: 2, k: 7 } });
  });
  it('treats jt/jf on a non-jump and k on RET A as non-canonical', () => {
    assert.equal(isCanonical(decodeInsn(insn(0x06, 0x7fff0000))), true);
    assert.equal(isCanonical(decodeInsn(insn(0x06, 0x7fff0000, 1))), false);
    assert.equal(isCanonical(decodeInsn(insn(0x16, 5))), false);
    assert.equal(isCanonical(decodeInsn(insn(0x15, 5, 3, 4))), true);
    assert.equal(isCanonical(decodeInsn(insn(0x1d, 5, 3, 4))), false);
  });
});
