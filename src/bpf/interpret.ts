/** @module The reference classic-BPF interpreter: kernel semantics (kernel-semantics.md §5), instruction by instruction. */

import { assertNever } from '../result.js';
import type { ExecResult, Executor } from './executor.js';
import type { Insn } from './insn.js';
import type { VerifiedProgram } from './verify.js';

// Dense operation numbers, so the run loop is a jump table over small integers.
const enum Op {
  LdImm, LdAbs, LdMem, LdLen, LdxImm, LdxMem, LdxLen, St, Stx,
  AddK, SubK, MulK, DivK, OrK, AndK, LshK, RshK, XorK,
  AddX, SubX, MulX, DivX, OrX, AndX, LshX, RshX, XorX,
  Neg, Ja, JeqK, JgtK, JgeK, JsetK, JeqX, JgtX, JgeX, JsetX, RetK, RetA, Tax, Txa,
}

const ALU_K = { add: Op.AddK, sub: Op.SubK, mul: Op.MulK, div: Op.DivK, or: Op.OrK, and: Op.AndK, lsh: Op.LshK, rsh: Op.RshK, xor: Op.XorK } as const;
const ALU_X = { add: Op.AddX, sub: Op.SubX, mul: Op.MulX, div: Op.DivX, or: Op.OrX, and: Op.AndX, lsh: Op.LshX, rsh: Op.RshX, xor: Op.XorX } as const;
const JMP_K = { jeq: Op.JeqK, jgt: Op.JgtK, jge: Op.JgeK, jset: Op.JsetK } as const;
const JMP_X = { jeq: Op.JeqX, jgt: Op.JgtX, jge: Op.JgeX, jset: Op.JsetX } as const;

/** The program as parallel arrays: operation, constant, and absolute jump targets. */
interface Lowered {
  readonly op: Uint8Array;
  readonly k: Uint32Array;
  readonly t: Uint32Array;
  readonly f: Uint32Array;
  /** Scratch memory, reused across runs: the verifier guarantees a slot is written before it is read. */
  readonly m: Uint32Array;
  /** Input words the program may read (inputSize / 4). */
  readonly words: number;
}

function lowerOp(i: Insn): Op {
  switch (i.kind) {
    case 'ld':
      return i.mode === 'imm' ? Op.LdImm : i.mode === 'abs' ? Op.LdAbs : i.mode === 'mem' ? Op.LdMem : Op.LdLen;
    case 'ldx':
      return i.mode === 'imm' ? Op.LdxImm : i.mode === 'mem' ? Op.LdxMem : Op.LdxLen;
    case 'st': return Op.St;
    case 'stx': return Op.Stx;
    case 'alu': return (i.src === 'k' ? ALU_K : ALU_X)[i.op];
    case 'neg': return Op.Neg;
    case 'ja': return Op.Ja;
    case 'jcond': return (i.src === 'k' ? JMP_K : JMP_X)[i.op];
    case 'ret': return i.src === 'k' ? Op.RetK : Op.RetA;
    case 'tax': return Op.Tax;
    case 'txa': return Op.Txa;
    case 'invalid': throw new Error('internal: a verified program has no invalid instruction');
    default: return assertNever(i, 'instruction');
  }
}

const cache = new WeakMap<VerifiedProgram, Lowered>();

function lower(prog: VerifiedProgram): Lowered {
  let l = cache.get(prog);
  if (l !== undefined) return l;
  const n = prog.insns.length;
  l = { op: new Uint8Array(n), k: new Uint32Array(n), t: new Uint32Array(n), f: new Uint32Array(n), m: new Uint32Array(16), words: prog.inputSize >>> 2 };
  prog.insns.forEach((i, pc) => {
    l!.op[pc] = lowerOp(i);
    // LD W ABS reads word k/4; LEN loads the input size (64 for seccomp_data).
    l!.k[pc] = i.kind === 'ld' && i.mode === 'abs' ? i.k >>> 2 : (i.kind === 'ld' || i.kind === 'ldx') && i.mode === 'len' ? prog.inputSize : 'k' in i ? i.k : 0;
    l!.t[pc] = pc + 1 + (i.kind === 'ja' ? i.k : i.kind === 'jcond' ? i.jt : 0);
    l!.f[pc] = pc + 1 + (i.kind === 'jcond' ? i.jf : 0);
  });
  cache.set(prog, l);
  return l;
}

