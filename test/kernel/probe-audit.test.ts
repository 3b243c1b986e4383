/** @module The audit multicast reader sees a probe child's RET_LOG as a type-1326 record (kernel-semantics §3.6). */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeProgram, insn } from '../../src/bpf/insn-codec.js';
import { BPF_K, BPF_RET } from '../../src/bpf/opcodes.js';
import { AUDIT_SECCOMP, openAuditReadlog } from '../../src/linux/audit-netlink.js';
import { kernelFeatures } from '../../src/linux/features.js';
import { probe, probeIp } from '../../src/linux/probe.js';
import { withDefaultActionsLogged } from './probe-sysctl.test-helper.js';

const LOG = 0x7ffc0000;
const isRoot = process.getuid?.() === 0;

describe('audit multicast reader', { skip: isRoot ? false : 'audit multicast needs CAP_AUDIT_READ (run as root)' }, () => {
  it('a RET_LOG getppid in a probe child yields a 1326 record naming syscall 110, the ip and code 0x7ffc0000', () => withDefaultActionsLogged(() => {
    const reader = openAuditReadlog();
    try {
      reader.read(0); // drain what is already queued
      const r = probe({ filters: [{ program: encodeProgram([insn(BPF_RET | BPF_K, LOG)]), flags: 0 }], syscall: { nr: 110 } });
      assert.equal(r.outcome?.kind, 'returned');
      const ip = `ip=0x${probeIp('x86_64').toString(16)}`;
      const seen: string[] = [];
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && !seen.some((t) => t.includes(ip))) {
        for (const m of reader.read(200)) if (m.type === AUDIT_SECCOMP) seen.push(m.text);
      }
      const rec = seen.find((t) => t.includes(ip));
      assert.ok(rec !== undefined, `no 1326 record with ${ip}; saw ${seen.length}`);
      assert.match(rec, /^audit\(\d+\.\d{3}:\d+\): auid=\d+ uid=0 /);
      assert.match(rec, / pid=\d+ /);
      assert.notEqual(rec.match(/ pid=(\d+) /)?.[1], String(process.pid), 'the record is the child, not us');
      assert.match(rec, / sig=0 arch=c000003e syscall=110 compat=0 /);
      assert.match(rec, / code=0x7ffc0000$/);
      assert.equal(reader.overruns, 0);
    } finally {
      reader.close();
    }
  }));
});

describe('kernel features', () => {
  it('reports every action, the known flags and the USER_NOTIF sizes of this 6.x kernel', () => {
    const f = kernelFeatures();
    assert.ok(Object.values(f.actions).every((v) => v), JSON.stringify(f.actions));
    assert.deepEqual(f.flags, { tsync: true, log: true, spec_allow: true, new_listener: true, tsync_esrch: true, wait_killable_recv: true });
    assert.deepEqual(f.notifSizes, { notif: 80, resp: 24, data: 64 });
    assert.equal(f.pidfdOpen, true);
  });
});
