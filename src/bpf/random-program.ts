/** @module Seeded random classic-BPF programs for property and kernel-oracle tests: edge-case-biased and always-valid. */

import { insn, type RawInsn } from './insn-codec.js';
import { aluCode, jmpCode, type AluOp, type JmpOp } from './insn.js';
import { BPF_MAXINSNS } from './opcodes.js';

/** A seeded generator (mulberry32): randomness is a parameter, never global. */
export interface Rng {
  /** Uniform u32. */
  u32(): number;
  /** Uniform in [0, 1): u32() / 2^32 (the usual mulberry32 float). */
  unit(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
}

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const u32 = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const unit = (): number => u32() / 0x100000000;
  const int = (n: number): number => Math.floor(unit() * n);
  return { u32, unit, int, chance: (p) => unit() < p, pick: (xs) => xs[int(xs.length)]! };
}

const ALU_OPS: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'xor'];
const JMP_OPS: readonly JmpOp[] = ['jeq', 'jgt', 'jge', 'jset'];

/** Values that sit on boundaries of u32 arithmetic, actions and seccomp_data. */
const EDGE_K = [0, 1, 2, 3, 4, 31, 32, 33, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffff000, 0x7fff0000, 0x7ffc0000, 0x00050000, 0x00030000, 0xc000003e, 0x40000003, 0x40000000, 0xffff, 0x10000];

/** Return values covering every action, data clamping, and unknown actions. */
const RET_K = [0x7fff0000, 0x7ffc0000, 0x00050000, 0x00050001, 0x0005000d, 0x00050fff, 0x00051000, 0x0005ffff, 0x00030000, 0x00030007, 0x0003ffff, 0x7ff00000, 0x7ff00005, 0x7fc00000, 0x00000000, 0x00000001, 0x80000000, 0x80000005, 0x12340000, 0xff00002a, 0x7ffe0000, 0xffffffff];

function edgeK(r: Rng): number {
  return r.chance(0.6) ? r.pick(EDGE_K) : r.chance(0.5) ? r.int(80) : r.u32();
}

/**
 * A program of raw instructions, biased toward what the kernel rejects: unknown opcodes,
 * misaligned or out-of-range loads, jumps past the end, no final RET, scratch reads before writes,
 * DIV K 0, shifts ≥ 32, and (rarely) length 0 or 4097. Many are still valid.
 */
export function randomProgram(r: Rng): RawInsn[] {
  const roll = r.int(200);
  if (roll === 0) return [];
  const len = roll === 1 ? BPF_MAXINSNS + 1 : roll === 2 ? BPF_MAXINSNS : 1 + r.int(r.chance(0.8) ? 12 : 60);
  const prog: RawInsn[] = [];
  for (let pc = 0; pc < len; pc++) prog.push(randomInsn(r, len - pc - 1));
  if (r.chance(0.85)) prog[len - 1] = r.chance(0.8) ? insn(0x06, r.pick(RET_K)) : insn(0x16);
  return prog;
}

function randomInsn(r: Rng, remaining: number): RawInsn {
  const t = r.int(100);
  const off = (): number => (r.chance(0.9) ? r.int(remaining + 1) : r.chance(0.5) ? remaining + r.int(3) : r.int(256));
  if (t < 6) return insn(r.chance(0.5) ? r.int(0x100) : r.u32() & 0xffff, r.u32(), r.int(256), r.int(256)); // any opcode at all
  if (t < 22) return insn(0x20, r.chance(0.7) ? 4 * r.int(17) : edgeK(r)); // LD W ABS, sometimes misaligned or ≥ 64
  if (t < 26) return insn(r.pick([0x28, 0x30, 0x40, 0x48, 0x50, 0xb1, 0x94, 0x9c, 0x21, 0x08, 0x0d, 0x0e, 0x8c, 0x62, 0x0f]), edgeK(r)); // rejected by seccomp
  if (t < 32) return insn(r.pick([0x00, 0x01, 0x80, 0x81]), edgeK(r));
  if (t < 42) return insn(r.pick([0x60, 0x61, 0x02, 0x03]), r.chance(0.9) ? r.int(16) : r.pick([16, 17, 0xffffffff]));
  if (t < 44) return insn(r.pick([0x34, 0x64, 0x74]), r.pick([0, 31, 32, 33, 0xffffffff])); // DIV K 0, shifts ≥ 32
  if (t < 58) return insn(aluCode(r.pick(ALU_OPS), r.chance(0.6) ? 'k' : 'x'), edgeK(r));
  if (t < 60) return insn(r.pick([0x84, 0x07, 0x87]));
  if (t < 66) return insn(0x05, r.chance(0.9) ? off() : r.pick([0xffffffff, remaining, remaining + 1]));
  if (t < 88) return insn(jmpCode(r.pick(JMP_OPS), r.chance(0.7) ? 'k' : 'x'), edgeK(r), off(), off());
  return r.chance(0.8) ? insn(0x06, r.pick(RET_K)) : insn(0x16);
}

