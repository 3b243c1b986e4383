/** @module `seccomptrace run`: run a program under a profile and report its seccomp events (USER_NOTIF supervisor, or RET_LOG + audit). */

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { ACTIONS, behaviour, formatAction, type ActionName } from '../../abi/actions.js';
import { abiOf } from '../../abi/arch.js';
import { syscallName } from '../../abi/syscalls.js';
import { FLAG_LOG, FLAG_NEW_LISTENER } from '../../engine/filter-flags.js';
import { fail } from '../../errors.js';
import { ARG_NAMES } from '../../policy/policy-names.js';
import { AUDIT_ARCH_X86_64, attributeSyscall, lowerPlan, planFromProfile, type Attribution, type RunPlan } from '../../linux/supervisor-plan.js';
import { ANSWER_ASK, supervise, type AnswerTable, type Verdict } from '../../linux/supervisor.js';
import { stackRun } from '../../linux/supervisor-stack.js';
import { makeSeccompData, type SeccompData } from '../../abi/seccomp-data.js';
import { decodeProgram, encodeProgram } from '../../bpf/insn-codec.js';
import { DEFAULT_ACTIONS_LOGGED } from '../../engine/actions-logged.js';
import { loadStackTarget } from './sim-target.js';
import { runViaKernel, type KernelEvent } from '../../linux/supervisor-kernel.js';
import { parseVerbArgs } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { readProfile } from './compile.js';

const USAGE = `usage: seccomptrace run [--policy PROFILE] [--complain] [--mode linux|proposed] [--via notify|kernel]
                        [--log-actions LIST] [--json FILE] [--quiet] -- CMD [ARGS…]

Runs CMD under PROFILE (OCI/Docker JSON, a policy-language file, 'docker-default', or with
--mode proposed a STACK.json as sim takes it) and reports every
syscall the profile logs or denies, on stderr (strace-like) and with --json as JSON lines.
Without --policy: complain mode over docker-default (logs what Docker's default would deny).
  --complain        every deny becomes log-and-allow; the summary lists what would be denied
  --mode proposed   the policy may use log(TAG) side actions (log-and-allow with an 8-bit tag)
  --via notify      (default, no privilege) USER_NOTIF supervisor; --via kernel: RET_LOG read from audit (root)
  --log-actions L   which denials to report, actions_logged names (default: all but allow)
Exit status: CMD's, or 128+signal when it was killed.

Safety: a deny stays a deny unless --complain. USER_NOTIF's CONTINUE is used only to let a
syscall the policy allows (or that complain mode lets through) run after it was logged; it is never
a security decision: the kernel re-reads pointer arguments after the supervisor looked, so another
thread can change them (TOCTOU, include/uapi/linux/seccomp.h). Denials and argument checks are
decided in the kernel filter. If the supervisor dies, notified syscalls fail with ENOSYS.
Logged arguments of pointer type are addresses, not the memory they point to.`;

const DOCKER_DEFAULT = 'docker-default';
const ENOSYS = 38; // what a USER_NOTIF with no listener returns (kernel/seccomp.c)

function loadPlan(policy: string, io: CliIo): { plan: RunPlan; name: string } {
  const { text, shown, builtin } = readProfile(policy, io); // as compile/sim/logs read a PROFILE
  const { plan, warnings } = planFromProfile(text, shown);
  // The bundled profile's quirks (e.g. MASKED_EQ without valueTwo) are Docker's, not the user's: not repeated every run.
  if (!builtin) for (const w of warnings) io.stderr(`seccomptrace run: ${w}\n`);
  return { plan, name: shown };
}

function parseLogActions(list: string | undefined): Set<ActionName> {
  const all = ACTIONS.map((a) => a.name).filter((n) => n !== 'allow');
  if (list === undefined) return new Set(all);
  const out = new Set<ActionName>();
  for (const w of list.split(/[\s,]+/).filter((x) => x !== '')) {
    const n = all.find((a) => a === w);
    if (n === undefined) throw fail({ code: 'cli/usage', usage: true, where: '--log-actions', message: `unknown action '${w}'`, hint: `use ${all.join(',')}` });
    out.add(n);
  }
  return out;
}

