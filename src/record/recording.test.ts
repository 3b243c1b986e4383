/** @module The recorder: names per ABI (x86_64, x86 through int 0x80, x32 by its number bit), unnamed numbers kept apart, and the profile it makes in all three formats. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeAction } from '../abi/actions.js';
import { archInfo } from '../abi/arch.js';
import { formatOci, formatPolicy, formatSpo, parseOciProfile, parsePolicy } from '../policy/index.js';
import { Recorder, recordedPolicy } from './recording.js';

const X86_64 = archInfo('x86_64').auditArch;
const X86 = archInfo('x86').auditArch;
const EPERM = makeAction('errno', 1);

function sample(): Recorder {
  const r = new Recorder();
  for (const nr of [59, 0, 1, 0, 60]) r.add(X86_64, nr); // execve read write read exit
  r.add(X86, 20); // getpid through int 0x80
  r.add(X86_64, 0x40000000 | 39); // getpid on x32
  r.add(X86_64, 999); // no such syscall
  r.add(0x12345678, 1); // no such arch
  return r;
}

describe('Recorder', () => {
  it('groups names by ABI in first-use order and keeps unnamed numbers apart, counting every call', () => {
    const rec = sample().recording();
    assert.deepEqual([...rec.byArch].map(([a, s]) => [a, [...s]]), [['x86_64', ['execve', 'read', 'write', 'exit']], ['x86', ['getpid']], ['x32', ['getpid']]]);
    assert.deepEqual(rec.unnamed, [{ arch: 'x86_64', auditArch: X86_64, nr: 999 }, { arch: undefined, auditArch: 0x12345678, nr: 1 }]);
    assert.equal(rec.calls, 9);
  });
  it('a snapshot does not change when recording goes on', () => {
    const r = sample();
    const before = r.recording();
    r.add(X86_64, 2);
    assert.equal(before.byArch.get('x86_64')!.has('open'), false);
    assert.equal(r.recording().byArch.get('x86_64')!.has('open'), true);
  });
});

describe('recordedPolicy', () => {
  it('one allow rule with the sorted union of names, the ABIs used, the default given', () => {
    const p = recordedPolicy(sample().recording(), EPERM);
    assert.deepEqual(p.arches, ['x86_64', 'x86', 'x32']);
    assert.deepEqual(p.rules.map((r) => [r.names, r.action, r.conds]), [[['execve', 'exit', 'getpid', 'read', 'write'], makeAction('allow'), []]]);
    assert.equal(p.defaultAction, EPERM);
  });
  it('a run that made no syscall we could name gives no rule', () => {
    assert.deepEqual(recordedPolicy(new Recorder().recording(), EPERM).rules, []);
  });
  it('OCI and policy text read back to the same profile', () => {
    const p = recordedPolicy(sample().recording(), EPERM);
    const oci = formatOci(p);
    assert.ok(oci.ok);
    const back = parseOciProfile(oci.value);
    assert.ok(back.ok);
    assert.deepEqual([back.value.defaultAction, back.value.defaultErrnoRet, back.value.architectures, back.value.syscalls.map((s) => [s.names, s.action])], ['errno', 1, ['x86_64', 'x86', 'x32'], [[['execve', 'exit', 'getpid', 'read', 'write'], 'allow']]]);
    const pol = parsePolicy(formatPolicy(p));
    assert.ok(pol.ok);
    assert.deepEqual([pol.value.defaultAction, pol.value.arches, pol.value.rules.map((r) => [r.names, r.action])], [EPERM, ['x86_64', 'x86', 'x32'], [[['execve', 'exit', 'getpid', 'read', 'write'], makeAction('allow')]]]);
  });
});

describe('formatSpo', () => {
  it('writes a SeccompProfile', () => {
    const r = formatSpo(recordedPolicy(sample().recording(), EPERM), 'my-app');
    assert.ok(r.ok);
    assert.equal(
      r.value,
      `apiVersion: security-profiles-operator.x-k8s.io/v1beta1
kind: SeccompProfile
metadata:
  name: "my-app"
spec:
  defaultAction: SCMP_ACT_ERRNO
  architectures:
  - SCMP_ARCH_X86_64
  - SCMP_ARCH_X86
  - SCMP_ARCH_X32
  syscalls:
  - action: SCMP_ACT_ALLOW
    names:
    - execve
    - exit
    - getpid
    - read
    - write
`,
    );
  });
  const refusals: [string, number, string, string][] = [
    ['a name Kubernetes refuses', EPERM, 'My_App', "'My_App' is not a Kubernetes object name; use lower-case letters, digits, \"-\" and \".\" (RFC 1123), at most 253 characters"],
    ['an errno default other than EPERM', makeAction('errno', 13), 'ok', 'default: default errno(EACCES): a SeccompProfile has no defaultErrnoRet, so its errno default is EPERM; use errno(EPERM), or write OCI JSON'],
    ['a side action', 0xff00002a, 'ok', 'default: action log(42) has no OCI spelling; OCI profiles have no side actions (log(TAG)); use log, or keep the policy-language file'],
  ];
  for (const [name, def, objName, line] of refusals) {
    it(`refuses ${name}`, () => {
      const r = formatSpo(recordedPolicy(sample().recording(), def), objName);
      assert.ok(!r.ok);
      assert.equal(r.error.format(), line);
    });
  }
});
