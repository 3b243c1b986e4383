/** @module The lowering of return values for `run`: a deny stays a deny outside complain mode (property), and each action's row. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { behaviour, isSideAction, type ActionName } from '../abi/actions.js';
import { lowerAction, LOGGABLE, type LowerOptions } from './supervisor-plan.js';
import { ANSWER_ASK, ANSWER_CONTINUE } from './supervisor.js';

const USER_NOTIF = 0x7fc00000, LOG = 0x7ffc0000, ALLOW = 0x7fff0000;
const ALL = new Set<ActionName>(LOGGABLE);

describe('lowerAction', () => {
  it('outside complain mode a deny is never continued: it stays as written or goes to the supervisor to be answered', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.subarray([...LOGGABLE]), fc.boolean(), (value, logged, kernelLog) => {
        const o: LowerOptions = { mode: 'proposed', complain: false, logActions: new Set(logged), kernelLog };
        const l = lowerAction(value, o);
        const a = behaviour(value);
        if (isSideAction(value) || a === 'allow' || a === 'log') return true;
        return (l.ret === value && l.answer === ANSWER_CONTINUE) || (l.ret === USER_NOTIF && l.answer === ANSWER_ASK && !kernelLog);
      }),
    );
  });
  const rows: [string, number, Partial<LowerOptions>, { ret: number; answer: number }][] = [
    ['allow stays in the kernel', ALLOW, {}, { ret: ALLOW, answer: ANSWER_CONTINUE }],
    ['log is notified and continued natively', LOG, {}, { ret: USER_NOTIF, answer: ANSWER_CONTINUE }],
    ['log with --via kernel is RET_LOG', LOG, { kernelLog: true }, { ret: LOG, answer: ANSWER_CONTINUE }],
    ['errno(1) logged: the supervisor answers', 0x50001, {}, { ret: USER_NOTIF, answer: ANSWER_ASK }],
    ['errno(1) not logged: the kernel answers', 0x50001, { logActions: new Set() }, { ret: 0x50001, answer: ANSWER_CONTINUE }],
    ['kill_process logged: the supervisor kills', 0x80000000, {}, { ret: USER_NOTIF, answer: ANSWER_ASK }],
    ['kill_process with --via kernel stays a kill', 0x80000000, { kernelLog: true }, { ret: 0x80000000, answer: ANSWER_CONTINUE }],
    ['trap stays in the kernel (the supervisor cannot deliver a SIGSYS with siginfo)', 0x30005, {}, { ret: 0x30005, answer: ANSWER_CONTINUE }],
    ['complain: errno becomes notify + continue', 0x50001, { complain: true }, { ret: USER_NOTIF, answer: ANSWER_CONTINUE }],
    ['complain, not logged: errno becomes allow', 0x50001, { complain: true, logActions: new Set() }, { ret: ALLOW, answer: ANSWER_CONTINUE }],
    ['proposed: log(7) is log-and-allow', 0xff000007, { mode: 'proposed' }, { ret: USER_NOTIF, answer: ANSWER_CONTINUE }],
  ];
  for (const [name, value, o, want] of rows) {
    it(name, () => {
      assert.deepEqual(lowerAction(value, { mode: 'linux', complain: false, logActions: ALL, ...o }), want);
    });
  }
  it('linux mode refuses a side action with the fix', () => {
    assert.throws(() => lowerAction(0xff000007, { mode: 'linux', complain: false, logActions: ALL }), (e: { code?: string; hint?: string }) => e.code === 'linux/run-side-action' && e.hint === 'add --mode proposed');
  });
});
