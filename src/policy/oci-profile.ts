/**
 * @module Reader for OCI / Docker / Podman seccomp JSON (runtime-spec config-linux.md "seccomp", moby
 * profiles/seccomp types.go, containers/common pkg/seccomp): every field, exact 64-bit values, and
 * errors that name the place (line:col and JSON pointer) and what runc/Docker would do.
 */

import { scmpActionName, makeAction, type ActionName } from '../abi/actions.js';
import { parseArch, type ArchName } from '../abi/arch.js';
import { errnoNumber } from '../abi/errno.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import type { CmpOp } from './arg-tree.js';
import { FILTER_FLAGS, type FilterFlagName, type Warning } from './ir.js';
import { field, parseJson, posText, type JsonValue } from '../json-lossless.js';

export interface OciArg {
  readonly index: number;
  readonly value: bigint;
  /** undefined when absent: runc then passes 0 (Go's zero value). */
  readonly valueTwo: bigint | undefined;
  readonly op: CmpOp;
  readonly where: string;
  readonly ptr: string;
}

export interface OciFilter {
  readonly caps: readonly string[];
  readonly arches: readonly string[];
  readonly minKernel: string | undefined;
}

export interface OciSyscall {
  readonly names: readonly string[];
  readonly action: ActionName;
  readonly errnoRet: number | undefined;
  readonly args: readonly OciArg[];
  readonly includes: OciFilter;
  readonly excludes: OciFilter;
  readonly comment: string | undefined;
  readonly where: string;
}

export interface OciProfile {
  readonly defaultAction: ActionName;
  readonly defaultErrnoRet: number | undefined;
  readonly architectures: readonly OciArch[];
  readonly archMap: readonly { readonly architecture: OciArch; readonly subArchitectures: readonly OciArch[] }[];
  readonly syscalls: readonly OciSyscall[];
  readonly flags: readonly FilterFlagName[];
  readonly listenerPath: string | undefined;
  readonly listenerMetadata: string | undefined;
  readonly warnings: readonly Warning[];
}

const OPS: Readonly<Record<string, CmpOp>> = {
  SCMP_CMP_NE: 'ne', SCMP_CMP_LT: 'lt', SCMP_CMP_LE: 'le', SCMP_CMP_EQ: 'eq', SCMP_CMP_GE: 'ge', SCMP_CMP_GT: 'gt', SCMP_CMP_MASKED_EQ: 'masked_eq',
};
const U64_MAX = (1n << 64n) - 1n;

class Bad extends Error {
  constructor(readonly error: SeccompTraceError) {
    super(error.message);
  }
}

function bad(v: JsonValue, ptr: string, message: string, hint?: string): never {
  throw new Bad(fail({ code: 'policy/bad-profile', message: `${ptr}: ${message}`, where: posText(v.pos), ...(hint === undefined ? {} : { hint }) }));
}

function str(v: JsonValue, ptr: string): string {
  if (v.kind !== 'string') bad(v, ptr, `expected a string, found ${v.kind}`);
  return v.value;
}

function strList(v: JsonValue | undefined, ptr: string): string[] {
  if (v === undefined || v.kind === 'null') return [];
  if (v.kind !== 'array') bad(v, ptr, `expected an array of strings, found ${v.kind}`);
  return v.items.map((x, i) => str(x, `${ptr}/${i}`));
}

function items(v: JsonValue | undefined, ptr: string): readonly JsonValue[] {
  if (v === undefined || v.kind === 'null') return [];
  if (v.kind !== 'array') bad(v, ptr, `expected an array, found ${v.kind}`);
  return v.items;
}

function u64(v: JsonValue, ptr: string): bigint {
  if (v.kind !== 'int') bad(v, ptr, `expected an unsigned integer, found ${v.kind === 'float' ? v.text : v.kind}`, 'values are exact uint64 JSON integers');
  if (v.value < 0n || v.value > U64_MAX) bad(v, ptr, `${v.value} is outside 0..2^64-1`);
  return v.value;
}

function uint(v: JsonValue, ptr: string, max: number): number {
  const n = u64(v, ptr);
  if (n > BigInt(max)) bad(v, ptr, `${n} is larger than ${max}`);
  return Number(n);
}

function action(v: JsonValue, ptr: string): ActionName {
  const s = str(v, ptr);
  const a = scmpActionName(s);
  if (a === undefined) {
    bad(v, ptr, `unknown action '${s}'`, 'runc refuses the profile ("invalid action"); use SCMP_ACT_ALLOW, ERRNO, KILL, KILL_PROCESS, KILL_THREAD, TRAP, TRACE, LOG or NOTIFY');
  }
  return a;
}

/** libseccomp's SCMP_ARCH_* names (include/seccomp.h.in) that have no syscall table here. */
const OTHER_SCMP_ARCHES = new Set(['SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_S390', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV32', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB', 'SCMP_ARCH_SPARC', 'SCMP_ARCH_SPARC64']);

/** An arch name: ours when we have its table, else the SCMP_ARCH_* spelling (usable only in archMap entries for other hosts). */
export type OciArch = ArchName | `SCMP_ARCH_${string}`;

