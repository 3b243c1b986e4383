/**
 * @module What `run` asks of the kernel and of the supervisor: the compiled profile (src/policy) with
 * its return values lowered (log paths and complain-mode denials → USER_NOTIF or RET_LOG), the native
 * answer table per syscall, and attribution of each notified syscall to its rule.
 */

import { release } from 'node:os';
import { ACTIONS, behaviour, formatAction, type ActionName } from '../abi/actions.js';
import { makeSeccompData } from '../abi/seccomp-data.js';
import { encodeProgram, type RawInsn } from '../bpf/insn-codec.js';
import { BPF_K, BPF_RET } from '../bpf/opcodes.js';
import type { SeccompTraceError } from '../errors.js';
import type { TreeNode } from '../policy/arg-tree.js';
import { attribute, describeAttribution } from '../policy/attribution.js';
import { compile, type CompiledProfile } from '../policy/compile.js';
import { DOCKER_DEFAULT_CAPS, flattenOci } from '../policy/oci-flatten.js';
import { parseOciProfile } from '../policy/oci-profile.js';
import { ANSWER_ASK, ANSWER_CONTINUE, type AnswerTable } from './supervisor.js';

export const AUDIT_ARCH_X86_64 = 0xc000003e;
const USER_NOTIF = 0x7fc00000, LOG = 0x7ffc0000, ALLOW = 0x7fff0000;

export type RunPlan = CompiledProfile;
export interface Attribution { readonly value: number; readonly action: ActionName; readonly rule: string; readonly tag?: number }
export interface KernelSide { readonly program: Uint8Array; readonly table: AnswerTable }

/** OCI/Docker profile text → compiled x86_64 filter, judged against Docker's 14 capabilities and this kernel. */
export function planFromOci(text: string, file: string, caps: readonly string[] = DOCKER_DEFAULT_CAPS): RunPlan {
  const throwAt = (e: SeccompTraceError): never => {
    throw e.where !== undefined && e.where.startsWith(file) ? e : e.at(file);
  };
  const o = parseOciProfile(text);
  if (!o.ok) return throwAt(o.error);
  const f = flattenOci(o.value, { hostArch: 'x86_64', caps, kernel: release() });
  if (!f.ok) return throwAt(f.error);
  const c = compile(f.value.policy, { hostArch: 'x86_64' });
  if (!c.ok) return throwAt(c.error);
  return c.value;
}

/** The profile's verdict for one notified syscall and the rule(s) behind it (policy/attribution.ts). */
export function attributeSyscall(plan: RunPlan, arch: number, nr: number, args: readonly bigint[], ip = 0n): Attribution {
  const a = attribute(plan, makeSeccompData(nr, arch, args, ip));
  return { value: a.value, action: behaviour(a.value), rule: describeAttribution(a) };
}

export interface LowerOptions {
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
  const a = behaviour(value);
  const logOnly = o.kernelLog === true ? LOG : USER_NOTIF;
  if (a === 'allow') return { ret: value, answer: ANSWER_CONTINUE };
  if (a === 'log') return { ret: logOnly, answer: ANSWER_CONTINUE };
  if (o.complain) return { ret: o.logActions.has(a) ? logOnly : ALLOW, answer: ANSWER_CONTINUE };
  if (o.kernelLog !== true && (a === 'errno' || a === 'kill_process' || a === 'kill_thread') && o.logActions.has(a)) return { ret: USER_NOTIF, answer: ANSWER_ASK };
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
