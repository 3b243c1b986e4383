/** @module What the engine runs: a verified program with its executor and lengths, made from raw instructions by the bpf layer. */

import type { RawInsn } from '../bpf/insn-codec.js';
import { ebpfLength } from '../bpf/ebpf-length.js';
import { jit } from '../bpf/jit.js';
import { verify, type VerifiedProgram } from '../bpf/verify.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

/** Runs a program over its input words (16 for seccomp_data, 20 for seccomp_log_data). */
export type Executor = (words: Uint32Array) => { readonly ret: number; readonly insns: number };

/** A program the engine can attach: already verified for its input size. */
export interface FilterProgram {
  /** Classic instruction count. */
  readonly length: number;
  /**
   * `prog->len` after bpf_migrate_filter() (net/core/filter.c bpf_convert_filter), which
   * kernel/seccomp.c seccomp_attach_filter() sums against MAX_INSNS_PER_PATH.
   */
  readonly ebpfLength: number;
  readonly run: Executor;
  /** The verified classic program, when it came from one (absent for synthetic test programs). */
  readonly verified?: VerifiedProgram;
}

/** Input sizes: seccomp_data for filters, seccomp_log_data for log layers. */
export type InputSize = 64 | 80;

/** Verifies `raw` as seccomp() would (EINVAL with the faulting pc) and builds its executor. */
export function prepareProgram(raw: readonly RawInsn[], inputSize: InputSize = 64): Result<FilterProgram, SeccompTraceError> {
  const v = verify(raw, inputSize);
  if (!v.ok) {
    const e = v.error;
    return err(
      fail({
        code: e.code,
        message: `the kernel would reject this program: ${e.reason}`,
        errno: e.errno,
        ...(e.pc === undefined ? {} : { where: `pc ${e.pc}` }),
      }),
    );
  }
  return ok(fromVerified(v.value));
}

/** Builds the executor with the JIT (the bpf layer proves it equal to the interpreter). */
export function fromVerified(p: VerifiedProgram): FilterProgram {
  return { length: p.raw.length, ebpfLength: ebpfLength(p), run: jit(p).run, verified: p };
}

/** A program that returns `ret` after one instruction (RET K: 3 prologue + 2 eBPF insns), for tests of the stack alone. */
export function constantProgram(ret: number): FilterProgram {
  const r = { ret: ret >>> 0, insns: 1 };
  return { length: 1, ebpfLength: 5, run: () => r };
}
