/** @module `seccomptrace sim` in-process: single cases, --cases batches, --stack in both modes (rings across cases), --json shape, and one line per bad input. */

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeProgram, insn } from '../../src/bpf/insn-codec.js';
import { runCli } from '../../src/cli/run-cli.test-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'seccomptrace-sim-'));
const put = (name: string, text: string | Uint8Array): void => writeFileSync(join(dir, name), text);

put(
  'deny.s',
  `; x86_64 only; getpid → ERRNO(1); getppid with arg0 == 7 → TRAP(3)
ld [4]
jne #0xc000003e, kill
ld [0]
jeq #39, errno
jne #110, allow
ld [16]
jeq #7, trap, allow
trap: ret TRAP(3)
errno: ret ERRNO(1)
allow: ret ALLOW
kill: ret KILL_PROCESS
`,
);
put('allow.s', 'ret ALLOW\n');
put('tag.s', 'ret LOG(42)\n');
put('ring.s', 'ret #1\n');
put('deny.bpf', encodeProgram([insn(0x06, 0x00050001)])); // ret ERRNO(1)
put('trunc.bpf', new Uint8Array(7));
put('misaligned.bpf', encodeProgram([insn(0x20, 3), insn(0x06, 0x7fff0000)])); // ld [3]; ret ALLOW
put('huge.bpf', encodeProgram(Array.from({ length: 4096 }, () => insn(0x06, 0x7fff0000))));
put(
  'proposed.json',
  JSON.stringify({
    mode: 'proposed',
    actionsLogged: ['kill_process', 'kill_thread', 'errno', 'log'],
    stack: [{ filter: 'deny.bpf', flags: ['log'] }, { filter: 'tag.s' }, { logLayer: 'ring.s', ring: 2 }],
  }),
);
put('linux.json', JSON.stringify({ actionsLogged: ['errno'], stack: [{ filter: 'allow.s' }, { filter: 'deny.s', flags: ['log'] }] }));
put('cases.json', JSON.stringify([{ syscall: 'getpid' }, { arch: 'amd64', nr: 110, args: ['7'] }, { arch: 'i386', syscall: 'getpid' }]));
put('cases.jsonl', '{"syscall":"getpid"}\n{"arch":"amd64","nr":110,"args":["7"]}\n\n{"arch":"SCMP_ARCH_X86","syscall":"getpid"}\n');
put('too-big.json', JSON.stringify({ stack: [{ filter: 'huge.bpf' }, { filter: 'huge.bpf' }, { filter: 'huge.bpf' }, { filter: 'huge.bpf' }] }));
put('bad-flag.json', JSON.stringify({ stack: [{ filter: 'allow.s', flags: ['logg'] }] }));
put('missing.json', JSON.stringify({ stack: [{ filter: 'nope.bpf' }] }));
put('layer-linux.json', JSON.stringify({ stack: [{ filter: 'allow.s' }, { logLayer: 'ring.s' }] }));
put('rejected.json', JSON.stringify({ stack: [{ filter: 'misaligned.bpf' }] }));
put('bad-cases.jsonl', '{"syscall":"getpid"}\n{"syscall":\n');
put('bad-arg.json', '[{"syscall":"getpid","args":[1.5]}]');
put('bad-stack.json', '{\n  "stack": [{"filter": "allow.s"}\n}\n');

const sim = (...argv: string[]) => runCli(['sim', ...argv], { cwd: dir });

test('one case: text line and --json object with log', async () => {
  const t = await sim('deny.s', 'getpid');
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stdout, 'x86_64 getpid() → ERRNO(1) (errno, 5 insns)\n');
  const j = await sim('deny.s', '--arch', 'x86_64', 'getppid', '7', '--json');
  assert.equal(j.stdout, '{"value":196611,"action":"trap","data":3,"insns":8,"log":[]}\n');
});

test('one case: 64-bit and negative arguments, --ip, numbers for the syscall', async () => {
  const r = await sim('deny.s', '110', '-1', '0xffffffffffffffff', '--ip', '0x7fff00001000', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).action, 'allow');
});

test('--cases: a JSON array and JSON lines give one line a case, in order', async () => {
  const a = await sim('deny.s', '--cases', 'cases.json', '--json');
  const b = await sim('deny.s', '--cases', 'cases.jsonl', '--json');
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.deepEqual(a.stdout.trim().split('\n').map((l) => JSON.parse(l).action), ['errno', 'trap', 'kill_process']);
});

test('--stack linux: FLAG_LOG and actionsLogged decide the outcome record', async () => {
  const r = await sim('--stack', 'linux.json', 'getpid', '--json');
  assert.equal(r.stdout, '{"value":327681,"action":"errno","data":1,"insns":6,"log":[{"by":1,"ret":327681,"to":"system"}]}\n');
});

