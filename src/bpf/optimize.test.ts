/** @module The optimizer keeps every program's results (interpreter on random inputs) and never lengthens it. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optimize } from './optimize.js';
import { randomValidProgram, rng } from './random-program.js';
import { verify } from './verify.js';
import { interpret } from './interpret.js';
import { assemble } from './asm.js';

const SEED = 424242;

test(`optimize: 3,000 random valid programs keep their results and verify (seed ${SEED})`, () => {
  const r = rng(SEED);
  let shrunk = 0;
  for (let n = 0; n < 3000; n++) {
    const prog = randomValidProgram(r, { maxLen: 60 });
    const before = verify(prog);
    assert.ok(before.ok);
    const opt = optimize(prog);
    const after = verify(opt);
    assert.ok(after.ok, `program ${n} still verifies`);
    assert.ok(opt.length <= prog.length);
    if (opt.length < prog.length) shrunk++;
    for (let k = 0; k < 8; k++) {
      const words = new Uint32Array(16).map(() => r.u32());
      assert.equal(interpret(after.value, words).ret, interpret(before.value, words).ret, `program ${n} input ${k}`);
    }
  }
  assert.ok(shrunk > 0, 'some programs got shorter');
});

test('optimize: jump threading through ja, agreeing branches become a ret, dead code goes', () => {
  const src = `
  ld nr
  jeq #1, L1, L2
L1:
  ja L3
L2:
  ja L3
  ret ALLOW
L3:
  ret ERRNO(1)
`;
  const a = assemble(src);
  assert.ok(a.ok, a.ok ? '' : a.error.format());
  const opt = optimize(a.value);
  assert.deepEqual(opt.map((i) => i.code), [0x20, 0x06], 'ld nr; ret ERRNO(1): the test and both ja go');
});