function arch(v: JsonValue, ptr: string): OciArch {
  const s = str(v, ptr);
  const r = parseArch(s);
  if (r.ok) return r.value.name;
  if (OTHER_SCMP_ARCHES.has(s)) return s as OciArch;
  bad(v, ptr, r.error.message, 'runc refuses the profile (libseccomp does not know the arch); use SCMP_ARCH_* names');
}

function errnoField(obj: JsonValue, retKey: string, nameKey: string, ptr: string): number | undefined {
  const r = field(obj, retKey);
  const n = field(obj, nameKey);
  if (r !== undefined && r.kind !== 'null') return uint(r, `${ptr}/${retKey}`, 0xffff);
  if (n !== undefined && n.kind !== 'null') {
    // containers/common: "errno": "ENOSYS" names the errno when errnoRet is absent.
    const name = str(n, `${ptr}/${nameKey}`);
    const nr = errnoNumber(name);
    if (nr === undefined) bad(n, `${ptr}/${nameKey}`, `unknown errno name '${name}'`, 'use an E* name or errnoRet with a number');
    return nr;
  }
  return undefined;
}

function filter(v: JsonValue | undefined, ptr: string): OciFilter {
  if (v === undefined || v.kind === 'null') return { caps: [], arches: [], minKernel: undefined };
  if (v.kind !== 'object') bad(v, ptr, `expected an object, found ${v.kind}`);
  const mk = field(v, 'minKernel');
  let minKernel: string | undefined;
  if (mk !== undefined && mk.kind !== 'null') {
    minKernel = str(mk, `${ptr}/minKernel`);
    if (!/^\d+\.\d+(\.\d+)?$/.test(minKernel)) bad(mk, `${ptr}/minKernel`, `'${minKernel}' is not a kernel version`, "Docker refuses the profile; write it as '4.8'");
  }
  return { caps: strList(field(v, 'caps'), `${ptr}/caps`), arches: strList(field(v, 'arches'), `${ptr}/arches`), minKernel };
}

function arg(v: JsonValue, ptr: string): OciArg {
  if (v.kind !== 'object') bad(v, ptr, `expected an object, found ${v.kind}`);
  const idx = field(v, 'index');
  if (idx === undefined) bad(v, ptr, 'missing "index"');
  const index = uint(idx, `${ptr}/index`, 0xffffffff);
  if (index > 5) bad(idx, `${ptr}/index`, `argument index ${index} is out of range`, 'syscalls have arguments 0..5; runc refuses the profile');
  const opv = field(v, 'op');
  if (opv === undefined) bad(v, ptr, 'missing "op"');
  const opName = str(opv, `${ptr}/op`);
  const op = OPS[opName];
  if (op === undefined) bad(opv, `${ptr}/op`, `unknown op '${opName}'`, `runc refuses the profile; use one of ${Object.keys(OPS).join(', ')}`);
  const val = field(v, 'value');
  const value = val === undefined ? 0n : u64(val, `${ptr}/value`);
  const v2 = field(v, 'valueTwo');
  const valueTwo = v2 === undefined || v2.kind === 'null' ? undefined : u64(v2, `${ptr}/valueTwo`);
  return { index, value, valueTwo, op, where: posText(v.pos), ptr };
}

function syscall(v: JsonValue, ptr: string, warnings: Warning[]): OciSyscall {
  if (v.kind !== 'object') bad(v, ptr, `expected an object, found ${v.kind}`);
  const names = strList(field(v, 'names'), `${ptr}/names`);
  const name = field(v, 'name');
  if (name !== undefined && name.kind !== 'null') {
    if (names.length > 0) bad(name, `${ptr}/name`, "both 'name' and 'names' are set", "Docker refuses this; use either 'name' or 'names'");
    names.push(str(name, `${ptr}/name`));
  }
  if (names.length === 0) warnings.push({ where: posText(v.pos), message: `${ptr}: entry has no syscall names; it adds no rule` });
  const act = field(v, 'action');
  if (act === undefined) bad(v, ptr, 'missing "action"');
  const a = action(act, `${ptr}/action`);
  const errnoRet = errnoField(v, 'errnoRet', 'errno', ptr);
  if (errnoRet !== undefined && a !== 'errno' && a !== 'trace') {
    warnings.push({ where: posText(v.pos), message: `${ptr}: errnoRet is ignored for ${str(act, '')} (runc uses it only with SCMP_ACT_ERRNO and SCMP_ACT_TRACE)` });
  }
  const argsV = field(v, 'args');
  let args: OciArg[] = [];
  if (argsV !== undefined && argsV.kind !== 'null') {
    if (argsV.kind !== 'array') bad(argsV, `${ptr}/args`, `expected an array, found ${argsV.kind}`);
    args = argsV.items.map((x, i) => arg(x, `${ptr}/args/${i}`));
  }
  const c = field(v, 'comment');
  return {
    names, action: a, errnoRet, args,
    includes: filter(field(v, 'includes'), `${ptr}/includes`),
    excludes: filter(field(v, 'excludes'), `${ptr}/excludes`),
    comment: c === undefined || c.kind === 'null' ? undefined : str(c, `${ptr}/comment`),
    where: posText(v.pos),
  };
}

