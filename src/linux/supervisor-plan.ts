/**
 * @module What `run` asks of the kernel and of the supervisor for an OCI/Docker profile on x86_64:
 * per syscall, decide in the kernel or notify (continue / answer), and attribute each notified
 * syscall to its rule. A stopgap until src/policy's compiler (issue 5) provides policy → BPF; it
 * handles argument conditions only by notification in complain mode.
 */

import { ACTIONS, behaviour, makeAction, precedenceRank, scmpActionName, type ActionName } from '../abi/actions.js';
import { resolveSyscall } from '../abi/syscalls.js';
import { encodeProgram, insn, type RawInsn } from '../bpf/insn-codec.js';
import { SeccompTraceError } from '../errors.js';
import { ANSWER_ASK, ANSWER_CONTINUE, type AnswerTable } from './supervisor.js';

export const AUDIT_ARCH_X86_64 = 0xc000003e;
const USER_NOTIF = 0x7fc00000, LOG = 0x7ffc0000, ALLOW = 0x7fff0000;
/** moby/moby oci/caps/defaults.go: the 14 capabilities Docker grants by default. */
export const DOCKER_DEFAULT_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];
/** Names an OCI profile may use for this host (runc's arch names: amd64 = x86_64). */
const HOST_ARCHES = ['amd64', 'x86_64', 'SCMP_ARCH_X86_64'];

export type CondOp = 'ne' | 'lt' | 'le' | 'eq' | 'ge' | 'gt' | 'masked_eq';
export interface Cond { readonly index: number; readonly op: CondOp; readonly value: bigint; readonly valueTwo: bigint }
export interface PlanRule {
  /** `#/syscalls/3`: where the rule is in the profile. */
  readonly label: string;
  readonly action: number;
  readonly conds: readonly Cond[];
  readonly tag?: number;
}
export interface RunPlan {
  readonly defaultAction: number;
  /** Rules per x86_64 syscall number, profile order. */
  readonly byNr: ReadonlyMap<number, readonly PlanRule[]>;
}
export interface Attribution { readonly value: number; readonly action: ActionName; readonly rule: string; readonly tag?: number }
export interface KernelSide { readonly program: Uint8Array; readonly table: AnswerTable }

const OPS: Readonly<Record<string, CondOp>> = { SCMP_CMP_NE: 'ne', SCMP_CMP_LT: 'lt', SCMP_CMP_LE: 'le', SCMP_CMP_EQ: 'eq', SCMP_CMP_GE: 'ge', SCMP_CMP_GT: 'gt', SCMP_CMP_MASKED_EQ: 'masked_eq' };

function bad(where: string, message: string, hint?: string): SeccompTraceError {
  return new SeccompTraceError({ code: 'linux/run-profile', where, message, ...(hint === undefined ? {} : { hint }) });
}

function actionOf(v: unknown, errnoRet: unknown, where: string): number {
  const name = typeof v === 'string' ? scmpActionName(v) : undefined;
  if (name === undefined) throw bad(where, `unknown action ${JSON.stringify(v)}`, `use one of ${ACTIONS.map((a) => a.scmp).join(', ')}`);
  const data = typeof errnoRet === 'number' ? errnoRet : name === 'errno' ? 1 : 0; // runc: errno defaults to EPERM
  return makeAction(name, data);
}

function filterApplies(f: unknown, caps: readonly string[]): boolean {
  if (f === undefined || f === null || typeof f !== 'object') return true;
  const o = f as { caps?: unknown; arches?: unknown };
  const capsOk = !Array.isArray(o.caps) || o.caps.every((c) => caps.includes(String(c)));
  const archOk = !Array.isArray(o.arches) || o.arches.some((a) => HOST_ARCHES.includes(String(a)));
  return capsOk && archOk;
}
function excluded(f: unknown, caps: readonly string[]): boolean {
  if (f === undefined || f === null || typeof f !== 'object') return false;
  const o = f as { caps?: unknown; arches?: unknown };
  return (Array.isArray(o.caps) && o.caps.some((c) => caps.includes(String(c)))) || (Array.isArray(o.arches) && o.arches.some((a) => HOST_ARCHES.includes(String(a))));
}