test('--stack proposed: side event with tag through a log layer; rings persist across the cases of one run', async () => {
  put('three.jsonl', '{"syscall":"getpid"}\n{"syscall":"getpid"}\n{"syscall":"getpid"}\n');
  const r = await sim('--stack', 'proposed.json', '--cases', 'three.jsonl', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines[0], { value: 327681, action: 'errno', data: 1, insns: 2, log: [{ by: 1, ret: 0xff00002a, tag: 42, to: 'ring', layer: 2 }, { by: 0, ret: 327681, to: 'system' }] });
  assert.deepEqual(lines.map((l) => l.log[0].to), ['ring', 'ring', 'lost']);
  const t = await sim('--stack', 'proposed.json', 'getpid');
  assert.equal(t.stdout, 'x86_64 getpid() → ERRNO(1) (errno, 2 insns); log: LOG(42) from #1 → ring (layer #2), ERRNO(1) from #0 → system\n');
});

test('PROFILE target: the built-in docker-default, in the engine and on this kernel', async () => {
  put('docker.jsonl', '{"syscall":"kexec_load"}\n{"syscall":"getpid"}\n{"arch":"x86","syscall":"kexec_load"}\n');
  const r = await sim('docker-default', '--cases', 'docker.jsonl', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).action), ['errno', 'allow', 'errno']);
  if (process.arch !== 'x64') return;
  const k = await sim('docker-default', '--cases', 'docker.jsonl', '--json', '--kernel');
  assert.equal(k.code, 0, k.stderr);
  const lines = k.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.errno ?? (l.return > 0 ? 'ran' : l.return)), [1, 'ran', 1]);
});

test('--stack with a PROFILE filter under a LOG(42) filter, cases from stdin', async () => {
  put('docker-tag.json', JSON.stringify({ mode: 'proposed', actionsLogged: ['log'], stack: [{ filter: 'docker-default' }, { filter: 'tag.s' }] }));
  const r = await runCli(['sim', '--stack', 'docker-tag.json', '--cases', '-', '--json'], { cwd: dir, stdin: new TextEncoder().encode('{"syscall":"kexec_load"}\n') });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { value: 327681, action: 'errno', data: 1, insns: JSON.parse(r.stdout).insns, log: [{ by: 1, ret: 0xff00002a, tag: 42, to: 'system' }] });
});

const BAD: readonly (readonly [string, readonly string[], string, number])[] = [
  ['missing file', ['nope.bpf', 'getpid'], 'seccomptrace sim: nope.bpf: no such file (ENOENT); check the path', 1],
  ['truncated .bpf', ['trunc.bpf', 'getpid'], 'seccomptrace sim: trunc.bpf: program is 7 bytes, not a multiple of 8 (struct sock_filter); the last instruction is truncated; pass a raw sock_filter array (seccomptrace asm writes one)', 1],
  ['a filter the kernel rejects', ['--stack', 'rejected.json', 'getpid'], 'seccomptrace sim: rejected.json#/stack/0 misaligned.bpf: pc 0: the kernel would reject this program: load from offset 3 (must be a multiple of 4 below 64) (EINVAL)', 1],
  ['more instructions than the kernel allows on a path', ['--stack', 'too-big.json', 'getpid'], 'seccomptrace sim: too-big.json#/stack/3 huge.bpf: the stack would hold 32792 instructions as the kernel counts them (eBPF length + 4 per attached filter), over MAX_INSNS_PER_PATH 32768 (ENOMEM); merge or shorten filters', 1],
  ['unknown flag', ['--stack', 'bad-flag.json', 'getpid'], "seccomptrace sim: bad-flag.json#/stack/0/flags: unknown filter flag 'logg'; use tsync, log, spec_allow, new_listener, tsync_esrch, wait_killable_recv", 1],
  ['missing filter file in a stack', ['--stack', 'missing.json', 'getpid'], 'seccomptrace sim: missing.json#/stack/0 nope.bpf: no such file (ENOENT); check the path', 1],
  ['a log layer in linux mode', ['--stack', 'layer-linux.json', 'getpid'], 'seccomptrace sim: layer-linux.json#/stack/1: log layers exist only in proposed mode; set "mode": "proposed"', 1],
  ['malformed stack JSON', ['--stack', 'bad-stack.json', 'getpid'], "seccomptrace sim: bad-stack.json:3:1: malformed JSON: expected ',' or ']' in array, found '}'; a comma may be missing\n", 1],
  ['missing stack file', ['--stack', 'nope.json', 'getpid'], 'seccomptrace sim: nope.json: no such file (ENOENT); check the path', 1],
  ['bad JSON line in --cases', ['deny.s', '--cases', 'bad-cases.jsonl'], 'seccomptrace sim: bad-cases.jsonl:2:12: malformed JSON: expected a value, found end of input; one JSON object a line (JSON lines), or a JSON array\n', 1],
  ['a float argument in --cases', ['deny.s', '--cases', 'bad-arg.json'], 'seccomptrace sim: bad-arg.json#/0: args[0] "1.5" is not a 64-bit integer; use a number or a decimal/0x string', 1],
  ['missing --cases file', ['deny.s', '--cases', 'nope.jsonl'], 'seccomptrace sim: nope.jsonl: no such file (ENOENT)', 1],
  ['unknown syscall', ['deny.s', 'opne'], "seccomptrace sim: command line: unknown syscall 'opne' on x86_64", 1],
  ['unknown profile name', ['docker-defualt', 'getpid'], 'seccomptrace sim: docker-defualt: no such file (ENOENT); give a profile file or one of: docker-default', 1],
  ['bad arch', ['deny.s', '--arch', 'sparc', 'getpid'], "seccomptrace sim: --arch: unknown arch 'sparc'", 1],
  ['missing SYSCALL', ['deny.s'], 'seccomptrace sim: missing SYSCALL; give a syscall name or number, or --cases FILE', 2],
  ['seven arguments', ['deny.s', 'getpid', '1', '2', '3', '4', '5', '6', '7'], 'seccomptrace sim: 7 arguments given; a syscall has at most 6', 2],
  ['--ip with --kernel', ['deny.s', 'getpid', '--ip', '5', '--kernel'], 'seccomptrace sim: command line: the kernel run cannot choose the instruction pointer; drop "ip" (or --ip) with --kernel; the output shows the ip the filter saw', 1],
  ['unknown option', ['deny.s', 'getpid', '--bogus'], "seccomptrace sim: Unknown option '--bogus'; see 'seccomptrace sim --help'", 2],
  ['cases and a syscall together', ['deny.s', '--cases', 'cases.json', 'getpid'], "seccomptrace sim: unexpected argument 'getpid' with --cases; give either --cases FILE or SYSCALL [ARGS…]", 2],
];

