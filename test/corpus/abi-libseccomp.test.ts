/** @module Every syscall name libseccomp (Debian's python3-seccomp / scmp_sys_resolver) resolves resolves to the same number here. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ARCHES, type ArchName } from '../../src/abi/arch.js';
import { resolveSyscall, syscallTable } from '../../src/abi/syscalls.js';

// libseccomp's own spelling of each arch as python3-seccomp's Arch attribute.
const PY_ARCH: Partial<Record<ArchName, string>> = {
  x86_64: 'X86_64', x86: 'X86', x32: 'X32', aarch64: 'AARCH64', arm: 'ARM', riscv64: 'RISCV64', s390x: 'S390X',
  ppc64le: 'PPC64LE', mips: 'MIPS', mipsel: 'MIPSEL', mips64: 'MIPS64', mipsel64: 'MIPSEL64',
};

/** Names libseccomp knows: every __SNR_ macro of its public header, plus every name of our tables. */
function allNames(): string[] {
  const names = new Set<string>();
  const hdr = '/usr/include/seccomp-syscalls.h';
  if (existsSync(hdr)) for (const m of readFileSync(hdr, 'utf8').matchAll(/#define __SNR_(\w+)/g)) names.add(m[1]!);
  for (const a of ARCHES) for (const e of syscallTable(a.name)) names.add(e.name);
  return [...names].sort();
}

const PY = `
import json, sys, seccomp
req = json.load(sys.stdin)
out = {}
for arch, names in req["arches"].items():
    a = getattr(seccomp.Arch, arch)
    res = {}
    for n in names:
        try:
            res[n] = seccomp.resolve_syscall(a, n)
        except Exception:
            res[n] = None
    out[arch] = res
json.dump(out, sys.stdout)
`;

const havePy = ((): boolean => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import seccomp'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * python3-seccomp's resolve_syscall() goes through libseccomp's rewrite: on arches with
 * socketcall/ipc multiplexers it answers the multiplexer's number (x86 `socket` → 102) where
 * `scmp_sys_resolver` (no rewrite) prints a negative pseudo-number. Those rows are asked again
 * of scmp_sys_resolver, in one shell, and compared only if it resolves them to a number ≥ 0.
 */
function cliResolve(rows: readonly [ArchName, string][]): number[] {
  if (rows.length === 0) return [];
  const script = rows.map(([a, n]) => `/usr/bin/scmp_sys_resolver -a ${a} ${n}`).join('\n');
  return execFileSync('/bin/sh', ['-c', script]).toString().trim().split('\n').map(Number);
}

test('every name libseccomp resolves to a number ≥ 0 has that number here, on every arch it knows', { skip: havePy ? false : 'python3-seccomp is not installed (apt-get install python3-seccomp)' }, () => {
  const names = allNames();
  const arches = Object.fromEntries(Object.values(PY_ARCH).map((p) => [p, names]));
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PY], { input: JSON.stringify({ arches }), maxBuffer: 64 << 20 }).toString()) as Record<string, Record<string, number | null>>;
  const mismatches: string[] = [];
  const recheck: [ArchName, string][] = [];
  let compared = 0;
  for (const [ours, py] of Object.entries(PY_ARCH) as [ArchName, string][]) {
    const mux = new Set([resolveSyscall(ours, 'socketcall'), resolveSyscall(ours, 'ipc')]);
    for (const [name, nr] of Object.entries(out[py]!)) {
      if (nr === null || nr < 0) continue; // unknown to libseccomp, or one of its negative pseudo-numbers
      const mine = resolveSyscall(ours, name);
      if (mine !== nr && mux.has(nr) && name !== 'socketcall' && name !== 'ipc') {
        recheck.push([ours, name]);
        continue;
      }
      compared++;
      if (mine !== nr) mismatches.push(`${ours} ${name}: libseccomp ${nr}, ours ${mine}`);
    }
  }
  const cli = cliResolve(recheck);
  let pseudo = 0;
  recheck.forEach(([arch, name], i) => {
    const nr = cli[i]!;
    if (nr < 0) return void pseudo++;
    compared++;
    if (resolveSyscall(arch, name) !== nr) mismatches.push(`${arch} ${name}: scmp_sys_resolver ${nr}, ours ${resolveSyscall(arch, name)}`);
  });
  console.log(`compared ${compared} (arch, name) pairs with libseccomp; ${pseudo} were libseccomp pseudo-syscalls (multiplexed)`);
  assert.deepEqual(mismatches, []);
  assert.ok(compared > 3000);
});

test('scmp_sys_resolver (the CLI) agrees on a sample, including x32 and ARM private calls', { skip: existsSync('/usr/bin/scmp_sys_resolver') ? false : 'seccomp package not installed' }, () => {
  const sample: [ArchName, string][] = [['x86_64', 'openat'], ['x32', 'read'], ['x86', 'socketcall'], ['arm', 'cacheflush'], ['aarch64', 'openat'], ['riscv64', 'riscv_flush_icache'], ['mips', 'read']];
  for (const [arch, name] of sample) {
    const nr = Number(execFileSync('/usr/bin/scmp_sys_resolver', ['-a', arch, name]).toString().trim());
    assert.equal(resolveSyscall(arch, name), nr, `${arch} ${name}`);
  }
});

test('syscalls newer than libseccomp 2.5 are present with the kernel numbers', () => {
  // arch/x86/entry/syscalls/syscall_64.tbl (Linux 6.18).
  const expect: [string, number][] = [['statmount', 457], ['listmount', 458], ['mseal', 462], ['setxattrat', 463], ['getxattrat', 464], ['listxattrat', 465], ['removexattrat', 466], ['open_tree_attr', 467], ['file_getattr', 468], ['file_setattr', 469]];
  for (const [n, nr] of expect) assert.equal(resolveSyscall('x86_64', n), nr, n);
  assert.equal(resolveSyscall('x32', 'mseal'), 0x40000000 + 462);
  assert.equal(resolveSyscall('aarch64', 'mseal'), 462);
  assert.equal(resolveSyscall('x86', 'file_setattr'), 469);
});
