/** @module `linux` mode: one syscall through a filter stack exactly as mainline Linux evaluates and logs it. */

import type { ActionsLogged } from './actions-logged.js';
import { ACTION_ALLOW, takesPrecedence } from './decide.js';
import { concludeWalk, NO_EVENTS, type Evaluation, type FilterEntry } from './evaluation.js';

/**
 * kernel/seccomp.c seccomp_run_filters() then __seccomp_filter(): every filter runs, newest
 * first, with no short-circuit (filters have no side effects, so only the chosen value and the
 * one record are observable); a result replaces the kept one only if it takes precedence, so a
 * tie keeps the newest. `filters` are oldest first, as installed.
 */
export function evaluateLinux(filters: readonly FilterEntry[], words: Uint32Array, actionsLogged: ActionsLogged): Evaluation {
  let value = ACTION_ALLOW;
  let match: FilterEntry | undefined;
  let insns = 0;
  for (let i = filters.length - 1; i >= 0; i--) {
    const f = filters[i]!;
    const r = f.program.run(words);
    insns += r.insns;
    if (takesPrecedence(r.ret, value)) {
      value = r.ret >>> 0;
      match = f;
    }
  }
  return concludeWalk(value, match, insns, actionsLogged, NO_EVENTS);
}
