/** @module `run` against the real kernel: exact event counts from threads and children (root and unprivileged), kill/errno rules, complain over docker-default, supervisor death fails closed. */

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { CLI_BIN } from '../fixtures/paths.js';
import { AS_NOBODY, cliForNobody } from './as-nobody.test-helper.js';
import { withDefaultActionsLogged } from './probe-sysctl.test-helper.js';
import { buildRunTarget, writeProfile } from './run-target.test-helper.js';

const isRoot = process.getuid?.() === 0;

interface JsonEvent { pid: number; syscall: string; action: string; rule: string; value: number; tag: number | null }
const readEvents = (file: string): JsonEvent[] =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as JsonEvent);

let dir = '';
let exe = '';
let logGetppid = '';
before(() => {
  ({ dir, exe } = buildRunTarget());
  logGetppid = writeProfile(dir, 'log-getppid.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }, { names: ['getppid'], action: 'SCMP_ACT_LOG' }] });
});
after(() => {
  if (dir !== '') execFileSync('rm', ['-rf', dir]);
});

describe('run: exact event counts', () => {
  const N = 50, THREADS = 4, CHILDREN = 3, TOTAL = N * (1 + THREADS + CHILDREN);
  it(`${TOTAL} logged getppid calls from ${THREADS} threads and ${CHILDREN} children give exactly ${TOTAL} events, each attributed to rule 2`, async () => {
    const out = join(dir, 'count-root.jsonl');
    const r = await runCli(['run', '--policy', logGetppid, '--quiet', '--json', out, '--', exe, 'count', String(N), String(THREADS), String(CHILDREN)]);
    assert.equal(r.code, 0, r.stderr);
    const ev = readEvents(out);
    assert.equal(ev.length, TOTAL);
    assert.ok(ev.every((e) => e.syscall === 'getppid' && e.rule === 'rule 2' && e.action === 'log' && e.tag === null));
    assert.ok(new Set(ev.map((e) => e.pid)).size >= 1 + THREADS + CHILDREN, 'events come from every thread and child');
  });
  it('the same as an unprivileged user (setpriv --reuid=65534 --regid=65534 --clear-groups)', (t) => {
    if (!isRoot) return t.skip('needs root to switch to uid 65534');
    const { bin, cleanup } = cliForNobody();
    t.after(cleanup);
    const out = join(dir, 'count-nobody.jsonl');
    execFileSync('touch', [out]);
    chmodSync(out, 0o666);
    execFileSync('setpriv', [...AS_NOBODY, process.execPath, bin, 'run', '--policy', logGetppid, '--quiet', '--json', out, '--', exe, 'count', String(N), String(THREADS), String(CHILDREN)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const ev = readEvents(out);
    assert.equal(ev.length, TOTAL);
    assert.ok(ev.every((e) => e.syscall === 'getppid' && e.rule === 'rule 2'));
  });
});

describe('run: enforcing rules', () => {
  it('a kill rule: the program dies by SIGSYS, run exits 159 and reports the event', async () => {
    const p = writeProfile(dir, 'kill-getppid.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_KILL_PROCESS' }] });
    const out = join(dir, 'kill.jsonl');
    const r = await runCli(['run', '--policy', p, '--json', out, '--', exe, 'once', join(dir, 'kill.txt')]);
    assert.equal(r.code, 159, r.stderr);
    assert.match(r.stderr, /getppid\(.*\) is KILL_PROCESS \(rule 1\)/);
    assert.deepEqual(readEvents(out).map((e) => [e.syscall, e.action]), [['getppid', 'kill_process']]);
    assert.equal(existsSync(join(dir, 'kill.txt')), false, 'the syscall did not return');
    assert.match(r.stderr, /^seccomptrace: .* was killed by signal 31$/m);
  });
  it('a program that exits 159 by itself is not reported as killed (a shell whose child died of SIGSYS)', async () => {
    const p = writeProfile(dir, 'kill-unshare.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['unshare'], action: 'SCMP_ACT_KILL_PROCESS' }] });
    const r = await runCli(['run', '--policy', p, '--', 'sh', '-c', 'unshare -U true; exit $?']);
    assert.equal(r.code, 159, r.stderr);
    assert.match(r.stderr, /unshare\(.*\) is KILL_PROCESS \(rule 1\)/);
    assert.doesNotMatch(r.stderr, /was killed by signal/);
  });
  it('an errno rule: the program sees EPERM', async () => {
    const p = writeProfile(dir, 'errno-getppid.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] });
    const r = await runCli(['run', '--policy', p, '--quiet', '--', exe, 'once', join(dir, 'errno.txt')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'errno.txt'), 'utf8'), '-1 1');
  });
});

describe('run: enforcing docker-default (compiled with argument conditions)', () => {
  it('`unshare -U true` gets EPERM, fails, and the denial is reported', async () => {
    const out = join(dir, 'unshare-enforce.jsonl');
    const r = await runCli(['run', '--policy', 'docker-default', '--quiet', '--json', out, '--', 'unshare', '-U', 'true']);
    assert.equal(r.code, 1);
    assert.deepEqual(readEvents(out).filter((e) => e.syscall === 'unshare').map((e) => [e.action, e.value, e.rule]), [['errno', 0x50001, 'default action']]);
  });
});

describe('run: proposed mode (policy language, log(TAG) side actions)', () => {
  it('each getppid under `getppid: log(7)` is one event with tag 7 and value 0xff000007; the program runs', async () => {
    const p = join(dir, 'tagged.policy');
    writeFileSync(p, 'default allow\ngetppid: log(7)\n');
    const out = join(dir, 'tagged.jsonl');
    const r = await runCli(['run', '--mode', 'proposed', '--policy', p, '--json', out, '--', exe, 'count', '3', '1', '1']);
    assert.equal(r.code, 0, r.stderr);
    const ev = readEvents(out);
    assert.equal(ev.length, 9);
    assert.ok(ev.every((e) => e.syscall === 'getppid' && e.action === 'log' && e.tag === 7 && e.value === 0xff000007 && e.rule === 'rule 1'), JSON.stringify(ev[0]));
    assert.match(r.stderr, /getppid\(.*\) is LOG\(7\) \(rule 1 tag 7\)/);
  });
  it('in linux mode the same policy is refused with the fix', async () => {
    const p = join(dir, 'tagged.policy');
    const r = await runCli(['run', '--policy', p, '--', exe, 'count', '1', '0', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^seccomptrace run: the profile returns the side action 0xff000007 \(log\(TAG\)\), which a real kernel runs as kill_process; add --mode proposed\n$/);
  });
});

describe('run: proposed-mode stacks lowered into one kernel filter', () => {
  const asm = (verdict: string): string => `.arch x86_64\n        ld nr\n        jeq #getppid, hit, ok\nhit:    ret ${verdict}\nok:     ret ALLOW\n`;
  const stackFile = (name: string, older: string): string => {
    writeFileSync(join(dir, `${name}-older.s`), asm(older));
    writeFileSync(join(dir, `${name}-tag.s`), asm('LOG(42)'));
    const p = join(dir, `${name}.json`);
    writeFileSync(p, JSON.stringify({ mode: 'proposed', stack: [{ filter: `${name}-older.s` }, { filter: `${name}-tag.s` }] }));
    return p;
  };
  it('log-and-errno (ERRNO(1) filter, then a LOG(42) filter): the program sees EPERM; both events are reported', async () => {
    const out = join(dir, 'stack-errno.jsonl');
    const r = await runCli(['run', '--mode', 'proposed', '--policy', stackFile('le', 'ERRNO(1)'), '--quiet', '--json', out, '--', exe, 'once', join(dir, 'stack-errno.txt')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'stack-errno.txt'), 'utf8'), '-1 1');
    assert.deepEqual(readEvents(out).map((e) => [e.action, e.tag, e.rule]), [['log', 42, 'filter 1'], ['errno', null, 'filter 0']]);
  });
  it('log-and-kill (KILL_PROCESS filter, then a LOG(42) filter): exit 159, both events reported', async () => {
    const out = join(dir, 'stack-kill.jsonl');
    const r = await runCli(['run', '--mode', 'proposed', '--policy', stackFile('lk', 'KILL_PROCESS'), '--quiet', '--json', out, '--', exe, 'once', join(dir, 'stack-kill.txt')]);
    assert.equal(r.code, 159, r.stderr);
    assert.deepEqual(readEvents(out).map((e) => [e.action, e.tag, e.rule]), [['log', 42, 'filter 1'], ['kill_process', null, 'filter 0']]);
  });
  it('a stack with --via kernel is refused with the fix', async () => {
    const r = await runCli(['run', '--mode', 'proposed', '--via', 'kernel', '--policy', join(dir, 'le.json'), '--', 'true']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^seccomptrace run: --via kernel: a proposed-mode stack needs the supervisor; use --via notify\n$/);
  });
});

describe('run: complain mode', () => {
  it('over docker-default reports the denied unshare of `unshare -U true` and lets it run', async () => {
    const out = join(dir, 'unshare.jsonl');
    const r = await runCli(['run', '--policy', 'docker-default', '--complain', '--json', out, '--', 'unshare', '-U', 'true']);
    assert.equal(r.code, 0, r.stderr);
    const ev = readEvents(out);
    assert.ok(ev.some((e) => e.syscall === 'unshare' && e.action === 'errno' && e.rule === 'default action'), JSON.stringify(ev));
    assert.match(r.stderr, /unshare\(flags=0x10000000\) would be ERRNO\(1\) \(default action\)/);
  });
});

describe('run: fail closed', () => {
  it('the supervisor killed mid-run: the target\'s notified syscalls get ENOSYS (38)', async () => {
    const file = join(dir, 'enosys.txt');
    const sup = spawn(process.execPath, [CLI_BIN, 'run', '--policy', logGetppid, '--quiet', '--', exe, 'enosys', file], { stdio: 'ignore' });
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline && !(existsSync(file) && readFileSync(file, 'utf8') === 'started')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 50));
    sup.kill('SIGKILL');
    while (Date.now() < deadline && readFileSync(file, 'utf8') === 'started') await new Promise((r) => setTimeout(r, 20));
    assert.equal(readFileSync(file, 'utf8'), 'errno 38');
  });
});

describe('run: privileges', { skip: isRoot ? false : 'needs root' }, () => {
  it('--via kernel reports the RET_LOG getppid calls from the audit multicast group', async () => {
    const out = join(dir, 'kernel.jsonl');
    const r = await withDefaultActionsLogged(() => runCli(['run', '--via', 'kernel', '--policy', logGetppid, '--quiet', '--json', out, '--', exe, 'count', '5', '0', '0']));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readEvents(out).filter((e) => e.syscall === 'getppid').length, 5);
  });
});
