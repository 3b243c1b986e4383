/** @module The assembler: every operand form, constants by name, and errors as one FILE:LINE:COL line. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS, formatAction, parseAction } from '../abi/actions.js';
import { assemble } from './asm.js';
import { insn, type RawInsn } from './insn-codec.js';
import { rng } from './random-program.js';

const asm = (text: string): RawInsn[] => {
  const r = assemble(text, { file: 't.s' });
  if (!r.ok) assert.fail(r.error.format());
  return r.value;
};
const error = (text: string): string => {
  const r = assemble(text, { file: 't.s' });
  assert.equal(r.ok, false, 'expected an error');
  return r.ok ? '' : r.error.format();
};

describe('assemble: forms', () => {
  const ROWS: readonly (readonly [string, RawInsn])[] = [
    ['ld nr', insn(0x20, 0)],
    ['ld arch', insn(0x20, 4)],
    ['ld ip.hi', insn(0x20, 12)],
    ['ld args[0]', insn(0x20, 16)],
    ['ld args[0].lo', insn(0x20, 16)],
    ['ld args[5].hi', insn(0x20, 60)],
    ['ld [2]', insn(0x20, 2)],
    ['ld #0x10', insn(0x00, 16)],
    ['ld #-1', insn(0x00, 0xffffffff)],
    ['ld len', insn(0x80)],
    ['ld M[3]', insn(0x60, 3)],
    ['ldx #7', insn(0x01, 7)],
    ['ldx len', insn(0x81)],
    ['ldx M[15]', insn(0x61, 15)],
    ['st M[1]', insn(0x02, 1)],
    ['stx M[2]', insn(0x03, 2)],
    ['add #1', insn(0x04, 1)],
    ['xor x', insn(0xac)],
    ['rsh #3', insn(0x74, 3)],
    ['neg', insn(0x84)],
    ['tax', insn(0x07)],
    ['txa', insn(0x87)],
    ['ja +3', insn(0x05, 3)],
    ['jmp +0', insn(0x05, 0)],
    ['jeq #5, +1, +2', insn(0x15, 5, 1, 2)],
    ['jeq #5, +1', insn(0x15, 5, 1, 0)],
    ['jne #5, +1', insn(0x15, 5, 0, 1)],
    ['jle x, +1, +2', insn(0x2d, 0, 2, 1)],
    ['jlt #1, +4', insn(0x35, 1, 0, 4)],
    ['jnset #1, +4', insn(0x45, 1, 0, 4)],
    ['jeq #ARCH_X86_64, +1', insn(0x15, 0xc000003e, 1)],
    ['jeq #AUDIT_ARCH_I386, +1', insn(0x15, 0x40000003, 1)],
    ['ret ALLOW', insn(0x06, 0x7fff0000)],
    ['ret ERRNO(13)', insn(0x06, 0x0005000d)],
    ['ret TRACE(5)', insn(0x06, 0x7ff00005)],
    ['ret KILL_PROCESS', insn(0x06, 0x80000000)],
    ['ret LOG(42)', insn(0x06, 0xff00002a)],
    ['ret #0x7ffc0000', insn(0x06, 0x7ffc0000)],
    ['ret a', insn(0x16)],
    ['.insn 0x94, 1, 2, 0x3', insn(0x94, 3, 1, 2)],
  ];
  for (const [text, want] of ROWS) it(text, () => assert.deepEqual(asm(text), [want]));

  it('resolves syscall names for the .arch in force', () => {
    assert.deepEqual(asm('.arch x86_64\nld #read\nld #execve\n.arch x86\nld #execve\n.arch x32\nld #read'), [insn(0, 0), insn(0, 59), insn(0, 11), insn(0, 0x40000000)]);
  });
  it('resolves labels, including several on one instruction, and ignores comments', () => {
    const text = `; a filter
      ld nr            ; the syscall
      jeq #1, ok, deny // two targets
    ok: also: ret ALLOW
    deny:
      ret ERRNO(1)`;
    assert.deepEqual(asm(text), [insn(0x20, 0), insn(0x15, 1, 0, 1), insn(0x06, 0x7fff0000), insn(0x06, 0x50001)]);
  });
  it('reads back every action spelling formatAction writes', () => {
    const r = rng(7);
    const values = [...ACTIONS.map((a) => a.value), ...Array.from({ length: 2000 }, () => r.u32()), ...Array.from({ length: 300 }, () => (0xff000000 | r.int(256)) >>> 0)];
    for (const v of values) {
      const f = formatAction(v);
      assert.deepEqual(asm(`ret ${f.startsWith('0x') ? '#' : ''}${f}`), [insn(0x06, v)], f);
      assert.equal(parseAction(f).ok, true);
    }
  });
});

describe('assemble: errors (one line: FILE:LINE:COL: what was expected)', () => {
  const ROWS: readonly (readonly [string, string, string])[] = [
    ['unknown mnemonic', 'ld nr\nlod #1', 't.s:2:1: unknown mnemonic \'lod\'; did you mean ld?; see docs/asm.md'],
    ['unknown label', 'ja done\ndone1: ret a', "t.s:1:4: unknown label 'done'; did you mean done1?"],
    ['duplicate label', 'a: ret a\na: ret a', "t.s:2:1: label 'a' is already defined"],
    ['missing operand', 'add', "t.s:1:4: expected '#' and a constant, found end of line"],
    ['trailing junk', 'ret a a', "t.s:1:7: expected end of line, found 'a'"],
    ['bad number', 'ld #12ab', "t.s:1:5: bad number '12ab'; write decimal (42) or hex (0x2a)"],
    ['number too big', 'ld #0x100000000', 't.s:1:5: number 0x100000000 does not fit in 32 bits'],
    ['syscall without arch', 'ld #read', "t.s:1:5: syscall name 'read' needs an architecture; put '.arch x86_64' (or another arch) on a line before it, or write the number"],
    ['unknown syscall', '.arch x86_64\nld #reed', "t.s:2:5: unknown syscall 'reed' on x86_64; did you mean read?; check the name with `seccomptrace syscalls`, or write the number"],
    ['args index out of range', 'ld args[6]', "t.s:1:9: args[6] does not exist; seccomp_data has args[0] to args[5]"],
    ['unknown field', 'ld arhc', "t.s:1:4: unknown seccomp_data field 'arhc'; did you mean arch?; use nr, arch, ip, ip.hi, args[0], args[0].hi, … or [offset]"],
    ['unknown action', 'ret ALOW', "t.s:1:5: unknown action 'ALOW'; use one of KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW, ERRNO(n), TRACE(n), LOG(tag), SCMP_ACT_* or a number"],
    ['unknown arch', 'jeq #ARCH_VAX, +0', "t.s:1:6: unknown arch 'VAX'; use one of x86_64, x86, x32, aarch64, arm, riscv64, s390x, ppc64le, loongarch64, mips, mipsel, mips64, mipsel64"],
    ['backward jump', 'top: ld nr\nja top\nret a', "t.s:2:4: label 'top' is not after this jump; classic BPF jumps only go forward"],
    ['bad character', 'ld nr @', "t.s:1:7: unexpected character '@'"],
    ['.insn field too wide', '.insn 0x10000, 0, 0, 0', 't.s:1:23: expected code ≤ 0xffff, jt ≤ 255, jf ≤ 255, found end of line; .insn CODE, JT, JF, K'],
  ];
  for (const [name, text, want] of ROWS) it(name, () => assert.equal(error(text), want));

  it('a conditional jump more than 255 instructions ahead names the fix', () => {
    const text = `jeq #1, far\n${'ld #0\n'.repeat(256)}far: ret a`;
    assert.equal(error(text), "t.s:1:9: label 'far' is 256 instructions ahead; jt/jf reach at most 255; jump to a 'ja far' placed within 255 instructions (ja reaches any distance)");
    assert.equal(asm(`ja far\n${'ld #0\n'.repeat(256)}far: ret a`)[0]!.k, 256);
  });
  it('more than 4096 instructions is an error at the 4097th', () => {
    assert.equal(error('ret a\n'.repeat(4097)), 't.s:4097:1: more than BPF_MAXINSNS (4096) instructions; split the filter into several filters');
  });
});
