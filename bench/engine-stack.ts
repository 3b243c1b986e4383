/** @module Bench: a 4-filter stack through the engine (JIT) vs the same four programs in the plain C interpreter; and one `sim` case as a whole process. */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archInfo, type ArchName } from '../src/abi/arch.js';
import { makeSeccompData, seccompDataWords, type SeccompData } from '../src/abi/seccomp-data.js';
import { syscallTable } from '../src/abi/syscalls.js';
import { assemble } from '../src/bpf/asm.js';
import { encodeProgram, insn } from '../src/bpf/insn-codec.js';
import { rng } from '../src/bpf/random-program.js';
import { seccompUprobeException } from '../src/engine/decide.js';
import { evaluateLinux } from '../src/engine/linux-mode.js';
import { FilterStack } from '../src/engine/stack.js';
import { REPO_ROOT, sharedPath } from '../test/fixtures/paths.js';
import { medianWallInTurns } from './whole-process.js';

const work = mkdtempSync(join(tmpdir(), 'st-bench-engine-'));
const cBin = join(work, 'bpf-interp');
execFileSync('cc', ['-O2', '-o', cBin, join(REPO_ROOT, 'bench', 'c', 'bpf-interp.c')]);

/** Docker's default profile as libseccomp compiles it (the container's filter) under three corpus filters. */
function stackFiles(): string[] {
  const files: string[] = [];
  const docker = join(work, 'docker-default.bpf');
  try {
    execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'bench', 'oracle', 'libseccomp-compile.py'), sharedPath('profiles', 'moby-moby__default.json'), '--arch', 'x86_64,x86,x32', '--optimize', '2', '-o', docker], { stdio: 'ignore' });
    files.push(docker);
  } catch {
    console.error('# libseccomp compile failed (python3-seccomp missing?); the stack uses corpus filters only');
  }
  for (const f of ['libseccomp/18-sim-basic_allowlist.bpf', 'libseccomp/25-sim-multilevel_chains_adv.bpf', 'seccomp-tools/data/twctf-2016-diary.bpf', 'libseccomp/05-sim-long_jumps.bpf']) {
    if (files.length < 4 && existsSync(sharedPath('bpf', f))) files.push(sharedPath('bpf', f));
  }
  // A fourth, small filter if the corpus is short: "arch != x86_64 → KILL, else ALLOW".
  while (files.length < 4) {
    const f = join(work, `arch-${files.length}.bpf`);
    writeFileSync(f, encodeProgram([insn(0x20, 4), insn(0x15, 0xc000003e, 1, 0), insn(0x06, 0x80000000), insn(0x06, 0x7fff0000)]));
    files.push(f);
  }
  return files;
}

function inputs(): SeccompData[] {
  const r = rng(7);
  const out: SeccompData[] = [];
  for (const arch of ['x86_64', 'x86', 'x32'] as ArchName[]) {
    for (const e of syscallTable(arch)) {
      if (seccompUprobeException(e.nr, archInfo(arch).auditArch)) continue; // no filter runs for these: C would disagree
      const args = Array.from({ length: 6 }, () => (r.chance(0.5) ? BigInt(r.int(16)) : (BigInt(r.u32()) << 32n) | BigInt(r.u32())));
      out.push(makeSeccompData(e.nr, archInfo(arch).auditArch, args, 0x7f0000001234n));
    }
  }
  return out;
}

const ROUNDS = Number(process.env['ROUNDS'] ?? 200);
const files = stackFiles();
const data = inputs();
const words = data.map(seccompDataWords);
const inFile = join(work, 'inputs.bin');
const buf = new Uint8Array(64 * words.length);
words.forEach((w, n) => buf.set(new Uint8Array(w.buffer, w.byteOffset, 64), 64 * n));
writeFileSync(inFile, buf);

const stack = new FilterStack({ mode: 'linux' });
for (const f of files) {
  const r = stack.install(new Uint8Array(readFileSync(f)));
  if (!r.ok) throw r.error;
}
const filters = stack.filters();

// C: the stack costs the sum of its four programs over the same inputs (the precedence compare is noise).
let cNs = 0;
let cInsns = 0;
for (const f of files) {
  const c = JSON.parse(execFileSync(cBin, [f, inFile, String(ROUNDS)], { encoding: 'utf8' })) as { ns: number; insns: number };
  cNs += c.ns;
  cInsns += c.insns;
}

function time(fn: (i: number) => number): { ns: number; insns: number } {
  // Warm up for ~1 s: new Function code needs many calls before V8's optimising tier takes it.
  const until = Date.now() + 1000;
  while (Date.now() < until) for (let i = 0; i < data.length; i++) fn(i);
  let insns = 0;
  const t0 = process.hrtime.bigint();
  for (let round = 0; round < ROUNDS; round++) for (let i = 0; i < data.length; i++) insns += fn(i);
  return { ns: Number(process.hrtime.bigint() - t0), insns };
}
const logged = stack.actionsLogged;
const core = time((i) => evaluateLinux(filters, words[i]!, logged).insns);
const full = time((i) => stack.evaluate(data[i]!).insns);
if (core.insns !== cInsns || full.insns !== cInsns) throw new Error(`internal: instruction counts differ: C ${cInsns}, engine ${core.insns}/${full.insns}`);

