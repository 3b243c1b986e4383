/** @module `run --via kernel`: RET_LOG in the kernel filter (+ FLAG_LOG), records read back from the audit multicast group (root). */

import { readFileSync } from 'node:fs';
import type { ActionName } from '../abi/actions.js';
import { FLAG_LOG } from '../engine/filter-flags.js';
import { SeccompTraceError } from '../errors.js';
import { AUDIT_SECCOMP, openAuditReadlog, type AuditReader } from './audit-netlink.js';
import { callNative, type NativeExit } from './native.js';
import { readSpawnFailure, spawnFiltered } from './spawn.js';
import { shellStatus } from './supervisor.js';
import { lowerPlan, type RunPlan } from './supervisor-plan.js';

/** Audit records carry no arguments: args is empty; code is the record's action (no data bits). */
export interface KernelEvent { readonly pid: number; readonly arch: number; readonly nr: number; readonly args: readonly bigint[]; readonly timeNs: number; readonly code: number }
export interface KernelRunOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly plan: RunPlan;
  readonly mode: 'linux' | 'proposed';
  readonly complain: boolean;
  readonly logActions: ReadonlySet<ActionName>;
  readonly onEvent: (e: KernelEvent) => void;
}


/** `audit(SEC.MSEC:SERIAL): … pid=P … arch=HEX syscall=N …` (kernel-semantics §3.6). */
function parse1326(text: string): KernelEvent | undefined {
  const m = /^audit\((\d+)\.(\d+):\d+\):.* pid=(\d+) .* arch=([0-9a-f]+) syscall=(-?\d+) .* code=0x([0-9a-f]+)$/.exec(text);
  if (m === null) return undefined;
  return { timeNs: Number(m[1]) * 1e9 + Number(m[2]) * 1e6, pid: Number(m[3]), arch: parseInt(m[4] ?? '0', 16), nr: Number(m[5]), args: [], code: parseInt(m[6] ?? '0', 16) >>> 0 };
}

function parentOf(pid: number): number | undefined {
  try {
    const m = /\nPPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/**
 * Whether a record's pid belongs to the target's tree. Records carry no ppid: a process that is
 * already gone cannot be checked and is kept (other processes' RET_LOG records may then slip in).
 */
function inTree(pid: number, known: Set<number>): boolean {
  let p: number | undefined = pid;
  for (let i = 0; i < 64 && p !== undefined && p > 1; i++) {
    if (known.has(p)) {
      known.add(pid);
      return true;
    }
    p = parentOf(p);
  }
  return p === undefined;
}

function openReader(): AuditReader {
  try {
    return openAuditReadlog();
  } catch (e) {
    throw new SeccompTraceError({ code: 'linux/run-kernel', message: 'cannot read the audit multicast group', hint: 'run as root (CAP_AUDIT_READ) or use --via notify', cause: e });
  }
}

export async function runViaKernel(o: KernelRunOptions): Promise<{ exit: NativeExit; status: number; lost: number }> {
  const side = lowerPlan(o.plan, { mode: o.mode, complain: o.complain, logActions: o.logActions, kernelLog: true });
  const reader = openReader();
  try {
    reader.read(0);
    const sp = spawnFiltered({ command: o.command, args: o.args, filters: [{ program: side.program, flags: FLAG_LOG }] });
    const spawnErr = readSpawnFailure(o.command, sp.errFd);
    const known = new Set<number>([sp.pid]);
    const take = (ms: number): void => {
      for (const m of reader.read(ms)) {
        if (m.type !== AUDIT_SECCOMP) continue;
        const e = parse1326(m.text);
        if (e !== undefined && inTree(e.pid, known)) o.onEvent(e);
      }
    };
    for (;;) {
      take(10);
      const ex = callNative('kernel run', (a) => a.waitExit(sp.pidfd, 1));
      if (ex !== undefined) {
        take(100); // audit_log_end sends synchronously; collect the tail still queued
        callNative('kernel run', (a) => a.closeFd(sp.pidfd));
        const se = await spawnErr;
        if (se !== undefined) throw se;
        return { exit: ex, status: shellStatus(ex), lost: reader.overruns };
      }
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    reader.close();
  }
}
