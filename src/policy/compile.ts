/**
 * @module Policy IR → per-arch libseccomp-equivalent syscall tables → BPF. The one `compile()` every
 * caller uses (CLI compile/sim/run, logs attribution).
 */

import { makeAction } from '../abi/actions.js';
import { archInfo, type ArchInfo, type ArchName } from '../abi/arch.js';
import { multiplexedCall, resolveSyscall, syscallTable } from '../abi/syscalls.js';
import { ARCHES } from '../abi/arch.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import type { RawInsn } from '../bpf/insn-codec.js';
import { BPF_MAXINSNS } from '../bpf/opcodes.js';
import type { ArgCmp, SysEntry } from './arg-tree.js';
import { addRule, type DbFlavour } from './arg-tree-merge.js';
import { generate, type ArchTable } from './codegen.js';
import { FILTER_FLAGS, type ArgCond, type Policy, type PolicyRule, type Warning } from './ir.js';

export interface CompileOptions {
  /** The arch the filter is built on (libseccomp's "native"); always in the filter unless `arches` says otherwise. */
  readonly hostArch: ArchName;
  /** Exactly these arches (overrides the profile's). */
  readonly arches?: readonly ArchName[];
  /** Which libseccomp's merge rules to follow (default 2.6, the current release). */
  readonly flavour?: DbFlavour;
  /** Accept SCMP_ACT_NOTIFY rules (the caller supervises the listener). */
  readonly allowNotify?: boolean;
}

/** What became of each policy rule, for `compile` output and attribution: the rule and its status. */
export interface RuleInfo extends PolicyRule {
  /** 'same-as-default': runc drops it; 'no-syscall': none of its names exists on the filter's arches. */
  readonly status: 'active' | 'same-as-default' | 'no-syscall';
}

export interface CompiledProfile {
  readonly program: RawInsn[];
  /** Per instruction: the returned value at a `ret`, -1 elsewhere. */
  readonly sites: readonly number[];
  readonly rules: readonly RuleInfo[];
  readonly warnings: readonly Warning[];
  /** SECCOMP_FILTER_FLAG_* bits to install with. */
  readonly flags: number;
  readonly arches: readonly ArchName[];
  readonly defaultAction: number;
  readonly badArchAction: number;
  /** The per-arch tables the program was generated from (the reference model for attribution). */
  readonly tables: readonly { readonly arch: ArchInfo; readonly entries: ReadonlyMap<number, SysEntry> }[];
}

/** libseccomp's default bad-arch action: SCMP_ACT_KILL (= KILL_THREAD). */
export const BAD_ARCH_ACTION = makeAction('kill_thread');

const knownAnywhere = new Set<string>();
function isKnownName(name: string): boolean {
  if (knownAnywhere.size === 0) for (const a of ARCHES) for (const e of syscallTable(a.name)) knownAnywhere.add(e.name);
  return knownAnywhere.has(name);
}

/** Arches whose libseccomp rule_add hook drops names they lack instead of filing them (arch-x86.c, arch-s390x.c: abi_rule_add). */
const MUX_ARCHES = new Set<ArchName>(['x86', 's390x']);

const pseudo = new Map<string, number>();
/** A stable negative stand-in for a name an arch lacks (libseccomp's __PNR_* numbers play this role). */
function pseudoNumber(name: string): number {
  let n = pseudo.get(name);
  if (n === undefined) {
    n = -10000 - pseudo.size;
    pseudo.set(name, n);
  }
  return n;
}

function cmps(conds: readonly ArgCond[]): ArgCmp[] {
  // libseccomp db_col_rule_add: MASKED_EQ keeps (mask, datum); other ops compare against all 64 bits.
  return conds.map((c) => (c.op === 'masked_eq' ? { index: c.index, op: c.op, mask: c.value, datum: c.valueTwo } : { index: c.index, op: c.op, mask: (1n << 64n) - 1n, datum: c.value }));
}

function conflict(rule: PolicyRule, name: string, arch: ArchName): SeccompTraceError {
  return fail({
    code: 'policy/rule-conflict',
    message: `rule ${rule.id} (${name}) clashes with an earlier rule for the same condition with another action on ${arch}`,
    where: rule.where,
    errno: 'EEXIST',
    hint: 'libseccomp refuses it and runc fails to start the container; give both rules the same action or different conditions',
  });
}

