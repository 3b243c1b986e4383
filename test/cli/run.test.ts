/** @module `npx seccomptrace run -- ls` works with no configuration; bad `run` input gives one line and exit 1/2. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { REPO_ROOT } from '../fixtures/paths.js';

describe('seccomptrace run (CLI)', () => {
  it('`npx seccomptrace run -- ls` lists the directory, reports nothing denied, exits 0', { skip: existsSync(join(REPO_ROOT, 'dist', 'cli', 'seccomptrace.js')) ? false : 'dist/ not built (npm test builds it)' }, () => {
    const r = execFileSync('npx', ['--no-install', 'seccomptrace', 'run', '--', 'ls', REPO_ROOT], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(r, /^package\.json$/m);
  });
  it('the exit status passes through', async () => {
    const r = await runCli(['run', '--quiet', '--', 'sh', '-c', 'exit 7']);
    assert.equal(r.code, 7);
    const k = await runCli(['run', '--quiet', '--', 'sh', '-c', 'kill -TERM $$']);
    assert.equal(k.code, 128 + 15);
  });
  const bad: [string, string[], number, RegExp][] = [
    ['no command', ['run'], 2, /^seccomptrace run: no command to run; /],
    ['unknown --via', ['run', '--via', 'ptrace', '--', 'true'], 2, /^seccomptrace run: --via: unknown log path 'ptrace'; use notify or kernel\n$/],
    ['unknown --mode', ['run', '--mode', 'x', '--', 'true'], 2, /^seccomptrace run: --mode: unknown mode 'x'; use linux or proposed\n$/],
    ['unknown log action', ['run', '--log-actions', 'errno,nope', '--', 'true'], 2, /^seccomptrace run: --log-actions: unknown action 'nope'; use /],
    ['missing profile', ['run', '--policy', 'no-such.json', '--', 'true'], 1, /^seccomptrace run: no-such\.json: no such file \(ENOENT\); give a profile file or one of: docker-default\n$/],
    ['not executable', ['run', '--', '/etc/passwd'], 1, /^seccomptrace run: \/etc\/passwd: execve failed in the child \(EACCES\)\n$/],
    ['malformed JSON profile', ['run', '--policy', 'broken.json', '--', 'true'], 1, /^seccomptrace run: broken\.json:1:19: malformed JSON: /],
    ['policy-language syntax error', ['run', '--policy', '/etc/passwd', '--', 'true'], 1, /^seccomptrace run: \/etc\/passwd:1:17: unexpected character '\/'\n$/],
    ['unknown profile action', ['run', '--policy', 'bad-action.json', '--', 'true'], 1, /^seccomptrace run: bad-action\.json:1:18: \/defaultAction: unknown action 'SCMP_ACT_NOPE'; /],
    ['command not found', ['run', '--', 'no-such-command-xyz'], 1, /^seccomptrace run: no-such-command-xyz: command not found \(ENOENT\); check the name or give a path\n$/],
  ];
  const cwd = mkdtempSync(join(tmpdir(), 'seccomptrace-run-cli-'));
  writeFileSync(join(cwd, 'bad-action.json'), '{"defaultAction":"SCMP_ACT_NOPE"}');
  writeFileSync(join(cwd, 'broken.json'), '{"defaultAction": }');
  after(() => rmSync(cwd, { recursive: true, force: true }));
  for (const [name, argv, code, line] of bad) {
    it(`bad input: ${name} → one line, exit ${code}`, async () => {
      const r = await runCli(argv, { cwd });
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, line);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    });
  }
});
