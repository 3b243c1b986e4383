/** @module The one decode of a raw sock_filter into a typed instruction that every BPF consumer switches over. */

import type { RawInsn } from './insn-codec.js';

/** Operand source: the constant k or the X register (BPF_K / BPF_X). */
export type Src = 'k' | 'x';
export type AluOp = 'add' | 'sub' | 'mul' | 'div' | 'or' | 'and' | 'lsh' | 'rsh' | 'xor';
export type JmpOp = 'jeq' | 'jgt' | 'jge' | 'jset';

/**
 * A decoded instruction. Only the 41 codes seccomp accepts (kernel/seccomp.c seccomp_check_filter()
 * after net/core/filter.c chk_code_allowed(); kernel-semantics.md §4.2) get a meaning; every other
 * code is `invalid` and keeps its raw fields. `raw` is the exact input, so fields the kernel ignores
 * (jt/jf outside conditional jumps, k on register forms) survive a round trip.
 */
export type Insn =
  | { readonly kind: 'ld'; readonly mode: 'imm' | 'abs' | 'mem' | 'len'; readonly k: number; readonly raw: RawInsn }
  | { readonly kind: 'ldx'; readonly mode: 'imm' | 'mem' | 'len'; readonly k: number; readonly raw: RawInsn }
  | { readonly kind: 'st'; readonly k: number; readonly raw: RawInsn }
  | { readonly kind: 'stx'; readonly k: number; readonly raw: RawInsn }
  | { readonly kind: 'alu'; readonly op: AluOp; readonly src: Src; readonly k: number; readonly raw: RawInsn }
  | { readonly kind: 'neg'; readonly raw: RawInsn }
  | { readonly kind: 'ja'; readonly k: number; readonly raw: RawInsn }
  | { readonly kind: 'jcond'; readonly op: JmpOp; readonly src: Src; readonly k: number; readonly jt: number; readonly jf: number; readonly raw: RawInsn }
  | { readonly kind: 'ret'; readonly src: 'k' | 'a'; readonly k: number; readonly raw: RawInsn }
  | { readonly kind: 'tax'; readonly raw: RawInsn }
  | { readonly kind: 'txa'; readonly raw: RawInsn }
  | { readonly kind: 'invalid'; readonly raw: RawInsn };

export type InsnKind = Insn['kind'];

// Opcode values: include/uapi/linux/bpf_common.h and filter.h (class | size | mode | op | src).
const ALU_OPS: Readonly<Record<number, AluOp>> = { 0x00: 'add', 0x10: 'sub', 0x20: 'mul', 0x30: 'div', 0x40: 'or', 0x50: 'and', 0x60: 'lsh', 0x70: 'rsh', 0xa0: 'xor' };
const JMP_OPS: Readonly<Record<number, JmpOp>> = { 0x10: 'jeq', 0x20: 'jgt', 0x30: 'jge', 0x40: 'jset' };

export const ALU_CODE: Readonly<Record<AluOp, number>> = { add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70, xor: 0xa0 };
export const JMP_CODE: Readonly<Record<JmpOp, number>> = { jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40 };

export function decodeInsn(raw: RawInsn): Insn {
  const { code, k } = raw;
  switch (code) {
    case 0x00: return { kind: 'ld', mode: 'imm', k, raw };
    case 0x20: return { kind: 'ld', mode: 'abs', k, raw };
    case 0x60: return { kind: 'ld', mode: 'mem', k, raw };
    case 0x80: return { kind: 'ld', mode: 'len', k, raw };
    case 0x01: return { kind: 'ldx', mode: 'imm', k, raw };
    case 0x61: return { kind: 'ldx', mode: 'mem', k, raw };
    case 0x81: return { kind: 'ldx', mode: 'len', k, raw };
    case 0x02: return { kind: 'st', k, raw };
    case 0x03: return { kind: 'stx', k, raw };
    case 0x84: return { kind: 'neg', raw };
    case 0x05: return { kind: 'ja', k, raw };
    case 0x06: return { kind: 'ret', src: 'k', k, raw };
    case 0x16: return { kind: 'ret', src: 'a', k, raw };
    case 0x07: return { kind: 'tax', raw };
    case 0x87: return { kind: 'txa', raw };
  }
  if ((code & 0xff07) === 0x04) {
    const op = ALU_OPS[code & 0xf0];
    if (op !== undefined) return { kind: 'alu', op, src: (code & 0x08) !== 0 ? 'x' : 'k', k, raw };
  }
  if ((code & 0xff07) === 0x05) {
    const op = JMP_OPS[code & 0xf0];
    if (op !== undefined) return { kind: 'jcond', op, src: (code & 0x08) !== 0 ? 'x' : 'k', k, jt: raw.jt, jf: raw.jf, raw };
  }
  return { kind: 'invalid', raw };
}

export function decodeInsns(prog: readonly RawInsn[]): Insn[] {
  return prog.map(decodeInsn);
}

/** The code for an ALU instruction. */
export function aluCode(op: AluOp, src: Src): number {
  return 0x04 | ALU_CODE[op] | (src === 'x' ? 0x08 : 0);
}

/** The code for a conditional jump. */
export function jmpCode(op: JmpOp, src: Src): number {
  return 0x05 | JMP_CODE[op] | (src === 'x' ? 0x08 : 0);
}

/**
 * Whether every field the instruction does not use is zero, so its mnemonic alone reproduces the
 * bytes. Unused fields: jt/jf except on conditional jumps; k on LEN loads, register ALU forms,
 * NEG, RET A, TAX, TXA.
 */
export function isCanonical(i: Insn): boolean {
  const { jt, jf, k } = i.raw;
  switch (i.kind) {
    case 'jcond':
      return i.src === 'k' || k === 0;
    case 'ld':
    case 'ldx':
      return jt === 0 && jf === 0 && (i.mode !== 'len' || k === 0);
    case 'alu':
      return jt === 0 && jf === 0 && (i.src === 'k' || k === 0);
    case 'ret':
      return jt === 0 && jf === 0 && (i.src === 'k' || k === 0);
    case 'st':
    case 'stx':
    case 'ja':
      return jt === 0 && jf === 0;
    case 'neg':
    case 'tax':
    case 'txa':
      return jt === 0 && jf === 0 && k === 0;
    case 'invalid':
      return false;
  }
}
