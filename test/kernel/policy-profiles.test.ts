/**
 * @module Compiled profiles in the real kernel: every shared profile compiles (or is refused with a
 * clear error) and loads; Docker's default runs `sh -c 'ls /'` and denies what it should with EPERM;
 * random deny-only profiles give in the kernel what the interpreter predicts.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { archInfo, type ArchName } from '../../src/abi/arch.js';
import { makeSeccompData, seccompDataWords } from '../../src/abi/seccomp-data.js';
import { resolveSyscall } from '../../src/abi/syscalls.js';
import { encodeProgram } from '../../src/bpf/insn-codec.js';
import { verify } from '../../src/bpf/verify.js';
import { interpret } from '../../src/bpf/interpret.js';
import { rng } from '../../src/bpf/random-program.js';
import { parseOciProfile } from '../../src/policy/oci-profile.js';
import { flattenOci, DOCKER_DEFAULT_CAPS } from '../../src/policy/oci-flatten.js';
import { compile, type CompiledProfile } from '../../src/policy/compile.js';
import { errnoOf, probe, probeBatch, type ProbeAbi, type ProbeRequest } from '../../src/linux/probe.js';
import { spawnFiltered } from '../../src/linux/spawn.js';
import { native } from '../../src/linux/native.js';
import { sharedPath, REPO_ROOT } from '../fixtures/paths.js';

const CTX = { hostArch: 'x86_64' as const, caps: DOCKER_DEFAULT_CAPS, kernel: release() };
const EPERM = 1, ENOSYS = 38;

function compileText(text: string, arches?: ArchName[]): CompiledProfile {
  const p = parseOciProfile(text);
  if (!p.ok) throw p.error;
  const f = flattenOci(p.value, CTX);
  if (!f.ok) throw f.error;
  const c = compile(f.value.policy, { hostArch: 'x86_64', ...(arches === undefined ? {} : { arches }) });
  if (!c.ok) throw c.error;
  return c.value;
}

const EXPECTED_REFUSALS: Readonly<Record<string, RegExp>> = {
  'firecracker__x86_64-unknown-linux-musl.json': /Firecracker\/seccompiler filter file .* not an OCI seccomp profile; wrong format/,
  'firecracker__aarch64-unknown-linux-musl.json': /Firecracker\/seccompiler filter file/,
  'firecracker__unimplemented.json': /Firecracker\/seccompiler filter file/,
  'moby-moby__fixtures-example.json': /rule 4 returns errno 12345, but libseccomp accepts only 0\.\.4094 \(EINVAL\); runc fails to create the container/,
  'spo__test-profiles-invalid.json': /rule 1 uses SCMP_ACT_NOTIFY, which needs a supervisor .*'\/run\/seccomp-listener.sock'/,
};

test('every shared profile compiles and loads in the kernel, or is refused with a clear reason', () => {
  const dir = sharedPath('profiles');
  let loaded = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const text = readFileSync(`${dir}/${f}`, 'utf8');
    const want = EXPECTED_REFUSALS[f];
    if (want !== undefined) {
      assert.throws(() => compileText(text), (e: Error & { format?: () => string }) => want.test(e.format?.() ?? e.message), f);
      continue;
    }
    const c = compileText(text);
    assert.ok(verify(c.program).ok, `${f} verifies`);
    const r = probe({ filters: [{ program: encodeProgram(c.program), flags: c.flags }] });
    assert.deepEqual(r.installs.map((i) => i.errno), [0], `${f} loads (flags ${c.flags})`);
    loaded++;
  }
  assert.ok(loaded >= 20, `${loaded} profiles loaded`);
});

test('docker-default in the kernel: allowed calls run, denied ones get EPERM, clone3 gets ENOSYS', () => {
  const c = compileText(readFileSync(`${REPO_ROOT}/profiles/docker-default.json`, 'utf8'));
  const program = encodeProgram(c.program);
  const call = (nr: number, args: bigint[] = [], abi: ProbeAbi = 'x86_64'): ProbeRequest => ({ filters: [{ program, flags: c.flags }], syscall: { nr, args, abi } });
  const nr = (n: string, a: ArchName = 'x86_64'): number => resolveSyscall(a, n)! & ~archInfo(a).syscallBit;
  const [getppid, acct, reboot, clone3, personalityOk, personalityBad, unshare, x86Getppid] = probeBatch([
    call(nr('getppid')),
    call(nr('acct'), [0n]), // needs CAP_SYS_PACCT: not in Docker's 14 → not allowed
    call(nr('reboot'), [0n]),
    call(nr('clone3'), [0n, 0n]),
    call(nr('personality'), [0xffffffffn]),
    call(nr('personality'), [0x1234n]),
    call(nr('unshare'), [0n]),
    call(nr('getppid', 'x86'), [], 'x86'),
  ]);
  assert.deepEqual(getppid!.outcome, { kind: 'returned', value: BigInt(process.pid) });
  assert.equal(errnoOf(acct!.outcome!), EPERM);
  assert.equal(errnoOf(reboot!.outcome!), EPERM);
  assert.equal(errnoOf(clone3!.outcome!), ENOSYS);
  assert.equal(personalityOk!.outcome!.kind, 'returned');
  assert.notEqual(errnoOf(personalityOk!.outcome!), EPERM);
  assert.equal(errnoOf(personalityBad!.outcome!), EPERM);
  assert.equal(errnoOf(unshare!.outcome!), EPERM);
  assert.deepEqual(x86Getppid!.outcome, { kind: 'returned', value: BigInt(process.pid) });
});

test("docker-default: a real sh -c 'ls /' runs to exit status 0", () => {
  const c = compileText(readFileSync(`${REPO_ROOT}/profiles/docker-default.json`, 'utf8'));
  const sp = spawnFiltered({ command: 'sh', args: ['-c', 'ls / >/dev/null'], filters: [{ program: encodeProgram(c.program), flags: c.flags }] });
  const exit = native().waitExit(sp.pidfd, 0);
  native().closeFd(sp.pidfd);
  assert.deepEqual(exit, { exited: true, code: 0 });
});

const SEED = 7;
test(`kernel = interpreter on random deny-only profiles (seed ${SEED}; no syscall ever runs)`, () => {
  const r = rng(SEED).unit;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const names = ['getppid', 'getpid', 'personality', 'fcntl', 'socket', 'kill', 'prctl', 'umask'];
  const values = [0n, 1n, 5n, 0xffffffffn, 0x100000000n, 1n << 63n, (1n << 64n) - 1n];
  const ops = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];
  const acts = ['"action": "SCMP_ACT_ERRNO", "errnoRet": 7', '"action": "SCMP_ACT_TRAP"', '"action": "SCMP_ACT_ERRNO", "errnoRet": 9', '"action": "SCMP_ACT_KILL_PROCESS"'];
  const reqs: ProbeRequest[] = [];
  const want: number[] = [];
  for (let p = 0; p < 25; p++) {
    const entries = Array.from({ length: 1 + Math.floor(r() * 6) }, () => {
      const args = Array.from({ length: Math.floor(r() * 3) }, () => `{"index": ${Math.floor(r() * 3)}, "value": ${pick(values)}, "valueTwo": ${pick(values)}, "op": "${pick(ops)}"}`);
      return `{"names": ["${pick(names)}"], ${pick(acts)}, "args": [${args.join(', ')}]}`;
    });
    const arches = pick([['x86_64'], ['x86_64', 'x86'], ['x86_64', 'x86', 'x32']] as ArchName[][]);
    let c: CompiledProfile;
    try {
      c = compileText(`{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 3, "syscalls": [${entries.join(', ')}]}`, arches);
    } catch (e) {
      if ((e as { code?: string }).code === 'policy/rule-conflict') continue; // libseccomp refuses it too (EEXIST)
      throw e;
    }
    const v = verify(c.program);
    assert.ok(v.ok);
    for (let k = 0; k < 12; k++) {
      const abi = pick(['x86_64', 'x86', 'x32'] as const);
      const info = archInfo(abi);
      const nr = resolveSyscall(abi, pick(names));
      if (nr === undefined) continue;
      const args = Array.from({ length: 6 }, () => (abi === 'x86' ? pick(values) & 0xffffffffn : pick(values)));
      const value = interpret(v.value, seccompDataWords(makeSeccompData(nr, info.auditArch, args))).ret >>> 0;
      reqs.push({ filters: [{ program: encodeProgram(c.program), flags: 0 }], syscall: { nr: nr & ~info.syscallBit, args, abi } });
      want.push(value);
    }
  }
  const got = probeBatch(reqs);
  const mismatches: string[] = [];
  got.forEach((g, i) => {
    const w = want[i]!;
    const o = g.outcome!;
    const action = (w & 0xffff0000) >>> 0;
    const ok =
      action === 0x00050000 ? errnoOf(o) === (w & 0xffff) :
      action === 0x00030000 ? o.kind === 'trap' && o.siErrno === (w & 0xffff) :
      action === 0x80000000 || action === 0 ? o.kind === 'killed' : false;
    if (!ok) mismatches.push(`request ${i}: interpreter 0x${w.toString(16)}, kernel ${JSON.stringify(o, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
  });
  console.log(`kernel sample: ${reqs.length} syscalls under 25 random deny-only profiles, ${mismatches.length} mismatches`);
  assert.deepEqual(mismatches, []);
});
