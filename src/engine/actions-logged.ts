/** @module The `actions_logged` set: its bits, the kernel's read format, and the kernel's write grammar as a pure function. */

import { ACTIONS, type ActionName } from '../abi/actions.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

/** A set of SECCOMP_LOG_* bits (kernel/seccomp.c); `allow` can never be in it. */
export type ActionsLogged = number & { readonly __brand: 'ActionsLogged' };

/** Names in the order `read_actions_logged()` prints them (kernel/seccomp.c seccomp_log_names[]). */
export const LOGGABLE_NAMES: readonly ActionName[] = ['kill_process', 'kill_thread', 'trap', 'errno', 'user_notif', 'trace', 'log'];

const bitOf = new Map<string, number>(ACTIONS.map((a) => [a.name, a.logBit]));

/** Every action but allow: the boot default (kernel/seccomp.c seccomp_actions_logged). */
export const DEFAULT_ACTIONS_LOGGED = LOGGABLE_NAMES.reduce((m, n) => m | bitOf.get(n)!, 0) as ActionsLogged;
export const NO_ACTIONS_LOGGED = 0 as ActionsLogged;

/** Whether `name`'s bit is set. */
export function isLogged(set: ActionsLogged, name: ActionName): boolean {
  return (set & bitOf.get(name)!) !== 0;
}

/** The file's content without the newline: names of the set bits, single-space separated. */
export function formatActionsLogged(set: ActionsLogged): string {
  return LOGGABLE_NAMES.filter((n) => isLogged(set, n)).join(' ');
}

export function actionsLoggedNames(set: ActionsLogged): ActionName[] {
  return LOGGABLE_NAMES.filter((n) => isLogged(set, n));
}

/** kernel/sysctl.c proc_dostring + write_actions_logged(): at most 62 bytes are kept (table maxlen 63 − NUL). */
const WRITE_MAX = 62;

/**
 * What the kernel makes of bytes written to `actions_logged` (kernel-semantics.md §3.9, from
 * kernel/seccomp.c seccomp_actions_logged_from_names()): the text up to the first newline or NUL,
 * truncated to 62 bytes, split on single spaces; parsing stops at the first empty token; every
 * token must be one of the eight names exactly; `allow` is refused. Errors carry EINVAL.
 */
export function parseActionsLoggedWrite(written: string): Result<ActionsLogged, SeccompTraceError> {
  let text = written;
  const end = text.search(/[\n\0]/);
  if (end !== -1) text = text.slice(0, end);
  text = new TextDecoder().decode(new TextEncoder().encode(text).subarray(0, WRITE_MAX));
  let set = 0;
  for (const token of text.split(' ')) {
    if (token === '') break; // strsep gives an empty token: the kernel stops here
    const bit = bitOf.get(token);
    if (bit === undefined) {
      return err(
        fail({
          code: 'engine/bad-actions-logged',
          message: `'${token}' is not an action name`,
          errno: 'EINVAL',
          hint: `use names from ${LOGGABLE_NAMES.join(' ')}, separated by single spaces`,
        }),
      );
    }
    if (token === 'allow') return err(allowRefused());
    set |= bit;
  }
  return ok(set as ActionsLogged);
}

/** A list of names (STACK.json `actionsLogged`, `--log-actions a,b`): each must be loggable. */
export function actionsLoggedFromNames(names: readonly string[]): Result<ActionsLogged, SeccompTraceError> {
  let set = 0;
  for (const n of names) {
    if (n === 'allow') return err(allowRefused());
    const bit = bitOf.get(n);
    if (bit === undefined) {
      return err(
        fail({ code: 'engine/bad-actions-logged', message: `'${n}' is not an action name`, hint: `use names from ${LOGGABLE_NAMES.join(' ')}` }),
      );
    }
    set |= bit;
  }
  return ok(set as ActionsLogged);
}

function allowRefused(): SeccompTraceError {
  return fail({
    code: 'engine/allow-not-loggable',
    message: "'allow' cannot be logged",
    errno: 'EINVAL',
    hint: 'the kernel refuses it (kernel/seccomp.c seccomp_actions_logged_from_names); leave it out',
  });
}
