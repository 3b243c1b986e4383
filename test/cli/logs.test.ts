/** @module `seccomptrace logs` on files and stdin: text, --json keys, --summary, what it skipped, and bad arguments. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.test-helper.js';

const NATIVE = 'audit(1796412198.362:330020): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13169 comm="t_actions" exe="/usr/local/bin/t_actions" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7ff368eb1829 code=0x7ffc0000';
const I386 = 'audit(1796412199.001:330021): auid=1000 uid=1000 gid=1000 ses=3 pid=13170 comm=6120622263 exe="/bin/t" sig=31 arch=40000003 syscall=20 compat=1 ip=0x55e933305251 code=0x80000000';
const LOG = [
  `type=SECCOMP msg=${NATIVE}`,
  'type=SYSCALL msg=audit(1796412198.362:330019): arch=c000003e syscall=1 success=yes exit=1',
  `[  794.1] audit: type=1326 ${I386}`,
  'type=CONFIG_CHANGE msg=audit(1796418982.049:31): op=seccomp-logging actions=? old-actions=kill_process,log res=0',
  `type=SECCOMP msg=${NATIVE.slice(0, 120)}`,
  '',
].join('\n');

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('text: one line a record, named by its own arch; skipped lines reported on stderr', async () => {
  const r = await runCli(['logs', '--source', '-'], { stdin: enc(LOG) });
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    '1796412198.362:330020 log x86_64 getppid(110) pid=13169 comm="t_actions" exe="/usr/local/bin/t_actions"\n' +
      '1796412199.001:330021 kill_process x86 getpid(20) pid=13170 comm="a b\\"c" exe="/bin/t"\n' +
      '1796418982.049:31 actions_logged kill_process,log -> ? res=0\n',
  );
  assert.equal(r.stderr, `seccomptrace logs: 2 seccomp records, 1 other line; 1 malformed seccomp line skipped (first: ${JSON.stringify(`type=SECCOMP msg=${NATIVE.slice(0, 120)}`)})\n`);
});

test('--json: stable keys, numbers as numbers, arch as printed, exact ip', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-logs-'));
  try {
    writeFileSync(join(dir, 'a.log'), LOG);
    const r = await runCli(['logs', '--source', 'a.log', '--json'], { cwd: dir });
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], {
      type: 1326, time: 1796412198.362, serial: 330020, format: 'audit', auid: 4294967295, uid: 0, gid: 0, ses: 4294967295, pid: 13169,
      comm: 't_actions', exe: '/usr/local/bin/t_actions', sig: 0, arch: 'c000003e', syscall: 110, compat: 0, ip: '0x7ff368eb1829', code: '0x7ffc0000',
      archName: 'x86_64', syscallName: 'getppid', action: 'log',
    });
    assert.deepEqual(Object.keys(rows[1]!), ['type', 'time', 'serial', 'format', 'auid', 'uid', 'gid', 'ses', 'pid', 'comm', 'exe', 'sig', 'arch', 'syscall', 'compat', 'ip', 'code', 'archName', 'syscallName', 'action']);
    assert.equal(rows[1]!['format'], 'dmesg');
    assert.deepEqual(rows[2], { type: 1305, time: 1796418982.049, serial: 31, format: 'audit', op: 'seccomp-logging', actions: '?', 'old-actions': 'kill_process,log', res: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--summary counts by action, syscall and exe; with --json it is one object', async () => {
  const r = await runCli(['logs', '--source', '-', '--summary'], { stdin: enc(LOG + LOG) });
  assert.match(r.stdout, /^4 seccomp records\nby action:\n +2 +kill_process\n +2 +log\nby syscall:\n +2 +x86 getpid\n +2 +x86_64 getppid\nby exe:\n/);
  const j = await runCli(['logs', '--source', '-', '--summary', '--json'], { stdin: enc(LOG) });
  const o = JSON.parse(j.stdout) as { total: number; byAction: Record<string, number>; skipped: { bad: number } };
  assert.equal(o.total, 2);
  assert.deepEqual(o.byAction, { kill_process: 1, log: 1 });
  assert.equal(o.skipped.bad, 1);
});

test('binary garbage is read without a crash and reported', async () => {
  const bytes = new Uint8Array(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) & 0xff;
  const r = await runCli(['logs', '--source', '-'], { stdin: bytes });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^seccomptrace logs: 0 seccomp records, \d+ other lines; no line is a seccomp record \(type=1326 or SECCOMP, 1305 op=seccomp-logging, 1701 reason="seccomp"\)\n$/);
});

test('bad arguments and a missing file are one line each', async () => {
  const u = await runCli(['logs', '--max', 'x']);
  assert.equal(u.code, 2);
  assert.equal(u.stderr, "seccomptrace logs: --max 'x' must be a positive number; see 'seccomptrace logs --help'\n");
  const f = await runCli(['logs', '--source', '/nonexistent/audit.log']);
  assert.equal(f.code, 1);
  assert.equal(f.stderr, 'seccomptrace logs: cannot open /nonexistent/audit.log (ENOENT); is auditd running? give the log file as --source FILE\n');
});

test('--follow FILE prints records appended later and stops at --max', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-logs-'));
  try {
    const path = join(dir, 'f.log');
    writeFileSync(path, `type=SECCOMP msg=${NATIVE}\n`);
    const { appendFileSync } = await import('node:fs');
    const timer = setInterval(() => appendFileSync(path, `type=SECCOMP msg=${I386}\n`), 50);
    const r = await runCli(['logs', '--source', path, '--follow', '--max', '3', '--timeout', '20']);
    clearInterval(timer);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, / log x86_64 getppid\(110\) /);
    assert.match(lines[2]!, / kill_process x86 getpid\(20\) /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
