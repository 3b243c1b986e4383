/** @module The kernel decisions alone: seccomp_run_filters precedence, __seccomp_filter effects, seccomp_log's table. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ACTION_NAMES, type ActionName } from '../abi/actions.js';
import { actionsLoggedFromNames, DEFAULT_ACTIONS_LOGGED, NO_ACTIONS_LOGGED } from './actions-logged.js';
import { decide, pickOutcome, shouldLog } from './decide.js';

const rows = (values: readonly number[]) => values.map((value, i) => ({ index: values.length - 1 - i, value })); // newest first

const PICK: readonly { name: string; newestFirst: number[]; value: number; match: number | undefined }[] = [
  { name: 'no filter result beats ALLOW: no match', newestFirst: [0x7fff0000], value: 0x7fff0000, match: undefined },
  { name: 'a tie keeps the newest filter and its data (ERRNO_order)', newestFirst: [0x00050002, 0x00050001], value: 0x00050002, match: 1 },
  { name: 'data bits play no part in precedence', newestFirst: [0x0005ffff, 0x00050000], value: 0x0005ffff, match: 1 },
  { name: 'KILL_PROCESS is the lowest signed action', newestFirst: [0x00000000, 0x80000000], value: 0x80000000, match: 0 },
  { name: 'an unknown 0xffff0000 (s32 −65536) beats KILL_THREAD', newestFirst: [0x00000000, 0xffff0000], value: 0xffff0000, match: 0 },
  { name: 'LOG loses to ERRNO', newestFirst: [0x7ffc0000, 0x00050003], value: 0x00050003, match: 0 },
  { name: 'USER_NOTIF beats TRACE, TRACE beats LOG', newestFirst: [0x7ffc0000, 0x7ff00001, 0x7fc00000], value: 0x7fc00000, match: 0 },
];

for (const r of PICK) {
  test(`pickOutcome: ${r.name}`, () => {
    assert.deepEqual(pickOutcome(rows(r.newestFirst)), { value: r.value, match: r.match });
  });
}

test('pickOutcome is the signed minimum of the action part, first (newest) on ties', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 6 }), (vals) => {
      const got = pickOutcome(rows(vals));
      const ranks = vals.map((v) => v & 0xffff0000);
      const min = Math.min(...ranks);
      if (min >= (0x7fff0000 | 0)) return got.match === undefined && got.value === 0x7fff0000;
      const first = ranks.indexOf(min);
      return got.value === vals[first]! >>> 0 && got.match === vals.length - 1 - first;
    }),
  );
});

test('decide: ERRNO data is capped at 4095, ERRNO(0) returns 0, TRACE/USER_NOTIF give ENOSYS, unknown kills the process', () => {
  assert.deepEqual(decide(0x00051388, false).effect, { kind: 'return', value: -4095 });
  assert.deepEqual(decide(0x00050000, false).effect, { kind: 'return', value: 0 });
  assert.deepEqual(decide(0x7ff00005, true).effect, { kind: 'return', value: -38 });
  assert.deepEqual(decide(0x7fc00000, true).effect, { kind: 'return', value: -38 });
  assert.deepEqual(decide(0x00030007, false).effect, { kind: 'trap', siErrno: 7 });
  assert.deepEqual(decide(0x00010005, false), { action: 'kill_process', data: 5, effect: { kind: 'kill', scope: 'process', signal: 31 }, requested: true, signr: 31 });
  assert.deepEqual(decide(0x00000000, false).effect, { kind: 'kill', scope: 'thread', signal: 31 });
});

// seccomp_log() (kernel-semantics.md §3.1): [action, needs FLAG_LOG]
const NEEDS_FLAG: Readonly<Record<ActionName, boolean | 'never'>> = {
  kill_process: false,
  kill_thread: false,
  trap: true,
  errno: true,
  user_notif: true,
  trace: true,
  log: false,
  allow: 'never',
};

for (const action of ACTION_NAMES) {
  test(`shouldLog(${action}) follows seccomp_log's table`, () => {
    for (const requested of [false, true]) {
      const expectDefault = NEEDS_FLAG[action] === 'never' ? false : NEEDS_FLAG[action] === true ? requested : true;
      assert.equal(shouldLog(action, requested, DEFAULT_ACTIONS_LOGGED), expectDefault, `default set, requested=${requested}`);
      assert.equal(shouldLog(action, requested, NO_ACTIONS_LOGGED), false, `empty set, requested=${requested}`);
      if (action !== 'allow') {
        const others = actionsLoggedFromNames(ACTION_NAMES.filter((n) => n !== action && n !== 'allow'));
        assert.ok(others.ok);
        if (others.ok) assert.equal(shouldLog(action, requested, others.value), false, 'its own bit missing');
      }
    }
  });
}
