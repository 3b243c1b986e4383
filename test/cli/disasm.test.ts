/** @module `seccomptrace disasm`: annotated text that asm reads back, and bad .bpf files as one line. */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { sharedPath } from '../fixtures/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'st-disasm-'));

describe('seccomptrace disasm', () => {
  it('prints text that asm turns back into the same bytes (libseccomp 02-sim-basic)', async () => {
    const bpf = sharedPath('bpf', 'libseccomp', '02-sim-basic.bpf');
    const r = await runCli(['disasm', bpf], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /jeq #1, L9 +; +6 {2}nr == write\n/);
    writeFileSync(join(dir, 'back.s'), r.stdout);
    const back = await runCli(['asm', 'back.s'], { cwd: dir });
    assert.deepEqual(Buffer.from(back.bytes), readFileSync(bpf));
  });
  it('--arch names syscalls before the program checks the arch', async () => {
    writeFileSync(join(dir, 'nr.bpf'), Buffer.from('20000000000000001500000000000000060000000000ff7f', 'hex'));
    const r = await runCli(['disasm', 'nr.bpf', '--arch', 'x86'], { cwd: dir });
    assert.match(r.stdout, /jeq #0, \+0 +; +1 {2}nr == restart_syscall\n/);
  });

  const BAD: readonly (readonly [string, Uint8Array | undefined, string, number])[] = [
    ['missing file', undefined, 'seccomptrace disasm: f.bpf: no such file (ENOENT)\n', 1],
    ['empty file', new Uint8Array(0), 'seccomptrace disasm: f.bpf: the file is empty (no instructions); pass a raw sock_filter array (seccomptrace asm writes one)\n', 1],
    ['truncated file', new Uint8Array(12), 'seccomptrace disasm: f.bpf: program is 12 bytes, not a multiple of 8 (struct sock_filter); the last instruction is truncated; pass a raw sock_filter array (seccomptrace asm writes one)\n', 1],
    ['more than 4096 instructions', new Uint8Array(8 * 4097), 'seccomptrace disasm: f.bpf: 4097 instructions, more than BPF_MAXINSNS (4096); is this a raw sock_filter array?\n', 1],
  ];
  for (const [name, bytes, stderr, code] of BAD) {
    it(`${name}: one line, exit ${code}`, async () => {
      const d = mkdtempSync(join(tmpdir(), 'st-disasm-bad-'));
      if (bytes !== undefined) writeFileSync(join(d, 'f.bpf'), bytes);
      const r = await runCli(['disasm', 'f.bpf'], { cwd: d });
      assert.deepEqual({ code: r.code, stderr: r.stderr, stdout: r.stdout }, { code, stderr, stdout: '' });
    });
  }
  it('an unknown --arch is a usage error', async () => {
    const r = await runCli(['disasm', 'f.bpf', '--arch', 'vax'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^seccomptrace disasm: unknown arch 'vax'.*\n$/);
  });
});
