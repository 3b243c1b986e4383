/** @module `seccomptrace compile`: formats, built-in docker-default, and one-line errors with exit codes. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { decodeProgram } from '../../src/bpf/insn-codec.js';
import { verify } from '../../src/bpf/verify.js';
import { sharedPath } from '../fixtures/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'compile-cli-'));

test('compile docker-default → raw bytes that verify; -o writes the same bytes', async () => {
  const r = await runCli(['compile', 'docker-default', '--arch', 'x86_64,x86,x32', '--kernel', '6.18']);
  assert.equal(r.code, 0, r.stderr);
  const p = decodeProgram(r.bytes);
  assert.ok(p.ok && verify(p.value).ok);
  const out = join(dir, 'd.bpf');
  const r2 = await runCli(['compile', 'docker-default', '--arch', 'x86_64,x86,x32', '--kernel', '6.18', '-o', out]);
  assert.equal(r2.code, 0);
  assert.deepEqual(new Uint8Array(readFileSync(out)), r.bytes);
});

test('compile --format asm | c | json | policy | oci', async () => {
  const asm = await runCli(['compile', 'docker-default', '--arch', 'x86_64', '--format', 'asm']);
  assert.match(asm.stdout, /ld arch/);
  const c = await runCli(['compile', 'docker-default', '--arch', 'x86_64', '--format', 'c']);
  assert.match(c.stdout, /static struct sock_filter filter\[\] = \{\n\t\{ 0x20, 0, 0, 0x00000004 \}/);
  const j = await runCli(['compile', 'docker-default', '--arch', 'x86_64', '--format', 'json']);
  const parsed = JSON.parse(j.stdout) as { arches: string[]; length: number; rules: { status: string }[] };
  assert.deepEqual(parsed.arches, ['x86_64']);
  assert.ok(parsed.length > 10 && parsed.rules.length > 0);
  const pol = await runCli(['compile', 'docker-default', '--arch', 'x86_64', '--format', 'policy']);
  assert.match(pol.stdout, /^# seccomptrace policy[^\n]*\ndefault errno\(EPERM\)\n/);
  const file = join(dir, 'd.policy');
  writeFileSync(file, pol.stdout);
  const again = await runCli(['compile', file, '--arch', 'x86_64', '--format', 'oci']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1/);
});

test('bad input: one line naming the place, exit 1; usage errors exit 2', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [ {"names": ["read"] "action": "SCMP_ACT_ERRNO"} ]\n}\n');
  const r = await runCli(['compile', bad]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `seccomptrace compile: ${bad}:3:36: malformed JSON: expected ',' or '}' in object, found '"'; a comma may be missing\n`);
  const fc = await runCli(['compile', sharedPath('profiles', 'firecracker__x86_64-unknown-linux-musl.json')]);
  assert.equal(fc.code, 1);
  assert.match(fc.stderr, /not an OCI seccomp profile; wrong format/);
  const missing = await runCli(['compile', join(dir, 'nope.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope.json: no such file \(ENOENT\); give a profile file or one of: docker-default\n$/);
  const usage = await runCli(['compile']);
  assert.equal(usage.code, 2);
  const arch = await runCli(['compile', 'docker-default', '--arch', 'amd65']);
  assert.equal(arch.code, 2);
  assert.match(arch.stderr, /--arch: unknown arch 'amd65'; did you mean amd64\?/);
});

test('warnings go to stderr with the place, and the program is still written', async () => {
  const p = join(dir, 'w.json');
  writeFileSync(p, '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "frobnicate"], "action": "SCMP_ACT_ALLOW"}]}');
  const r = await runCli(['compile', p, '--format', 'asm']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, `seccomptrace compile: ${p}:1:50: warning: unknown syscall 'frobnicate' skipped (runc warns and skips names libseccomp does not know)\n`);
});
