/** @module The policy language: parse, errors with line:column, and lossless conversion both ways with OCI JSON. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '../bpf/verify.js';
import { parsePolicy } from './policy-lang.js';
import { formatOci, formatPolicy } from './policy-write.js';
import { parseOciProfile } from './oci-profile.js';
import { flattenOci, DOCKER_DEFAULT_CAPS } from './oci-flatten.js';
import { compile } from './compile.js';
import type { Policy } from './ir.js';

const SAMPLE = `# a sample
default errno(EPERM)
arch x86_64, x86
set files = read, write, close
@files: allow
openat: allow if flags & O_CREAT == 0     # opening only
personality: allow if persona == PERSONALITY_QUERY
socket: allow if domain != AF_VSOCK and type == SOCK_STREAM
kill: errno(EACCES) if sig == SIGKILL
ptrace: kill_process
getppid: log
mmap: log(7) if prot & PROT_EXEC == PROT_EXEC
`;

function parse(text: string): Policy {
  const r = parsePolicy(text);
  assert.ok(r.ok, r.ok ? '' : r.error.format());
  return r.value;
}

test('policy language: sets, argument names, flag constants, side-action log tags', () => {
  const p = parse(SAMPLE);
  assert.deepEqual(p.arches, ['x86_64', 'x86']);
  assert.equal(p.defaultAction, 0x00050001);
  assert.deepEqual(p.rules[0]!.names, ['read', 'write', 'close']);
  assert.deepEqual(p.rules[1]!.conds, [{ index: 2, op: 'masked_eq', value: 0x40n, valueTwo: 0n }]);
  assert.equal(p.rules[1]!.comment, 'opening only');
  assert.deepEqual(p.rules[3]!.conds.map((c) => [c.index, c.op, c.value]), [[0, 'ne', 40n], [1, 'eq', 1n]]);
  assert.equal(p.rules[4]!.action, 0x0005000d);
  assert.equal(p.rules[7]!.action >>> 0, 0xff000007);
});

const ERRORS: readonly [string, string][] = [
  ['default errno(EPERM)\nread: allw', "x.policy:2:7: unknown action 'allw'; use allow, log, log(TAG), errno(E…), trace(N), trap, kill, kill_process or notify"],
  ['default errno(EPERM)\nopenat: allow if flags & 3 = 1', "x.policy:2:28: a masked comparison is 'ARG & MASK == VALUE' (libseccomp SCMP_CMP_MASKED_EQ), found '='"],
  ['default errno(EPERM)\nopenat: allow if arg2 == 1 and arg2 == 3', 'x.policy:2:32: arg2 is compared twice in one rule; libseccomp takes one comparison per argument in a rule; write two lines (rules are OR-ed)'],
  ['default errno(EPERM)\nread: allow if flags == 1', "x.policy:2:16: 'flags' is not an argument name of read (it has fd, buf, count)"],
  ['default errno(EPERM)\nopenat: allow if flags & O_CRAET == 0', "x.policy:2:26: unknown constant 'O_CRAET'; use a number (decimal or 0x hex) or a known name such as O_CREAT, AF_INET, PROT_EXEC, CLONE_NEWUSER"],
  ['default errno(EPERM)\n@net: allow', "x.policy:2:1: unknown set '@net'; define it first: set net = read, write"],
  ['default errno(EPERM)\narch x86_65', "x.policy:2:6: unknown arch 'x86_65'; did you mean x86_64?; use one of x86_64, x86, x32, aarch64, arm, riscv64, s390x, ppc64le, loongarch64, mips, mipsel, mips64, mipsel64"],
  ['read: allow', "x.policy:1:1: no 'default' line; add e.g. 'default errno(EPERM)'"],
];
for (const [text, line] of ERRORS) {
  test(`policy error: ${line.slice(9, 60)}`, () => {
    const r = parsePolicy(text);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.at('x.policy').format(), line);
  });
}

/** Both policies compile to the same program. */
function sameVerdicts(a: Policy, b: Policy): void {
  const ca = compile(a, { hostArch: 'x86_64' });
  const cb = compile(b, { hostArch: 'x86_64' });
  assert.ok(ca.ok && cb.ok);
  assert.deepEqual(ca.value.program, cb.value.program);
  assert.ok(verify(ca.value.program).ok);
}

test('policy → OCI JSON → policy keeps every rule (the same program compiles from both)', () => {
  const p = parse(SAMPLE.replace('mmap: log(7)', 'mmap: log'));
  const oci = formatOci(p);
  assert.ok(oci.ok, oci.ok ? '' : oci.error.format());
  const back = parseOciProfile(oci.value);
  assert.ok(back.ok, back.ok ? '' : back.error.format());
  const flat = flattenOci(back.value, { hostArch: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernel: '6.18' });
  assert.ok(flat.ok);
  sameVerdicts(p, flat.value.policy);
  sameVerdicts(p, parse(formatPolicy(flat.value.policy)));
});

test('a side action (log(7)) has no OCI spelling: refused, not silently changed', () => {
  const r = formatOci(parse('default allow\nmmap: log(7)'));
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.format(), '2:1: action log(7) has no OCI spelling; OCI profiles have no side actions (log(TAG)); use log, or keep the policy-language file');
});
