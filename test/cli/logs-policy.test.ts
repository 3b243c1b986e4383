/** @module `logs --policy`: each record named by the rule that produced it — exact without argument checks, "ambiguous" between rules that differ only by arguments. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAuditLogLine, type SeccompEvent } from '../../src/events/audit-record.js';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { ARG_PROFILE } from '../fixtures/arg-profile.js';

const ev = (arch: number, syscall: number, code: number, serial: number): string => {
  const e: SeccompEvent = { time: '1796418978.085', serial, auid: 4294967295, uid: 0, gid: 0, ses: 4294967295, pid: 7, comm: 'x', exe: '/x', sig: code === 0 || code === 0x80000000 ? 31 : 0, arch, syscall, compat: arch === 0x40000003 ? 1 : 0, ip: 0x1000n, code };
  return formatAuditLogLine(e);
};

test('names the rule of each record, exact or ambiguous by arguments, per arch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-attr-'));
  try {
    writeFileSync(join(dir, 'p.json'), JSON.stringify(ARG_PROFILE));
    const lines = [
      ev(0xc000003e, 110, 0x7ffc0000, 1), // getppid: no argument read → exact
      ev(0xc000003e, 135, 0x50000, 2), // personality errno: rules 2 or 3
      ev(0xc000003e, 135, 0x7ffc0000, 3), // personality log: only rule 4 logs
      ev(0x40000003, 136, 0x50000, 4), // i386 personality is 136
      ev(0xc000003e, 63, 0x50000, 5), // uname errno: rule 5, the only errno of its tree
      ev(0xc00000b7, 136, 0, 6), // aarch64: not in the filter (bad arch → KILL_THREAD)
      ev(0xc000003e, 39, 0x80000000, 7), // getpid killed: the profile allows it
    ];
    writeFileSync(join(dir, 'a.log'), lines.join('\n') + '\n');
    const r = await runCli(['logs', '--source', 'a.log', '--policy', 'p.json', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const rules = r.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { rule: string }).rule);
    assert.deepEqual(rules, ['rule 1', 'ambiguous: rules 2 or 3', 'rule 4', 'ambiguous: rules 2 or 3', 'rule 5', 'arch not in filter', 'not this profile (it gives ALLOW here)']);
    const t = await runCli(['logs', '--source', 'a.log', '--policy', 'p.json'], { cwd: dir });
    assert.match(t.stdout.split('\n')[1]!, / \[ambiguous: rules 2 or 3\]$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad profile is one line, exit 1', async () => {
  const r = await runCli(['logs', '--source', '-', '--policy', '/nonexistent.json'], { stdin: new Uint8Array() });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.split('\n').length, 2);
  assert.match(r.stderr, /^seccomptrace logs: \/nonexistent\.json: no such file/);
});
