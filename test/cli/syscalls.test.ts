/** @module `seccomptrace syscalls`: tables, look-ups, JSON, and one-line errors. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/run-cli.test-helper.js';

test('prints the x86_64 table as "NAME NR" lines', async () => {
  const r = await runCli(['syscalls', '--arch', 'x86_64']);
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^read +0$/);
  assert.ok(lines.some((l) => /^file_setattr +469$/.test(l)));
});

test('--json gives {name, nr} objects; x32 numbers carry 0x40000000', async () => {
  const r = await runCli(['syscalls', '--arch', 'x32', 'read', 'mseal', '--json']);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), [{ name: 'read', nr: 0x40000000 }, { name: 'mseal', nr: 0x40000000 + 462 }]);
  const all = JSON.parse((await runCli(['syscalls', '--arch', 'aarch64', '--json'])).stdout) as { name: string; nr: number }[];
  assert.ok(all.length > 300);
  assert.deepEqual(all.find((e) => e.name === 'openat'), { name: 'openat', nr: 56 });
});

test('x32 numbers given without the x32 bit print the number the filter sees', async () => {
  const r = await runCli(['syscalls', '--arch', 'x32', '1', '--json']);
  assert.deepEqual(JSON.parse(r.stdout), [{ name: 'write', nr: 0x40000001 }]);
});

test('looks numbers up and accepts arch aliases', async () => {
  const r = await runCli(['syscalls', '--arch', 'amd64', '257', '0x3c']);
  assert.equal(r.stdout, 'openat   257\nexit     60\n');
});

test('an unknown syscall is one line with the closest name, exit 1', async () => {
  const r = await runCli(['syscalls', '--arch', 'x86_64', 'opnat']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "seccomptrace syscalls: unknown syscall 'opnat' on x86_64; did you mean openat?; see 'seccomptrace syscalls --arch x86_64'\n");
  assert.equal(r.stdout, '');
});

test('an unknown arch is one line with the closest arch, exit 1', async () => {
  const r = await runCli(['syscalls', '--arch', 'x86_46', 'read']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^seccomptrace syscalls: --arch: unknown arch 'x86_46'; did you mean x86_64\?; use one of x86_64, .*\n$/);
});

test('a number with no syscall and a bad option are errors', async () => {
  const r = await runCli(['syscalls', '--arch', 'x86_64', '9999']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "seccomptrace syscalls: no syscall number 9999 on x86_64; see 'seccomptrace syscalls --arch x86_64'\n");
  const u = await runCli(['syscalls', '--bogus']);
  assert.equal(u.code, 2);
  assert.equal(u.stderr.split('\n').length, 2);
});