/** OCI seccomp JSON → plan for x86_64 with the given capabilities (Docker's 14 by default). */
export function planFromOci(text: string, file: string, caps: readonly string[] = DOCKER_DEFAULT_CAPS): RunPlan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(file, `not JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object') throw bad(file, 'a seccomp profile is a JSON object');
  const p = doc as { defaultAction?: unknown; defaultErrnoRet?: unknown; syscalls?: unknown };
  const defaultAction = actionOf(p.defaultAction, p.defaultErrnoRet, `${file}: #/defaultAction`);
  const byNr = new Map<number, PlanRule[]>();
  const list = Array.isArray(p.syscalls) ? p.syscalls : [];
  list.forEach((s: unknown, i) => {
    const where = `${file}: #/syscalls/${i}`;
    const r = s as { names?: unknown; name?: unknown; action?: unknown; errnoRet?: unknown; args?: unknown; includes?: unknown; excludes?: unknown };
    if (!filterApplies(r.includes, caps) || excluded(r.excludes, caps)) return;
    const action = actionOf(r.action, r.errnoRet, `${where}/action`);
    const conds: Cond[] = (Array.isArray(r.args) ? r.args : []).map((a: unknown, j) => {
      const c = a as { index?: unknown; op?: unknown; value?: unknown; valueTwo?: unknown };
      const op = OPS[String(c.op)];
      if (op === undefined || typeof c.index !== 'number' || c.index < 0 || c.index > 5) throw bad(`${where}/args/${j}`, `bad argument condition ${JSON.stringify(a)}`);
      return { index: c.index, op, value: BigInt(Number(c.value ?? 0)), valueTwo: BigInt(Number(c.valueTwo ?? 0)) };
    });
    const names = Array.isArray(r.names) ? r.names.map(String) : typeof r.name === 'string' ? [r.name] : [];
    for (const n of names) {
      const nr = resolveSyscall('x86_64', n);
      if (nr === undefined) continue; // runc ignores names unknown on this arch
      const rules = byNr.get(nr) ?? [];
      rules.push({ label: `#/syscalls/${i}`, action, conds });
      byNr.set(nr, rules);
    }
  });
  return { defaultAction, byNr };
}

function condHolds(c: Cond, args: readonly bigint[]): boolean {
  const a = args[c.index] ?? 0n;
  switch (c.op) {
    case 'ne': return a !== c.value;
    case 'lt': return a < c.value;
    case 'le': return a <= c.value;
    case 'eq': return a === c.value;
    case 'ge': return a >= c.value;
    case 'gt': return a > c.value;
    case 'masked_eq': return (a & c.value) === c.valueTwo;
  }
}

/** The profile's verdict for one syscall: among matching rules the most restrictive wins (as the kernel picks among filters). */
export function attribute(plan: RunPlan, arch: number, nr: number, args: readonly bigint[]): Attribution {
  let best: PlanRule | undefined;
  if (arch === AUDIT_ARCH_X86_64) {
    for (const r of plan.byNr.get(nr) ?? []) {
      if (!r.conds.every((c) => condHolds(c, args))) continue;
      if (best === undefined || precedenceRank(r.action) < precedenceRank(best.action)) best = r;
    }
  }
  const value = best?.action ?? plan.defaultAction;
  return { value, action: behaviour(value), rule: best?.label ?? '#/defaultAction', ...(best?.tag === undefined ? {} : { tag: best.tag }) };
}

export interface LowerOptions {
  readonly complain: boolean;
  /** Actions whose syscalls are reported (actions_logged names); `log` rules are always reported. */
  readonly logActions: ReadonlySet<ActionName>;
  /** --via kernel: log paths return RET_LOG (filter installed with FLAG_LOG) instead of USER_NOTIF. */
  readonly kernelLog?: boolean;
}