/** Compiles a policy for the arches in `opts` (or the policy's, or the host's). */
export function compile(policy: Policy, opts: CompileOptions): Result<CompiledProfile, SeccompTraceError> {
  const warnings: Warning[] = [];
  const arches = [...new Set(opts.arches !== undefined ? opts.arches : policy.arches !== undefined && policy.arches.length > 0 ? policy.arches : [opts.hostArch])];
  const flavour = opts.flavour ?? '2.6';
  const notify = policy.rules.find((r) => (r.action & 0xffff0000) >>> 0 === 0x7fc00000);
  if (notify !== undefined && policy.defaultAction >>> 0 === 0x7fc00000) {
    return err(fail({ code: 'policy/notify-default', message: 'SCMP_ACT_NOTIFY cannot be the default action', where: '/defaultAction', hint: 'runc refuses it: the supervisor itself would be stopped; notify specific syscalls instead' }));
  }
  if (notify !== undefined && opts.allowNotify !== true) {
    const lp = policy.listenerPath;
    return err(fail({
      code: 'policy/notify-needs-listener',
      message: `rule ${notify.id} uses SCMP_ACT_NOTIFY, which needs a supervisor on the listener fd${lp === undefined ? ', and the profile has no listenerPath' : ` (runc would send it to '${lp}' and fail to start the container if nothing listens there)`}`,
      where: notify.where,
      hint: lp === undefined ? 'runc refuses NOTIFY without listenerPath; add one, or use another action' : "use 'seccomptrace run' (it supervises notifications), or change the action",
    }));
  }
  // libseccomp system.c sys_chk_seccomp_action(): ERRNO data must be below MAX_ERRNO (4095).
  const badErrno = [{ action: policy.defaultAction, where: 'defaultErrnoRet', id: 0 }, ...policy.rules].find((r) => (r.action & 0xffff0000) >>> 0 === 0x00050000 && (r.action & 0xffff) >= 4095);
  if (badErrno !== undefined) {
    return err(fail({
      code: 'policy/bad-errno',
      message: `${badErrno.id === 0 ? 'the default action' : `rule ${badErrno.id}`} returns errno ${badErrno.action & 0xffff}, but libseccomp accepts only 0..4094`,
      where: badErrno.where,
      errno: 'EINVAL',
      hint: 'runc fails to create the container (seccomp_rule_add: EINVAL); use a real errno number',
    }));
  }
  const tables: { arch: ArchInfo; entries: Map<number, SysEntry> }[] = arches.map((a) => ({ arch: archInfo(a), entries: new Map() }));
  const rules: RuleInfo[] = [];
  for (const r of policy.rules) {
    const info = { id: r.id, names: r.names, action: r.action, conds: r.conds, where: r.where, ...(r.comment === undefined ? {} : { comment: r.comment }) };
    if (r.action >>> 0 === policy.defaultAction >>> 0) {
      rules.push({ ...info, status: 'same-as-default' });
      continue;
    }
    const seen = new Set<number>();
    for (const c of r.conds) {
      if (seen.has(c.index)) {
        return err(fail({ code: 'policy/duplicate-arg', message: `rule ${r.id} compares arg${c.index} twice`, where: r.where, errno: 'EINVAL', hint: 'libseccomp takes one comparison per argument in a rule; write two rules (they are OR-ed)' }));
      }
      seen.add(c.index);
    }
    let placed = false;
    for (const name of r.names) {
      if (!isKnownName(name)) {
        warnings.push({ where: r.where, message: `unknown syscall '${name}' skipped (runc warns and skips names libseccomp does not know)` });
        continue;
      }
      for (const t of tables) {
        const a = t.arch.name;
        const nr = resolveSyscall(a, name);
        const mux = multiplexedCall(a, name);
        const adds: { nr: number; args: ArgCmp[] }[] = [];
        if (mux !== undefined) {
          // libseccomp abi_rule_add: the socketcall/ipc form with arg0 == call replaces any arg0 condition.
          const rest = cmps(r.conds).filter((c) => c.index !== 0);
          adds.push({ nr: mux.via, args: [{ index: 0, op: 'eq', mask: (1n << 64n) - 1n, datum: BigInt(mux.call) }, ...rest] });
        }
        if (nr !== undefined) adds.push({ nr, args: cmps(r.conds) });
        else if (mux === undefined && !MUX_ARCHES.has(a)) {
          // libseccomp still files a name missing on this arch under its negative pseudo number (arch.c
          // arch_filter_rule_add without an arch rule_add hook): it never reaches the BPF
          // (gen_bpf.c _skip_syscall) but can clash (EEXIST) like any other entry.
          adds.push({ nr: pseudoNumber(name), args: cmps(r.conds) });
        }
        for (const x of adds) {
          if (x.nr >= 0) placed = true;
          if (addRule(t.entries, { id: r.id, nr: x.nr, action: r.action, args: x.args }, t.arch.bits, flavour) === 'eexist') return err(conflict(r, name, a));
        }
      }
    }
    rules.push({ ...info, status: placed ? 'active' : 'no-syscall' });
  }
  const archTables: ArchTable[] = tables.map((t) => {
    const nrs = syscallTable(t.arch.name).map((e) => e.nr);
    return { ...t, span: [Math.min(...nrs), Math.max(...nrs)] as const };
  });
  const { insns, sites } = generate({ tables: archTables, defaultAction: policy.defaultAction, badArchAction: BAD_ARCH_ACTION });
  if (insns.length > BPF_MAXINSNS) {
    return err(fail({
      code: 'policy/too-large',
      message: `the filter needs ${insns.length} instructions; the kernel accepts at most ${BPF_MAXINSNS} (BPF_MAXINSNS)`,
      errno: 'EINVAL',
      hint: 'compile fewer arches at a time (--arch), or merge rules that share conditions',
    }));
  }
  let flags = 0;
  for (const f of policy.flags) flags |= FILTER_FLAGS[f];
  return ok({ program: insns, sites, rules, warnings, flags, arches, defaultAction: policy.defaultAction >>> 0, badArchAction: BAD_ARCH_ACTION, tables });
}
