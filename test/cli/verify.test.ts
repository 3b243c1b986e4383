/** @module `seccomptrace verify`: one line a file in the contract's form, exit 0 iff all ok. */

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'st-verify-'));
const hex = (name: string, h: string): string => (writeFileSync(join(dir, name), Buffer.from(h, 'hex')), name);
const RET_ALLOW = '060000000000ff7f';

describe('seccomptrace verify', () => {
  it('prints ok and exits 0 when every file is ok', async () => {
    hex('a.bpf', RET_ALLOW);
    writeFileSync(join(dir, 'b.s'), 'ld nr\nret a\n');
    const r = await runCli(['verify', 'a.bpf', 'b.s'], { cwd: dir });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: 'a.bpf: ok\nb.s: ok\n', stderr: '' });
  });
  it('prints the pc and reason of a rejected program and exits 1', async () => {
    hex('div0.bpf', `3400000000000000${RET_ALLOW}`);
    hex('ldabs.bpf', `2000000002000000${RET_ALLOW}`);
    hex('noret.bpf', '2000000000000000');
    const r = await runCli(['verify', 'a.bpf', 'div0.bpf', 'ldabs.bpf', 'noret.bpf'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      [
        'a.bpf: ok',
        'div0.bpf: pc 0: division by constant 0 (EINVAL)',
        'ldabs.bpf: pc 0: load from offset 2 (must be a multiple of 4 below 64) (EINVAL)',
        'noret.bpf: the last instruction is not a ret (EINVAL)',
        '',
      ].join('\n'),
    );
  });
  it('length 0 and 4097 are whole-program faults', async () => {
    hex('empty.bpf', '');
    hex('long.bpf', RET_ALLOW.repeat(4097));
    const r = await runCli(['verify', 'empty.bpf', 'long.bpf'], { cwd: dir });
    assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 1, stdout: 'empty.bpf: program has no instructions (EINVAL)\nlong.bpf: program has 4097 instructions, more than BPF_MAXINSNS (4096) (EINVAL)\n' });
  });
  it('a truncated file is its own line on stdout, exit 1', async () => {
    hex('trunc.bpf', RET_ALLOW.slice(0, 10));
    const r = await runCli(['verify', 'trunc.bpf'], { cwd: dir });
    assert.deepEqual(
      { code: r.code, stdout: r.stdout, stderr: r.stderr },
      { code: 1, stdout: 'trunc.bpf: program is 5 bytes, not a multiple of 8 (struct sock_filter); the last instruction is truncated; pass a raw sock_filter array (seccomptrace asm writes one)\n', stderr: '' },
    );
  });
  it('unreadable, truncated and unassemblable files get their line and the run goes on', async () => {
    hex('a.bpf', RET_ALLOW);
    hex('twelve.bpf', `${RET_ALLOW}00000000`);
    writeFileSync(join(dir, 'typo.s'), 'ld nr\nrett a\n');
    const r = await runCli(['verify', 'gone.bpf', 'a.bpf', 'twelve.bpf', '.', 'typo.s', 'a.bpf'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assert.deepEqual(r.stdout.split('\n'), [
      'gone.bpf: no such file (ENOENT)',
      'a.bpf: ok',
      'twelve.bpf: program is 12 bytes, not a multiple of 8 (struct sock_filter); the last instruction is truncated; pass a raw sock_filter array (seccomptrace asm writes one)',
      '.: is a directory (EISDIR)',
      "typo.s:2:1: unknown mnemonic 'rett'; did you mean ret?; see docs/asm.md",
      'a.bpf: ok',
      '',
    ]);
  });
  it('a missing file is its line, exit 1; no file is a usage error', async () => {
    const r = await runCli(['verify', 'gone.bpf'], { cwd: dir });
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 1, stdout: 'gone.bpf: no such file (ENOENT)\n', stderr: '' });
    const u = await runCli(['verify'], { cwd: dir });
    assert.deepEqual({ code: u.code, stderr: u.stderr }, { code: 2, stderr: 'seccomptrace verify: no input file; usage: seccomptrace verify FILE.bpf…\n' });
  });
});
