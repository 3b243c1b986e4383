/** @module Bench: our interpreter and JIT vs a plain C interpreter (bench/c/bpf-interp.c, cc -O2) on the same programs and inputs. Run: `npx tsc -p . && node dist/bench/bpf-exec.js`. */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archInfo, type ArchName } from '../src/abi/arch.js';
import { makeSeccompData, seccompDataWords } from '../src/abi/seccomp-data.js';
import { syscallTable } from '../src/abi/syscalls.js';
import type { Executor } from '../src/bpf/executor.js';
import { decodeProgram } from '../src/bpf/insn-codec.js';
import { interpreter } from '../src/bpf/interpret.js';
import { jit } from '../src/bpf/jit.js';
import { rng } from '../src/bpf/random-program.js';
import { verify, type VerifiedProgram } from '../src/bpf/verify.js';
import { unwrap } from '../src/result.js';
import { REPO_ROOT, sharedPath } from '../test/fixtures/paths.js';

const work = mkdtempSync(join(tmpdir(), 'st-bench-bpf-'));
const cBin = join(work, 'bpf-interp');
execFileSync('cc', ['-O2', '-o', cBin, join(REPO_ROOT, 'bench', 'c', 'bpf-interp.c')]);

/** The programs: Docker's default profile compiled by Debian's libseccomp (as runc does), plus corpus filters. */
function programs(): { name: string; file: string }[] {
  const out: { name: string; file: string }[] = [];
  const profile = sharedPath('profiles', 'moby-moby__default.json');
  const oracle = join(REPO_ROOT, 'bench', 'oracle', 'libseccomp-compile.py');
  for (const opt of ['1', '2']) {
    const file = join(work, `docker-default-O${opt}.bpf`);
    try {
      execFileSync('/usr/bin/python3', [oracle, profile, '--arch', 'x86_64,x86,x32', '--optimize', opt, '-o', file], { stdio: ['ignore', 'ignore', 'ignore'] });
      out.push({ name: `docker-default libseccomp --optimize ${opt} (x86_64,x86,x32)`, file });
    } catch {
      console.error(`# libseccomp compile failed (python3-seccomp missing?); skipping docker-default -O${opt}`);
    }
  }
  for (const f of ['libseccomp/18-sim-basic_allowlist.bpf', 'seccomp-tools/data/gctf-2019-quals-caas.bpf', 'seccomp-tools/data/twctf-2016-diary.bpf']) {
    if (existsSync(sharedPath('bpf', f))) out.push({ name: f, file: sharedPath('bpf', f) });
  }
  return out;
}

/** Every syscall of x86_64, x86 and x32 (the ABIs an x86_64 kernel accepts) plus bad numbers, with random args. */
function inputs(): Uint32Array[] {
  const r = rng(42);
  const out: Uint32Array[] = [];
  for (const arch of ['x86_64', 'x86', 'x32'] as ArchName[]) {
    const audit = archInfo(arch).auditArch;
    const nrs = [...syscallTable(arch).map((e) => e.nr), 0xffffffff, 999];
    for (const nr of nrs) {
      const args = Array.from({ length: 6 }, () => (r.chance(0.5) ? BigInt(r.int(16)) : (BigInt(r.u32()) << 32n) | BigInt(r.u32())));
      out.push(seccompDataWords(makeSeccompData(nr, audit, args, 0x7f0000001234n)));
    }
  }
  return out;
}

/**
 * Times `exe` over all inputs `rounds` times after a warm-up. The loop is compiled afresh for each
 * executor (new Function) so its call site stays monomorphic and V8's feedback from one executor
 * does not slow down the next.
 */
function timeJs(exe: Executor, ins: readonly Uint32Array[], rounds: number): { ns: number; insns: number; sink: number } {
  const loop = new Function('exe', 'ins', 'rounds', `
    let insns = 0, sink = 0;
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < ins.length; i++) {
        const res = exe.run(ins[i]);
        insns += res.insns;
        sink = (sink + res.ret) >>> 0; // mod 2^32, as bpf-interp.c
      }
    }
    return [insns, sink];`) as (e: Executor, i: readonly Uint32Array[], r: number) => [number, number];
  const warm = process.hrtime.bigint();
  while (process.hrtime.bigint() - warm < 300_000_000n) loop(exe, ins, 1); // 0.3 s: let V8 optimise
  let best = Infinity;
  let out: [number, number] = [0, 0];
  for (let rep = 0; rep < 3; rep++) {
    const t0 = process.hrtime.bigint();
    out = loop(exe, ins, rounds);
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  return { ns: best, insns: out[0], sink: out[1] };
}

function dataFile(ins: readonly Uint32Array[]): string {
  const buf = new Uint8Array(64 * ins.length);
  ins.forEach((w, n) => buf.set(new Uint8Array(w.buffer, w.byteOffset, 64), 64 * n));
  const file = join(work, 'inputs.bin');
  writeFileSync(file, buf);
  return file;
}

const ins = inputs();
const inFile = dataFile(ins);
/** Executed instructions per timed run (each timing is the best of 3 runs). */
const TARGET_INSNS = Number(process.env['TARGET_INSNS'] ?? 5e7);
console.log(`# ${ins.length} inputs (every x86_64, x86, x32 syscall + 2 bad numbers) × R rounds ≈ ${TARGET_INSNS.toExponential(0)} executed instructions per timing, best of 3; node ${process.version}; C: cc -O2 bench/c/bpf-interp.c`);

interface CRun { evals: number; insns: number; ns: number; sink: number }
function runC(file: string, rounds: number): CRun {
  return JSON.parse(execFileSync(cBin, [file, inFile, String(rounds)], { encoding: 'utf8' })) as CRun;
}
console.log('| program | insns | avg executed | C ns/insn | interp ns/insn | JIT ns/insn | interp/C | JIT/C | C evals/s | interp evals/s | JIT evals/s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const p of programs()) {
  const prog: VerifiedProgram = unwrap(verify(unwrap(decodeProgram(readFileSync(p.file)))));
  const rounds = Math.max(1, Math.round(TARGET_INSNS / runC(p.file, 1).insns));
  const runs = [runC(p.file, rounds), runC(p.file, rounds), runC(p.file, rounds)];
  const c = { ...runs[0]!, ns: Math.min(...runs.map((r) => r.ns)) };
  const it = timeJs(interpreter(prog), ins, rounds);
  const jt = timeJs(jit(prog), ins, rounds);
  for (const [who, r] of [['interp', it], ['jit', jt]] as const) {
    if (r.insns !== c.insns || r.sink !== c.sink) throw new Error(`internal: ${who} differs from C on ${p.name}: insns ${r.insns} vs ${c.insns}, sink ${r.sink} vs ${c.sink}`);
  }
  const per = (ns: number): number => ns / c.insns;
  const eps = (ns: number): string => ((c.evals / ns) * 1e9).toExponential(2);
  console.log(
    `| ${p.name} | ${prog.raw.length} | ${(c.insns / c.evals).toFixed(1)} | ${per(c.ns).toFixed(2)} | ${per(it.ns).toFixed(2)} | ${per(jt.ns).toFixed(2)} | ${(it.ns / c.ns).toFixed(2)}× | ${(jt.ns / c.ns).toFixed(2)}× | ${eps(c.ns)} | ${eps(it.ns)} | ${eps(jt.ns)} |`,
  );
}
