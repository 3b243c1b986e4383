/** @module SECCOMP_FILTER_FLAG_* names and values, and the kernel's checks on a flag word. */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

// include/uapi/linux/seccomp.h; the mask is include/linux/seccomp.h SECCOMP_FILTER_FLAG_MASK (0x3f).
export const FILTER_FLAGS = [
  { name: 'tsync', value: 1 },
  { name: 'log', value: 2 },
  { name: 'spec_allow', value: 4 },
  { name: 'new_listener', value: 8 },
  { name: 'tsync_esrch', value: 16 },
  { name: 'wait_killable_recv', value: 32 },
] as const;

export type FilterFlagName = (typeof FILTER_FLAGS)[number]['name'];
export const FLAG_TSYNC = 1;
export const FLAG_LOG = 2;
export const FLAG_NEW_LISTENER = 8;
export const FLAG_TSYNC_ESRCH = 16;
export const FLAG_WAIT_KILLABLE_RECV = 32;
const FLAG_MASK = 0x3f;

export function flagsFromNames(names: readonly string[]): Result<number, SeccompTraceError> {
  let v = 0;
  for (const n of names) {
    const f = FILTER_FLAGS.find((x) => x.name === n);
    if (f === undefined) {
      return err(
        fail({
          code: 'engine/unknown-flag',
          message: `unknown filter flag '${n}'`,
          hint: `use ${FILTER_FLAGS.map((x) => x.name).join(', ')}`,
        }),
      );
    }
    v |= f.value;
  }
  return ok(v);
}

export function flagNames(flags: number): FilterFlagName[] {
  return FILTER_FLAGS.filter((f) => (flags & f.value) !== 0).map((f) => f.name);
}

/** kernel/seccomp.c seccomp_set_mode_filter(): the flag checks made before the program is looked at. */
export function checkFilterFlags(flags: number): Result<number, SeccompTraceError> {
  const bad = (message: string): Result<number, SeccompTraceError> =>
    err(fail({ code: 'engine/bad-flags', message, errno: 'EINVAL' }));
  if ((flags & ~FLAG_MASK) !== 0) return bad(`filter flags 0x${(flags >>> 0).toString(16)} include unknown bits (known: 0x3f)`);
  if ((flags & FLAG_TSYNC) !== 0 && (flags & FLAG_NEW_LISTENER) !== 0 && (flags & FLAG_TSYNC_ESRCH) === 0) {
    return bad('tsync with new_listener needs tsync_esrch');
  }
  if ((flags & FLAG_WAIT_KILLABLE_RECV) !== 0 && (flags & FLAG_NEW_LISTENER) === 0) {
    return bad('wait_killable_recv needs new_listener');
  }
  return ok(flags);
}
