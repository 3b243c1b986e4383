/** @module What this kernel supports: seccomp actions, filter flags, USER_NOTIF sizes, pidfd_open. */

import { ACTIONS, type ActionName } from '../abi/actions.js';
import { FILTER_FLAGS, FLAG_NEW_LISTENER, type FilterFlagName } from '../engine/filter-flags.js';
import { callNative } from './native.js';

export interface KernelFeatures {
  /** Per action: SECCOMP_GET_ACTION_AVAIL accepted it. */
  readonly actions: Readonly<Record<ActionName, boolean>>;
  /** Per flag: the kernel knows it (EFAULT on a NULL program rather than EINVAL). */
  readonly flags: Readonly<Record<FilterFlagName, boolean>>;
  /** SECCOMP_GET_NOTIF_SIZES, or undefined if unsupported (before 5.0). */
  readonly notifSizes: { readonly notif: number; readonly resp: number; readonly data: number } | undefined;
  readonly pidfdOpen: boolean;
}

const EFAULT = 14;

/** Queries the running kernel; nothing is installed. */
export function kernelFeatures(): KernelFeatures {
  const flagNames = FILTER_FLAGS.map((f) => f.name);
  // WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER (kernel/seccomp.c seccomp_set_mode_filter).
  const flagValues = FILTER_FLAGS.map((f) => (f.name === 'wait_killable_recv' ? f.value | FLAG_NEW_LISTENER : f.value));
  const r = callNative('feature probe', (a) => a.features({ actions: ACTIONS.map((x) => x.value), flags: flagValues }));
  const actions = Object.fromEntries(ACTIONS.map((x, i) => [x.name, r.actions[i] === 0])) as Record<ActionName, boolean>;
  const flags = Object.fromEntries(flagNames.map((f, i) => [f, r.flags[i] === EFAULT])) as Record<FilterFlagName, boolean>;
  const s = r.notifSizes;
  const notifSizes = s.errno === 0 && s.notif !== undefined && s.resp !== undefined && s.data !== undefined ? { notif: s.notif, resp: s.resp, data: s.data } : undefined;
  return { actions, flags, notifSizes, pidfdOpen: r.pidfdOpen === 0 };
}
