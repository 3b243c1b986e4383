/** @module `record` against strace and the kernel: it records exactly the syscalls strace -f sees (threads and children too), the profile it writes lets the same program run with no denial under the kernel's filter, its three formats agree, and bad input is one line. */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { CLI_BIN } from '../fixtures/paths.js';
import { straceNames } from '../fixtures/strace.js';
import { buildRunTarget } from './run-target.test-helper.js';

let dir = '';
let exe = '';
let exeDir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'seccomptrace-record-'));
  ({ dir: exeDir, exe } = buildRunTarget());
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(exeDir, { recursive: true, force: true });
});

const SHELL = 'ls / >/dev/null; cat /etc/hostname >/dev/null; (sleep 0.01 &); wait';

/** The syscall names `strace -f` sees for a command. */
function straceOf(argv: readonly string[]): string[] {
  const out = join(dir, 'strace.out');
  execFileSync('strace', ['-f', '-qq', '-o', out, ...argv], { stdio: 'ignore', cwd: dir }); // the cwd record gives the program: sh calls getcwd when $PWD is not it
  return straceNames(out);
}

interface Oci { defaultAction: string; defaultErrnoRet?: number; architectures: string[]; syscalls: { names: string[]; action: string }[] }

async function record(argv: readonly string[], extra: readonly string[] = []): Promise<{ code: number; stderr: string; profile: Oci }> {
  const r = await runCli(['record', ...extra, '--', ...argv], { cwd: dir });
  assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, r.stderr);
  return { code: r.code, stderr: r.stderr, profile: JSON.parse(r.stdout) as Oci };
}

describe('record = strace -f', () => {
  for (const [name, argv] of [
    ['a shell pipeline with a subshell and a background child', ['sh', '-c', SHELL]],
    ['a program with 3 threads and 2 forked children', [() => exe, 'count', '5', '3', '2']],
  ] as const) {
    it(`${name}: the same syscall names, one rule, x86_64 only`, async () => {
      const resolved = argv.map((a) => (typeof a === 'function' ? a() : a));
      const { code, profile } = await record(resolved);
      assert.equal(code, 0);
      assert.equal(profile.syscalls.length, 1);
      // futex is made only when a thread has to wait for another, which depends on scheduling: two
      // runs of the threaded program may differ in it and in nothing else.
      const timing = (names: readonly string[]) => (name.includes('threads') ? names.filter((n) => n !== 'futex') : names);
      assert.deepEqual(timing(profile.syscalls[0]!.names), timing(straceOf(resolved)));
      assert.equal(profile.syscalls[0]!.action, 'SCMP_ACT_ALLOW');
      assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64']);
      assert.deepEqual([profile.defaultAction, profile.defaultErrnoRet], ['SCMP_ACT_ERRNO', 1]);
    });
  }
});

