/** @module `sim --kernel`: each case made for real in a probe child on this kernel, reported as far as the kernel lets us see. */

import { X32_SYSCALL_BIT } from '../../abi/arch.js';
import type { SimCase } from '../../engine/cases.js';
import { fail } from '../../errors.js';
import { openAuditReadlog, type AuditReader } from '../../linux/audit-netlink.js';
import { probe, type ProbeAbi, type ProbeOutcome } from '../../linux/probe.js';
import { caseText } from './sim-format.js';

/** What the kernel made visible for one case; `log` is absent when the audit multicast could not be read. */
export interface KernelObservation {
  readonly outcome: ProbeOutcome;
  readonly ip: bigint;
  readonly log?: readonly { readonly code: number; readonly sig: number }[];
}

function abiOfCase(c: SimCase): { abi: ProbeAbi; nr: number } {
  if (c.data.ip !== 0n) {
    throw fail({ code: 'cli/kernel-ip', where: c.where, message: 'the kernel run cannot choose the instruction pointer', hint: 'drop "ip" (or --ip) with --kernel; the output shows the ip the filter saw' });
  }
  if (process.arch !== 'x64') {
    throw fail({ code: 'cli/kernel-arch', where: c.where, message: `--kernel runs on x86_64 hosts only (this is ${process.arch})` });
  }
  switch (c.arch.name) {
    case 'x86_64':
      return { abi: 'x86_64', nr: c.nr };
    case 'x86':
      return { abi: 'x86', nr: c.nr };
    case 'x32':
      return { abi: 'x32', nr: (c.nr & ~X32_SYSCALL_BIT) >>> 0 };
    default:
      throw fail({ code: 'cli/kernel-arch', where: c.where, message: `this kernel cannot run ${c.arch.name} syscalls`, hint: 'use x86_64, x86 or x32 cases with --kernel' });
  }
}

/** Records of one probe child: type 1326 with this syscall number and instruction pointer. */
function recordsFor(reader: AuditReader | undefined, nr: number, ip: bigint): KernelObservation['log'] {
  if (reader === undefined) return undefined;
  const out: { code: number; sig: number }[] = [];
  for (const m of reader.read(100)) {
    if (m.type !== 1326) continue;
    const f = (k: string): string | undefined => new RegExp(`(?:^| )${k}=(\\S+)`).exec(m.text)?.[1];
    if (f('syscall') !== String(nr) || f('ip') !== `0x${ip.toString(16)}`) continue;
    out.push({ code: Number(f('code') ?? 'NaN'), sig: Number(f('sig') ?? 'NaN') });
  }
  return out;
}

export function observe(filters: readonly { program: Uint8Array; flags: number }[], c: SimCase, reader: AuditReader | undefined): KernelObservation {
  const { abi, nr } = abiOfCase(c);
  const r = probe({ filters, syscall: { nr, args: c.data.args, abi } });
  const bad = r.installs.findIndex((i) => i.errno !== 0);
  if (bad !== -1 || r.outcome === undefined || r.outcome.kind === 'skipped') {
    throw fail({ code: 'cli/kernel-refused', where: `filter ${bad}`, message: `the kernel refused to install the filter (errno ${r.installs[bad]?.errno ?? '?'})` });
  }
  const log = recordsFor(reader, c.nr, r.ip);
  return { outcome: r.outcome, ip: r.ip, ...(log === undefined ? {} : { log }) };
}

function outcomeJson(o: ProbeOutcome): Record<string, unknown> {
  switch (o.kind) {
    case 'returned': {
      const v = o.value;
      return { outcome: 'returned', return: Number(v), ...(v < 0n && v >= -4095n ? { errno: Number(-v) } : {}) };
    }
    case 'trap':
      return { outcome: 'trap', action: 'trap', data: o.siErrno, syscall: o.siSyscall, arch: o.siArch };
    case 'killed':
      return { outcome: 'killed', signal: o.signal, thread: o.thread };
    case 'skipped':
      return { outcome: 'skipped' };
  }
}

/** One output line a case, in order. */
export function runOnKernel(filters: readonly { program: Uint8Array; flags: number }[], cases: readonly SimCase[], json: boolean): string[] {
  let reader: AuditReader | undefined;
  try {
    reader = openAuditReadlog();
  } catch {
    reader = undefined; // no CAP_AUDIT_READ: outcomes only
  }
  try {
    return cases.map((c) => {
      const ob = observe(filters, c, reader);
      const o: Record<string, unknown> = { ...outcomeJson(ob.outcome), ip: `0x${ob.ip.toString(16)}`, ...(ob.log === undefined ? {} : { log: ob.log.map((l) => ({ ret: l.code, sig: l.sig, to: 'system' })) }) };
      if (json) return JSON.stringify(o);
      const { outcome, ...rest } = o;
      return `${caseText(c)} → kernel: ${String(outcome)} ${Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`;
    });
  } finally {
    reader?.close();
  }
}
