/**
 * @module Benchmark: our profile compiler vs libseccomp (optimize=2, python3-seccomp) on Docker's default,
 * for x86_64 and Docker's 3-arch set, in one run: program size, instructions executed over x86_64
 * syscall numbers 0..460 (our interpreter on both programs), and in-process compile time.
 *
 * Run: `npx tsc -p . && node dist/bench/compile.js` (needs /usr/bin/python3 with python3-seccomp).
 */

import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSeccompData, seccompDataWords } from '../src/abi/seccomp-data.js';
import { decodeProgram, type RawInsn } from '../src/bpf/insn-codec.js';
import { verify } from '../src/bpf/verify.js';
import { interpret } from '../src/bpf/interpret.js';
import { parseOciProfile } from '../src/policy/oci-profile.js';
import { flattenOci, DOCKER_DEFAULT_CAPS } from '../src/policy/oci-flatten.js';
import { compile } from '../src/policy/compile.js';
import type { ArchName } from '../src/abi/arch.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const PROFILE = join(ROOT, 'profiles', 'docker-default.json');
const ORACLE = join(ROOT, 'bench', 'oracle', 'libseccomp-compile.py');
const CTX = { hostArch: 'x86_64' as const, caps: DOCKER_DEFAULT_CAPS, kernel: '6.18' };
const AUDIT_X86_64 = 0xc000003e;

function executed(prog: readonly RawInsn[]): { avg: number; max: number } {
  const v = verify(prog);
  if (!v.ok) throw new Error('internal: program does not verify');
  let sum = 0;
  let max = 0;
  for (let nr = 0; nr <= 460; nr++) {
    const n = interpret(v.value, seccompDataWords(makeSeccompData(nr, AUDIT_X86_64))).insns;
    sum += n;
    max = Math.max(max, n);
  }
  return { avg: sum / 461, max };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function ours(text: string, arches: ArchName[]): { prog: RawInsn[]; parseMs: number; compileMs: number } {
  const parse: number[] = [];
  const comp: number[] = [];
  let prog: RawInsn[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    const p = parseOciProfile(text);
    const t1 = performance.now();
    if (!p.ok) throw p.error;
    const f = flattenOci(p.value, CTX);
    if (!f.ok) throw f.error;
    const c = compile(f.value.policy, { hostArch: 'x86_64', arches });
    const t2 = performance.now();
    if (!c.ok) throw c.error;
    prog = c.value.program;
    if (i >= 100) {
      parse.push(t1 - t0);
      comp.push(t2 - t1);
    }
  }
  return { prog, parseMs: median(parse), compileMs: median(comp) };
}

function libseccomp(arches: ArchName[]): { prog: RawInsn[]; ms: number } {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-compile-')), 'ls.bpf');
  const meta = JSON.parse(execFileSync('/usr/bin/python3', [ORACLE, PROFILE, '--arch', arches.join(','), '--optimize', '2', '--time', '101', '--json', '-o', out], { encoding: 'utf8' })) as { medianMs: number };
  const p = decodeProgram(readFileSync(out));
  if (!p.ok) throw p.error;
  return { prog: p.value, ms: meta.medianMs };
}

const text = readFileSync(PROFILE, 'utf8');
const rows: string[] = [
  '| filter | compiler | BPF insns | executed avg / max (x86_64 nr 0..460) | compile ms (median, in-process) |',
  '|---|---|---|---|---|',
];
for (const arches of [['x86_64'], ['x86_64', 'x86', 'x32']] as ArchName[][]) {
  const ls = libseccomp(arches);
  const us = ours(text, arches);
  const el = executed(ls.prog);
  const eu = executed(us.prog);
  const name = arches.join('+');
  rows.push(`| ${name} | libseccomp 2.5.4 optimize=2 (python3-seccomp) | ${ls.prog.length} | ${el.avg.toFixed(2)} / ${el.max} | ${ls.ms.toFixed(2)} (rule adds + export, via Python) |`);
  rows.push(`| ${name} | seccomptrace | ${us.prog.length} | ${eu.avg.toFixed(2)} / ${eu.max} | ${us.compileMs.toFixed(2)} (+ ${us.parseMs.toFixed(2)} JSON parse) |`);
  rows.push(`| ${name} | ratio ours/libseccomp | ${(us.prog.length / ls.prog.length).toFixed(2)} | ${(eu.avg / el.avg).toFixed(2)} / ${(eu.max / el.max).toFixed(2)} | ${(us.compileMs / ls.ms).toFixed(2)} |`);
}
console.log(rows.join('\n'));
