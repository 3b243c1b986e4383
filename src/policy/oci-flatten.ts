/**
 * @module Docker's and runc's reading of an OCI profile: includes/excludes judged against a context
 * (moby profiles/seccomp setupSeccomp), archMap for the host, and runc's rule translation
 * (libcontainer/seccomp matchCall: several conditions on one index become one rule per condition).
 */

import type { ArchName } from '../abi/arch.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import type { Policy, PolicyRule, ArgCond, Warning } from './ir.js';
import { ociActionValue, type OciArch, type OciFilter, type OciProfile } from './oci-profile.js';

/** moby oci/caps/defaults.go DefaultCapabilities: what a container gets without --cap-add. */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** What includes/excludes are judged against. */
export interface ProfileContext {
  readonly hostArch: ArchName;
  readonly caps: readonly string[];
  /** Kernel release, e.g. "6.18.3"; only major.minor count (moby compares kernel.VersionInfo). */
  readonly kernel: string;
}

/**
 * Docker's name for the host arch in includes/excludes "arches": moby profiles/seccomp goToNative
 * (GOARCH, except 386 → "x86"). The archMap entry is picked by the SCMP_ARCH_* of the same host.
 */
const GOARCH: Readonly<Record<ArchName, string>> = {
  x86_64: 'amd64', x86: 'x86', x32: 'x32', aarch64: 'arm64', arm: 'arm', riscv64: 'riscv64', s390x: 's390x',
  ppc64le: 'ppc64le', loongarch64: 'loong64', mips: 'mips', mipsel: 'mipsle', mips64: 'mips64', mipsel64: 'mips64le',
};

function kernelAtLeast(kernel: string, min: string): boolean {
  const [a = 0, b = 0] = kernel.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const [c = 0, d = 0] = min.split('.').map((x) => parseInt(x, 10) || 0);
  return a !== c ? a > c : b >= d;
}

/** Why an entry is left out for this context, or undefined when it applies (moby setupSeccomp order). */
function excludedBecause(inc: OciFilter, exc: OciFilter, ctx: ProfileContext): string | undefined {
  const goarch = GOARCH[ctx.hostArch];
  if (exc.arches.length > 0 && exc.arches.includes(goarch)) return `excludes arch ${goarch}`;
  if (inc.arches.length > 0 && !inc.arches.includes(goarch)) return `includes only arches ${inc.arches.join(',')}`;
  const hit = exc.caps.find((c) => ctx.caps.includes(c));
  if (hit !== undefined) return `excluded with ${hit}`;
  const miss = inc.caps.find((c) => !ctx.caps.includes(c));
  if (miss !== undefined) return `needs ${miss}`;
  if (exc.minKernel !== undefined && kernelAtLeast(ctx.kernel, exc.minKernel)) return `excluded from kernel ${exc.minKernel}`;
  if (inc.minKernel !== undefined && !kernelAtLeast(ctx.kernel, inc.minKernel)) return `needs kernel ${inc.minKernel}`;
  return undefined;
}

export interface Flattened {
  readonly policy: Policy;
  readonly warnings: readonly Warning[];
  /** Entries Docker leaves out for this context, with the reason (for `compile` notes and attribution). */
  readonly skipped: readonly { readonly id: number; readonly where: string; readonly reason: string }[];
}

/** Turns a parsed OCI profile into the rule list runc hands to libseccomp for `ctx`. */
export function flattenOci(p: OciProfile, ctx: ProfileContext): Result<Flattened, SeccompTraceError> {
  const warnings: Warning[] = [...p.warnings];
  const skipped: { id: number; where: string; reason: string }[] = [];
  let picked: OciArch[] | undefined;
  if (p.archMap.length > 0) {
    const m = p.archMap.find((x) => x.architecture === ctx.hostArch);
    picked = m === undefined ? [] : [m.architecture, ...m.subArchitectures];
  } else if (p.architectures.length > 0) picked = [...p.architectures];
  const unsupported = picked?.find((a) => a.startsWith('SCMP_ARCH_'));
  if (unsupported !== undefined) {
    return err(fail({ code: 'policy/unsupported-arch', message: `the filter needs ${unsupported}, which has no syscall table in seccomptrace`, hint: `pass --arch with the arches you need (e.g. --arch ${ctx.hostArch})` }));
  }
  const arches = picked as ArchName[] | undefined;
  // libseccomp keeps the native arch in every filter (seccomp_init), so runc's filter always has it.
  if (arches !== undefined && !arches.includes(ctx.hostArch)) arches.unshift(ctx.hostArch);
  const rules: PolicyRule[] = [];
  p.syscalls.forEach((s, i) => {
    const id = i + 1;
    const reason = excludedBecause(s.includes, s.excludes, ctx);
    if (reason !== undefined) {
      skipped.push({ id, where: s.where, reason });
      return;
    }
    for (const a of s.args) {
      if (a.op === 'masked_eq' && a.valueTwo === undefined) {
        warnings.push({ where: a.where, message: `${a.ptr}: SCMP_CMP_MASKED_EQ without "valueTwo": runc compares (arg${a.index} & 0x${a.value.toString(16)}) == 0` });
      }
    }
    const action = ociActionValue(s.action, s.errnoRet);
    const conds: ArgCond[] = s.args.map((a) => ({ index: a.index, op: a.op, value: a.value, valueTwo: a.valueTwo ?? 0n }));
    const base = { id, names: s.names, action, where: s.where, ...(s.comment === undefined || s.comment === '' ? {} : { comment: s.comment }) };
    const perIndex = new Map<number, number>();
    for (const c of conds) perIndex.set(c.index, (perIndex.get(c.index) ?? 0) + 1);
    if ([...perIndex.values()].some((n) => n > 1)) {
      // runc matchCall: any index used twice → every condition becomes its own rule (OR).
      for (const c of conds) rules.push({ ...base, conds: [c] });
    } else rules.push({ ...base, conds });
  });
  const policy: Policy = {
    defaultAction: ociActionValue(p.defaultAction, p.defaultErrnoRet),
    arches,
    rules,
    flags: p.flags,
    ...(p.listenerPath === undefined ? {} : { listenerPath: p.listenerPath }),
    ...(p.listenerMetadata === undefined ? {} : { listenerMetadata: p.listenerMetadata }),
  };
  return ok({ policy, warnings, skipped });
}
