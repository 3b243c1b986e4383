/** @module /proc/sys/kernel/seccomp: read actions_avail and actions_logged, write actions_logged, and restore it safely. */

import { readFileSync, writeFileSync } from 'node:fs';
import { formatActionsLogged, parseActionsLoggedWrite, type ActionsLogged } from '../engine/actions-logged.js';
import { fail, SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

/** kernel/seccomp.c seccomp_sysctl_table, under kernel.seccomp. */
export const SECCOMP_SYSCTL_DIR = '/proc/sys/kernel/seccomp';
export const ACTIONS_AVAIL_PATH = `${SECCOMP_SYSCTL_DIR}/actions_avail`;
export const ACTIONS_LOGGED_PATH = `${SECCOMP_SYSCTL_DIR}/actions_logged`;

function sysErr(path: string, e: unknown, doing: string): SeccompTraceError {
  const code = (e as NodeJS.ErrnoException).code;
  const hint =
    code === 'ENOENT'
      ? 'this kernel has no seccomp sysctls (CONFIG_SECCOMP_FILTER, Linux 4.14+)'
      : code === 'EPERM' || code === 'EACCES'
        ? 'writing needs CAP_SYS_ADMIN (run as root)'
        : undefined;
  return fail({
    code: 'linux/sysctl',
    where: path,
    message: `cannot ${doing}`,
    ...(code === undefined ? {} : { errno: code }),
    ...(hint === undefined ? {} : { hint }),
    cause: e,
  });
}

/** The file's text without the trailing newline. */
export function readActionsAvail(): Result<string, SeccompTraceError> {
  try {
    return ok(readFileSync(ACTIONS_AVAIL_PATH, 'utf8').replace(/\n$/, ''));
  } catch (e) {
    return err(sysErr(ACTIONS_AVAIL_PATH, e, 'read it'));
  }
}

/** The live set (what seccomp_log() consults now). */
export function readActionsLogged(): Result<ActionsLogged, SeccompTraceError> {
  let text: string;
  try {
    text = readFileSync(ACTIONS_LOGGED_PATH, 'utf8');
  } catch (e) {
    return err(sysErr(ACTIONS_LOGGED_PATH, e, 'read it'));
  }
  const r = parseActionsLoggedWrite(text);
  return r.ok ? r : err(r.error.at(ACTIONS_LOGGED_PATH));
}

/**
 * Writes `text` after checking it with the kernel's own grammar (so a refused value is explained
 * before the kernel says EINVAL); returns the set the kernel now holds, read back.
 */
export function writeActionsLogged(text: string): Result<ActionsLogged, SeccompTraceError> {
  const parsed = parseActionsLoggedWrite(text);
  if (!parsed.ok) return parsed;
  try {
    writeFileSync(ACTIONS_LOGGED_PATH, text.endsWith('\n') ? text : `${text}\n`);
  } catch (e) {
    return err(sysErr(ACTIONS_LOGGED_PATH, e, 'write it'));
  }
  return readActionsLogged();
}

export function setActionsLogged(set: ActionsLogged): Result<ActionsLogged, SeccompTraceError> {
  return writeActionsLogged(formatActionsLogged(set));
}

/**
 * Runs `fn` with actions_logged set to `set`, restoring the previous value afterwards — in a
 * finally, and also if the process exits or is interrupted first.
 */
export async function withActionsLogged<T>(set: ActionsLogged, fn: () => Promise<T> | T): Promise<T> {
  const before = readActionsLogged();
  if (!before.ok) throw before.error;
  const restore = (): void => {
    try {
      writeFileSync(ACTIONS_LOGGED_PATH, `${formatActionsLogged(before.value)}\n`);
    } catch {
      // best effort at exit; the finally path below reports failures
    }
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    restore();
    process.kill(process.pid, sig);
  };
  process.once('exit', restore);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const w = setActionsLogged(set);
    if (!w.ok) throw w.error;
    return await fn();
  } finally {
    process.off('exit', restore);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const r = setActionsLogged(before.value);
    if (!r.ok) throw r.error;
  }
}
