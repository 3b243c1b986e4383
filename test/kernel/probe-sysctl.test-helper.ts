/**
 * @module Tests that need seccomp logging as the kernel ships it run inside `withDefaultActionsLogged`:
 * a cross-process lock (a directory in /tmp) serialises every test that reads or writes
 * kernel.seccomp.actions_logged, which is global; the value is set to the kernel default and restored.
 */

import { mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';

const SYSCTL = '/proc/sys/kernel/seccomp/actions_logged';
/** kernel/seccomp.c: every action but allow is logged by default. */
const DEFAULT = 'kill_process kill_thread trap errno user_notif trace log';
/** Shared with every test that touches actions_logged (one lock for the whole suite). */
export const ACTIONS_LOGGED_LOCK = '/tmp/seccomptrace-actions-logged.lock';
const STALE_MS = 5 * 60_000;

async function lock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(ACTIONS_LOGGED_LOCK);
      return;
    } catch {
      try {
        if (Date.now() - statSync(ACTIONS_LOGGED_LOCK).mtimeMs > STALE_MS) rmdirSync(ACTIONS_LOGGED_LOCK); // a crashed holder
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Runs fn with actions_logged at the kernel default, holding the suite-wide lock. */
export async function withDefaultActionsLogged<T>(fn: () => Promise<T> | T): Promise<T> {
  await lock();
  const before = readFileSync(SYSCTL, 'utf8').trim();
  try {
    if (before !== DEFAULT) writeFileSync(SYSCTL, DEFAULT);
    return await fn();
  } finally {
    if (before !== DEFAULT) writeFileSync(SYSCTL, before === '' ? '\n' : before);
    rmdirSync(ACTIONS_LOGGED_LOCK);
  }
}
