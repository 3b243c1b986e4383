/** @module `seccomptrace sysctl` in-process: reading both files, writing actions_logged with the kernel's rules (restored), one line per refusal. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { DEFAULT_ACTIONS_LOGGED, formatActionsLogged } from '../../src/engine/actions-logged.js';
import { readActionsLogged, withActionsLogged } from '../../src/linux/sysctl.js';
import { withDefaultActionsLogged } from '../kernel/probe-sysctl.test-helper.js';

const isRoot = process.getuid?.() === 0;

test('without arguments: both files, as name = value lines', async () => {
  const r = await runCli(['sysctl']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'actions_avail = kill_process kill_thread trap errno user_notif trace log allow');
  assert.match(lines[1]!, /^actions_logged = [a-z_ ]*$/);
});

test('writing: the kernel normalises the value (order, duplicates, stop at an empty token), and it is restored', { skip: isRoot ? false : 'needs root' }, () => withDefaultActionsLogged(async () => {
  const before = readActionsLogged();
  assert.ok(before.ok);
  await withActionsLogged(DEFAULT_ACTIONS_LOGGED, async () => {
    const r = await runCli(['sysctl', 'actions_logged', 'log errno errno  trap']);
    assert.equal(r.stdout, 'actions_logged = errno log\n');
    const back = await runCli(['sysctl', 'actions_logged']);
    assert.equal(back.stdout, 'errno log\n');
  });
  const after = readActionsLogged();
  assert.ok(after.ok && before.ok && after.value === before.value);
}));

const BAD: readonly (readonly [string, readonly string[], string, number])[] = [
  ['allow', ['actions_logged', 'log allow'], "seccomptrace sysctl: actions_logged 'log allow': 'allow' cannot be logged (EINVAL); the kernel refuses it (kernel/seccomp.c seccomp_actions_logged_from_names); leave it out", 1],
  ['a comma list', ['actions_logged', 'errno,log'], "seccomptrace sysctl: actions_logged 'errno,log': 'errno,log' is not an action name (EINVAL); use names from kill_process kill_thread trap errno user_notif trace log, separated by single spaces", 1],
  ['the pre-release name kill', ['actions_logged', 'kill'], "seccomptrace sysctl: actions_logged 'kill': 'kill' is not an action name (EINVAL)", 1],
  ['actions_avail is read-only', ['actions_avail', 'log'], 'seccomptrace sysctl: actions_avail: is read-only (EACCES); set actions_logged instead', 1],
  ['unknown option', ['--bogus'], "seccomptrace sysctl: Unknown option '--bogus'; see 'seccomptrace sysctl --help'", 2],
  ['unknown sysctl', ['actions_loged'], "seccomptrace sysctl: unknown sysctl 'actions_loged'; use actions_avail or actions_logged", 2],
];

for (const [name, argv, line, code] of BAD) {
  test(`refused: ${name} → one line, value unchanged`, () => withDefaultActionsLogged(async () => {
    const before = readActionsLogged();
    const r = await runCli(['sysctl', ...argv]);
    assert.equal(r.code, code);
    assert.ok(r.stderr.startsWith(line), r.stderr);
    assert.equal(r.stderr.split('\n').length, 2);
    const after = readActionsLogged();
    assert.ok(before.ok && after.ok);
    if (before.ok && after.ok) assert.equal(formatActionsLogged(after.value), formatActionsLogged(before.value));
  }));
}
