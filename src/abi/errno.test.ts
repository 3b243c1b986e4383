/** @module Tests of errno and signal tables: round trips, arch differences, parse errors. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCHES } from './arch.js';
import { errnoName, errnoNumber, errnoTable, errnoText, parseErrno } from './errno.js';
import { signalName, signalNumber, signalTable, sigsys } from './signals.js';

test('every errno row round-trips; the canonical name of a shared number is the first defined', () => {
  for (const a of ARCHES) {
    for (const e of errnoTable(a.name)) {
      assert.equal(errnoNumber(e.name, a.name), e.nr);
      assert.equal(errnoNumber(errnoName(e.nr, a.name)!, a.name), e.nr);
    }
  }
  assert.equal(errnoName(11), 'EAGAIN');
  assert.equal(errnoNumber('EWOULDBLOCK'), 11);
  assert.equal(errnoName(1), 'EPERM');
  assert.equal(errnoText(1), 'Operation not permitted');
  assert.equal(errnoNumber('ENOSYS'), 38);
  assert.equal(errnoNumber('EOPNOTSUPP'), 95);
  assert.equal(errnoNumber('EHWPOISON'), 133);
});

test('mips and powerpc numbers differ where their headers say', () => {
  assert.equal(errnoNumber('ENOSYS', 'mips'), 89);
  assert.equal(errnoNumber('EDEADLOCK', 'mips'), 56);
  assert.equal(errnoNumber('EDEADLOCK', 'ppc64le'), 58);
  assert.equal(errnoNumber('EDEADLOCK', 'x86_64'), 35);
  assert.equal(errnoNumber('EDQUOT', 'mips'), 1133);
});

test('parseErrno: names any case, numbers to 4095, typos get a suggestion', () => {
  assert.deepEqual(parseErrno('eperm'), { ok: true, value: 1 });
  assert.deepEqual(parseErrno('4095'), { ok: true, value: 4095 });
  const big = parseErrno('4096');
  assert.equal(big.ok, false);
  const typo = parseErrno('EPRM');
  assert.equal(typo.ok, false);
  if (!typo.ok) assert.equal(typo.error.format(), "unknown errno 'EPRM' on x86_64; did you mean EPERM?; use a name such as EPERM or a number 0..4095");
});

test('signals: names both ways, SIGSYS per arch, real-time numbers', () => {
  for (const a of ARCHES) for (const s of signalTable(a.name)) assert.equal(signalNumber(s.name, a.name), s.nr);
  assert.equal(sigsys('x86_64'), 31);
  assert.equal(sigsys('aarch64'), 31);
  assert.equal(sigsys('mips'), 12);
  assert.equal(signalName(31), 'SIGSYS');
  assert.equal(signalName(9), 'SIGKILL');
  assert.equal(signalName(6), 'SIGABRT');
  assert.equal(signalName(34), 'SIGRTMIN+2');
  assert.equal(signalName(0), undefined);
  assert.equal(signalName(65), undefined);
  assert.equal(signalNumber('sys'), 31);
  assert.equal(signalNumber('SIGRTMIN+2'), 34);
});