/** Per-syscall kernel return value and native answer: log-only paths continue at once; logged errno/kill are answered by JS. */
function lowerAction(value: number, o: LowerOptions): { ret: number; answer: number } {
  const a = behaviour(value);
  const logOnly = o.kernelLog === true ? LOG : USER_NOTIF;
  if (a === 'allow') return { ret: ALLOW, answer: ANSWER_CONTINUE };
  if (a === 'log') return { ret: logOnly, answer: ANSWER_CONTINUE };
  if (o.complain) return { ret: o.logActions.has(a) ? logOnly : ALLOW, answer: ANSWER_CONTINUE };
  // Enforcing: a deny stays a deny. errno/kill that must be reported through USER_NOTIF are
  // answered by the supervisor (errno, or SIGSYS); anything else is decided by the kernel as
  // written (with --via kernel, FLAG_LOG makes the kernel log it).
  if (o.kernelLog !== true && (a === 'errno' || a === 'kill_process' || a === 'kill_thread') && o.logActions.has(a)) return { ret: USER_NOTIF, answer: ANSWER_ASK };
  return { ret: value, answer: ANSWER_CONTINUE };
}

/** The kernel filter (x86_64; other arches and x32 get the default action's treatment) and the native answer table. */
export function lowerPlan(plan: RunPlan, o: LowerOptions): KernelSide {
  const answers = new Uint8Array(1024).fill(ANSWER_ASK);
  const dflt = lowerAction(plan.defaultAction, o);
  const verdicts = new Map<number, number>();
  for (let nr = 0; nr < 1024; nr++) {
    const rules = plan.byNr.get(nr);
    let l = dflt;
    if (rules !== undefined && rules.some((r) => r.conds.length > 0)) {
      if (!o.complain) {
        throw new SeccompTraceError({ code: 'linux/run-needs-compiler', message: `${rules[0]?.label ?? ''}: rules with argument conditions need the policy compiler, which this build lacks`, hint: 'use --complain (conditions are then checked by the supervisor)' });
      }
      l = { ret: o.kernelLog === true ? LOG : USER_NOTIF, answer: ANSWER_CONTINUE };
    } else if (rules !== undefined) {
      const strictest = rules.reduce((b, r) => (precedenceRank(r.action) < precedenceRank(b) ? r.action : b), rules[0]?.action ?? plan.defaultAction);
      l = lowerAction(strictest, o);
    }
    answers[nr] = l.answer;
    if (l.ret !== dflt.ret) verdicts.set(nr, l.ret);
  }
  return { program: encodeProgram(searchProgram(verdicts, dflt.ret)), table: { arch: AUDIT_ARCH_X86_64, answers, other: dflt.answer as 0 | 1 } };
}

const LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, JA = 0x05, RET_K = 0x06;

/** arch check, then a binary search on nr over the exceptions; kernel-semantics §1 offsets (nr 0, arch 4). */
function searchProgram(verdicts: ReadonlyMap<number, number>, dflt: number): RawInsn[] {
  const entries = [...verdicts].sort((a, b) => a[0] - b[0]);
  const out: RawInsn[] = [insn(LD_W_ABS, 4), insn(JEQ_K, AUDIT_ARCH_X86_64, 1, 0), insn(RET_K, dflt), insn(LD_W_ABS, 0), insn(JGE_K, 0x40000000, 0, 1), insn(RET_K, dflt)];
  const emit = (lo: number, hi: number): void => {
    if (hi - lo <= 4) {
      for (let i = lo; i < hi; i++) {
        const e = entries[i];
        if (e !== undefined) out.push(insn(JEQ_K, e[0], 0, 1), insn(RET_K, e[1]));
      }
      out.push(insn(RET_K, dflt));
      return;
    }
    const mid = (lo + hi) >> 1;
    const at = out.length;
    out.push(insn(JGE_K, entries[mid]?.[0] ?? 0, 0, 1), insn(JA, 0)); // jt → the JA to the upper half
    emit(lo, mid);
    const ja = out[at + 1];
    if (ja !== undefined) out[at + 1] = { ...ja, k: out.length - (at + 2) };
    emit(mid, hi);
  };
  emit(0, entries.length);
  return out;
}
