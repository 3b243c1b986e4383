/** @module Writing a policy back out: as policy-language text, or as OCI seccomp JSON with exact 64-bit values. */

import { actionPart, dataPart, isSideAction, knownAction, formatScmp } from '../abi/actions.js';
import { archInfo } from '../abi/arch.js';
import { errnoName } from '../abi/errno.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import type { ArgCond, Policy } from './ir.js';

const OP_TEXT = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;
const OP_SCMP = { eq: 'SCMP_CMP_EQ', ne: 'SCMP_CMP_NE', lt: 'SCMP_CMP_LT', le: 'SCMP_CMP_LE', gt: 'SCMP_CMP_GT', ge: 'SCMP_CMP_GE', masked_eq: 'SCMP_CMP_MASKED_EQ' } as const;

const num = (v: bigint): string => (v > 9n ? `0x${v.toString(16)}` : v.toString());

/** An action as the policy language spells it. */
export function policyActionText(v: number): string {
  if (isSideAction(v)) return `log(${v & 0xff})`;
  const a = knownAction(v);
  const d = dataPart(v);
  switch (a) {
    case 'errno':
      return `errno(${errnoName(d) ?? d})`;
    case 'trace':
      return `trace(${d})`;
    case 'trap':
      return d === 0 ? 'trap' : `trap(${d})`;
    case 'kill_thread':
      return 'kill';
    case 'user_notif':
      return 'notify';
    case undefined:
      return `0x${(v >>> 0).toString(16)}`;
    default:
      return a;
  }
}

function condText(c: ArgCond): string {
  return c.op === 'masked_eq' ? `arg${c.index} & ${num(c.value)} == ${num(c.valueTwo)}` : `arg${c.index} ${OP_TEXT[c.op]} ${num(c.value)}`;
}

