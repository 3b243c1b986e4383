/** @module `linux` mode: one syscall through a filter stack exactly as mainline Linux evaluates and logs it. */

import type { ActionsLogged } from './actions-logged.js';
import type { FilterResult } from './decide.js';
import { concludeWalk, type Evaluation, type FilterEntry } from './evaluation.js';

/**
 * kernel/seccomp.c __seccomp_filter(): every filter runs, newest first, with no short-circuit
 * (filters have no side effects, so only the chosen value and the one record are observable).
 * `filters` are oldest first, as installed.
 */
export function evaluateLinux(filters: readonly FilterEntry[], words: Uint32Array, actionsLogged: ActionsLogged): Evaluation {
  const results: FilterResult[] = [];
  const byIndex = new Map<number, FilterEntry>();
  let insns = 0;
  for (let i = filters.length - 1; i >= 0; i--) {
    const f = filters[i]!;
    const r = f.program.run(words);
    insns += r.insns;
    results.push({ index: f.index, value: r.ret });
    byIndex.set(f.index, f);
  }
  const c = concludeWalk(results, byIndex, actionsLogged);
  return { value: c.value, action: c.action, data: c.data, insns, match: c.match, effect: c.effect, log: c.record === undefined ? [] : [c.record] };
}
