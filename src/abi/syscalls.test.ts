/** @module Tests of the syscall resolver: round trips, x32 bit, suggestions, x86 multiplexed calls. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCHES } from './arch.js';
import { multiplexedCall, parseSyscall, resolveSyscall, subcallName, syscallName, syscallTable } from './syscalls.js';

test('every table row round-trips name → nr → name, with no duplicate names or numbers', () => {
  for (const a of ARCHES) {
    const rows = syscallTable(a.name);
    assert.ok(rows.length > 300, `${a.name} has ${rows.length} rows`);
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length, `${a.name} duplicate names`);
    assert.equal(new Set(rows.map((r) => r.nr)).size, rows.length, `${a.name} duplicate numbers`);
    for (const r of rows) {
      assert.equal(resolveSyscall(a.name, r.name), r.nr);
      assert.equal(syscallName(a.name, r.nr), r.name);
    }
  }
});

test('well-known numbers from the kernel tables', () => {
  assert.equal(resolveSyscall('x86_64', 'read'), 0);
  assert.equal(resolveSyscall('x86_64', 'openat'), 257);
  assert.equal(resolveSyscall('x86_64', 'seccomp'), 317);
  assert.equal(resolveSyscall('x86', 'socketcall'), 102);
  assert.equal(resolveSyscall('x86', 'ipc'), 117);
  assert.equal(resolveSyscall('x32', 'read'), 0x40000000);
  assert.equal(resolveSyscall('x32', 'execve'), 0x40000000 + 520); // x32-only slot 520
  assert.equal(resolveSyscall('x86_64', 'execve'), 59);
  assert.equal(resolveSyscall('aarch64', 'openat'), 56);
  assert.equal(resolveSyscall('aarch64', 'open'), undefined);
  assert.equal(resolveSyscall('riscv64', 'riscv_flush_icache'), 259);
  assert.equal(resolveSyscall('arm', 'cacheflush'), 0x0f0002);
  assert.equal(resolveSyscall('mips', 'read'), 4003);
  assert.equal(resolveSyscall('mips64', 'read'), 5000);
  assert.equal(resolveSyscall('mips64', 'set_mempolicy_home_node'), 5450); // the n64 table's one "common" row
});

test('x32 names accept the number with or without the x32 bit', () => {
  assert.equal(syscallName('x32', 0x40000000), 'read');
  assert.equal(syscallName('x32', 0), 'read');
  assert.equal(syscallName('x86_64', 0x40000000), undefined);
});

test('parseSyscall: names, numbers, negative, and the closest match for a typo', () => {
  assert.deepEqual(parseSyscall('x86_64', 'openat'), { ok: true, value: 257 });
  assert.deepEqual(parseSyscall('x86_64', '0x101'), { ok: true, value: 257 });
  assert.deepEqual(parseSyscall('x86_64', '9999'), { ok: true, value: 9999 });
  assert.deepEqual(parseSyscall('x86_64', '-1'), { ok: true, value: -1 });
  const r = parseSyscall('x86_64', 'opnat');
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'abi/unknown-syscall');
    assert.equal(r.error.message, "unknown syscall 'opnat' on x86_64; did you mean openat?");
  }
  const far = parseSyscall('aarch64', 'zzzzzzzzzzzz');
  assert.equal(far.ok, false);
  if (!far.ok) assert.equal(far.error.message, "unknown syscall 'zzzzzzzzzzzz' on aarch64");
});

test('x86 socketcall and ipc sub-calls (net.h SYS_*, ipc.h) name the calls they stand for', () => {
  assert.deepEqual(multiplexedCall('x86', 'socket'), { via: 102, viaName: 'socketcall', call: 1 });
  assert.deepEqual(multiplexedCall('x86', 'sendmmsg'), { via: 102, viaName: 'socketcall', call: 20 });
  assert.deepEqual(multiplexedCall('x86', 'semop'), { via: 117, viaName: 'ipc', call: 1 });
  assert.deepEqual(multiplexedCall('x86', 'shmctl'), { via: 117, viaName: 'ipc', call: 24 });
  assert.equal(multiplexedCall('x86_64', 'socket'), undefined);
  assert.equal(subcallName('socketcall', 9), 'send');
  assert.equal(subcallName('ipc', 13), 'msgget');
  assert.equal(subcallName('ipc', 25), undefined); // DIPC is not a call
});