/** Policy-language text for a policy (rules in order; each OCI OR-split rule is its own line). */
export function formatPolicy(p: Policy): string {
  const out: string[] = ['# seccomptrace policy (docs/policy.md)', `default ${policyActionText(p.defaultAction)}`];
  if (p.arches !== undefined && p.arches.length > 0) out.push(`arch ${p.arches.join(', ')}`);
  for (const f of p.flags) out.push(`flag ${f.replace('SECCOMP_FILTER_FLAG_', '').toLowerCase()}`);
  for (const r of p.rules) {
    const cond = r.conds.length === 0 ? '' : ` if ${r.conds.map(condText).join(' and ')}`;
    out.push(`${r.names.join(', ')}: ${policyActionText(r.action)}${cond}${r.comment === undefined ? '' : `  # ${r.comment.replace(/\n/g, ' ')}`}`);
  }
  return out.join('\n') + '\n';
}

/** An action as OCI (and the SPO, which copies it) spells it: an SCMP_ACT_ name and, for errno and trace, errnoRet. */
function ociAction(v: number, where: string): Result<{ readonly action: string; readonly errnoRet?: number }, SeccompTraceError> {
  if (isSideAction(v) || knownAction(v) === undefined) {
    return err(fail({ code: 'policy/not-oci', message: `action ${policyActionText(v)} has no OCI spelling`, where, hint: 'OCI profiles have no side actions (log(TAG)); use log, or keep the policy-language file' }));
  }
  const a = knownAction(v)!;
  const action = formatScmp(actionPart(v)).replace(/\(\d+\)$/, '');
  if (a === 'errno' || a === 'trace') return ok({ action, errnoRet: dataPart(v) });
  if (dataPart(v) !== 0) return err(fail({ code: 'policy/not-oci', message: `action ${policyActionText(v)} carries data OCI cannot hold`, where }));
  return ok({ action });
}

/** OCI seccomp JSON for a policy; integers are written exactly (no float rounding). */
export function formatOci(p: Policy): Result<string, SeccompTraceError> {
  const def = ociAction(p.defaultAction, 'default');
  if (!def.ok) return def;
  const lines: string[] = [`{`, `  "defaultAction": "${def.value.action}",${def.value.errnoRet === undefined ? '' : ` "defaultErrnoRet": ${def.value.errnoRet},`}`];
  if (p.arches !== undefined && p.arches.length > 0) lines.push(`  "architectures": [${p.arches.map((a) => `"${archInfo(a).scmp}"`).join(', ')}],`);
  if (p.flags.length > 0) lines.push(`  "flags": [${p.flags.map((f) => `"${f}"`).join(', ')}],`);
  if (p.listenerPath !== undefined) lines.push(`  "listenerPath": ${JSON.stringify(p.listenerPath)},`);
  if (p.listenerMetadata !== undefined) lines.push(`  "listenerMetadata": ${JSON.stringify(p.listenerMetadata)},`);
  const entries: string[] = [];
  for (const r of p.rules) {
    const a = ociAction(r.action, r.where);
    if (!a.ok) return a;
    const args = r.conds.map((c) => `{"index": ${c.index}, "value": ${c.value}, ${c.op === 'masked_eq' ? `"valueTwo": ${c.valueTwo}, ` : ''}"op": "${OP_SCMP[c.op]}"}`);
    const comment = r.comment === undefined ? '' : `, "comment": ${JSON.stringify(r.comment)}`;
    const errnoRet = a.value.errnoRet === undefined ? '' : `, "errnoRet": ${a.value.errnoRet}`;
    entries.push(`    {"names": [${r.names.map((n) => JSON.stringify(n)).join(', ')}], "action": "${a.value.action}"${errnoRet}, "args": [${args.join(', ')}]${comment}}`);
  }
  lines.push(`  "syscalls": [`, entries.join(',\n'), `  ]`, `}`);
  return ok(lines.filter((l) => l !== '').join('\n') + '\n');
}

/**
 * A Kubernetes Security Profiles Operator `SeccompProfile` (security-profiles-operator.x-k8s.io/
 * v1beta1, api/seccompprofile/v1beta1/seccompprofile_types.go) for a policy, as YAML. Its spec has
 * no defaultErrnoRet, so an errno default can only be EPERM (runc's default errno); `errnoRet` of a
 * rule is a string there. The name is quoted: YAML reads a bare `true` or `1e3` as no string.
 */
export function formatSpo(p: Policy, name: string): Result<string, SeccompTraceError> {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
    return err(fail({ code: 'policy/not-spo', message: `'${name}' is not a Kubernetes object name`, hint: 'use lower-case letters, digits, "-" and "." (RFC 1123), at most 253 characters' }));
  }
  const def = ociAction(p.defaultAction, 'default');
  if (!def.ok) return def;
  if (def.value.errnoRet !== undefined && def.value.errnoRet !== 1) {
    return err(fail({ code: 'policy/not-spo', where: 'default', message: `default ${policyActionText(p.defaultAction)}: a SeccompProfile has no defaultErrnoRet, so its errno default is EPERM`, hint: 'use errno(EPERM), or write OCI JSON' }));
  }
  const out = ['apiVersion: security-profiles-operator.x-k8s.io/v1beta1', 'kind: SeccompProfile', 'metadata:', `  name: ${JSON.stringify(name)}`, 'spec:', `  defaultAction: ${def.value.action}`];
  if (p.arches !== undefined && p.arches.length > 0) out.push('  architectures:', ...p.arches.map((a) => `  - ${archInfo(a).scmp}`));
  if (p.flags.length > 0) out.push('  flags:', ...p.flags.map((f) => `  - ${f}`));
  if (p.rules.length > 0) out.push('  syscalls:');
  for (const r of p.rules) {
    const a = ociAction(r.action, r.where);
    if (!a.ok) return a;
    out.push(`  - action: ${a.value.action}`);
    if (a.value.errnoRet !== undefined) out.push(`    errnoRet: "${a.value.errnoRet}"`);
    if (r.conds.length > 0) {
      out.push('    args:');
      for (const c of r.conds) {
        out.push(`    - index: ${c.index}`, `      value: ${c.value}`, ...(c.op === 'masked_eq' ? [`      valueTwo: ${c.valueTwo}`] : []), `      op: ${OP_SCMP[c.op]}`);
      }
    }
    out.push('    names:', ...r.names.map((n) => `    - ${n}`));
  }
  return ok(out.join('\n') + '\n');
}
