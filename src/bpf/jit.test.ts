/** @module The JIT on the executor case table, and JIT = interpreter on over a million random (program, input) pairs. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unwrap } from '../result.js';
import { runExecCases } from './exec.cases.js';
import { interpret } from './interpret.js';
import { jit } from './jit.js';
import { randomValidProgram, rng } from './random-program.js';
import { verify } from './verify.js';

describe('jit', () => {
  runExecCases('jit', jit);

  it('equals the interpreter on 1,000,000 random (program, input) pairs', () => {
    const seed = 0x5eed0001;
    const r = rng(seed);
    const programs = 4000;
    const inputsPer = 250;
    const input64 = new Uint32Array(16);
    const input80 = new Uint32Array(20);
    let pairs = 0;
    for (let p = 0; p < programs; p++) {
      // Every 5th program reads the engine's 80-byte log-layer input instead of seccomp_data.
      const inputSize = p % 5 === 0 ? 80 : 64;
      const raw = randomValidProgram(r, { maxLen: p % 10 === 0 ? 300 : 40, inputSize });
      const prog = unwrap(verify(raw, inputSize));
      const exe = jit(prog);
      const input = inputSize === 64 ? input64 : input80;
      for (let n = 0; n < inputsPer; n++) {
        for (let w = 0; w < input.length; w++) input[w] = r.chance(0.3) ? r.int(8) : r.u32();
        const want = interpret(prog, input);
        const got = exe.run(input);
        if (got.ret !== want.ret || got.insns !== want.insns) {
          assert.fail(`seed ${seed} program ${p} input ${n}: jit ${JSON.stringify(got)} ≠ interpreter ${JSON.stringify(want)}`);
        }
        pairs++;
      }
    }
    assert.equal(pairs, 1_000_000);
  });

  it('the switch form (for programs with many jump targets) equals the interpreter too', () => {
    const seed = 0x5eed0002;
    const r = rng(seed);
    const input = new Uint32Array(16);
    for (let p = 0; p < 500; p++) {
      const prog = unwrap(verify(randomValidProgram(r, { maxLen: 60 })));
      const exe = jit(prog, 0);
      for (let n = 0; n < 100; n++) {
        for (let w = 0; w < 16; w++) input[w] = r.chance(0.3) ? r.int(8) : r.u32();
        assert.deepEqual(exe.run(input), interpret(prog, input), `seed ${seed} program ${p} input ${n}`);
      }
    }
  });

  it('refuses an input shorter than the input size the program was verified for (both executors)', () => {
    const prog = unwrap(verify([{ code: 0x16, jt: 0, jf: 0, k: 0 }], 80));
    assert.throws(() => jit(prog).run(new Uint32Array(16)), /input has 16 words, the program reads 20/);
    assert.throws(() => interpret(prog, new Uint32Array(16)), /input has 16 words, the program reads 20/);
  });

  it('compiles a 4096-instruction program with a jump target at every instruction', () => {
    const raw = [...Array.from({ length: 4095 }, () => ({ code: 0x15, jt: 0, jf: 1, k: 1 })), { code: 0x06, jt: 0, jf: 0, k: 7 }];
    raw[4094] = { code: 0x05, jt: 0, jf: 0, k: 0 };
    const prog = unwrap(verify(raw));
    const input = new Uint32Array(16);
    assert.deepEqual(jit(prog).run(input), interpret(prog, input));
  });
});
