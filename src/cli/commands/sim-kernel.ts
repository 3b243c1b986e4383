/** @module `sim --kernel`: each case made for real in a probe child on this kernel, reported as far as the kernel lets us see. */

import { makeAction, type ActionName } from '../../abi/actions.js';
import { X32_SYSCALL_BIT } from '../../abi/arch.js';
import { OFFSETS } from '../../abi/seccomp-data.js';
import { encodeProgram, insn } from '../../bpf/insn-codec.js';
import { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../../bpf/opcodes.js';
import { isLogged } from '../../engine/actions-logged.js';
import { FLAG_LOG } from '../../engine/filter-flags.js';
import type { SimCase } from '../../engine/cases.js';
import { parseAuditLine, type Fields } from '../../events/audit-line.js';
import { fail, SeccompTraceError } from '../../errors.js';
import { AUDIT_SECCOMP, openAuditReadlog, type AuditReader } from '../../linux/audit-netlink.js';
import { probe, type ProbeAbi, type ProbeOutcome } from '../../linux/probe.js';
import { readActionsLogged } from '../../linux/sysctl.js';
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

/** The syscall number of the marker probe: no ABI has it, so a record naming it is the marker's. */
const MARK_NR = 999_999;
/** How long the marker's record may take to arrive before the case's log is called incomplete. */
const MARK_WAIT_MS = 5000;
/** Harmless actions first: the marker must be logged, so it returns one that actions_logged holds. */
const MARK_ACTIONS: readonly ActionName[] = ['log', 'errno', 'trace', 'user_notif', 'trap', 'kill_process', 'kill_thread'];

/** A one-filter program: `action` for syscall `nr`, allow for the rest. */
function markerFilter(nr: number, action: ActionName): Uint8Array {
  return encodeProgram([
    insn(BPF_LD | BPF_W | BPF_ABS, OFFSETS.nr),
    insn(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
    insn(BPF_RET | BPF_K, makeAction(action, action === 'errno' ? 1 : 0)),
    insn(BPF_RET | BPF_K, makeAction('allow')),
  ]);
}


/** The audit multicast reader and the marker action the live actions_logged lets through (undefined: it is empty, nothing is logged). */
interface LogWatch {
  readonly reader: AuditReader;
  readonly action: ActionName | undefined;
}

/**
 * Runs a marker child (its filter returns `action` for syscall `markNr`, with FLAG_LOG so that
 * errno, trap, trace and user_notif are logged too) and returns the fields of the type 1326
 * records that came before the marker's. Records reach the multicast group in the order the
 * kernel made them.
 */
function readUntilMarker(reader: AuditReader, action: ActionName, markNr: number, where: string): Fields[] {
  const overrunsBefore = reader.overruns;
  probe({ filters: [{ program: markerFilter(markNr, action), flags: FLAG_LOG }], syscall: { nr: markNr } });
  const records: Fields[] = [];
  const end = Date.now() + MARK_WAIT_MS;
  for (;;) {
    const left = end - Date.now();
    const batch = left > 0 ? reader.read(left) : [];
    if (batch.length === 0) {
      throw fail({ code: 'cli/kernel-log-incomplete', where, message: `the marker record did not arrive on the audit multicast within ${MARK_WAIT_MS} ms, so the log may be incomplete`, hint: 'check audit_backlog_limit and the kernel log for "audit: backlog limit exceeded"' });
    }
    for (const m of batch) {
      if (m.type !== AUDIT_SECCOMP) continue;
      const p = parseAuditLine(m.text, m.type);
      if (!p.ok) throw p.error.at(`${where}: audit multicast`);
      if (p.value.kind !== 'seccomp') continue;
      if (p.value.fields['syscall'] !== String(markNr)) {
        records.push(p.value.fields);
        continue;
      }
      if (reader.overruns !== overrunsBefore) {
        throw fail({ code: 'cli/kernel-log-incomplete', where, message: 'the kernel dropped audit multicast messages meanwhile (socket overrun), so the log may be incomplete', hint: 'run fewer cases at once or on a quieter system' });
      }
      return records;
    }
  }
}

/** Opens the multicast group and checks once that a marker comes back; else says why records cannot be read here. */
function openLogWatch(): { watch: LogWatch } | { why: string } {
  let reader: AuditReader;
  try {
    reader = openAuditReadlog();
  } catch (e) {
    return { why: `cannot read the audit multicast: ${e instanceof SeccompTraceError ? e.format() : String(e)}` };
  }
  const live = readActionsLogged();
  const action = live.ok ? MARK_ACTIONS.find((a) => isLogged(live.value, a)) : 'log';
  if (action === undefined) return { watch: { reader, action } };
  try {
    readUntilMarker(reader, action, MARK_NR, 'audit multicast');
    return { watch: { reader, action } };
  } catch (e) {
    reader.close();
    return { why: e instanceof SeccompTraceError ? e.format() : String(e) };
  }
}

/**
 * The kernel's records of one probe child: type 1326 with this syscall number and instruction
 * pointer, read up to a marker made after it — no waiting on a guess, and no late record missed.
 * An empty actions_logged logs nothing, so nothing is read. Undefined without a watch.
 */
function recordsFor(watch: LogWatch | undefined, nr: number, ip: bigint, where: string): KernelObservation['log'] {
  if (watch === undefined) return undefined;
  if (watch.action === undefined) return [];
  const mine = readUntilMarker(watch.reader, watch.action, nr === MARK_NR ? MARK_NR + 1 : MARK_NR, where)
    .filter((f) => f['syscall'] === String(nr) && f['ip'] === `0x${ip.toString(16)}`);
  return mine.map((f) => ({ code: Number(f['code']), sig: Number(f['sig']) }));
}

function observe(filters: readonly { program: Uint8Array; flags: number }[], c: SimCase, watch: LogWatch | undefined): KernelObservation {
  const { abi, nr } = abiOfCase(c);
  const r = probe({ filters, syscall: { nr, args: c.data.args, abi } });
  const bad = r.installs.findIndex((i) => i.errno !== 0);
  if (bad !== -1 || r.outcome === undefined || r.outcome.kind === 'skipped') {
    throw fail({ code: 'cli/kernel-refused', where: `filter ${bad}`, message: `the kernel refused to install the filter (errno ${r.installs[bad]?.errno ?? '?'})` });
  }
  const log = recordsFor(watch, c.nr, r.ip, c.where);
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

/** One output line a case, in order; `warn` hears once why there is no "log" when records cannot be read. */
export function runOnKernel(filters: readonly { program: Uint8Array; flags: number }[], cases: readonly SimCase[], json: boolean, warn: (line: string) => void): string[] {
  const opened = openLogWatch();
  if ('why' in opened) warn(`${opened.why}: the kernel's outcomes only, without "log"`);
  const watch = 'watch' in opened ? opened.watch : undefined;
  try {
    return cases.map((c) => {
      const ob = observe(filters, c, watch);
      const o: Record<string, unknown> = { ...outcomeJson(ob.outcome), ip: `0x${ob.ip.toString(16)}`, ...(ob.log === undefined ? {} : { log: ob.log.map((l) => ({ ret: l.code, sig: l.sig, to: 'system' })) }) };
      if (json) return JSON.stringify(o);
      const { outcome, ...rest } = o;
      return `${caseText(c)} → kernel: ${String(outcome)} ${Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`;
    });
  } finally {
    watch?.reader.close();
  }
}
