/**
 * @module Bench for `record`: recording a program (the whole CLI process) against running it alone
 * and against `strace -f` writing its trace, on a syscall-heavy C loop and on `find`; both must
 * find the same syscall names. Prints medians and ratios.
 * usage: node dist/bench/record.js [N]
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../test/fixtures/paths.js';
import { straceNames } from '../test/fixtures/strace.js';
import { medianWallInTurns } from './whole-process.js';

const N = Number(process.argv[2] ?? 100000);
const ROUNDS = 5;
const GETPPID = 110; // syscall_64.tbl
const cli = fileURLToPath(new URL('../cli/seccomptrace.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seccomptrace-bench-record-'));
const target = join(dir, 'notify-target');
execFileSync('cc', ['-O2', '-o', target, join(REPO_ROOT, 'bench', 'c', 'notify-target.c')]);

const workloads: [string, string[]][] = [
  [`C loop: ${N} getppid calls`, [target, String(GETPPID), String(N), join(dir, 'ns.txt')]],
  ['find /usr/lib -maxdepth 3', ['find', '/usr/lib', '-maxdepth', '3']],
];


console.log(`# record vs strace -f; median of ${ROUNDS} runs taken in turns; node ${process.version}`);
console.log('| workload | alone ms | seccomptrace record ms | strace -f -o FILE ms | record / alone | record / strace | same names |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, argv] of workloads) {
  const profile = join(dir, 'recorded.json');
  const trace = join(dir, 'strace.out');
  const cmds = [argv, [process.execPath, cli, 'record', '-o', profile, '--', ...argv], ['strace', '-f', '-qq', '-o', trace, ...argv]];
  const [alone, rec, st] = medianWallInTurns(cmds, ROUNDS) as [number, number, number];
  const recorded = (JSON.parse(readFileSync(profile, 'utf8')) as { syscalls: { names: string[] }[] }).syscalls.flatMap((s) => s.names).sort();
  const traced = straceNames(trace);
  const same = JSON.stringify(recorded) === JSON.stringify(traced);
  console.log(`| ${name} | ${alone.toFixed(1)} | ${rec.toFixed(1)} | ${st.toFixed(1)} | ${(rec / alone).toFixed(2)} | **${(rec / st).toFixed(2)}** | ${same ? `yes (${recorded.length})` : `NO: ${recorded.length} vs strace ${traced.length}`} |`);
}
rmSync(dir, { recursive: true, force: true });
