/** @module What running a verified program returns, and the interface both the interpreter and the JIT satisfy. */

/** One evaluation: the 32-bit filter return value and how many classic instructions ran (the RET included). */
export interface ExecResult {
  readonly ret: number;
  readonly insns: number;
}

/**
 * Runs one verified program on input words: `input[i]` is the native-endian u32 at byte offset 4·i
 * (`seccompDataWords()` for seccomp_data). The input must hold `inputSize / 4` words.
 */
export interface Executor {
  run(input: Uint32Array): ExecResult;
}
