/** @module The bundled docker-default's warnings show in `compile` only; a user's profile (even a file named docker-default) warns in every verb that reads it. */

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { REPO_ROOT } from '../fixtures/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'st-builtin-warn-'));
// The same text as the bundled profile, but the user's file: its warnings are the user's to act on.
copyFileSync(join(REPO_ROOT, 'profiles', 'docker-default.json'), join(dir, 'mine.json'));
writeFileSync(join(dir, 'empty.log'), '');

/** Docker's clone rule compares with MASKED_EQ and no valueTwo (moby profiles/seccomp/default.json). */
const warning = (verb: string, name: string): string =>
  `seccomptrace ${verb}: ${name}:645:5: warning: /syscalls/16/args/0: SCMP_CMP_MASKED_EQ without "valueTwo": runc compares (arg0 & 0x7e020000) == 0\n`;

test('compile docker-default prints the bundled profile\'s warning (that is where a profile is inspected)', async () => {
  const r = await runCli(['compile', 'docker-default', '--arch', 'x86_64', '--kernel', '6.18', '--format', 'asm'], { cwd: dir });
  assert.equal(r.code, 0);
  assert.equal(r.stderr, warning('compile', 'docker-default'));
});

test('sim, run and logs --policy with the built-in docker-default print no warning', async () => {
  const sim = await runCli(['sim', 'docker-default', 'getpid'], { cwd: dir });
  assert.deepEqual({ code: sim.code, stderr: sim.stderr }, { code: 0, stderr: '' });
  const run = await runCli(['run', '--quiet', '--', 'true'], { cwd: dir });
  assert.deepEqual({ code: run.code, stderr: run.stderr }, { code: 0, stderr: '' });
  const logs = await runCli(['logs', '--source', 'empty.log', '--policy', 'docker-default'], { cwd: dir });
  assert.deepEqual({ code: logs.code, stderr: logs.stderr }, { code: 0, stderr: '' });
});

test('the same profile as the user\'s own file warns in compile, sim, run and logs --policy', async () => {
  const compile = await runCli(['compile', 'mine.json', '--arch', 'x86_64', '--kernel', '6.18', '--format', 'asm'], { cwd: dir });
  assert.equal(compile.stderr, warning('compile', 'mine.json'));
  const sim = await runCli(['sim', 'mine.json', 'getpid'], { cwd: dir });
  assert.deepEqual({ code: sim.code, stderr: sim.stderr }, { code: 0, stderr: warning('sim', 'mine.json') });
  const run = await runCli(['run', '--quiet', '--policy', 'mine.json', '--', 'true'], { cwd: dir });
  assert.deepEqual({ code: run.code, stderr: run.stderr }, { code: 0, stderr: warning('run', 'mine.json') });
  const logs = await runCli(['logs', '--source', 'empty.log', '--policy', 'mine.json'], { cwd: dir });
  assert.deepEqual({ code: logs.code, stderr: logs.stderr }, { code: 0, stderr: warning('logs', 'mine.json') });
});

test('a file named docker-default in the cwd is the user\'s, not the bundled profile, in every verb', async () => {
  const own = mkdtempSync(join(tmpdir(), 'st-builtin-own-'));
  copyFileSync(join(dir, 'mine.json'), join(own, 'docker-default'));
  for (const argv of [['sim', 'docker-default', 'getpid'], ['run', '--quiet', '--policy', 'docker-default', '--', 'true'], ['logs', '--source', join(dir, 'empty.log'), '--policy', 'docker-default']]) {
    const r = await runCli(argv, { cwd: own });
    assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: warning(argv[0]!, 'docker-default') }, argv.join(' '));
  }
});
