/** @module The linux rows of src/engine/stack.cases.ts on the real kernel: same outcome, same record; and with audit_enabled 0 and 1, the same records. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { encodeProgram, insn } from '../../src/bpf/insn-codec.js';
import { formatActionsLogged } from '../../src/engine/actions-logged.js';
import { build, GETPID, ROWS, rowActionsLogged, type Row } from '../../src/engine/stack.cases.js';
import { formatSeccompRecord, type SeccompEvent } from '../../src/events/audit-record.js';
import { parseAuditLine } from '../../src/events/audit-line.js';
import { toSeccompEvent } from '../../src/events/enrich.js';
import { probeBatch, probeIp, type ProbeFilter } from '../../src/linux/probe.js';
import { withActionsLogged } from '../../src/linux/sysctl.js';
import { expected, observed } from './engine-observe.js';
import { PROBE_ALLOW_PREFIX } from './engine-random-stacks.js';
import { Readlog, recordFields } from './engine-readlog.js';
import { withDefaultActionsLogged } from './probe-sysctl.test-helper.js';

const LINUX = ROWS.filter((r) => r.mode === 'linux');
const NR_BASE = 7600; // unused syscall numbers: a record is the row's by its syscall=
const isRoot = process.getuid?.() === 0;
const skip = !isRoot || process.arch !== 'x64' ? 'needs root (actions_logged, audit) on x86_64' : false;

function kernelFilters(r: Row): ProbeFilter[] {
  return r.stack.map((e) => {
    if (!('filter' in e)) throw new Error('internal: linux rows have no log layers');
    return { program: encodeProgram([...PROBE_ALLOW_PREFIX, insn(0x06, e.filter)]), flags: e.flags ?? 0 };
  });
}

const auditStatus = (): string => {
  try {
    return execFileSync('auditctl', ['-s'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return 'no auditctl';
  }
};

/** `auditctl -e N`; returns the previous value. */
function auditEnabled(n: 0 | 1): number {
  const before = Number(/enabled (\d+)/.exec(auditStatus())?.[1]);
  execFileSync('auditctl', ['-e', String(n)], { stdio: 'ignore' });
  return before;
}

test(`${LINUX.length} linux rows: the kernel's outcome equals the engine's`, { skip: process.arch !== 'x64' ? 'x86_64 only' : false }, () => {
  const ip = probeIp('x86_64');
  const res = probeBatch(LINUX.map((r) => ({ filters: kernelFilters(r), syscall: { nr: 39 } })));
  const unfiltered = { x86_64: 'ran', x86: 'ran', x32: 'ran' } as const;
  const bad: string[] = [];
  LINUX.forEach((r, i) => {
    const ev = build('linux', r.stack, rowActionsLogged(r)).evaluate({ ...GETPID, ip });
    const want = expected(ev.effect, { abi: 'x86_64', nr: 39, args: [], inThread: false }, 39, 0xc000003e, unfiltered);
    const got = observed(res[i]!.outcome);
    if (want !== got) bad.push(`${r.name}: engine ${want}, kernel ${got}`);
  });
  assert.deepEqual(bad, []);
});

const auditSkip =
  skip !== false ? skip : auditStatus() === 'no auditctl' ? 'auditctl is not installed (package auditd)' : /^pid [1-9]/m.test(auditStatus()) ? 'an auditd is running; not toggling audit_enabled under it' : false;

