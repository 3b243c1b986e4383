/** @module The USER_NOTIF supervisor: spawn under filters, let the native thread answer log-only
 * notifications, decide the rest in JavaScript, collect every record, pass the exit status through. */

import { SeccompTraceError } from '../errors.js';
import { callNative, decodeNotifyRecords, hostErrnoName, native, type NativeExit, type NativeNotifyRecord, type NotifierHandle } from './native.js';
import { readSpawnFailure, spawnFiltered, type SpawnRequest } from './spawn.js';

export type NotifyRecord = NativeNotifyRecord;
/** What JavaScript answers for a record the native table marked "ask". */
export type Verdict = { readonly kind: 'continue' } | { readonly kind: 'errno'; readonly errno: number } | { readonly kind: 'kill' };

export const ANSWER_CONTINUE = 0;
export const ANSWER_ASK = 1;
/** include/uapi/linux/seccomp.h SECCOMP_USER_NOTIF_FLAG_CONTINUE. */
const FLAG_CONTINUE = 1;
const SIGSYS = 31, SIGKILL = 9;
const ENOSYS = 38;
const BATCH = 4096;

export interface AnswerTable {
  /** AUDIT_ARCH the table is indexed for (nr 0..table.length-1). */
  readonly arch: number;
  /** Per nr: ANSWER_CONTINUE (native thread continues at once) or ANSWER_ASK (JS decides). */
  readonly answers: Uint8Array;
  /** Answer for any other (arch, nr). */
  readonly other: 0 | 1;
}
export interface SuperviseOptions extends SpawnRequest {
  readonly table: AnswerTable;
  /** Decides records the table marked ANSWER_ASK. Never return 'continue' for a deny (TOCTOU: CONTINUE is not a security decision). */
  readonly decide: (rec: NotifyRecord) => Verdict;
  /** Every record in arrival order, in batches. */
  readonly onRecords: (recs: readonly NotifyRecord[]) => void;
  /** Ring capacity in records (default 65536); overflow of answered records is counted in `lost`. */
  readonly capacity?: number;
}
export interface SuperviseResult {
  readonly exit: NativeExit;
  /** As a shell reports it: the exit code, or 128 + signal. */
  readonly status: number;
  readonly received: number;
  readonly lost: number;
  /** A failure of the child before exec (bad cwd, seccomp install, execve). */
  readonly spawnError?: SeccompTraceError;
  /** The notifier thread stopped on an unexpected errno (the target then gets ENOSYS: fail closed). */
  readonly fatal?: SeccompTraceError;
}

export function shellStatus(e: NativeExit): number {
  return e.exited ? e.code : 128 + e.code;
}

function answer(listenerFd: number, rec: NotifyRecord, v: Verdict, sigsysSent: Set<number>): void {
  const a = native();
  switch (v.kind) {
    case 'continue':
      a.notifySend(listenerFd, rec.id, 0, 0n, FLAG_CONTINUE);
      return;
    case 'errno':
      a.notifySend(listenerFd, rec.id, -v.errno, 0n, 0);
      return;
    case 'kill': {
      // SIGSYS as the kernel's kill would (exit 159); a task that survives it (handler, blocked
      // signal) and comes back gets SIGKILL. The syscall is never continued: answer ENOSYS in case
      // the signal did not interrupt the wait.
      const again = sigsysSent.has(rec.pid);
      sigsysSent.add(rec.pid);
      try {
        process.kill(rec.pid, again ? SIGKILL : SIGSYS);
      } catch {
        // already gone
      }
      a.notifySend(listenerFd, rec.id, -ENOSYS, 0n, 0);
      return;
    }
  }
}

/** Runs the program to completion under the filters; resolves when every task using the filter is gone. */
export function supervise(o: SuperviseOptions): Promise<SuperviseResult> {
  const sp = spawnFiltered(o);
  const spawnErr = readSpawnFailure(o.command, sp.errFd);
  const closeAll = (): void => {
    callNative('supervisor', (a) => {
      if (sp.listenerFd >= 0) a.closeFd(sp.listenerFd);
      a.closeFd(sp.pidfd);
    });
  };
  if (sp.listenerFd < 0) {
    return new Promise((resolve) => {
      const t = setInterval(() => {
        const e = callNative('supervisor', (a) => a.waitExit(sp.pidfd, 1));
        if (e === undefined) return;
        clearInterval(t);
        closeAll();
        void spawnErr.then((se) => resolve({ exit: e, status: shellStatus(e), received: 0, lost: 0, ...(se === undefined ? {} : { spawnError: se }) }));
      }, 5);
    });
  }
  return new Promise((resolve, reject) => {
    const sigsysSent = new Set<number>();
    let handle: NotifierHandle | undefined;
    let done = false;
    const onReady = (): void => {
      if (handle === undefined || done) return;
      try {
        const a = native();
        for (;;) {
          const d = a.notifyDrain(handle, BATCH);
          const recs = decodeNotifyRecords(d.records, d.count);
          for (const r of recs) if (!r.answered) answer(sp.listenerFd, r, o.decide(r), sigsysSent);
          if (recs.length > 0) o.onRecords(recs);
          if (recs.length === BATCH) continue;
          if (!d.finished) return;
          done = true;
          a.notifyStop(handle);
          closeAll();
          const exit = d.exit ?? { exited: false, code: SIGKILL };
          const fatal = d.fatalErrno === 0 ? undefined : new SeccompTraceError({ code: 'linux/notify-failed', message: 'the notification loop stopped', errno: hostErrnoName(d.fatalErrno) });
          void spawnErr.then((se) =>
            resolve({ exit, status: shellStatus(exit), received: d.received, lost: d.lost, ...(se === undefined ? {} : { spawnError: se }), ...(fatal === undefined ? {} : { fatal }) }),
          );
          return;
        }
      } catch (e) {
        done = true;
        if (handle !== undefined) native().notifyStop(handle);
        reject(e);
      }
    };
    handle = callNative('supervisor', (a) =>
      a.notifyStart({ listenerFd: sp.listenerFd, pidfd: sp.pidfd, table: o.table.answers, tableArch: o.table.arch, other: o.table.other, capacity: o.capacity ?? 65536, onReady }),
    );
  });
}
