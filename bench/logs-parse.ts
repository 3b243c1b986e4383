/** @module Bench: audit.log lines parsed per second by the logs reader (file source + line stream), against `grep -c type=1326` on the same file. */

import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAuditLogLine, type SeccompEvent } from '../src/events/audit-record.js';
import { enrich } from '../src/events/enrich.js';
import { recordJsonLine } from '../src/events/log-output.js';
import { LogStream } from '../src/events/log-stream.js';
import { readLogFile } from '../src/linux/audit-log.js';

const LINES = Number(process.env['BENCH_LINES'] ?? 2_000_000);
const work = mkdtempSync(join(tmpdir(), 'st-bench-logs-'));

/** Records as auditd writes them (RAW); `seccompShare` of the lines are 1326, the rest SYSCALL/PROCTITLE lines. */
function makeFile(name: string, seccompShare: number): string {
  const path = join(work, name);
  let parts: string[] = [];
  writeFileSync(path, '');
  const actions = [0x7ffc0000, 0x50000, 0x80000000, 0, 0x30000];
  for (let i = 0; i < LINES; i++) {
    const ms = 1796412198000 + i;
    if (i % 100 < seccompShare * 100) {
      const ev: SeccompEvent = {
        time: `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`, serial: 330000 + i, auid: 4294967295, uid: 1000, gid: 1000, ses: 4,
        pid: 1000 + (i % 30000), comm: i % 7 === 0 ? 'a b"c' : 'worker', exe: '/usr/lib/app/bin/worker', sig: 0, arch: i % 5 === 0 ? 0x40000003 : 0xc000003e,
        syscall: i % 450, compat: i % 5 === 0 ? 1 : 0, ip: 0x7ff368eb1829n + BigInt(i), code: actions[i % actions.length]!,
      };
      parts.push(formatAuditLogLine(ev));
    } else {
      parts.push(`type=SYSCALL msg=audit(1796412198.362:${330000 + i}): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffd3a1b a2=80000 a3=0 items=1 ppid=1 pid=${1000 + (i % 30000)} auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=(none) ses=4 comm="cat" exe="/usr/bin/cat" key=(null)`);
    }
    if (parts.length === 100_000) {
      appendFileSync(path, parts.join('\n') + '\n');
      parts = [];
    }
  }
  if (parts.length > 0) appendFileSync(path, parts.join('\n') + '\n');
  return path;
}

async function ours(path: string, full: boolean): Promise<{ ms: number; records: number }> {
  let n = 0;
  const s = new LogStream((item) => {
    n++;
    if (full && item.kind === 'seccomp') recordJsonLine(item.record, enrich(item.record));
  });
  const t0 = process.hrtime.bigint();
  await readLogFile(s, { follow: false }, path);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (s.stats.lines !== LINES || s.stats.bad !== 0) throw new Error(`internal: read ${s.stats.lines} lines, ${s.stats.bad} bad`);
  return { ms, records: n };
}

function grep(path: string): { ms: number; records: number } {
  const t0 = process.hrtime.bigint();
  const out = execFileSync('grep', ['-c', 'type=1326\\|type=SECCOMP', path]).toString().trim();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, records: Number(out) };
}

function best<T extends { ms: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

for (const [name, share] of [['all-seccomp', 1], ['quarter-seccomp', 0.25]] as const) {
  const path = makeFile(`${name}.log`, share);
  const mb = statSync(path).size / 1e6;
  const parse: { ms: number; records: number }[] = [];
  const full: { ms: number; records: number }[] = [];
  const g: { ms: number; records: number }[] = [];
  for (let i = 0; i < 3; i++) {
    parse.push(await ours(path, false));
    full.push(await ours(path, true));
    g.push(grep(path));
  }
  const p = best(parse);
  const f = best(full);
  const gr = best(g);
  if (p.records !== gr.records) throw new Error(`internal: we found ${p.records} records, grep ${gr.records}`);
  const rate = (ms: number): string => `${((LINES / ms) * 1000 / 1e6).toFixed(2)} M lines/s`;
  console.log(`${name}: ${LINES} lines, ${mb.toFixed(0)} MB, ${p.records} seccomp records`);
  console.log(`  parse (logs reader)          ${p.ms.toFixed(0)} ms  ${rate(p.ms)}`);
  console.log(`  parse + names + JSON         ${f.ms.toFixed(0)} ms  ${rate(f.ms)}`);
  console.log(`  grep -c type=1326|SECCOMP    ${gr.ms.toFixed(0)} ms  ${rate(gr.ms)}`);
  console.log(`  ratio parse / grep time      ${(p.ms / gr.ms).toFixed(1)}x`);
}
rmSync(work, { recursive: true, force: true });
