/** @module Architectures: AUDIT_ARCH_* values and their names as libseccomp, OCI and Docker spell them. */

import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

// include/uapi/linux/audit.h: AUDIT_ARCH_* = EM_* | __AUDIT_ARCH_64BIT (0x80000000) | __AUDIT_ARCH_LE (0x40000000);
// EM_* from include/uapi/linux/elf-em.h.
export type AuditArch = number & { readonly __brand: 'AuditArch' };

export type ArchName =
  | 'x86_64'
  | 'x86'
  | 'x32'
  | 'aarch64'
  | 'arm'
  | 'riscv64'
  | 's390x'
  | 'ppc64le'
  | 'loongarch64'
  | 'mips'
  | 'mipsel'
  | 'mips64'
  | 'mipsel64';

export interface ArchInfo {
  readonly name: ArchName;
  readonly auditArch: AuditArch;
  /** SCMP_ARCH_* spelling (libseccomp include/seccomp.h.in, OCI runtime-spec). */
  readonly scmp: string;
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /** x32: nr carries __X32_SYSCALL_BIT (arch/x86/include/uapi/asm/unistd.h), audit arch is x86_64's. */
  readonly syscallBit: number;
  /** Other spellings users type (Go's GOARCH, uname -m, Debian). */
  readonly aliases: readonly string[];
}

const aa = (n: number): AuditArch => (n >>> 0) as AuditArch;

export const X32_SYSCALL_BIT = 0x40000000;

export const ARCHES = [
  { name: 'x86_64', auditArch: aa(0xc000003e), scmp: 'SCMP_ARCH_X86_64', bits: 64, littleEndian: true, syscallBit: 0, aliases: ['amd64', 'x86-64'] },
  { name: 'x86', auditArch: aa(0x40000003), scmp: 'SCMP_ARCH_X86', bits: 32, littleEndian: true, syscallBit: 0, aliases: ['i386', 'i686', '386', 'ia32'] },
  { name: 'x32', auditArch: aa(0xc000003e), scmp: 'SCMP_ARCH_X32', bits: 32, littleEndian: true, syscallBit: X32_SYSCALL_BIT, aliases: [] },
  { name: 'aarch64', auditArch: aa(0xc00000b7), scmp: 'SCMP_ARCH_AARCH64', bits: 64, littleEndian: true, syscallBit: 0, aliases: ['arm64'] },
  { name: 'arm', auditArch: aa(0x40000028), scmp: 'SCMP_ARCH_ARM', bits: 32, littleEndian: true, syscallBit: 0, aliases: ['armhf', 'armel', 'armv7l'] },
  { name: 'riscv64', auditArch: aa(0xc00000f3), scmp: 'SCMP_ARCH_RISCV64', bits: 64, littleEndian: true, syscallBit: 0, aliases: [] },
  { name: 's390x', auditArch: aa(0x80000016), scmp: 'SCMP_ARCH_S390X', bits: 64, littleEndian: false, syscallBit: 0, aliases: [] },
  { name: 'ppc64le', auditArch: aa(0xc0000015), scmp: 'SCMP_ARCH_PPC64LE', bits: 64, littleEndian: true, syscallBit: 0, aliases: [] },
  { name: 'loongarch64', auditArch: aa(0xc0000102), scmp: 'SCMP_ARCH_LOONGARCH64', bits: 64, littleEndian: true, syscallBit: 0, aliases: ['loong64'] },
  { name: 'mips', auditArch: aa(0x00000008), scmp: 'SCMP_ARCH_MIPS', bits: 32, littleEndian: false, syscallBit: 0, aliases: [] },
  { name: 'mipsel', auditArch: aa(0x40000008), scmp: 'SCMP_ARCH_MIPSEL', bits: 32, littleEndian: true, syscallBit: 0, aliases: [] },
  { name: 'mips64', auditArch: aa(0x80000008), scmp: 'SCMP_ARCH_MIPS64', bits: 64, littleEndian: false, syscallBit: 0, aliases: [] },
  { name: 'mipsel64', auditArch: aa(0xc0000008), scmp: 'SCMP_ARCH_MIPSEL64', bits: 64, littleEndian: true, syscallBit: 0, aliases: [] },
] as const satisfies readonly ArchInfo[];

const lookup = new Map<string, ArchInfo>();
for (const a of ARCHES as readonly ArchInfo[]) {
  for (const k of [a.name, a.scmp, ...a.aliases]) lookup.set(k.toLowerCase(), a);
}

export function archInfo(name: ArchName): ArchInfo {
  const a = lookup.get(name);
  if (a === undefined) throw new Error(`internal: no arch ${name}`);
  return a;
}

/** The arch name for an AUDIT_ARCH value; x86_64 (never x32) for 0xc000003e, as the kernel reports x32 tasks. */
export function archByAudit(v: number): ArchInfo | undefined {
  return (ARCHES as readonly ArchInfo[]).find((a) => a.auditArch === v >>> 0 && a.syscallBit === 0);
}

/** Which ABI a (audit arch, nr) pair belongs to: x32 when the nr carries the x32 bit. */
export function abiOf(auditArch: number, nr: number): ArchInfo | undefined {
  const a = archByAudit(auditArch);
  if (a?.name === 'x86_64' && (nr & X32_SYSCALL_BIT) !== 0) return archInfo('x32');
  return a;
}

/** Accepts libseccomp names, SCMP_ARCH_*, and common aliases (amd64, i386, arm64). */
export function parseArch(s: string): Result<ArchInfo, SeccompTraceError> {
  const a = lookup.get(s.trim().toLowerCase());
  if (a !== undefined) return ok(a);
  return err(
    fail({
      code: 'abi/unknown-arch',
      message: `unknown arch '${s}'${suggest(s, [...lookup.keys()])}`,
      hint: `use one of ${ARCHES.map((x) => x.name).join(', ')}`,
    }),
  );
}

/** The host's arch from Node's arch name (passed in: abi/ reads no globals). */
export function archFromNode(nodeArch: string): ArchInfo | undefined {
  const m: Record<string, ArchName> = { x64: 'x86_64', ia32: 'x86', arm64: 'aarch64', arm: 'arm', riscv64: 'riscv64', s390x: 's390x', ppc64: 'ppc64le', loong64: 'loongarch64' };
  const n = m[nodeArch];
  return n === undefined ? undefined : archInfo(n);
}

/** "; did you mean X?" for the closest candidate within a small edit distance, or "". */
export function suggest(word: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(w.length / 3)) ? `; did you mean ${best}?` : '';
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