for (const [name, argv, line, code] of BAD) {
  test(`bad input: ${name} → one line, exit ${code}`, async () => {
    const r = await sim(...argv);
    assert.equal(r.code, code);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.startsWith(line), `stderr: ${r.stderr}`);
    assert.equal(r.stderr.split('\n').length, 2, 'exactly one line');
  });
}

test('--kernel: the same case on this kernel (x86_64 and int 0x80)', { skip: process.arch !== 'x64' ? 'x86_64 host only' : false }, async () => {
  const r = await sim('deny.s', '--cases', 'cases.json', '--kernel', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.outcome, l.errno ?? l.data ?? l.signal]), [['returned', 1], ['trap', 3], ['killed', 31]]);
});

test('--kernel log: the records the kernel made for each case = the engine\'s log under the live actions_logged', { skip: process.arch !== 'x64' ? 'x86_64 host only' : process.getuid?.() !== 0 ? 'reading the audit multicast needs CAP_AUDIT_READ (root)' : false }, async () => {
  // Every action, under a FLAG_LOG filter (so errno, trap, trace and user_notif are logged too) and
  // a second filter without it; the kernel picks by precedence across the two.
  put('every-action.s', `.arch x86_64
ld nr
jeq #getpid, errno
jeq #getppid, log
jeq #gettid, trap
jeq #getgid, trace
jeq #getegid, notif
jeq #getuid, kill
ret ALLOW
errno: ret ERRNO(1)
log: ret LOG
trap: ret TRAP(7)
trace: ret TRACE(1)
notif: ret USER_NOTIF
kill: ret KILL_PROCESS
`);
  put('errno-geteuid.s', '.arch x86_64\nld nr\njeq #geteuid, e\nret ALLOW\ne: ret ERRNO(13)\n');
  put('every-action.json', JSON.stringify({ mode: 'linux', stack: [{ filter: 'every-action.s', flags: ['log'] }, { filter: 'errno-geteuid.s' }] }));
  const names = ['getpid', 'getppid', 'gettid', 'getgid', 'getegid', 'getuid', 'geteuid', 'getpgrp'];
  put('every-action.jsonl', names.map((n) => JSON.stringify({ syscall: n })).join('\n'));
  const engine = await sim('--stack', 'every-action.json', '--cases', 'every-action.jsonl', '--json');
  const kernel = await sim('--stack', 'every-action.json', '--cases', 'every-action.jsonl', '--json', '--kernel');
  assert.equal(engine.code, 0, engine.stderr);
  assert.equal(kernel.code, 0, kernel.stderr);
  // A record's code is the action without its data (kernel/seccomp.c passes ret & SECCOMP_RET_ACTION_FULL).
  const rets = (out: string): number[][] => out.trim().split('\n').map((l) => (JSON.parse(l) as { log: { ret: number }[] }).log.map((e) => (e.ret & 0xffff0000) >>> 0));
  const want = rets(engine.stdout);
  assert.deepEqual(rets(kernel.stdout), want);
  assert.ok(want.filter((r) => r.length > 0).length >= 5, 'most cases are logged under the default actions_logged');
});