const KNOWN_TOP = new Set(['defaultAction', 'defaultErrnoRet', 'defaultErrno', 'architectures', 'archMap', 'syscalls', 'flags', 'listenerPath', 'listenerMetadata']);
const FIRECRACKER_KEYS = ['default_action', 'filter_action', 'filter'];

function profile(root: JsonValue): OciProfile {
  const warnings: Warning[] = [];
  if (root.kind !== 'object') bad(root, '/', `expected a JSON object, found ${root.kind}`);
  const da = field(root, 'defaultAction');
  if (da === undefined) {
    const firstVal = root.entries[0]?.[1];
    if (firstVal !== undefined && FIRECRACKER_KEYS.some((k) => field(firstVal, k) !== undefined)) {
      bad(root, '/', `this is a Firecracker/seccompiler filter file (per-thread "${root.entries.map(([k]) => k).join('", "')}" with default_action/filter_action), not an OCI seccomp profile`, 'wrong format: compile it with seccompiler-bin, or write an OCI profile with defaultAction/syscalls');
    }
    bad(root, '/', 'missing "defaultAction": not an OCI/Docker seccomp profile', 'add "defaultAction", e.g. "SCMP_ACT_ERRNO"');
  }
  for (const [k, v] of root.entries) {
    if (!KNOWN_TOP.has(k)) warnings.push({ where: posText(v.pos), message: `/${k}: unknown field, ignored (runc ignores unknown fields too)` });
  }
  const archesV = field(root, 'architectures');
  const archMapV = field(root, 'archMap');
  const architectures = items(archesV, '/architectures').map((a, i) => arch(a, `/architectures/${i}`));
  const archMap: { architecture: OciArch; subArchitectures: OciArch[] }[] = [];
  if (archMapV !== undefined && archMapV.kind !== 'null') {
    if (archMapV.kind !== 'array') bad(archMapV, '/archMap', `expected an array, found ${archMapV.kind}`);
    if (architectures.length > 0) bad(archMapV, '/archMap', "both 'architectures' and 'archMap' are set", "Docker refuses this; use either 'architectures' or 'archMap'");
    archMapV.items.forEach((m, i) => {
      const a = field(m, 'architecture');
      if (a === undefined) bad(m, `/archMap/${i}`, 'missing "architecture"');
      const subs = field(m, 'subArchitectures');
      const subList = subs === undefined || subs.kind === 'null' ? [] : subs.kind === 'array' ? subs.items.map((s, j) => arch(s, `/archMap/${i}/subArchitectures/${j}`)) : bad(subs, `/archMap/${i}/subArchitectures`, 'expected an array');
      archMap.push({ architecture: arch(a, `/archMap/${i}/architecture`), subArchitectures: subList });
    });
  }
  const flags: FilterFlagName[] = [];
  const flagsV = field(root, 'flags');
  items(flagsV, '/flags').forEach((fv, i) => {
    const f = str(fv, `/flags/${i}`);
    if (!(f in FILTER_FLAGS)) bad(fv, `/flags/${i}`, `unknown flag '${f}'`, `runc refuses it; use ${Object.keys(FILTER_FLAGS).join(', ')}`);
    flags.push(f as FilterFlagName);
  });
  const sysV = field(root, 'syscalls');
  let syscalls: OciSyscall[] = [];
  if (sysV !== undefined && sysV.kind !== 'null') {
    if (sysV.kind !== 'array') bad(sysV, '/syscalls', `expected an array, found ${sysV.kind}`);
    syscalls = sysV.items.map((s, i) => syscall(s, `/syscalls/${i}`, warnings));
  }
  const lp = field(root, 'listenerPath');
  const lm = field(root, 'listenerMetadata');
  return {
    defaultAction: action(da, '/defaultAction'),
    defaultErrnoRet: errnoField(root, 'defaultErrnoRet', 'defaultErrno', ''),
    architectures, archMap, syscalls, flags,
    listenerPath: lp === undefined || lp.kind === 'null' ? undefined : str(lp, '/listenerPath'),
    listenerMetadata: lm === undefined || lm.kind === 'null' ? undefined : str(lm, '/listenerMetadata'),
    warnings,
  };
}

/** Parses OCI/Docker seccomp JSON text. Error `where` is `LINE:COL`; prefix the file with `.at(file)`. */
export function parseOciProfile(text: string): Result<OciProfile, SeccompTraceError> {
  const j = parseJson(text, 'policy/bad-json');
  if (!j.ok) return j;
  try {
    return ok(profile(j.value));
  } catch (e) {
    if (e instanceof Bad) return err(e.error);
    throw e;
  }
}

/** The action value runc builds (libcontainer/seccomp getAction): ERRNO/TRACE default to EPERM (1). */
export function ociActionValue(a: ActionName, errnoRet: number | undefined): number {
  if (a === 'errno' || a === 'trace') return makeAction(a, errnoRet ?? 1);
  return makeAction(a);
}
