/** @module `seccomptrace asm`: bytes out, and every bad input as one stderr line with exit 1 (usage 2). */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'st-asm-'));
const file = (name: string, text: string): string => (writeFileSync(join(dir, name), text), name);

describe('seccomptrace asm', () => {
  it('writes sock_filter bytes to stdout', async () => {
    file('ok.s', '.arch x86_64\nld nr\njeq #execve, kill\nret ALLOW\nkill: ret KILL_PROCESS\n');
    const r = await runCli(['asm', 'ok.s'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      Buffer.from(r.bytes).toString('hex'),
      ['2000000000000000', '150001003b000000', '060000000000ff7f', '0600000000000080'].join(''),
    );
  });
  it('writes to -o OUT.bpf', async () => {
    file('one.s', 'ret ERRNO(1)\n');
    const r = await runCli(['asm', 'one.s', '-o', 'one.bpf'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'one.bpf')).toString('hex'), '0600000001000500');
  });
  it('reads stdin for -', async () => {
    const r = await runCli(['asm', '-'], { cwd: dir, stdin: new TextEncoder().encode('ret a\n') });
    assert.equal(Buffer.from(r.bytes).toString('hex'), '1600000000000000');
  });

  const BAD: readonly (readonly [string, string, string])[] = [
    ['syntax error with line and column', 'ld nr\njeq #1 L\nret a\n', "seccomptrace asm: bad.s:2:8: expected ',' and a jump target, found 'L'\n"],
    ['unknown mnemonic', 'lod nr\n', "seccomptrace asm: bad.s:1:1: unknown mnemonic 'lod'; did you mean ld?; see docs/asm.md\n"],
    ['unknown label', 'ja out\nret a\n', "seccomptrace asm: bad.s:1:4: unknown label 'out'\n"],
    ['jump out of range', `jeq #1, far\n${'ld #0\n'.repeat(300)}far: ret a\n`, "seccomptrace asm: bad.s:1:9: label 'far' is 300 instructions ahead; jt/jf reach at most 255; jump to a 'ja far' placed within 255 instructions (ja reaches any distance)\n"],
    ['bad number', 'ret #0x7fffz\n', "seccomptrace asm: bad.s:1:6: bad number '0x7fffz'; write decimal (42) or hex (0x2a)\n"],
    ['more than 4096 instructions', 'ret a\n'.repeat(4097), 'seccomptrace asm: bad.s:4097:1: more than BPF_MAXINSNS (4096) instructions; split the filter into several filters\n'],
  ];
  for (const [name, text, stderr] of BAD) {
    it(`${name}: one line, exit 1`, async () => {
      file('bad.s', text);
      const r = await runCli(['asm', 'bad.s'], { cwd: dir });
      assert.deepEqual({ code: r.code, stderr: r.stderr, out: r.bytes.length }, { code: 1, stderr, out: 0 });
    });
  }
  it('missing file: one line, exit 1', async () => {
    const r = await runCli(['asm', 'nope.s'], { cwd: dir });
    assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 1, stderr: 'seccomptrace asm: nope.s: no such file (ENOENT)\n' });
  });
  it('no file or an unknown option: usage error, exit 2', async () => {
    const r = await runCli(['asm'], { cwd: dir });
    assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 2, stderr: 'seccomptrace asm: no input file; usage: seccomptrace asm FILE.s [-o OUT.bpf]\n' });
    const r2 = await runCli(['asm', 'x.s', '--bogus'], { cwd: dir });
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /^seccomptrace asm: Unknown option '--bogus'; see 'seccomptrace asm --help'\n$/);
  });
});
