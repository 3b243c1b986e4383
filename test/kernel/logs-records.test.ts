/**
 * @module Real seccomp records made on this machine for each action — from netlink, /dev/kmsg,
 * dmesg, dmesg -T, audit.log RAW and ENRICHED (auditd started by the test) and ausearch -i — parsed
 * with every field exact. Records are matched to our own python3-seccomp children by pid. The flood
 * and attribution tests are registered here too: in one file they run one after another, so the
 * auditd this file starts never takes the flood's records away from the kernel log.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAuditLine, type SeccompRecord } from '../../src/events/audit-line.js';
import { enrich } from '../../src/events/enrich.js';
import { LogStream } from '../../src/events/log-stream.js';
import { openAuditReadlog } from '../../src/linux/audit-netlink.js';
import { readKmsg } from '../../src/linux/kmsg.js';
import { attributionTest } from './logs-attribution.js';
import { floodTest } from './logs-flood.js';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { CHILD_ACTIONS, EXPECT, havePythonSeccomp, loginIds, pythonExe, runChild, startChild, type ChildAction } from './logs-children.js';

const isRoot = process.getuid?.() === 0;
const skip = !isRoot ? 'needs root (audit netlink, /dev/kmsg, auditd)' : !havePythonSeccomp() ? 'python3-seccomp is not installed' : false;

interface Made {
  readonly action: ChildAction;
  readonly pid: number;
  readonly comm: string;
}

function commFor(a: ChildAction, i: number): string {
  return i === 0 ? 'a b"c' : `st-${a}`.slice(0, 15); // the first is printed as hex by the kernel
}

/** The fields the kernel must print for our child (kernel/auditsc.c audit_seccomp + audit_log_task). */
function expected(m: Made): Record<string, string> {
  const { auid, ses } = loginIds();
  return {
    auid, uid: String(process.getuid!()), gid: String(process.getgid!()), ses, pid: String(m.pid), comm: m.comm, exe: pythonExe(),
    sig: EXPECT[m.action].sig, arch: 'c000003e', syscall: '110', compat: '0', code: EXPECT[m.action].code,
  };
}

function parsed(line: string, type?: number): SeccompRecord | undefined {
  const r = parseAuditLine(line, type);
  assert.ok(r.ok, r.ok ? '' : `${r.error.format()}: ${line}`);
  return r.value.kind === 'seccomp' ? r.value : undefined;
}

/** Makes one record per action and returns them with the netlink copy of each (every record arrives there). */
function makeRecords(): { made: Made[]; net: Map<number, SeccompRecord> } {
  const reader = openAuditReadlog();
  try {
    reader.read(0);
    const made = CHILD_ACTIONS.map((action, i) => ({ action, comm: commFor(action, i), pid: runChild(action, 1, commFor(action, i)) }));
    const net = new Map<number, SeccompRecord>();
    const deadline = Date.now() + 5000;
    while (net.size < made.length && Date.now() < deadline) {
      for (const m of reader.read(100)) {
        const r = m.type === 1326 ? parsed(m.text, m.type) : undefined;
        const pid = Number(r?.fields['pid']);
        if (r !== undefined && made.some((x) => x.pid === pid)) net.set(pid, r);
      }
    }
    assert.equal(reader.overruns, 0);
    return { made, net };
  } finally {
    reader.close();
  }
}

function checkExact(m: Made, r: SeccompRecord, truth: SeccompRecord, what: string): void {
  const { ip, ...exp } = { ...expected(m), ip: truth.fields['ip']! };
  const got = { ...r.fields };
  for (const k of Object.keys(got)) if (k === k.toUpperCase()) delete got[k]; // ENRICHED names, checked apart
  assert.deepEqual(got, { ...exp, ip }, `${what} ${m.action}`);
  assert.match(ip, /^0x[0-9a-f]+$/);
  assert.equal(r.time, truth.time, `${what} time`);
  assert.equal(r.serial, truth.serial, `${what} serial`);
  const e = enrich(r);
  assert.equal(e.syscallName, 'getppid');
  assert.equal(e.archName, 'x86_64');
  assert.equal(e.action, m.action);
}

