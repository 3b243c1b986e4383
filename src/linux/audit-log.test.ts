/** @module The audit.log follower reads on across rotations (rename + new file) and truncation, each record once. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogStream } from '../events/log-stream.js';
import { readLogFile } from './audit-log.js';

const rec = (serial: number): string =>
  `type=SECCOMP msg=audit(1796418978.${String(serial % 1000).padStart(3, '0')}:${serial}): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=7 comm="x" exe="/x" sig=0 arch=c000003e syscall=110 compat=0 ip=0x1 code=0x7ffc0000\n`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond() && Date.now() < end) await sleep(10);
}

test('following: new lines, a line written in two parts, rotation to audit.log.1, and truncation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-rot-'));
  const path = join(dir, 'audit.log');
  try {
    writeFileSync(path, rec(1) + rec(2));
    const serials: number[] = [];
    const s = new LogStream((i) => void serials.push(i.record.serial!));
    const ac = new AbortController();
    const done = readLogFile(s, { follow: true, signal: ac.signal, pollMs: 10 }, path);
    await until(() => serials.length === 2);
    const r3 = rec(3);
    appendFileSync(path, r3.slice(0, 40));
    await sleep(30);
    appendFileSync(path, r3.slice(40) + rec(4));
    await until(() => serials.length === 4);
    // auditd's ROTATE: the last lines go to the old file, which is renamed; a new file starts.
    appendFileSync(path, rec(5));
    renameSync(path, `${path}.1`);
    writeFileSync(path, rec(6));
    await until(() => serials.length === 6);
    appendFileSync(path, rec(7));
    await until(() => serials.length === 7);
    writeFileSync(path, rec(8)); // truncated and rewritten in place
    await until(() => serials.length === 8);
    ac.abort();
    await done;
    assert.deepEqual(serials, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(s.stats.bad, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('not following: reads to the end once; a missing file is one clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-rot-'));
  try {
    writeFileSync(join(dir, 'a.log'), rec(1) + 'garbage\n' + rec(2).slice(0, 100));
    const s = new LogStream(() => {});
    await readLogFile(s, { follow: false }, join(dir, 'a.log'));
    assert.deepEqual({ records: s.stats.records, other: s.stats.other, bad: s.stats.bad }, { records: 1, other: 1, bad: 1 });
    await assert.rejects(readLogFile(s, { follow: false }, join(dir, 'none.log')), (e: Error & { format(): string }) => {
      assert.equal(e.format(), `cannot open ${join(dir, 'none.log')} (ENOENT); is auditd running? give the log file as --source FILE`);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
