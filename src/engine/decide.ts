/** @module The kernel's per-syscall decisions as small pure functions, each named after the kernel function it models. */

import { behaviour, MAX_ERRNO, precedenceRank, RET_DATA, type ActionName } from '../abi/actions.js';
import { assertNever } from '../result.js';
import { isLogged, type ActionsLogged } from './actions-logged.js';

/** SIGSYS (include/uapi/asm-generic/signal.h), the `sig=` of a kill record. */
export const SIGSYS = 31;
/** include/uapi/asm-generic/errno.h: what TRACE and USER_NOTIF give with no tracer or listener. */
export const ENOSYS = 38;
export const ACTION_ALLOW = 0x7fff0000;

/** One filter's result in walk order: the entry index that produced it and its 32-bit value. */
export interface FilterResult {
  readonly index: number;
  readonly value: number;
}

export interface Outcome {
  /** The winning 32-bit value (unsigned). */
  readonly value: number;
  /** Entry index of the matching filter; undefined when nothing beat ALLOW (kernel: match == NULL). */
  readonly match: number | undefined;
}

/**
 * kernel/seccomp.c seccomp_run_filters(): start at ALLOW with no match; a result replaces the
 * current one only when its full action, as a signed 32-bit number, is strictly lower. Results
 * come newest first, so a tie keeps the newest filter's value (and its FLAG_LOG).
 */
export function pickOutcome(results: Iterable<FilterResult>): Outcome {
  let value = ACTION_ALLOW;
  let match: number | undefined;
  for (const r of results) {
    if (takesPrecedence(r.value, value)) {
      value = r.value >>> 0;
      match = r.index;
    }
  }
  return { value, match };
}

/** seccomp_run_filters()'s one comparison: `ACTION_ONLY(cur) < ACTION_ONLY(ret)` as s32, strictly. */
export function takesPrecedence(candidate: number, current: number): boolean {
  return precedenceRank(candidate) < precedenceRank(current);
}

/** What the task sees, assuming no tracer and no listener (DESIGN.md "Simulation assumes…"). */
export type Effect =
  | { readonly kind: 'run' } // allow, log: the syscall executes
  | { readonly kind: 'return'; readonly value: number } // skipped; the return register holds `value` (−errno, or 0 for ERRNO(0))
  | { readonly kind: 'trap'; readonly siErrno: number } // SIGSYS to a handler, si_errno = data
  /** `thread`: only the calling thread dies, or the whole process when it is the last live thread (kernel-semantics.md §2.4). */
  | { readonly kind: 'kill'; readonly scope: 'process' | 'thread'; readonly signal: number };

export interface Decision {
  readonly action: ActionName;
  readonly data: number;
  readonly effect: Effect;
  /** The `requested` argument __seccomp_filter() passes to seccomp_log(). */
  readonly requested: boolean;
  /** The `signr` argument: the record's `sig=`. */
  readonly signr: number;
}

/**
 * kernel/seccomp.c __seccomp_filter(): split the outcome into action and data once, then each
 * case acts. ERRNO data is capped at MAX_ERRNO; TRACE and USER_NOTIF with nobody attached fail
 * with ENOSYS through the `skip` label; `default` (unknown actions) shares KILL_PROCESS's case.
 * `matchLog` is the matching filter's FLAG_LOG (false when there is no match).
 */
export function decide(value: number, matchLog: boolean): Decision {
  const memo = matchLog ? decidedLogged : decidedPlain;
  const key = value | 0; // a small integer key keeps the lookup fast
  let d = memo.get(key);
  if (d === undefined) {
    d = decideOnce(value >>> 0, matchLog);
    if (memo.size > 4096) memo.clear(); // bounded: stacks return few distinct values
    memo.set(key, d);
  }
  return d;
}

/** decide() is pure; its results are shared, immutable descriptions. */
const decidedPlain = new Map<number, Decision>();
const decidedLogged = new Map<number, Decision>();

function decideOnce(value: number, matchLog: boolean): Decision {
  const action = behaviour(value);
  const data = value & RET_DATA;
  const skip = (effect: Effect): Decision => ({ action, data, effect, requested: matchLog, signr: 0 });
  switch (action) {
    case 'errno':
      return skip({ kind: 'return', value: data === 0 ? 0 : -Math.min(data, MAX_ERRNO) }); // ERRNO(0): skipped, returns 0
    case 'trap':
      return skip({ kind: 'trap', siErrno: data });
    case 'trace':
    case 'user_notif':
      return skip({ kind: 'return', value: -ENOSYS });
    case 'log':
      return { action, data, effect: { kind: 'run' }, requested: true, signr: 0 };
    case 'allow':
      return { action, data, effect: { kind: 'run' }, requested: false, signr: 0 };
    case 'kill_thread':
      return { action, data, effect: { kind: 'kill', scope: 'thread', signal: SIGSYS }, requested: true, signr: SIGSYS };
    case 'kill_process':
      return { action, data, effect: { kind: 'kill', scope: 'process', signal: SIGSYS }, requested: true, signr: SIGSYS };
    default:
      return assertNever(action, 'action');
  }
}

/**
 * kernel/seccomp.c seccomp_log(): ALLOW is never logged; TRAP, ERRNO, TRACE and USER_NOTIF need
 * `requested` (the matching filter's FLAG_LOG) and their bit; LOG and the kills need only their
 * bit; unknown values were already mapped to kill_process by decide().
 */
export function shouldLog(action: ActionName, requested: boolean, actionsLogged: ActionsLogged): boolean {
  switch (action) {
    case 'allow':
      return false;
    case 'trap':
    case 'errno':
    case 'trace':
    case 'user_notif':
      return requested && isLogged(actionsLogged, action);
    case 'log':
    case 'kill_thread':
    case 'kill_process':
      return isLogged(actionsLogged, action);
    default:
      return assertNever(action, 'action');
  }
}

/** AUDIT_ARCH_X86_64 (include/uapi/linux/audit.h) and x86_64's __NR_uretprobe / __NR_uprobe. */
const X86_64 = 0xc000003e;
const UPROBE_NRS: ReadonlySet<number> = new Set([335, 336]);

/**
 * kernel/seccomp.c seccomp_uprobe_exception(): native x86_64 uretprobe (335) and uprobe (336)
 * are constant-allow — no filter sees them and they are never logged (kernel-semantics.md §2.2,
 * verified on 6.18). Not for i386 (SECCOMP_ARCH_COMPAT) nor x32 (the nr carries 0x40000000).
 */
export function seccompUprobeException(nr: number, arch: number): boolean {
  return arch >>> 0 === X86_64 && UPROBE_NRS.has(nr >>> 0);
}

/** The `code=` of a type=1326 record: the action only, no data bits (kernel/auditsc.c audit_seccomp). */
export function recordCode(value: number): number {
  return (value & 0xffff0000) >>> 0;
}