/**
 * Runs `prog` on `input`. Semantics follow bpf_convert_filter()'s eBPF translation: u32 registers
 * that wrap, A = X = 0 at entry, DIV X by 0 ends the program returning 0, LSH/RSH by X use X & 31.
 */
export function interpret(prog: VerifiedProgram, input: Uint32Array): ExecResult {
  return run(lower(prog), input);
}

function run(l: Lowered, w: Uint32Array): ExecResult {
  const { op, k, t, f, m, words } = l;
  if (w.length < words) throw new RangeError(`internal: input has ${w.length} words, the program reads ${words}`);
  let a = 0;
  let x = 0;
  let n = 0;
  let pc = 0;
  for (;;) {
    const v = k[pc]!;
    n++;
    switch (op[pc]!) {
      case Op.LdImm: case Op.LdLen: a = v; break;
      case Op.LdAbs: a = w[v]!; break;
      case Op.LdMem: a = m[v]!; break;
      case Op.LdxImm: case Op.LdxLen: x = v; break;
      case Op.LdxMem: x = m[v]!; break;
      case Op.St: m[v] = a; break;
      case Op.Stx: m[v] = x; break;
      case Op.AddK: a = (a + v) >>> 0; break;
      case Op.SubK: a = (a - v) >>> 0; break;
      case Op.MulK: a = Math.imul(a, v) >>> 0; break;
      case Op.DivK: a = (a / v) >>> 0; break;
      case Op.OrK: a = (a | v) >>> 0; break;
      case Op.AndK: a = (a & v) >>> 0; break;
      case Op.LshK: a = (a << v) >>> 0; break;
      case Op.RshK: a = a >>> v; break;
      case Op.XorK: a = (a ^ v) >>> 0; break;
      case Op.AddX: a = (a + x) >>> 0; break;
      case Op.SubX: a = (a - x) >>> 0; break;
      case Op.MulX: a = Math.imul(a, x) >>> 0; break;
      case Op.DivX:
        if (x === 0) return { ret: 0, insns: n }; // the guard bpf_convert_filter() adds for DIV X
        a = (a / x) >>> 0;
        break;
      case Op.OrX: a = (a | x) >>> 0; break;
      case Op.AndX: a = (a & x) >>> 0; break;
      case Op.LshX: a = (a << x) >>> 0; break; // JS masks the count to 5 bits, as the kernel does
      case Op.RshX: a = a >>> x; break;
      case Op.XorX: a = (a ^ x) >>> 0; break;
      case Op.Neg: a = -a >>> 0; break;
      case Op.Ja: pc = t[pc]!; continue;
      case Op.JeqK: pc = a === v ? t[pc]! : f[pc]!; continue;
      case Op.JgtK: pc = a > v ? t[pc]! : f[pc]!; continue;
      case Op.JgeK: pc = a >= v ? t[pc]! : f[pc]!; continue;
      case Op.JsetK: pc = (a & v) !== 0 ? t[pc]! : f[pc]!; continue;
      case Op.JeqX: pc = a === x ? t[pc]! : f[pc]!; continue;
      case Op.JgtX: pc = a > x ? t[pc]! : f[pc]!; continue;
      case Op.JgeX: pc = a >= x ? t[pc]! : f[pc]!; continue;
      case Op.JsetX: pc = (a & x) !== 0 ? t[pc]! : f[pc]!; continue;
      case Op.RetK: return { ret: v, insns: n };
      case Op.RetA: return { ret: a, insns: n };
      case Op.Tax: x = a; break;
      case Op.Txa: a = x; break;
    }
    pc++;
  }
}

/** The interpreter as an Executor (the program is lowered once). */
export function interpreter(prog: VerifiedProgram): Executor {
  const l = lower(prog);
  return { run: (input) => run(l, input) };
}
