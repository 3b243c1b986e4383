/** @module Disassembly reads back to identical bytes for every instruction, and is annotated for a reader. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unwrap } from '../result.js';
import { assemble } from './asm.js';
import { disassemble } from './disasm.js';
import type { RawInsn } from './insn-codec.js';
import { randomProgram, randomValidProgram, rng } from './random-program.js';

const roundTrip = (p: readonly RawInsn[], what: string): void => {
  const text = disassemble(p);
  const back = assemble(text);
  if (!back.ok) assert.fail(`${what}: ${back.error.format()}\n${text}`);
  assert.deepEqual(back.value, p, `${what}\n${text}`);
};

describe('disassemble', () => {
  it('round-trips 3,000 valid and 3,000 edge-case random programs', () => {
    const seed = 0x5eed0003;
    const r = rng(seed);
    for (let n = 0; n < 3000; n++) roundTrip(randomValidProgram(r), `seed ${seed} valid #${n}`);
    for (let n = 0; n < 3000; n++) {
      const p = randomProgram(r);
      if (p.length <= 4096) roundTrip(p, `seed ${seed} edge #${n}`);
    }
  });
  it('round-trips 20,000 instructions of arbitrary bytes (every field random)', () => {
    const r = rng(0x5eed0004);
    const p = Array.from({ length: 20000 }, () => ({ code: r.u32() & (r.chance(0.5) ? 0xff : 0xffff), jt: r.int(256), jf: r.int(256), k: r.u32() }));
    for (let i = 0; i < p.length; i += 1000) roundTrip(p.slice(i, i + 1000), `slice ${i}`);
  });
  it('round-trips arbitrary instruction arrays (fast-check; it prints the seed on failure)', () => {
    const field = fc.oneof(fc.constantFrom(0, 1, 2, 254, 255), fc.integer({ min: 0, max: 255 }));
    const code = fc.oneof(fc.constantFrom(0x00, 0x20, 0x60, 0x80, 0x01, 0x61, 0x81, 0x02, 0x03, 0x84, 0x05, 0x06, 0x16, 0x07, 0x87, 0x15, 0x1d, 0x45, 0x4d, 0x3c, 0x94), fc.integer({ min: 0, max: 0xffff }));
    const k = fc.oneof(fc.constantFrom(0, 4, 16, 60, 64, 0x7fff0000, 0xc000003e, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    const raw = fc.record({ code, jt: field, jf: field, k });
    fc.assert(
      fc.property(fc.array(raw, { minLength: 1, maxLength: 60 }), (p) => {
        assert.deepEqual(unwrap(assemble(disassemble(p))), p);
      }),
      { numRuns: 2000 },
    );
  });
  it('names syscalls, arches and actions, tracking what A holds', () => {
    const p = unwrap(assemble('ld arch\njne #0xc000003e, kill\nld nr\njeq #59, kill\njeq #0x40000001, kill\nret ERRNO(13)\nkill: ret KILL_PROCESS'));
    assert.equal(
      disassemble(p),
      [
        '; 7 instructions (seccomptrace disasm; `seccomptrace asm` reads this back to the same bytes)',
        '  ld arch                           ;    0',
        '  jne #ARCH_X86_64, L6              ;    1  arch != x86_64',
        '  ld nr                             ;    2',
        '  jeq #59, L6                       ;    3  nr == execve',
        '  jeq #0x40000001, L6               ;    4  nr == write (x32)',
        '  ret ERRNO(13)                     ;    5  EACCES',
        'L6:',
        '  ret KILL_PROCESS                  ;    6',
        '',
      ].join('\n'),
    );
  });
});
