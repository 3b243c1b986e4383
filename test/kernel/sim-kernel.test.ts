/** @module `sim --kernel` without the right to read the audit multicast (uid 65534): the kernel's outcome still, and one line saying why there is no "log". */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeProgram, insn } from '../../src/bpf/insn-codec.js';
import { AS_NOBODY, cliForNobody } from './as-nobody.test-helper.js';

test('as uid 65534: outcome without "log", and one stderr line naming CAP_AUDIT_READ', { skip: process.getuid?.() !== 0 ? 'needs root to switch to uid 65534' : false }, (t) => {
  const { bin, cleanup } = cliForNobody();
  t.after(cleanup);
  const dir = mkdtempSync(join(tmpdir(), 'seccomptrace-sim-nobody-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'deny.bpf'), encodeProgram([insn(0x06, 0x00050001)]), { mode: 0o644 }); // ret ERRNO(1)
  const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, bin, 'sim', join(dir, 'deny.bpf'), 'getpid', '--kernel', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual([out['outcome'], out['errno'], 'log' in out], ['returned', 1, false]);
  assert.equal(r.stderr, 'seccomptrace sim: --kernel: cannot read the audit multicast: audit reader: bind failed during AUDIT_NLGRP_READLOG (needs CAP_AUDIT_READ) (EPERM): the kernel\'s outcomes only, without "log"\n');
});
