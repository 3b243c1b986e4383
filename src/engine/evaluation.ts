/** @module The engine's types: stack entries, log events with where each went, the evaluation result, and the outcome-logging step both modes share. */

import type { ActionName } from '../abi/actions.js';
import type { SeccompData } from '../abi/seccomp-data.js';
import type { ActionsLogged } from './actions-logged.js';
import { decide, recordCode, shouldLog, type Effect } from './decide.js';
import type { FilterProgram } from './program.js';
import type { RingBuffer } from './ring-buffer.js';

export type Mode = 'linux' | 'proposed';

export interface FilterEntry {
  readonly kind: 'filter';
  readonly index: number;
  readonly program: FilterProgram;
  readonly flags: number;
  /** SECCOMP_FILTER_FLAG_LOG (kernel: filter->log). */
  readonly log: boolean;
}

export interface LogLayerEntry {
  readonly kind: 'layer';
  readonly index: number;
  readonly program: FilterProgram;
  readonly ring: RingBuffer<LogRecord>;
}

export type StackEntry = FilterEntry | LogLayerEntry;

/** Where a log event went. `system`: the kernel's audit path (netlink multicast, auditd or kmsg). */
export type LogDestination = 'system' | 'ring' | 'lost' | 'ignored';

export interface LogEvent {
  /** `outcome`: the syscall's one kernel record; `side`: a proposed-mode LOG(x) event. */
  readonly kind: 'outcome' | 'side';
  /** Entry index of the filter that produced it. */
  readonly by: number;
  /** The filter's value (for the outcome record: the full outcome value). */
  readonly ret: number;
  /** Side events only: data & 0xff. */
  readonly tag?: number;
  /** Side events only: the low 24 bits. */
  readonly data?: number;
  readonly to: LogDestination;
  /** The log layer that took it (ring, lost, or dropped it). */
  readonly layer?: number;
  /** The record's `sig=` and `code=` (kernel/auditsc.c audit_seccomp). */
  readonly sig: number;
  readonly code: number;
}

/** What a ring holds: a side event with its syscall, enough to print a type=1326 record. */
export interface LogRecord {
  readonly by: number;
  readonly ret: number;
  readonly tag: number;
  readonly data: number;
  readonly outcome: number;
  readonly seccompData: SeccompData;
}

export interface Evaluation {
  /** The raw outcome value. */
  readonly value: number;
  /** The kernel's name of how it behaves (unknown values behave as kill_process). */
  readonly action: ActionName;
  /** value & 0xffff. */
  readonly data: number;
  /** Instructions executed by all filters that ran (not log layers). */
  readonly insns: number;
  /** Entry index of the deciding filter, if any filter beat ALLOW. */
  readonly match: number | undefined;
  readonly effect: Effect;
  /** Every log event in the order produced: side events (walk order), then the outcome record. */
  readonly log: readonly LogEvent[];
}

/** An evaluation with no log event shares this array. */
export const NO_EVENTS: readonly LogEvent[] = Object.freeze([]);

/**
 * The steps after the walk that both modes share (kernel/seccomp.c __seccomp_filter → seccomp_log):
 * act on the chosen value once, then at most one record for the outcome. `match` is the filter
 * seccomp_run_filters() kept (undefined: nothing beat ALLOW); `side` are proposed-mode events
 * produced before the outcome record.
 */
export function concludeWalk(
  value: number,
  match: FilterEntry | undefined,
  insns: number,
  actionsLogged: ActionsLogged,
  side: readonly LogEvent[],
): Evaluation {
  const d = decide(value, match?.log === true);
  let log = side;
  if (match !== undefined && shouldLog(d.action, d.requested, actionsLogged)) {
    const record: LogEvent = { kind: 'outcome', by: match.index, ret: value, to: 'system', sig: d.signr, code: recordCode(value) };
    log = side.length === 0 ? [record] : [...side, record];
  }
  return { value, action: d.action, data: d.data, insns, match: match?.index, effect: d.effect, log };
}