describe('the recorded profile on the kernel', () => {
  it('the same program runs under it with no denial and the same output; another is denied', async () => {
    const rec = await runCli(['record', '-o', 'shell.json', '--', 'sh', '-c', SHELL], { cwd: dir });
    assert.equal(rec.code, 0, rec.stderr);
    assert.match(rec.stderr, /^seccomptrace record: \d+ syscalls, \d+ distinct, on x86_64; default errno\(EPERM\); wrote shell\.json\n$/);
    const same = await runCli(['run', '--policy', 'shell.json', '--json', 'same.jsonl', '--', 'sh', '-c', SHELL], { cwd: dir });
    assert.equal(same.code, 0, same.stderr);
    assert.equal(readFileSync(join(dir, 'same.jsonl'), 'utf8'), '', 'no event: nothing denied');
    // uname(2) is a syscall the shell never made: the kernel's filter answers it EPERM and uname fails.
    const other = await runCli(['run', '--policy', 'shell.json', '--json', 'other.jsonl', '--', 'uname', '-s'], { cwd: dir });
    assert.equal(other.code, 1);
    const events = readFileSync(join(dir, 'other.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { syscall: string; action: string; value: number });
    assert.deepEqual(events.map((e) => [e.syscall, e.action, e.value]), [['uname', 'errno', 0x50001]]);
  });
  it('the exit status passes through and the profile is written anyway', async () => {
    const r = await runCli(['record', '-o', 'exit3.json', '--', 'sh', '-c', 'exit 3'], { cwd: dir });
    assert.equal(r.code, 3);
    assert.ok((JSON.parse(readFileSync(join(dir, 'exit3.json'), 'utf8')) as Oci).syscalls[0]!.names.includes('exit_group'));
  });
});

describe('formats', () => {
  it('oci, policy and spo describe one profile: the policy compiles to the same BPF, the SeccompProfile reads back (python3-yaml) to the same fields', async () => {
    for (const [format, file] of [['oci', 'p.json'], ['policy', 'p.policy'], ['spo', 'p.yaml']] as const) {
      const r = await runCli(['record', '--format', format, '--default', 'kill_process', '-o', file, '--', 'sh', '-c', 'ls / >/dev/null'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
    }
    const bpf = async (file: string) => (await runCli(['compile', file, '--arch', 'x86_64'], { cwd: dir })).bytes;
    assert.deepEqual(await bpf('p.policy'), await bpf('p.json'));
    const oci = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')) as Oci;
    const spo = JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', join(dir, 'p.yaml')], { encoding: 'utf8' })) as { apiVersion: string; kind: string; metadata: { name: string }; spec: Oci };
    assert.deepEqual([spo.apiVersion, spo.kind, spo.metadata.name], ['security-profiles-operator.x-k8s.io/v1beta1', 'SeccompProfile', 'p']);
    assert.deepEqual(spo.spec, { defaultAction: 'SCMP_ACT_KILL_PROCESS', architectures: oci.architectures, syscalls: oci.syscalls.map((s) => ({ action: s.action, names: s.names })) });
    assert.equal(oci.defaultAction, 'SCMP_ACT_KILL_PROCESS');
  });
});

describe('bad input: one line, no stack', () => {
  const rows: [string, string[], number, string][] = [
    ['no command', ['record'], 2, "seccomptrace record: no command to record; seccomptrace record [OPTIONS] -- CMD [ARGS…]"],
    ['an unknown format', ['record', '--format', 'yaml', '--', 'true'], 2, "seccomptrace record: --format: unknown format 'yaml'; use oci, policy, spo"],
    ['an unknown default action', ['record', '--default', 'deny', '--', 'true'], 2, "seccomptrace record: --default 'deny': unknown action 'deny'; use allow, log, log(TAG), errno(E…), trace(N), trap, kill, kill_process or notify"],
    ['a default of allow', ['record', '--default', 'allow', '--', 'true'], 2, "seccomptrace record: --default 'allow' would let everything through; use errno, kill_process, trap or log"],
    ['an unknown option', ['record', '--arch', 'x86', '--', 'true'], 2, "seccomptrace record: Unknown option '--arch'; see 'seccomptrace record --help'"],
    ['a program that does not exist', ['record', '--', 'no-such-program-here'], 1, 'seccomptrace record: no-such-program-here: command not found (ENOENT); check the name or give a path'],
    ['an SPO with an errno default other than EPERM', ['record', '--format', 'spo', '--default', 'errno(EACCES)', '--', 'true'], 1, 'seccomptrace record: default: default errno(EACCES): a SeccompProfile has no defaultErrnoRet, so its errno default is EPERM; use errno(EPERM), or write OCI JSON'],
    ['-o into a missing directory', ['record', '-o', 'no/such/dir/p.json', '--', 'true'], 1, 'seccomptrace record: no/such/dir/p.json: cannot write the profile (ENOENT); check the directory exists and is writable'],
  ];
  for (const [name, argv, code, line] of rows) {
    it(name, async () => {
      const r = await runCli(argv, { cwd: dir });
      assert.equal(r.code, code);
      assert.equal(r.stderr, `${line}\n`);
      assert.equal(r.stdout, '');
    });
  }
});

it('record --help names every option (through the bundled CLI)', () => {
  const r = spawnSync(process.execPath, [CLI_BIN, 'record', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const o of ['-o PROFILE', '--format', '--default']) assert.ok(r.stdout.includes(o), o);
});

it('the SeccompProfile of `true` is named "true", a string (YAML would read a bare true as a boolean)', async () => {
  const r = await runCli(['record', '--format', 'spo', '-o', 'spo-true.yaml', '--', 'true'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const name = execFileSync('/usr/bin/python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))["metadata"]["name"]))', join(dir, 'spo-true.yaml')], { encoding: 'utf8' });
  assert.equal(name.trim(), '"spo-true"');
  const fromCmd = await runCli(['record', '--format', 'spo', '--', 'true'], { cwd: dir });
  assert.match(fromCmd.stdout, /^ {2}name: "true"$/m);
});
