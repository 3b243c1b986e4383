/**
 * @module What `run` asks of the kernel and of the supervisor: the compiled profile (src/policy) with
 * its return values lowered (log paths and complain-mode denials → USER_NOTIF or RET_LOG), the native
 * answer table per syscall, and attribution of each notified syscall to its rule.
 */

import { release } from 'node:os';
import { ACTIONS, behaviour, formatAction, isSideAction, type ActionName } from '../abi/actions.js';
import { makeSeccompData } from '../abi/seccomp-data.js';
import { encodeProgram, type RawInsn } from '../bpf/insn-codec.js';
import { BPF_K, BPF_RET } from '../bpf/opcodes.js';
import { SeccompTraceError } from '../errors.js';
import type { TreeNode } from '../policy/arg-tree.js';
import { attribute, describeAttribution } from '../policy/attribution.js';
import type { CompiledProfile } from '../policy/compile.js';
import { compileProfile } from '../policy/load-profile.js';
import { DOCKER_DEFAULT_CAPS } from '../policy/oci-flatten.js';
import { ANSWER_ASK, ANSWER_CONTINUE, type AnswerTable } from './supervisor.js';

export const AUDIT_ARCH_X86_64 = 0xc000003e;
const USER_NOTIF = 0x7fc00000, LOG = 0x7ffc0000, ALLOW = 0x7fff0000;

export type RunPlan = CompiledProfile;
export interface Attribution { readonly value: number; readonly action: ActionName; readonly rule: string; readonly tag?: number }
export interface KernelSide { readonly program: Uint8Array; readonly table: AnswerTable }

/**
 * Profile text (OCI/Docker JSON or the policy language) → compiled x86_64 filter, judged against
 * Docker's 14 capabilities and this kernel. Returns the warnings for the caller to print.
 */
export function planFromProfile(text: string, file: string, caps: readonly string[] = DOCKER_DEFAULT_CAPS): { plan: RunPlan; warnings: readonly string[] } {
  const c = compileProfile(text, file, { hostArch: 'x86_64', caps, kernel: release(), allowNotify: true });
  if (!c.ok) throw c.error;
  return { plan: c.value, warnings: c.value.warnings.map((w) => `${w.where}: warning: ${w.message}`) };
}

/** The profile's verdict for one notified syscall and the rule(s) behind it (policy/attribution.ts); a side action `log(TAG)` carries its tag. */
export function attributeSyscall(plan: RunPlan, arch: number, nr: number, args: readonly bigint[], ip = 0n): Attribution {
  const a = attribute(plan, makeSeccompData(nr, arch, args, ip));
  const side = isSideAction(a.value);
  return { value: a.value, action: side ? 'log' : behaviour(a.value), rule: describeAttribution(a), ...(side ? { tag: a.value & 0xff } : {}) };
}

export interface LowerOptions {
  /** proposed: a `log(TAG)` side action (0xff0000TT) is log-and-allow (DESIGN.md, one filter: no other result). */
  readonly mode: 'linux' | 'proposed';
  readonly complain: boolean;
  /** Actions whose syscalls are reported (actions_logged names); `log` rules are always reported. */
  readonly logActions: ReadonlySet<ActionName>;
  /** --via kernel: log paths return RET_LOG (filter installed with FLAG_LOG) instead of USER_NOTIF. */
  readonly kernelLog?: boolean;
}

/**
 * One return value lowered: log-only paths notify (or RET_LOG) and are continued natively; logged
 * errno/kill in enforcing mode are answered by JS (errno, SIGSYS). A deny never becomes an allow
 * unless `complain` says so.
 */
export function lowerAction(value: number, o: LowerOptions): { ret: number; answer: number } {
  const logOnly = o.kernelLog === true ? LOG : USER_NOTIF;
  if (isSideAction(value)) {
    if (o.mode !== 'proposed') {
      throw new SeccompTraceError({ code: 'linux/run-side-action', message: `the profile returns the side action 0x${(value >>> 0).toString(16)} (log(TAG)), which a real kernel runs as kill_process`, hint: 'add --mode proposed' });
    }
    return { ret: logOnly, answer: ANSWER_CONTINUE };
  }
  const a = behaviour(value);
  if (a === 'allow') return { ret: value, answer: ANSWER_CONTINUE };
  if (a === 'log') return { ret: logOnly, answer: ANSWER_CONTINUE };
  if (o.complain) return { ret: o.logActions.has(a) ? logOnly : ALLOW, answer: ANSWER_CONTINUE };
  if (o.kernelLog !== true && (a === 'errno' || a === 'kill_process' || a === 'kill_thread') && o.logActions.has(a)) return { ret: USER_NOTIF, answer: ANSWER_ASK };
  // A `notify` rule: this supervisor is the listener; it answers ENOSYS, as the kernel does when no one listens.
  if (o.kernelLog !== true && a === 'user_notif') return { ret: USER_NOTIF, answer: ANSWER_ASK };
  return { ret: value, answer: ANSWER_CONTINUE };
}

function treeValues(n: TreeNode | undefined, out: Set<number>, seen: Set<TreeNode>): void {
  if (n === undefined || seen.has(n)) return;
  seen.add(n);
  if (n.actT !== undefined) out.add(n.actT);
  if (n.actF !== undefined) out.add(n.actF);
  treeValues(n.nxtT, out, seen);
  treeValues(n.nxtF, out, seen);
  treeValues(n.lvlNxt, out, seen);
}

/** Every value the x86_64 part of the filter can return for nr (tree leaves plus the fall-through default). */
function valuesFor(plan: RunPlan, nr: number): Set<number> {
  const out = new Set<number>();
  const t = plan.tables.find((x) => x.arch.name === 'x86_64');
  const e = t?.entries.get(nr);
  if (e === undefined) out.add(plan.defaultAction);
  else if (e.chains === undefined) out.add(e.action);
  else {
    treeValues(e.chains, out, new Set());
    out.add(plan.defaultAction);
  }
  return out;
}

/** The kernel filter with its `ret` sites lowered, and the native answer table (x86_64 numbers; anything else is asked if any path asks). */
export function lowerPlan(plan: RunPlan, o: LowerOptions): KernelSide {
  const program: RawInsn[] = plan.program.map((insn, pc) => {
    const v = plan.sites[pc];
    if (insn.code !== (BPF_RET | BPF_K) || v === undefined || v < 0) return insn;
    return { ...insn, k: lowerAction(v >>> 0, o).ret >>> 0 };
  });
  const asks = (vals: Iterable<number>): boolean => [...vals].some((v) => lowerAction(v >>> 0, o).answer === ANSWER_ASK);
  const answers = new Uint8Array(1024);
  for (let nr = 0; nr < answers.length; nr++) answers[nr] = asks(valuesFor(plan, nr)) ? ANSWER_ASK : ANSWER_CONTINUE;
  const anyAsk = asks(plan.sites.filter((v) => v >= 0));
  return { program: encodeProgram(program), table: { arch: AUDIT_ARCH_X86_64, answers, other: anyAsk ? ANSWER_ASK : ANSWER_CONTINUE } };
}

/** `ERRNO(1)`, `KILL_PROCESS`… for output. */
export function actionText(v: number): string {
  return formatAction(v);
}

/** The actions_logged names `--log-actions` accepts. */
export const LOGGABLE: readonly ActionName[] = ACTIONS.map((a) => a.name).filter((n) => n !== 'allow');
