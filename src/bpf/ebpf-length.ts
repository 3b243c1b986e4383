/** @module How many eBPF instructions the kernel stores for a seccomp filter (the unit of MAX_INSNS_PER_PATH). */

import { assertNever } from '../result.js';
import type { Insn } from './insn.js';
import type { VerifiedProgram } from './verify.js';

/** bpf_convert_filter()'s prologue for a classic program: A ^= A; X ^= X; CTX = ARG1. */
const PROLOGUE = 3;

/**
 * eBPF instructions one classic instruction becomes (net/core/filter.c bpf_convert_filter();
 * table and measurements in kernel-semantics.md §4.4, verified on 6.18 with t_pathlen.c).
 */
export function ebpfInsnCount(i: Insn): number {
  switch (i.kind) {
    case 'ret':
      return i.src === 'k' ? 2 : 1; // RET K: MOV R0, k; EXIT. RET A: A is R0 already.
    case 'alu':
      return i.op === 'div' && i.src === 'x' ? 5 : 1; // DIV X gains the "X == 0 → return 0" guard
    case 'jcond': {
      // A negative (as s32) constant goes through a temporary register so the compare stays unsigned.
      const tmp = i.src === 'k' && (i.k | 0) < 0 ? 1 : 0;
      const single = i.jf === 0 || (i.jt === 0 && i.op !== 'jset');
      return (single ? 1 : 2) + tmp;
    }
    case 'ld':
    case 'ldx':
    case 'st':
    case 'stx':
    case 'neg':
    case 'ja':
    case 'tax':
    case 'txa':
      return 1;
    case 'invalid':
      throw new Error('internal: a verified program has no invalid instruction');
    default:
      return assertNever(i, 'instruction');
  }
}

/** `prog->len` after bpf_migrate_filter(): what kernel/seccomp.c seccomp_attach_filter() sums per path. */
export function ebpfLength(prog: VerifiedProgram): number {
  let n = PROLOGUE;
  for (const i of prog.insns) n += ebpfInsnCount(i);
  return n;
}

/** kernel/seccomp.c MAX_INSNS_PER_PATH = (1 << 18) / sizeof(struct sock_filter). */
export const MAX_INSNS_PER_PATH = 32768;

/** The per-filter overhead seccomp_attach_filter() adds to each filter already on the path. */
export const PATH_PENALTY = 4;
