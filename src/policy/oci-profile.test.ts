/** @module Bad OCI profiles get one clear line naming the place and what runc/Docker would do; exact 64-bit values. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOciProfile } from './oci-profile.js';
import { flattenOci, DOCKER_DEFAULT_CAPS } from './oci-flatten.js';
import { compile } from './compile.js';

const CTX = { hostArch: 'x86_64' as const, caps: DOCKER_DEFAULT_CAPS, kernel: '6.18' };

function errorLine(text: string): string {
  const r = parseOciProfile(text);
  assert.equal(r.ok, false, 'expected an error');
  return r.ok ? '' : r.error.at('p.json').format();
}

const BAD: readonly { name: string; text: string; line: string }[] = [
  { name: 'malformed JSON: missing comma names line:column', text: '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n  "syscalls": []\n}', line: "p.json:3:3: malformed JSON: expected ',' or '}' in object, found '\"'; a comma may be missing" },
  { name: 'malformed JSON: trailing comma', text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [1,]}', line: "p.json:1:52: malformed JSON: expected a value, found ']'" },
  { name: 'unknown action', text: '{"defaultAction": "SCMP_ACT_DENY"}', line: "p.json:1:19: /defaultAction: unknown action 'SCMP_ACT_DENY'; runc refuses the profile (\"invalid action\"); use SCMP_ACT_ALLOW, ERRNO, KILL, KILL_PROCESS, KILL_THREAD, TRAP, TRACE, LOG or NOTIFY" },
  { name: 'unknown op', text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}]}', line: "p.json:1:138: /syscalls/0/args/0/op: unknown op 'SCMP_CMP_XX'; runc refuses the profile; use one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ" },
  { name: 'argument index above 5', text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}', line: 'p.json:1:117: /syscalls/0/args/0/index: argument index 6 is out of range; syscalls have arguments 0..5; runc refuses the profile' },
  { name: 'unknown arch', text: '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_65"]}', line: "p.json:1:55: /architectures/0: unknown arch 'SCMP_ARCH_X86_65'; did you mean scmp_arch_x86_64?; runc refuses the profile (libseccomp does not know the arch); use SCMP_ARCH_* names" },
  { name: 'negative value', text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]}', line: 'p.json:1:129: /syscalls/0/args/0/value: -1 is outside 0..2^64-1' },
  { name: 'name and names', text: '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"name": "read", "names": ["write"], "action": "SCMP_ACT_ERRNO"}]}', line: "p.json:1:59: /syscalls/0/name: both 'name' and 'names' are set; Docker refuses this; use either 'name' or 'names'" },
  { name: 'Firecracker format', text: '{"vmm": {"default_action": "trap", "filter_action": "allow", "filter": []}}', line: 'p.json:1:1: /: this is a Firecracker/seccompiler filter file (per-thread "vmm" with default_action/filter_action), not an OCI seccomp profile; wrong format: compile it with seccompiler-bin, or write an OCI profile with defaultAction/syscalls' },
];

for (const b of BAD) {
  test(`bad profile: ${b.name}`, () => assert.equal(errorLine(b.text), b.line));
}

test('values above 2^53 stay exact (SSIZE_MAX, 2^64-1)', () => {
  const r = parseOciProfile('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 2, "value": 9223372036854775807, "op": "SCMP_CMP_GT"}, {"index": 3, "value": 18446744073709551615, "valueTwo": 18446744073709551614, "op": "SCMP_CMP_MASKED_EQ"}]}]}');
  assert.ok(r.ok);
  assert.equal(r.value.syscalls[0]!.args[0]!.value, 9223372036854775807n);
  assert.equal(r.value.syscalls[0]!.args[1]!.valueTwo, 18446744073709551614n);
});

test('MASKED_EQ without valueTwo warns what runc does; a name unknown everywhere warns it is skipped', () => {
  const r = parseOciProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["clone", "frobnicate"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}]}]}');
  assert.ok(r.ok);
  const f = flattenOci(r.value, CTX);
  assert.ok(f.ok);
  assert.deepEqual(f.value.warnings.map((w) => w.message), ['/syscalls/0/args/0: SCMP_CMP_MASKED_EQ without "valueTwo": runc compares (arg0 & 0x7e020000) == 0']);
  const c = compile(f.value.policy, { hostArch: 'x86_64' });
  assert.ok(c.ok);
  assert.deepEqual(c.value.warnings.map((w) => w.message), ["unknown syscall 'frobnicate' skipped (runc warns and skips names libseccomp does not know)"]);
});

test('runc: several conditions on one index become one rule each (OR); rules equal to the default are dropped', () => {
  const r = parseOciProfile('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}, {"names": ["read"], "action": "SCMP_ACT_ERRNO"}]}');
  assert.ok(r.ok);
  const f = flattenOci(r.value, CTX);
  assert.ok(f.ok);
  assert.equal(f.value.policy.rules.length, 3);
  const c = compile(f.value.policy, { hostArch: 'x86_64' });
  assert.ok(c.ok);
  assert.deepEqual(c.value.rules.map((x) => x.status), ['active', 'active', 'same-as-default']);
});

test('Docker includes/excludes: caps, arches and minKernel decide against the context', () => {
  const text = '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}}, {"names": ["bpf"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}, {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}}, {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}}]}';
  const r = parseOciProfile(text);
  assert.ok(r.ok);
  const f1 = flattenOci(r.value, CTX);
  assert.ok(f1.ok);
  assert.deepEqual(f1.value.policy.rules.map((x) => x.names[0]), ['ptrace', 'arch_prctl', 'clone3']);
  const f2 = flattenOci(r.value, { hostArch: 'aarch64', caps: [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN'], kernel: '4.4' });
  assert.ok(f2.ok);
  assert.deepEqual(f2.value.policy.rules.map((x) => x.names[0]), ['bpf']);
  assert.deepEqual(f2.value.skipped.map((s) => s.reason), ['needs kernel 4.8', 'includes only arches amd64', 'excluded with CAP_SYS_ADMIN']);
});

test('SCMP_ACT_NOTIFY with listenerPath: refused with what runc would do', () => {
  const r = parseOciProfile('{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/l.sock", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]}');
  assert.ok(r.ok);
  const f = flattenOci(r.value, CTX);
  assert.ok(f.ok);
  const c = compile(f.value.policy, { hostArch: 'x86_64' });
  assert.equal(c.ok, false);
  if (!c.ok) assert.match(c.error.format(), /SCMP_ACT_NOTIFY, which needs a supervisor on the listener fd \(runc would send it to '\/run\/l.sock' and fail to start the container if nothing listens there\)/);
  assert.ok(compile(f.value.policy, { hostArch: 'x86_64', allowNotify: true }).ok);
});