test(`${LINUX.length} linux rows: the kernel's records equal the engine's, with audit_enabled 0 and 1, byte for byte`, { skip: auditSkip }, () =>
  // Holds the suite-wide actions_logged lock throughout: it also covers the audit_enabled toggle.
  withDefaultActionsLogged(async () => {
    const reader = new Readlog();
    await reader.ready;
    let auditBefore: number | undefined;
    const runs: Record<string, string[]> = {};
    const texts: { row: number; text: string }[] = [];
    try {
      for (const enabled of [0, 1] as const) {
        const prev = auditEnabled(enabled);
        auditBefore ??= prev;
        const seen: string[] = [];
        const groups = new Map<string, number[]>();
        LINUX.forEach((r, i) => {
          const k = formatActionsLogged(rowActionsLogged(r));
          groups.set(k, [...(groups.get(k) ?? []), i]);
        });
        for (const idx of groups.values()) {
          await reader.collect(50, 500);
          reader.drop();
          await withActionsLogged(rowActionsLogged(LINUX[idx[0]!]!), () => {
            probeBatch(idx.map((i) => ({ filters: kernelFilters(LINUX[i]!), syscall: { nr: NR_BASE + i } })));
          });
          for (const text of await reader.collect(200, 3000)) {
            const f = recordFields(text);
            const i = f.syscall - NR_BASE;
            if (!idx.includes(i)) continue;
            seen.push(`${LINUX[i]!.name}: code=${f.code}`);
            texts.push({ row: i, text });
          }
        }
        runs[enabled] = seen.sort();
      }
    } finally {
      if (auditBefore !== undefined) auditEnabled(auditBefore === 1 ? 1 : 0);
      reader.close();
    }
    const engine = LINUX.flatMap((r) => {
      const ev = build('linux', r.stack, rowActionsLogged(r)).evaluate(GETPID);
      return ev.log.map((e) => `${r.name}: code=0x${e.code.toString(16)}`);
    }).sort();
    assert.deepEqual(runs[0], engine, 'audit_enabled=0');
    assert.deepEqual(runs[1], engine, 'audit_enabled=1: what is logged does not change');

    // A simulated record is the same value as the real one: the task's identity (auid…exe, pid) and the
    // stamp come from the kernel's record; sig, arch, syscall, compat, ip and code from the engine.
    const ip = probeIp('x86_64');
    const differ: string[] = [];
    for (const { row, text } of texts) {
      const parsed = parseAuditLine(text, 1326);
      assert.ok(parsed.ok && parsed.value.kind === 'seccomp', text);
      if (!parsed.ok || parsed.value.kind !== 'seccomp') continue;
      const real = toSeccompEvent(parsed.value);
      assert.ok(real !== undefined, text);
      const r = LINUX[row]!;
      const ev = build('linux', r.stack, rowActionsLogged(r)).evaluate({ ...GETPID, nr: NR_BASE + row, ip });
      const e = ev.log[0]!;
      const simulated: SeccompEvent = { ...real!, sig: e.sig, arch: GETPID.arch, syscall: NR_BASE + row, compat: 0, ip, code: e.code };
      if (formatSeccompRecord(simulated) !== text) differ.push(`${r.name}:\n  kernel ${text}\n  engine ${formatSeccompRecord(simulated)}`);
    }
    assert.ok(texts.length > 0);
    assert.deepEqual(differ, []);
  }));

test('uprobe (336) on x86_64 bypasses an ERRNO(99) filter in the kernel and in the engine; 334 and x32 336 do not', { skip: process.arch !== 'x64' ? 'x86_64 only' : false }, () => {
  const filters = [{ program: encodeProgram([...PROBE_ALLOW_PREFIX, insn(0x06, 0x00050063)]), flags: 0 }];
  const calls = [
    { nr: 336, abi: 'x86_64' as const, seen: 336, arch: 0xc000003e },
    { nr: 334, abi: 'x86_64' as const, seen: 334, arch: 0xc000003e },
    { nr: 336, abi: 'x32' as const, seen: (336 | 0x40000000) >>> 0, arch: 0xc000003e },
  ];
  const res = probeBatch(calls.map((c) => ({ filters, syscall: { nr: c.nr, abi: c.abi } })));
  const stack = build('linux', [{ filter: 0x00050063 }]);
  const got = calls.map((c, i) => [stack.evaluate({ ...GETPID, nr: c.seen, arch: c.arch }).action, observed(res[i]!.outcome) === 'returned -99' ? 'errno 99' : 'not filtered']);
  assert.deepEqual(got, [['allow', 'not filtered'], ['errno', 'errno 99'], ['errno', 'errno 99']]);
});
