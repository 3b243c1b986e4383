/** @module Attribution on real records: a profile whose rules differ only by arguments, installed in probe children; the records read back from netlink are named by rule. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeProgram } from '../../src/bpf/insn-codec.js';
import { attributeRecord } from '../../src/cli/commands/logs-policy.js';
import { parseAuditLine, type SeccompRecord } from '../../src/events/audit-line.js';
import { enrich } from '../../src/events/enrich.js';
import { openAuditReadlog } from '../../src/linux/audit-netlink.js';
import { errnoOf, probeBatch, probeIp, type ProbeAbi } from '../../src/linux/probe.js';
import { compileProfile } from '../../src/policy/index.js';
import { ARG_PROFILE } from '../fixtures/arg-profile.js';

const FLAG_LOG = 2; // include/uapi/linux/seccomp.h SECCOMP_FILTER_FLAG_LOG: ERRNO results are logged too

/** Registered by logs-records.test.ts, so the kernel log tests never run at the same time as each other. */
export function attributionTest(): void {
  test('records of rules that differ only by arguments are named exactly or as ambiguous', { skip: process.getuid?.() === 0 ? false : 'needs root (audit netlink)' }, () => {
    const c = compileProfile(JSON.stringify(ARG_PROFILE), 'p.json', { hostArch: 'x86_64', caps: [], kernel: '6.18' });
    assert.ok(c.ok, c.ok ? '' : c.error.format());
    const filter = { program: encodeProgram(c.value.program), flags: c.value.flags | FLAG_LOG };
    const calls: { abi: ProbeAbi; nr: number; arg: bigint; errno: number | undefined; rule: string }[] = [
      { abi: 'x86_64', nr: 135, arg: 1n, errno: 1, rule: 'ambiguous: rules 2 or 3' },
      { abi: 'x86_64', nr: 135, arg: 2n, errno: 13, rule: 'ambiguous: rules 2 or 3' },
      { abi: 'x86_64', nr: 135, arg: 3n, errno: undefined, rule: 'rule 4' },
      { abi: 'x86_64', nr: 110, arg: 0n, errno: undefined, rule: 'rule 1' },
      { abi: 'x86', nr: 136, arg: 2n, errno: 13, rule: 'ambiguous: rules 2 or 3' },
    ];
    const reader = openAuditReadlog();
    try {
      reader.read(0);
      const res = probeBatch(calls.map((k) => ({ filters: [filter], syscall: { nr: k.nr, args: [k.arg], abi: k.abi } })));
      res.forEach((r, i) => assert.equal(r.outcome === undefined ? undefined : errnoOf(r.outcome), calls[i]!.errno, `call ${i}`));
      const want = calls.map((k) => ({ ...k, ip: `0x${probeIp(k.abi).toString(16)}` }));
      const got: SeccompRecord[] = [];
      const deadline = Date.now() + 20_000;
      while (got.length < want.length && Date.now() < deadline) {
        for (const m of reader.read(100)) {
          if (m.type !== 1326) continue;
          const p = parseAuditLine(m.text, m.type);
          if (!p.ok || p.value.kind !== 'seccomp') continue;
          const f = p.value.fields;
          if (want.some((w) => f['ip'] === w.ip && f['syscall'] === String(w.nr))) got.push(p.value);
        }
      }
      assert.equal(got.length, want.length, 'one record a call');
      // The probe's children may run side by side: match records to calls by what they carry.
      const key = (arch: string, nr: string, code: string): string => `${arch}/${nr}/${code}`;
      const codeOf = (errno: number | undefined, nr: number): string => (errno !== undefined ? '0x50000' : nr === 110 || nr === 135 ? '0x7ffc0000' : '?');
      const expectByKey = new Map(want.map((w) => [key(w.abi === 'x86' ? '40000003' : 'c000003e', String(w.nr), codeOf(w.errno, w.nr)), w.rule]));
      assert.deepEqual(
        got.map((r) => key(r.fields['arch']!, r.fields['syscall']!, r.fields['code']!)).sort(),
        want.map((w) => key(w.abi === 'x86' ? '40000003' : 'c000003e', String(w.nr), codeOf(w.errno, w.nr))).sort(),
      );
      for (const rec of got) {
        const k = key(rec.fields['arch']!, rec.fields['syscall']!, rec.fields['code']!);
        assert.equal(attributeRecord(c.value, rec, enrich(rec)), expectByKey.get(k), k);
      }
    } finally {
      reader.close();
    }
  });
}
