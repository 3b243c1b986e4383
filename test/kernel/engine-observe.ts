/** @module The engine's predicted effect and the probe's observed outcome, as comparable strings. */

import type { Effect } from '../../src/engine/decide.js';
import type { ProbeAbi, ProbeOutcome } from '../../src/linux/probe.js';
import type { RandomCall } from './engine-random-stacks.js';

/** What the kernel should make visible for the engine's effect (kernel-semantics.md §2.4). */
export function expected(effect: Effect, call: RandomCall, nrSeen: number, arch: number, unfiltered: Record<ProbeAbi, string>): string {
  switch (effect.kind) {
    case 'run':
      return unfiltered[call.abi]; // what getpid/getppid do with no filter (x32 may be compiled out: ENOSYS)
    case 'return':
      return `returned ${effect.value}`;
    case 'trap':
      return `trap errno=${effect.siErrno} syscall=${nrSeen} arch=0x${arch.toString(16)}`;
    case 'kill':
      return `killed ${effect.signal} thread=${effect.scope === 'thread' && call.inThread}`;
  }
}

export function observed(o: ProbeOutcome | undefined): string {
  if (o === undefined) return 'no outcome';
  switch (o.kind) {
    case 'returned':
      return o.value > 0n ? 'ran' : `returned ${o.value}`;
    case 'trap':
      return `trap errno=${o.siErrno} syscall=${o.siSyscall} arch=0x${(o.siArch >>> 0).toString(16)}`;
    case 'killed':
      return `killed ${o.signal} thread=${o.thread}`;
    case 'skipped':
      return 'skipped';
  }
}

