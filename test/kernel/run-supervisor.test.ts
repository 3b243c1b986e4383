/** @module The supervisor's ring: with a tiny ring, every notification is either delivered or counted lost, never silently gone; exits with notifications pending lose nothing. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { encodeProgram, insn } from '../../src/bpf/insn-codec.js';
import { ANSWER_CONTINUE, supervise, type NotifyRecord } from '../../src/linux/supervisor.js';
import { buildRunTarget } from './run-target.test-helper.js';

const GETPPID = 110; // syscall_64.tbl
// LD arch; JEQ x86_64 ? next : ALLOW; LD nr; JEQ getppid ? USER_NOTIF : ALLOW
const PROGRAM = encodeProgram([insn(0x20, 4), insn(0x15, 0xc000003e, 1, 0), insn(0x06, 0x7fff0000), insn(0x20, 0), insn(0x15, GETPPID, 0, 1), insn(0x06, 0x7fc00000), insn(0x06, 0x7fff0000)]);
const TABLE = { arch: 0xc000003e, answers: new Uint8Array(1024).fill(ANSWER_CONTINUE), other: 0 as const };

let dir = '';
let exe = '';
before(() => ({ dir, exe } = buildRunTarget()));
after(() => {
  if (dir !== '') execFileSync('rm', ['-rf', dir]);
});

describe('supervisor ring', () => {
  it('a 16-record ring under 2,000 notifications: delivered + lost = received = 2,000', async () => {
    const got: NotifyRecord[] = [];
    const r = await supervise({ command: exe, args: ['count', '500', '1', '2'], filters: [{ program: PROGRAM, flags: 8 }], table: TABLE, capacity: 16, decide: () => ({ kind: 'continue' }), onRecords: (x) => void got.push(...x) });
    assert.equal(r.status, 0);
    assert.equal(r.received, 2000);
    assert.equal(got.length + r.lost, 2000);
    assert.ok(got.every((x) => x.nr === GETPPID && x.answered));
  });
  it('40 children that each make one notified call and exit at once: 40 records, none lost', async () => {
    const got: NotifyRecord[] = [];
    const r = await supervise({ command: exe, args: ['count', '1', '0', '39'], filters: [{ program: PROGRAM, flags: 8 }], table: TABLE, decide: () => ({ kind: 'continue' }), onRecords: (x) => void got.push(...x) });
    assert.equal(r.status, 0);
    assert.equal(r.lost, 0);
    assert.equal(got.length, 40);
    assert.equal(new Set(got.map((x) => x.pid)).size, 40);
  });
  it('a record the table marks "ask" waits for JavaScript: errno answered by decide()', async () => {
    const ask = { ...TABLE, answers: new Uint8Array(1024).fill(1) };
    const r = await supervise({ command: exe, args: ['once', `${dir}/ask.txt`], filters: [{ program: PROGRAM, flags: 8 }], table: ask, decide: () => ({ kind: 'errno', errno: 13 }), onRecords: () => undefined });
    assert.equal(r.status, 0);
    assert.equal(execFileSync('cat', [`${dir}/ask.txt`], { encoding: 'utf8' }), '-1 13');
  });
});