export interface RunEvent {
  readonly pid: number;
  readonly arch: number;
  /** The ABI's libseccomp name (x32 when nr carries the x32 bit), or the AUDIT_ARCH value in hex. */
  readonly archName: string;
  readonly nr: number;
  readonly syscall: string;
  readonly args: readonly bigint[];
  readonly attribution: Attribution;
  readonly timeNs: number;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
/** Small numbers in decimal, -1..-4096 (fds like AT_FDCWD, errors) signed, anything else hex. */
const argText = (v: bigint): string => (v < 4096n ? v.toString() : v >= (1n << 64n) - 4096n ? (v - (1n << 64n)).toString() : hex(v));

/** Named arguments for syscalls whose prototype we know (policy/policy-names.ts), else the non-zero prefix in hex. */
function argList(e: RunEvent): string {
  if (e.args.length === 0) return '…'; // audit records (--via kernel) carry no arguments
  const names = e.arch === AUDIT_ARCH_X86_64 ? ARG_NAMES[e.syscall] : undefined;
  if (names !== undefined) return names.map((n, i) => `${n}=${argText(e.args[i] ?? 0n)}`).join(', ');
  let n = e.args.length;
  while (n > 0 && e.args[n - 1] === 0n) n--;
  return e.args.slice(0, n).map(hex).join(', ');
}

function textLine(e: RunEvent, complain: boolean): string {
  const verb = complain && e.attribution.action !== 'log' ? 'would be' : 'is';
  const tag = e.attribution.tag === undefined ? '' : ` tag ${e.attribution.tag}`;
  return `seccomptrace: [pid ${e.pid}] ${e.syscall}(${argList(e)}) ${verb} ${formatAction(e.attribution.value)} (${e.attribution.rule}${tag})\n`;
}

/** JSON with exact 64-bit integers (bigint printed as digits). */
function jsonLine(e: RunEvent): string {
  const a = e.attribution;
  const fields: [string, string][] = [
    ['pid', String(e.pid)], ['arch', JSON.stringify(e.archName)], ['nr', String(e.nr)], ['syscall', JSON.stringify(e.syscall)],
    ['args', `[${e.args.map((x) => x.toString()).join(',')}]`], ['value', String(a.value >>> 0)], ['action', JSON.stringify(a.action)],
    ['rule', JSON.stringify(a.rule)], ['tag', a.tag === undefined ? 'null' : String(a.tag)], ['timeNs', String(e.timeNs)],
  ];
  return `{${fields.map(([k, v]) => `"${k}":${v}`).join(',')}}\n`;
}

function summary(events: readonly RunEvent[], lost: number, complain: boolean): string {
  const rows = new Map<string, { syscall: string; action: string; rule: string; count: number }>();
  for (const e of events) {
    const key = `${e.syscall}\0${e.attribution.value}\0${e.attribution.rule}`;
    const r = rows.get(key) ?? { syscall: e.syscall, action: formatAction(e.attribution.value), rule: e.attribution.rule, count: 0 };
    r.count++;
    rows.set(key, r);
  }
  const list = [...rows.values()].sort((a, b) => b.count - a.count || a.syscall.localeCompare(b.syscall));
  const head = complain ? 'would be' : 'action';
  const w = Math.max(7, ...list.map((r) => r.syscall.length));
  const aw = Math.max(head.length, ...list.map((r) => r.action.length));
  let s = `seccomptrace: ${events.length} event(s)${lost > 0 ? `, ${lost} LOST` : ''}\n  ${'count'.padStart(6)}  ${'syscall'.padEnd(w)}  ${head.padEnd(aw)}  rule\n`;
  for (const r of list) s += `  ${String(r.count).padStart(6)}  ${r.syscall.padEnd(w)}  ${r.action.padEnd(aw)}  ${r.rule}\n`;
  return s;
}

/** The profile's own flags that make sense for one exec'd task: LOG and SPEC_ALLOW (TSYNC is moot before exec, and EINVAL with NEW_LISTENER). */
function installFlags(plan: RunPlan): number {
  return plan.flags & (FLAG_LOG | FLAG_SPEC_ALLOW);
}
const FLAG_SPEC_ALLOW = 4; // include/uapi/linux/seccomp.h SECCOMP_FILTER_FLAG_SPEC_ALLOW

/** On a terminal, a status line redrawn twice a second for long runs; cleared before each event line. */
function liveCounter(io: CliIo, on: boolean, count: () => number): { clear(): string; stop(): void } {
  if (!on || !io.isTTY) return { clear: () => '', stop: () => undefined };
  const start = Date.now();
  let shown = false;
  const t = setInterval(() => {
    const secs = Math.floor((Date.now() - start) / 1000);
    if (secs < 2) return;
    io.stderr(`\r\x1b[Kseccomptrace: ${count()} event(s), ${secs} s`);
    shown = true;
  }, 500);
  t.unref();
  const clear = (): string => {
    if (!shown) return '';
    shown = false;
    return '\r\x1b[K';
  };
  return {
    clear,
    stop: () => {
      clearInterval(t);
      const c = clear();
      if (c !== '') io.stderr(c);
    },
  };
}

/**
 * An audit record names the action the kernel took (code=, no data) but no arguments: the profile's
 * attribution (made without them) stands when it agrees with the record, or, in complain mode, when
 * the kernel logged (RET_LOG) what the profile would have denied.
 */
function kernelAttribution(plan: RunPlan, e: KernelEvent, complain: boolean): Attribution {
  const a = attributeSyscall(plan, e.arch, e.nr, e.args);
  if ((a.value & 0xffff0000) >>> 0 === e.code || (complain && e.code === 0x7ffc0000)) return a;
  return { value: e.code, action: behaviour(e.code), rule: 'unknown (audit records carry no arguments)' };
}

/** The kernel side and the supervisor's answers for one run, from a profile or a proposed-mode stack. */
interface RunTarget {
  readonly program: Uint8Array;
  readonly flags: number;
  readonly table: AnswerTable;
  decide(d: SeccompData): Verdict;
  attribute(d: SeccompData): Attribution[];
}

function profileTarget(plan: RunPlan, o: { mode: 'linux' | 'proposed'; complain: boolean; logActions: ReadonlySet<ActionName> }): RunTarget {
  const side = lowerPlan(plan, o);
  return {
    program: side.program,
    flags: installFlags(plan),
    table: side.table,
    decide(d) {
      const a = attributeSyscall(plan, d.arch, d.nr, d.args, d.ip);
      if (a.action === 'errno') return { kind: 'errno', errno: a.value & 0xffff };
      if (a.action === 'user_notif') return { kind: 'errno', errno: ENOSYS };
      if (a.action === 'allow' || a.action === 'log') return { kind: 'continue' }; // a deny is never continued: lowerPlan asks only for errno/kill/notify
      return { kind: 'kill' };
    },
    attribute: (d) => [attributeSyscall(plan, d.arch, d.nr, d.args, d.ip)],
  };
}

/** A STACK.json (as `sim --stack` takes it) rather than a profile: a JSON object with a "stack" array. */
function isStackFile(policy: string, io: CliIo): boolean {
  if (!policy.endsWith('.json')) return false;
  try {
    const v = JSON.parse(readFileSync(resolve(io.cwd, policy), 'utf8')) as { stack?: unknown };
    return Array.isArray(v.stack);
  } catch {
    return false;
  }
}

async function stackTarget(file: string, io: CliIo, mode: 'linux' | 'proposed', o: { complain: boolean; logActions: ReadonlySet<ActionName> }): Promise<RunTarget> {
  const t = await loadStackTarget(file, io, () => DEFAULT_ACTIONS_LOGGED);
  if (t.stack.mode !== 'proposed' || mode !== 'proposed') {
    throw fail({ code: 'cli/stack-mode', where: file, message: 'run takes a filter stack in proposed mode only (it is lowered into one kernel filter)', hint: 'set "mode": "proposed" in the file and pass --mode proposed' });
  }
  const raws = t.kernelFilters.map((f, i) => {
    const r = decodeProgram(f.program);
    if (!r.ok) throw r.error.at(`${file}: filter ${i}`);
    return r.value;
  });
  const s = stackRun(raws, t.stack, o);
  return {
    program: encodeProgram(s.program),
    flags: 0,
    table: { arch: AUDIT_ARCH_X86_64, answers: new Uint8Array(1024).fill(ANSWER_ASK), other: ANSWER_ASK },
    decide: (d) => s.decide(d),
    attribute: (d) => s.events(d),
  };
}

export const runCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseVerbArgs('run', {
      args: [...args],
      allowPositionals: true,
      options: {
        policy: { type: 'string' }, complain: { type: 'boolean' }, mode: { type: 'string' }, via: { type: 'string' },
        'log-actions': { type: 'string' }, json: { type: 'string' }, quiet: { type: 'boolean' },
      },
    });
    const [command, ...cmdArgs] = positionals;
    if (command === undefined) throw fail({ code: 'cli/usage', usage: true, message: 'no command to run', hint: 'seccomptrace run [OPTIONS] -- CMD [ARGS…]' });
    const mode = values.mode ?? 'linux';
    if (mode !== 'linux' && mode !== 'proposed') throw fail({ code: 'cli/usage', usage: true, where: '--mode', message: `unknown mode '${mode}'`, hint: 'use linux or proposed' });
    const via = values.via ?? 'notify';
    if (via !== 'notify' && via !== 'kernel') throw fail({ code: 'cli/usage', usage: true, where: '--via', message: `unknown log path '${via}'`, hint: 'use notify or kernel' });
    const complain = values.complain === true || values.policy === undefined;
    const logActions = parseLogActions(values['log-actions']);
    const stackRunner = values.policy !== undefined && isStackFile(values.policy, io) ? await stackTarget(values.policy, io, mode, { complain, logActions }) : undefined;
    const plan = stackRunner === undefined ? loadPlan(values.policy ?? DOCKER_DEFAULT, io).plan : undefined;
    const jsonFd = values.json === undefined ? undefined : openSync(resolve(io.cwd, values.json), 'w');
    const events: RunEvent[] = [];
    const live = liveCounter(io, values.quiet !== true, () => events.length);
    const emit = (e: RunEvent): void => {
      // A syscall notified only so its argument conditions could be checked, and allowed by them.
      if (e.attribution.action === 'allow') return;
      events.push(e);
      if (values.quiet !== true) io.stderr(live.clear() + textLine(e, complain));
      if (jsonFd !== undefined) writeSync(jsonFd, jsonLine(e));
    };
    const eventOf = (x: { pid: number; arch: number; nr: number; args: readonly bigint[]; timeNs: number }, attribution: Attribution): RunEvent => {
      const abi = abiOf(x.arch, x.nr); // named by the record's own ABI, not the host's
      return {
        pid: x.pid, arch: x.arch, nr: x.nr, args: x.args, timeNs: x.timeNs, attribution,
        archName: abi?.name ?? `0x${(x.arch >>> 0).toString(16)}`,
        syscall: (abi === undefined ? undefined : syscallName(abi.name, x.nr)) ?? `syscall_${x.nr}`,
      };
    };
    try {
      let status: number;
      let lost: number;
      let signal: number | undefined;
      if (via === 'kernel') {
        if (plan === undefined) throw fail({ code: 'cli/usage', usage: true, where: '--via kernel', message: 'a proposed-mode stack needs the supervisor', hint: 'use --via notify' });
        const r = await runViaKernel({ command, args: cmdArgs, plan, mode, complain, logActions, onEvent: (e) => emit(eventOf(e, kernelAttribution(plan, e, complain))) });
        status = r.status;
        lost = r.lost;
        signal = r.exit.exited ? undefined : r.exit.code;
      } else {
        const target = plan === undefined ? stackRunner : profileTarget(plan, { mode, complain, logActions });
        if (target === undefined) throw new Error('internal: neither a profile nor a stack');
        const r = await supervise({
          command, args: cmdArgs, cwd: io.cwd, filters: [{ program: target.program, flags: FLAG_NEW_LISTENER | target.flags }], table: target.table,
          decide: (rec) => target.decide(makeSeccompData(rec.nr, rec.arch, rec.args, rec.ip)),
          onRecords: (recs) => {
            for (const x of recs) {
              for (const a of target.attribute(makeSeccompData(x.nr, x.arch, x.args, x.ip))) emit(eventOf(x, a));
            }
          },
        });
        if (r.spawnError !== undefined) throw r.spawnError;
        if (r.fatal !== undefined) io.stderr(`seccomptrace: run: ${r.fatal.format()}; the target's notified syscalls failed with ENOSYS from then on\n`);
        status = r.status;
        lost = r.lost;
        signal = r.exit.exited ? undefined : r.exit.code;
      }
      live.stop();
      if (values.quiet !== true) io.stderr(summary(events, lost, complain));
      // A shell exits 159 after its child died of SIGSYS; only a real death by signal is reported as one.
      if (signal !== undefined && values.quiet !== true) io.stderr(`seccomptrace: ${command} was killed by signal ${signal}\n`);
      return status;
    } finally {
      live.stop();
      if (jsonFd !== undefined) closeSync(jsonFd);
    }
  },
};