export interface ValidOptions {
  /** Maximum instructions (default 40). */
  readonly maxLen?: number;
  /** Bytes of input LD ABS may read (default 64). */
  readonly inputSize?: number;
}

/**
 * A program the kernel accepts, exercising every allowed opcode, forward jumps, scratch memory
 * (reads only of slots written on every path, tracked with the kernel's own dataflow) and loads of
 * every seccomp_data word. Half end in a tail that makes the result a TRAP carrying A's low
 * 16 bits, so the kernel's `si_errno` reveals the computed value.
 */
export function randomValidProgram(r: Rng, opts: ValidOptions = {}): RawInsn[] {
  const maxLen = opts.maxLen ?? 40;
  const words = (opts.inputSize ?? 64) / 4;
  const reveal = r.chance(0.5);
  const len = Math.max(2, 2 + r.int(maxLen - 1));
  const body = reveal ? Math.max(1, len - 3) : len - 1; // instructions before the tail/final RET
  const prog: RawInsn[] = [];
  const masks = new Uint16Array(len + 1).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < body; pc++) {
    memvalid &= masks[pc]!;
    const lastIdx = (reveal ? body : len - 1) - pc - 1; // furthest offset that still lands inside the program
    const farthest = Math.min(255, len - 1 - pc - 1);
    const i = validInsn(r, words, memvalid, lastIdx, farthest);
    prog.push(i);
    switch (i.code) {
      case 0x02: case 0x03:
        memvalid |= 1 << i.k;
        break;
      case 0x05:
        masks[pc + 1 + i.k]! &= memvalid;
        memvalid = 0xffff;
        break;
      default:
        if ((i.code & 0x07) === 0x05) {
          masks[pc + 1 + i.jt]! &= memvalid;
          masks[pc + 1 + i.jf]! &= memvalid;
          memvalid = 0xffff;
        }
    }
  }
  if (reveal) prog.push(insn(0x54, 0xffff), insn(0x44, 0x00030000), insn(0x16)); // and #0xffff; or #TRAP; ret a
  else prog.push(r.chance(0.7) ? insn(0x06, r.pick(RET_K)) : insn(0x16));
  return prog;
}

function validInsn(r: Rng, words: number, memvalid: number, lastIdx: number, farthest: number): RawInsn {
  for (;;) {
    const t = r.int(100);
    const k = r.chance(0.5) ? r.pick(EDGE_K) : r.u32();
    if (t < 20) return insn(0x20, 4 * r.int(words));
    if (t < 26) return insn(r.pick([0x00, 0x01]), k);
    if (t < 28) return insn(r.pick([0x80, 0x81]));
    if (t < 34) return insn(r.pick([0x02, 0x03]), r.int(16));
    if (t < 40) {
      const valid = [...Array(16).keys()].filter((s) => (memvalid & (1 << s)) !== 0);
      if (valid.length === 0) continue;
      return insn(r.pick([0x60, 0x61]), r.pick(valid));
    }
    if (t < 62) {
      const op = r.pick(ALU_OPS);
      if (r.chance(0.4)) return insn(aluCode(op, 'x'));
      const kk = op === 'lsh' || op === 'rsh' ? r.int(32) : op === 'div' ? k || 1 : k;
      return insn(aluCode(op, 'k'), kk);
    }
    if (t < 66) return insn(r.pick([0x84, 0x07, 0x87]));
    const span = Math.max(0, Math.min(farthest, lastIdx));
    if (t < 72) return insn(0x05, r.int(lastIdx + 1));
    if (t < 94) return insn(jmpCode(r.pick(JMP_OPS), r.chance(0.7) ? 'k' : 'x'), k, r.int(span + 1), r.int(span + 1));
    return r.chance(0.7) ? insn(0x06, r.pick(RET_K)) : insn(0x16);
  }
}
