/**
 * @module Bench for `run`'s USER_NOTIF path: per logged event vs a plain C supervisor and `strace -f`,
 * and the cost of syscalls that are not logged vs the kernel filter alone. Prints ratios.
 * usage: node dist/bench/notify-bench.js [N]
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeProgram, insn } from '../src/bpf/insn-codec.js';
import { ANSWER_CONTINUE, supervise } from '../src/linux/supervisor.js';

const N = Number(process.argv[2] ?? 200000);
const GETPPID = 110, GETPID = 39; // syscall_64.tbl
const REPEAT = 5;
const here = fileURLToPath(new URL('.', import.meta.url));
const srcDir = [join(here, 'c'), join(here, '..', '..', 'bench', 'c')].find((d) => {
  try {
    readFileSync(join(d, 'notify-target.c'));
    return true;
  } catch {
    return false;
  }
});
if (srcDir === undefined) throw new Error('bench/c/notify-target.c not found');

const dir = mkdtempSync(join(tmpdir(), 'seccomptrace-bench-'));
const cc = (name: string): string => {
  const exe = join(dir, name);
  execFileSync('cc', ['-O2', '-o', exe, join(srcDir, `${name}.c`)]);
  return exe;
};
const target = cc('notify-target');
const csup = cc('notify-supervisor');
const out = join(dir, 'ns.txt');
const nsOf = (): number => Number(readFileSync(out, 'utf8'));

function best(f: () => Promise<number> | number): Promise<number> {
  return (async () => {
    let b = Infinity;
    for (let i = 0; i < REPEAT; i++) b = Math.min(b, await f());
    return b;
  })();
}
const sh = (file: string, args: string[]): number => {
  execFileSync(file, args, { stdio: 'ignore' });
  return nsOf();
};

// The same filter as the C supervisor's: arch check, getppid → USER_NOTIF, else ALLOW.
const prog = encodeProgram([insn(0x20, 4), insn(0x15, 0xc000003e, 1, 0), insn(0x06, 0x7fff0000), insn(0x20, 0), insn(0x15, GETPPID, 0, 1), insn(0x06, 0x7fc00000), insn(0x06, 0x7fff0000)]);
async function ours(nr: number): Promise<number> {
  let events = 0;
  await supervise({
    command: target, args: [String(nr), String(N), out], filters: [{ program: prog, flags: 8 }],
    table: { arch: 0xc000003e, answers: new Uint8Array(1024).fill(ANSWER_CONTINUE), other: 0 },
    decide: () => ({ kind: 'continue' }), onRecords: (r) => void (events += r.length),
  });
  if (nr === GETPPID && events < N) throw new Error(`lost events: ${events} < ${N}`);
  return nsOf();
}

const bare = await best(() => sh(target, [String(GETPPID), String(N), out]));
// The unlogged comparison is a few ns on ~300: interleave the two so load changes hit both alike.
let filterOnly = Infinity, oursUnlogged = Infinity;
for (let i = 0; i < 3 * REPEAT; i++) {
  filterOnly = Math.min(filterOnly, sh(csup, ['filter-only', target, String(GETPID), String(N), out]));
  oursUnlogged = Math.min(oursUnlogged, await ours(GETPID));
}
const cNotify = await best(() => sh(csup, ['notify', target, String(GETPPID), String(N / 10), out]));
const oursNotify = await best(() => ours(GETPPID));
const strace = await best(() => sh('strace', ['-f', '-qq', '-e', 'trace=getppid', '-o', '/dev/null', target, String(GETPPID), String(N / 10), out]));
rmSync(dir, { recursive: true, force: true });

const f = (x: number): string => `${x.toFixed(0)} ns`;
console.log(`notify bench (N=${N}, best of ${REPEAT} (unlogged: ${3 * REPEAT}, interleaved); ns per syscall measured inside the target)`);
console.log(`  no filter                          ${f(bare)}`);
console.log(`  kernel filter alone (getpid)       ${f(filterOnly)}`);
console.log(`  seccomptrace, unlogged getpid      ${f(oursUnlogged)}   ratio vs filter alone ${(oursUnlogged / filterOnly).toFixed(3)} (target ≤ 1.05)`);
console.log(`  C supervisor, logged getppid       ${f(cNotify)}`);
console.log(`  seccomptrace, logged getppid       ${f(oursNotify)}   ratio vs C ${(oursNotify / cNotify).toFixed(2)} (target ≤ 1.5)`);
console.log(`  strace -f, traced getppid          ${f(strace)}   seccomptrace/strace ${(oursNotify / strace).toFixed(2)} (target ≤ 0.3)`);
