/** @module `logs --source -` streams: a record written to the CLI's stdin is printed while stdin is still open, and --max ends the run without waiting for EOF. */

import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { test } from 'node:test';
import { CLI_BIN as BIN } from '../fixtures/paths.js';

const line = (serial: number, syscall: number): string =>
  `type=SECCOMP msg=audit(1796412198.362:${serial}): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13169 comm="t" exe="/bin/t" sig=0 arch=c000003e syscall=${syscall} compat=0 ip=0x7ff368eb1829 code=0x7ffc0000\n`;

/** Resolves with stdout so far once it holds `n` lines (the test's own timeout catches a hang). */
function linesOut(child: ChildProcessWithoutNullStreams, n: number, got: { text: string }): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const lines = got.text.split('\n').filter((l) => l !== '');
      if (lines.length >= n) {
        child.stdout.off('data', check);
        child.off('exit', early);
        resolve(lines);
      }
    };
    const early = (code: number | null): void => reject(new Error(`exited (${code}) before ${n} lines: ${JSON.stringify(got.text)}`));
    child.stdout.on('data', check);
    child.once('exit', early);
    check();
  });
}

function start(args: string[]): { child: ChildProcessWithoutNullStreams; got: { text: string }; err: { text: string }; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'logs', '--source', '-', '--json', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const got = { text: '' };
  const err = { text: '' };
  child.stdout.setEncoding('utf8').on('data', (t: string) => (got.text += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (err.text += t));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, got, err, exit };
}

test('each record is printed while stdin is still open; EOF ends the run, exit 0', { timeout: 30_000 }, async () => {
  const { child, got, err, exit } = start([]);
  child.stdin.write(line(1, 110));
  const first = await linesOut(child, 1, got);
  assert.deepEqual(first.map((l) => JSON.parse(l) as { serial: number; syscallName: string }).map((r) => [r.serial, r.syscallName]), [[1, 'getppid']]);
  // A line written in two pieces is one record.
  const two = line(2, 39);
  child.stdin.write(two.slice(0, 50));
  child.stdin.write(two.slice(50));
  const both = await linesOut(child, 2, got);
  assert.equal((JSON.parse(both[1]!) as { syscallName: string }).syscallName, 'getpid');
  child.stdin.end();
  assert.equal(await exit, 0);
  assert.equal(err.text, '');
  assert.equal(got.text.split('\n').filter((l) => l !== '').length, 2);
});

test('--max 1 stops after the first record without waiting for stdin to close', { timeout: 30_000 }, async () => {
  const { child, got, err, exit } = start(['--max', '1']);
  child.stdin.write(line(7, 110));
  assert.equal(await exit, 0);
  assert.equal(err.text, '');
  assert.deepEqual(got.text.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { serial: number }).serial), [7]);
  child.stdin.destroy();
});
