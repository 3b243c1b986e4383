/** @module `seccomp_log_data` (DESIGN.md, proposed mode): the 80-byte input of a log layer's program, as 20 little-endian words. */

/** Bytes: 0..63 seccomp_data, 64 ret, 68 tag, 72 outcome, 76 filter. Loads must be aligned and inside. */
export const SECCOMP_LOG_DATA_SIZE = 80;
export const LOG_DATA_OFFSETS = { data: 0, ret: 64, tag: 68, outcome: 72, filter: 76 } as const;

export interface LogDataFields {
  /** The side-action value, e.g. 0xff00002a. */
  readonly ret: number;
  readonly tag: number;
  /** The syscall's final outcome value (action and data). */
  readonly outcome: number;
  /** Entry index of the filter that logged, 0 = oldest. */
  readonly filter: number;
}

/** The words a `LD W ABS k` reads (k = 4·i), built from the syscall's 16 seccomp_data words. */
export function logDataWords(dataWords: Uint32Array, f: LogDataFields): Uint32Array {
  const w = new Uint32Array(SECCOMP_LOG_DATA_SIZE / 4);
  w.set(dataWords.subarray(0, 16));
  w[16] = f.ret >>> 0;
  w[17] = f.tag >>> 0;
  w[18] = f.outcome >>> 0;
  w[19] = f.filter >>> 0;
  return w;
}
