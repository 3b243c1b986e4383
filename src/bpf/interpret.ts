/** @module The reference classic-BPF interpreter: kernel semantics (kernel-semantics.md §5), instruction by instruction. */

import { assertNever } from '../result.js';
import type { ExecResult, Executor } from './executor.js';
import type { VerifiedProgram } from './verify.js';

/**
 * Runs `prog` on `input`. Semantics follow bpf_convert_filter()'s eBPF translation: u32 registers
 * that wrap, A = X = 0 at entry, DIV X by 0 ends the program returning 0, LSH/RSH by X use X & 31.
 */
export function interpret(prog: VerifiedProgram, input: Uint32Array): ExecResult {
  const insns = prog.insns;
  const mem = new Uint32Array(16);
  let a = 0;
  let x = 0;
  let n = 0;
  let pc = 0;
  for (;;) {
    const i = insns[pc]!;
    n++;
    pc++;
    switch (i.kind) {
      case 'ld':
        a = i.mode === 'imm' ? i.k : i.mode === 'abs' ? input[i.k >>> 2]! : i.mode === 'mem' ? mem[i.k]! : prog.inputSize;
        break;
      case 'ldx':
        x = i.mode === 'imm' ? i.k : i.mode === 'mem' ? mem[i.k]! : prog.inputSize;
        break;
      case 'st':
        mem[i.k] = a;
        break;
      case 'stx':
        mem[i.k] = x;
        break;
      case 'alu': {
        const v = i.src === 'k' ? i.k : x;
        const op = i.op;
        switch (op) {
          case 'add': a = (a + v) >>> 0; break;
          case 'sub': a = (a - v) >>> 0; break;
          case 'mul': a = Math.imul(a, v) >>> 0; break;
          case 'div':
            if (v === 0) return { ret: 0, insns: n }; // the guard bpf_convert_filter() adds for DIV X
            a = Math.floor(a / v) >>> 0;
            break;
          case 'or': a = (a | v) >>> 0; break;
          case 'and': a = (a & v) >>> 0; break;
          case 'lsh': a = (a << (v & 31)) >>> 0; break;
          case 'rsh': a = a >>> (v & 31); break;
          case 'xor': a = (a ^ v) >>> 0; break;
          default: assertNever(op, 'alu op');
        }
        break;
      }
      case 'neg':
        a = -a >>> 0;
        break;
      case 'ja':
        pc += i.k;
        break;
      case 'jcond': {
        const v = i.src === 'k' ? i.k : x;
        let c: boolean;
        const op = i.op;
        switch (op) {
          case 'jeq': c = a === v; break;
          case 'jgt': c = a > v; break;
          case 'jge': c = a >= v; break;
          case 'jset': c = (a & v) !== 0; break;
          default: c = assertNever(op, 'jump op');
        }
        pc += c ? i.jt : i.jf;
        break;
      }
      case 'ret':
        return { ret: i.src === 'k' ? i.k : a, insns: n };
      case 'tax':
        x = a;
        break;
      case 'txa':
        a = x;
        break;
      case 'invalid':
        throw new Error('internal: a verified program has no invalid instruction');
      default:
        assertNever(i, 'instruction');
    }
  }
}

/** The interpreter as an Executor. */
export function interpreter(prog: VerifiedProgram): Executor {
  return { run: (input) => interpret(prog, input) };
}