// The same four filters in proposed mode, under a LOG(42) side-action filter and a log layer that
// rings tag 42 (a ring large enough to never fill during the run).
const proposed = new FilterStack({ mode: 'proposed' });
for (const f of files) proposed.install(new Uint8Array(readFileSync(f)));
proposed.install(encodeProgram([insn(0x06, 0xff00002a)])); // ret LOG(42)
const ring = proposed.installLogLayer(encodeProgram([insn(0x20, 68), insn(0x15, 42, 0, 1), insn(0x06, 1), insn(0x06, 2)]), { ring: 1 << 30 });
if (!ring.ok) throw ring.error;
const side = time((i) => {
  const ev = proposed.evaluate(data[i]!);
  if (ring.value.ring.size > 1_000_000) ring.value.ring.drain();
  return ev.insns;
});

const evals = ROUNDS * data.length;
const eps = (ns: number): string => ((evals / ns) * 1e9).toExponential(2);
console.log(`# 4-filter stack (${files.map((f) => f.split('/').pop()).join(', ')}); ${data.length} inputs × ${ROUNDS} rounds; ${(cInsns / evals).toFixed(1)} insns executed per evaluation; node ${process.version}`);
console.log('| engine path | evals/s | ns/eval | vs C interpreter |');
console.log('|---|---|---|---|');
console.log(`| C interpreter (bench/c/bpf-interp.c, cc -O2), 4 programs | ${eps(cNs)} | ${(cNs / evals).toFixed(1)} | 1.00× |`);
console.log(`| engine linux mode, JIT, from seccomp_data words (evaluateLinux) | ${eps(core.ns)} | ${(core.ns / evals).toFixed(1)} | ${(core.ns / cNs).toFixed(2)}× |`);
console.log(`| engine FilterStack.evaluate(SeccompData) (bigint args → words each call) | ${eps(full.ns)} | ${(full.ns / evals).toFixed(1)} | ${(full.ns / cNs).toFixed(2)}× |`);
console.log(`| proposed mode: the 4 filters + LOG(42) + a log layer ringing every event | ${eps(side.ns)} | ${(side.ns / evals).toFixed(1)} | ${(side.ns / cNs).toFixed(2)}× (does more work) |`);

// One `seccomptrace sim` case as a whole process, against `node -e 0`: a .bpf target (the common
// case; the assembler is not loaded) and the same program as .s text.
const s = join(work, 'deny.s');
const denyText = 'ld [0]\njeq #39, deny\nret ALLOW\ndeny: ret ERRNO(1)\n';
writeFileSync(s, denyText);
const deny = assemble(denyText);
if (!deny.ok) throw new Error(`internal: ${deny.error.message}`);
const bpf = join(work, 'deny.bpf');
writeFileSync(bpf, encodeProgram(deny.value));
// The CLI compiled beside this bench (dist-*/bench/ → dist-*/cli/), so a bench run times the build
// it belongs to: the bundle users run, and tsc's unbundled modules it is built from.
const distHere = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(distHere, 'cli', 'seccomptrace.js');
const modules = join(distHere, 'src', 'cli', 'bin.js');
const emptyModule = join(work, 'empty.mjs');
writeFileSync(emptyModule, '');

const rows: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['node empty.mjs (an empty ES module)', [emptyModule]],
  ['`seccomptrace sim deny.bpf getpid` (bundle, dist/cli)', [bundled, 'sim', bpf, 'getpid']],
  ['`seccomptrace sim deny.s getpid` (bundle)', [bundled, 'sim', s, 'getpid']],
  ['`sim deny.bpf getpid` through tsc\'s modules (dist/src/cli/bin.js)', [modules, 'sim', bpf, 'getpid']],
];
// Node reads the NODE_EXTRA_CA_CERTS bundle at every start, before any JavaScript runs; this
// workplace sets it, a usual machine does not, and seccomptrace opens no TLS connection.
const envs: [string, NodeJS.ProcessEnv][] = [['as set here', process.env]];
const cas = process.env['NODE_EXTRA_CA_CERTS'];
if (cas !== undefined) {
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = process.env;
  envs.push(['without NODE_EXTRA_CA_CERTS', rest]);
}
const results = envs.map(([, env]) => medianWallInTurns(rows.map(([, argv]) => [process.execPath, ...argv]), 21, env));
console.log(`\n| whole process, median ms of 21 (in turns) | ${envs.map(([name]) => (name === 'as set here' && cas !== undefined ? `NODE_EXTRA_CA_CERTS=${cas}` : name)).join(' | ')} |`);
console.log(`|---|${envs.map(() => '---').join('|')}|`);
rows.forEach(([name], i) => console.log(`| ${name} | ${results.map((r) => r[i]!.toFixed(1)).join(' | ')} |`));
rmSync(work, { recursive: true, force: true });