test('netlink, /dev/kmsg, dmesg and dmesg -T lines for each action parse with every field exact', { skip }, async () => {
  const { made, net } = makeRecords();
  assert.equal(net.size, made.length, 'every record reached netlink');
  for (const m of made) {
    const r = net.get(m.pid)!;
    assert.equal(r.format, 'netlink');
    checkExact(m, r, r, 'netlink');
  }
  // kmsg keeps 10 records per 5 s (printk_ratelimit): ours are either there, exact, or counted as suppressed.
  const found = new Map<number, SeccompRecord>();
  const stream = new LogStream((i) => {
    if (i.kind !== 'seccomp') return;
    // By pid and serial: pids recur (pid_max 32768), and kmsg holds records of earlier tests.
    const pid = Number(i.record.fields['pid']);
    if (made.some((m) => m.pid === pid) && i.record.serial === net.get(pid)?.serial) found.set(pid, i.record);
  });
  await readKmsg(stream, { follow: false });
  for (const m of made) {
    const r = found.get(m.pid);
    if (r === undefined) continue;
    assert.equal(r.format, 'kmsg');
    checkExact(m, r, net.get(m.pid)!, 'kmsg');
  }
  if (found.size < made.length) assert.ok(stream.stats.suppressed > 0, 'a record missing from kmsg must be counted as suppressed');
  for (const [args, format] of [[[], 'dmesg'], [['-T'], 'dmesg-T']] as const) {
    const out = spawnSync('dmesg', [...args], { encoding: 'utf8' }).stdout.split('\n');
    let n = 0;
    for (const m of made) {
      const line = out.find((l) => l.includes(` pid=${m.pid} `) && l.includes('type=1326') && l.includes(`:${net.get(m.pid)!.serial}): `));
      if (line === undefined) continue;
      const r = parsed(line)!;
      assert.equal(r.format, format);
      checkExact(m, r, net.get(m.pid)!, format);
      n++;
    }
    assert.ok(n >= found.size, `${format} shows at least what kmsg showed a moment before`);
  }
  console.log(`kmsg held ${found.size} of our ${made.length} records; ${stream.stats.suppressed} suppressed in the ring's span`);
});

function auditctl(...args: string[]): string {
  return spawnSync('auditctl', args, { encoding: 'utf8' }).stdout;
}

