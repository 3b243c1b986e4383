/** @module The actions_logged write grammar against every row kernel-semantics.md §3.9 verified on 6.18. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  actionsLoggedFromNames,
  DEFAULT_ACTIONS_LOGGED,
  formatActionsLogged,
  parseActionsLoggedWrite,
} from './actions-logged.js';

// [written bytes, read back (undefined = EINVAL, value unchanged)] — kernel-semantics.md §3.9 table.
const ROWS: readonly (readonly [string, string | undefined])[] = [
  ['errno trap', 'trap errno'],
  ['allow', undefined],
  ['log allow', undefined],
  ['kill', undefined],
  ['ERRNO', undefined],
  ['user_notif,log', undefined],
  ['errno\ttrap', undefined],
  [' errno', ''],
  ['errno  trap', 'errno'],
  ['trap errno ', 'trap errno'],
  ['\n', ''],
  ['errno errno', 'errno'],
  ['errno\0trap', 'errno'],
  // 65 bytes: the kernel keeps 62, which end at "trace", so the stray "lo" is never seen.
  ['kill_process kill_thread trap errno errno user_notif log trace lo', 'kill_process kill_thread trap errno user_notif trace log'],
  ['kill_process kill_thread trap errno user_notif trace log\n', 'kill_process kill_thread trap errno user_notif trace log'],
];

for (const [written, expected] of ROWS) {
  test(`writing ${JSON.stringify(written)} ${expected === undefined ? 'fails with EINVAL' : `reads back ${JSON.stringify(expected)}`}`, () => {
    const r = parseActionsLoggedWrite(written);
    if (expected === undefined) {
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.errno, 'EINVAL');
    } else {
      assert.ok(r.ok, r.ok ? '' : r.error.format());
      if (r.ok) assert.equal(formatActionsLogged(r.value), expected);
    }
  });
}

test('the 65-byte row is 65 bytes', () => {
  assert.equal('kill_process kill_thread trap errno errno user_notif log trace lo'.length, 65);
});

test('the default set is every action but allow, in the kernel order', () => {
  assert.equal(formatActionsLogged(DEFAULT_ACTIONS_LOGGED), 'kill_process kill_thread trap errno user_notif trace log');
});

test('a list of names refuses allow and unknown names with one clear line', () => {
  const a = actionsLoggedFromNames(['log', 'allow']);
  assert.equal(a.ok ? '' : a.error.format(), "'allow' cannot be logged (EINVAL); the kernel refuses it (kernel/seccomp.c seccomp_actions_logged_from_names); leave it out");
  const b = actionsLoggedFromNames(['errno', 'kill']);
  assert.equal(b.ok ? '' : b.error.format(), "'kill' is not an action name; use names from kill_process kill_thread trap errno user_notif trace log");
});
