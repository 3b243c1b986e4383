/** @module Tests of the type=1326 format and parser: kernel-verified lines, every printed form, round trips, ausearch -i. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatAuditLogLine, formatKmsgLine, formatSeccompRecord, encodeUntrusted, type SeccompEvent } from './audit-record.js';
import { parseAuditLine, type SeccompRecord } from './audit-line.js';
import { enrich, toSeccompEvent } from './enrich.js';

// kernel-semantics.md §3.6 [verified 6.18], netlink payload.
const NATIVE = 'audit(1796412198.362:330020): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13169 comm="t_actions" exe="/usr/local/bin/t_actions" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7ff368eb1829 code=0x7ffc0000';
const EVENT: SeccompEvent = {
  time: '1796412198.362', serial: 330020, auid: 4294967295, uid: 0, gid: 0, ses: 4294967295, pid: 13169,
  comm: 't_actions', exe: '/usr/local/bin/t_actions', sig: 0, arch: 0xc000003e, syscall: 110, compat: 0, ip: 0x7ff368eb1829n, code: 0x7ffc0000,
};

function seccomp(line: string, type?: number): SeccompRecord {
  const r = parseAuditLine(line, type);
  assert.ok(r.ok, r.ok ? '' : r.error.format());
  assert.equal(r.value.kind, 'seccomp', line);
  return r.value as SeccompRecord;
}

test('formats an event exactly as the kernel printed it (netlink payload)', () => {
  assert.equal(formatSeccompRecord(EVENT), NATIVE);
  assert.equal(formatKmsgLine(EVENT), `audit: type=1326 ${NATIVE}`);
  assert.equal(formatAuditLogLine(EVENT), `type=SECCOMP msg=${NATIVE}`);
});

test('comm/exe with a quote or a byte outside 0x21..0x7e are uppercase hex (audit_log_untrustedstring)', () => {
  assert.equal(encodeUntrusted('a b"c'), '6120622263'); // [verified 6.18]
  assert.equal(encodeUntrusted('ok'), '"ok"');
  assert.equal(encodeUntrusted('é'), 'C3A9');
});

test('every printed form parses to the same fields and event', () => {
  const forms: [string, string][] = [
    ['netlink', NATIVE],
    ['kmsg', `5,367,794238456,-;audit: type=1326 ${NATIVE}`],
    ['dmesg', `[  794.167817] audit: type=1326 ${NATIVE}`],
    ['dmesg', `audit: type=1326 ${NATIVE}`],
    ['dmesg-T', `[Fri Dec  4 21:16:11 2026] audit: type=1326 ${NATIVE}`],
    ['syslog', `Dec  4 21:16:11 host kernel: [  794.167817] audit: type=1326 ${NATIVE}`],
    ['syslog', `2026-12-04T21:16:11.123456+00:00 host kernel: audit: type=1326 ${NATIVE}`],
    ['audit', `type=SECCOMP msg=${NATIVE}`],
    ['audit', `type=1326 msg=${NATIVE}`],
    ['audit-enriched', `type=SECCOMP msg=${NATIVE}\x1dAUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=getppid`],
  ];
  for (const [format, line] of forms) {
    const r = seccomp(line, format === 'netlink' ? 1326 : undefined);
    assert.equal(r.format, format, line);
    assert.equal(r.time, '1796412198.362');
    assert.equal(r.serial, 330020);
    assert.deepEqual(toSeccompEvent(r), EVENT, line);
    if (format === 'audit-enriched') {
      assert.deepEqual([r.fields['AUID'], r.fields['UID'], r.fields['GID'], r.fields['ARCH'], r.fields['SYSCALL']], ['unset', 'root', 'root', 'x86_64', 'getppid']);
    }
  }
});

test('journald audit transport lines ("audit[PID]: SECCOMP …") parse without a stamp', () => {
  const r = seccomp('Dec 04 21:16:11 host audit[13169]: SECCOMP auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13169 comm="t_actions" exe="/usr/local/bin/t_actions" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7ff368eb1829 code=0x7ffc0000');
  assert.equal(r.format, 'journal');
  const { time: _t, serial: _s, ...rest } = EVENT;
  assert.deepEqual(toSeccompEvent(r), rest);
});

test('subj may hold spaces and begin with "="; it ends at the next known key', () => {
  const r = seccomp('audit: type=1326 audit(1.002:3): auid=1000 uid=1000 gid=1000 ses=2 subj==unconfined (enforce) pid=5 comm="x" exe="/x" sig=0 arch=40000003 syscall=20 compat=1 ip=0x55e933305251 code=0x7ffc0000');
  assert.equal(r.fields['subj'], '=unconfined (enforce)');
  const e = enrich(r);
  assert.equal(e.archName, 'x86');
  assert.equal(e.syscallName, 'getpid'); // i386 20, not x86_64's 20 (writev)
});

test('x32 numbers name the syscall from the x32 table', () => {
  const r = seccomp(`audit(1.000:1): auid=0 uid=0 gid=0 ses=1 pid=5 comm="x" exe="/x" sig=0 arch=c000003e syscall=${0x40000000 + 110} compat=0 ip=0x1 code=0x50000`, 1326);
  assert.deepEqual(enrich(r), { archName: 'x32', auditArch: 0xc000003e, nr: 0x40000000 + 110, syscallName: 'getppid', action: 'errno', code: 0x50000 });
});

test('ausearch -i lines keep the interpreted values and are named from them', () => {
  const r = seccomp('type=SECCOMP msg=audit(12/04/26 21:16:18.085:27) : auid=unset uid=root gid=root ses=unset pid=12409 comm=a b"c exe=/usr/bin/python3.11 sig=SIG0 arch=x86_64 syscall=getppid compat=0 ip=0x7fe83b2cd4f7 code=errno ');
  assert.equal(r.format, 'ausearch');
  assert.equal(r.time, '12/04/26 21:16:18.085');
  assert.equal(r.fields['comm'], 'a b"c');
  assert.equal(r.fields['code'], 'errno');
  assert.deepEqual(enrich(r), { archName: 'x86_64', auditArch: 0xc000003e, nr: 110, syscallName: 'getppid', action: 'errno' });
  const k = seccomp('type=SECCOMP msg=audit(12/04/26 21:16:18.101:28) : auid=unset uid=root gid=root ses=unset pid=1 comm=plain exe=/x sig=SIGSYS arch=x86_64 syscall=getppid compat=0 ip=0x1 code=kill ');
  assert.equal(enrich(k).action, 'kill');
});

test('1305 seccomp-logging records, raw and interpreted', () => {
  const r = parseAuditLine('type=CONFIG_CHANGE msg=audit(1796418982.049:31): op=seccomp-logging actions=? old-actions=kill_process,kill_thread,trap,errno,user_notif,trace,log res=0');
  assert.ok(r.ok && r.value.kind === 'config');
  assert.deepEqual({ ...r.value.fields }, { op: 'seccomp-logging', actions: '?', 'old-actions': 'kill_process,kill_thread,trap,errno,user_notif,trace,log', res: '0' });
  const other = parseAuditLine('type=CONFIG_CHANGE msg=audit(1.000:1): op=set audit_enabled=1 old=0 auid=0 ses=1 res=1');
  assert.ok(other.ok && other.value.kind === 'other');
});

test('legacy type=1701 reason="seccomp" counts; other ANOM_ABEND records do not', () => {
  const r = seccomp('type=ANOM_ABEND msg=audit(1400000000.123:45): auid=0 uid=0 gid=0 ses=1 pid=99 comm="x" reason="seccomp" sig=31 syscall=2 compat=0 ip=0x7f0 code=0x0');
  assert.equal(r.type, 1701);
  assert.equal(r.fields['reason'], 'seccomp');
  const core = parseAuditLine('type=ANOM_ABEND msg=audit(1796418978.101:29): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=12410 comm="plain" exe="/usr/bin/python3.11" sig=31 res=1');
  assert.ok(core.ok && core.value.kind === 'other');
});

test('a cut record is an error, not a record; unrelated lines are other', () => {
  const cut = parseAuditLine(NATIVE.slice(0, NATIVE.indexOf(' ip=')), 1326);
  assert.equal(cut.ok, false);
  if (!cut.ok) assert.equal(cut.error.format(), 'seccomp record without ip=; the line looks like a seccomp record but is cut or malformed');
  const r = parseAuditLine('[   1.43] EXT4-fs (vda): mounted filesystem');
  assert.ok(r.ok && r.value.kind === 'other');
});

const arb = fc.record({
  auid: fc.nat({ max: 0xffffffff }), uid: fc.nat({ max: 0xffffffff }), gid: fc.nat({ max: 0xffffffff }), ses: fc.nat({ max: 0xffffffff }),
  pid: fc.integer({ min: 1, max: 4194304 }), comm: fc.string({ minLength: 1, maxLength: 15, unit: 'grapheme' }),
  exe: fc.option(fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }), { nil: null }), sig: fc.constantFrom(0, 31, 9),
  arch: fc.constantFrom(0xc000003e, 0x40000003, 0xc00000b7, 0x40000028), syscall: fc.integer({ min: -1, max: 500 }), compat: fc.constantFrom(0, 1),
  ip: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), code: fc.constantFrom(0, 0x80000000, 0x30000, 0x50000, 0x7fc00000, 0x7ff00000, 0x7ffc0000, 0x10000),
  serial: fc.nat(), ms: fc.nat({ max: 4e12 }),
  subj: fc.option(fc.constantFrom('=unconfined', 'system_u:system_r:kernel_t:s0', 'a b c'), { nil: undefined }),
});

test('property: format then parse gives the event back, in every form', () => {
  fc.assert(
    fc.property(arb, ({ ms, subj, ...e }) => {
      const sec = Math.floor(ms / 1000);
      const ev: SeccompEvent = { ...e, time: `${sec}.${String(ms % 1000).padStart(3, '0')}`, ...(subj === undefined ? {} : { subj }) };
      for (const line of [formatKmsgLine(ev), formatAuditLogLine(ev), `6,1,2,-;${formatKmsgLine(ev)}`]) {
        const r = parseAuditLine(line);
        if (!r.ok || r.value.kind !== 'seccomp') return false;
        assert.deepEqual(toSeccompEvent(r.value), ev);
      }
      return true;
    }),
  );
});

test('property: the direct JSON line equals JSON.stringify of the record object', async () => {
  const { recordJson, recordJsonLine } = await import('./log-output.js');
  fc.assert(
    fc.property(arb, fc.option(fc.string(), { nil: undefined }), ({ ms, subj, ...e }, rule) => {
      const ev: SeccompEvent = { ...e, time: `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`, ...(subj === undefined ? {} : { subj }) };
      for (const line of [formatAuditLogLine(ev), `${formatAuditLogLine(ev)}\x1dAUID="unset" UID="root" ARCH=x86_64`, formatKmsgLine(ev)]) {
        const r = parseAuditLine(line);
        if (!r.ok || r.value.kind !== 'seccomp') return false;
        assert.equal(recordJsonLine(r.value, enrich(r.value), rule), JSON.stringify(recordJson(r.value, enrich(r.value), rule)));
      }
      return true;
    }),
  );
});