function auditdPid(): number {
  return Number(/^pid (\d+)/m.exec(auditctl('-s'))?.[1] ?? 0);
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** Runs auditd (Debian's) with its log in `dir`, then stops it and restores audit_enabled. */
async function withAuditd(dir: string, format: 'RAW' | 'ENRICHED', fn: () => void): Promise<string> {
  const conf = readFileSync('/etc/audit/auditd.conf', 'utf8')
    .replace(/^log_file = .*$/m, `log_file = ${dir}/audit.log`)
    .replace(/^log_format = .*$/m, `log_format = ${format}`);
  writeFileSync(join(dir, 'auditd.conf'), conf);
  chmodSync(join(dir, 'auditd.conf'), 0o640);
  const enabled = /^enabled (\d+)/m.exec(auditctl('-s'))?.[1] ?? '0';
  spawnSync('auditd', ['-c', dir]);
  try {
    assert.ok(await waitFor(() => auditdPid() !== 0 && existsSync(join(dir, 'audit.log')), 5000), 'auditd did not start');
    fn();
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    const pid = auditdPid();
    if (pid !== 0) process.kill(pid, 'SIGTERM');
    await waitFor(() => auditdPid() === 0, 5000);
    auditctl('-e', enabled);
  }
  return readFileSync(join(dir, 'audit.log'), 'utf8');
}

const auditdSkip = skip !== false ? skip : !existsSync('/sbin/auditd') && !existsSync('/usr/sbin/auditd') ? 'auditd is not installed' : auditdPid() !== 0 ? 'an auditd is already running; not disturbing it' : false;

test('audit.log RAW and ENRICHED, ausearch -i, and 1305 seccomp-logging records, from a real auditd', { skip: auditdSkip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-auditd-'));
  try {
    for (const format of ['RAW', 'ENRICHED'] as const) {
      let made: Made[] = [];
      let net = new Map<number, SeccompRecord>();
      const logged = '/proc/sys/kernel/seccomp/actions_logged';
      const text = await withAuditd(dir, format, () => {
        ({ made, net } = makeRecords());
        // Same value back (res=1), then a word the kernel refuses (res=0, actions=?): actions_logged is unchanged.
        const cur = readFileSync(logged, 'utf8');
        writeFileSync(logged, cur);
        assert.throws(() => writeFileSync(logged, 'bogus'), /EINVAL/);
        assert.equal(readFileSync(logged, 'utf8'), cur);
      });
      const lines = text.split('\n');
      for (const m of made) {
        const line = lines.find((l) => l.startsWith('type=SECCOMP') && l.includes(` pid=${m.pid} `));
        assert.ok(line !== undefined, `${format}: no record for ${m.action}`);
        const r = parsed(line)!;
        assert.equal(r.format, format === 'RAW' ? 'audit' : 'audit-enriched');
        checkExact(m, r, net.get(m.pid)!, format);
        if (format === 'ENRICHED') {
          assert.equal(r.fields['ARCH'], 'x86_64');
          assert.ok(r.fields['UID'] !== undefined && r.fields['AUID'] !== undefined);
        }
      }
      const configs = lines.map((l) => parseAuditLine(l)).flatMap((r) => (r.ok && r.value.kind === 'config' ? [r.value] : []));
      const all = 'kill_process,kill_thread,trap,errno,user_notif,trace,log';
      assert.deepEqual(configs.slice(-2).map((c) => ({ ...c.fields })), [
        { op: 'seccomp-logging', actions: all, 'old-actions': all, res: '1' },
        { op: 'seccomp-logging', actions: '?', 'old-actions': all, res: '0' },
      ]);
      writeFileSync(join(dir, `audit-${format}.log`), text);
      rmSync(join(dir, 'audit.log'));
      if (format === 'RAW') {
        const out = spawnSync('ausearch', ['-i', '-if', join(dir, 'audit-RAW.log'), '-m', 'SECCOMP,CONFIG_CHANGE'], { encoding: 'utf8' }).stdout.split('\n');
        for (const m of made) {
          const line = out.find((l) => l.startsWith('type=SECCOMP') && l.includes(` pid=${m.pid} `))!;
          const r = parsed(line)!;
          assert.equal(r.format, 'ausearch');
          const t = net.get(m.pid)!;
          assert.equal(r.serial, t.serial);
          assert.equal(r.fields['comm'], m.comm);
          assert.equal(r.fields['exe'], pythonExe());
          assert.equal(r.fields['ip'], t.fields['ip']);
          assert.equal(r.fields['arch'], 'x86_64');
          assert.equal(r.fields['syscall'], 'getppid');
          assert.equal(r.fields['sig'], EXPECT[m.action].sig === '31' ? 'SIGSYS' : 'SIG0');
          const e = enrich(r);
          assert.equal(e.nr, 110);
          assert.equal(e.action, m.action.startsWith('kill') ? 'kill' : m.action, `ausearch code=${r.fields['code']}`);
        }
        const cfg = out.filter((l) => l.includes('op=seccomp-logging')).map((l) => parseAuditLine(l));
        assert.ok(cfg.length >= 2 && cfg.every((c) => c.ok && c.value.kind === 'config' && c.value.format === 'ausearch'));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seccomptrace logs --source netlink --json prints the record of our child with every key', { skip }, async () => {
  const run = runCli(['logs', '--source', 'netlink', '--json', '--timeout', '3']);
  await new Promise((r) => setTimeout(r, 300));
  const c = startChild('errno', 1, 'st-cli');
  const pid = await c.pid;
  await c.done;
  const r = await run;
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const mine = rows.find((o) => o['pid'] === pid);
  assert.ok(mine !== undefined, `no record of pid ${pid} among ${rows.length}`);
  assert.deepEqual(
    { ...mine, time: 0, serial: 0, ip: '' },
    { type: 1326, time: 0, serial: 0, format: 'netlink', auid: Number(loginIds().auid), uid: 0, gid: 0, ses: Number(loginIds().ses), pid, comm: 'st-cli', exe: pythonExe(),
      sig: 0, arch: 'c000003e', syscall: 110, compat: 0, ip: '', code: '0x50000', archName: 'x86_64', syscallName: 'getppid', action: 'errno' },
  );
});

const JOURNALD = '/lib/systemd/systemd-journald';
const journaldSkip = skip !== false ? skip : !existsSync(JOURNALD) ? 'systemd-journald is not installed' : existsSync('/run/systemd/journal') ? 'a journald already runs here; not disturbing it' : false;

test('journald lines — its audit transport ("audit[PID]: SECCOMP …") and the kernel log ("kernel: audit: type=1326 …") — parse exact', { skip: journaldSkip }, async () => {
  // journald (Debian's, run by hand: no systemd here) reads the audit multicast group and /dev/kmsg
  // itself. What it creates under /run is removed afterwards.
  const created = ['/run/log', '/run/systemd/journal'].filter((d) => !existsSync(d));
  const jd = spawn(JOURNALD, [], { stdio: 'ignore' });
  try {
    assert.ok(await waitFor(() => existsSync('/run/systemd/journal/socket'), 5000), 'journald did not start');
    // A fresh printk rate-limit interval, so the kernel-log copies have a chance to be printed.
    await new Promise((r) => setTimeout(r, Number(readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8')) * 1000 + 300));
    // pid_max is 32768 here and the suite forks thousands of children: a pid of ours may also
    // appear in older journal entries and in kmsg history journald imports. Only entries from now
    // on, and kernel lines with our record's serial, are ours.
    const since = Math.floor(Date.now() / 1000) - 1;
    const { made, net } = makeRecords();
    await new Promise((r) => setTimeout(r, 1000));
    for (const mode of ['short', 'short-iso'] as const) {
      const out = spawnSync('journalctl', ['--no-pager', '--since', `@${since}`, '-o', mode], { encoding: 'utf8' }).stdout.split('\n');
      let kernelLines = 0;
      for (const m of made) {
        const jl = out.find((l) => l.includes(`audit[${m.pid}]: SECCOMP `));
        assert.ok(jl !== undefined, `${mode}: no audit-transport line for ${m.action}`);
        const r = parsed(jl)!;
        assert.equal(r.format, 'journal');
        const truth = net.get(m.pid)!;
        assert.deepEqual({ ...r.fields }, { ...expected(m), ip: truth.fields['ip']! }, `${mode} journal ${m.action}`);
        assert.equal(enrich(r).action, m.action);
        const kl = out.find((l) => l.includes(' kernel: audit: type=1326 ') && l.includes(`:${truth.serial}): `) && l.includes(` pid=${m.pid} `));
        if (kl === undefined) continue; // the kernel log copy may be rate-limited (printk_ratelimit)
        const k = parsed(kl)!;
        assert.equal(k.format, 'syslog');
        checkExact(m, k, truth, `${mode} kernel`);
        kernelLines++;
      }
      console.log(`journalctl -o ${mode}: ${made.length} audit-transport lines, ${kernelLines} kernel-log lines of ours`);
    }
  } finally {
    jd.kill('SIGTERM');
    await new Promise<void>((r) => (jd.exitCode !== null ? r() : jd.once('exit', () => r())));
    for (const d of created) rmSync(d, { recursive: true, force: true });
  }
});

floodTest();
attributionTest();
