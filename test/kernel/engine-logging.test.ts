/** @module linux-mode logging decisions = the kernel's: random actions_logged × random FLAG_LOG stacks, records read from the audit multicast group. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { archInfo, X32_SYSCALL_BIT } from '../../src/abi/arch.js';
import { makeSeccompData } from '../../src/abi/seccomp-data.js';
import { encodeProgram } from '../../src/bpf/insn-codec.js';
import { rng } from '../../src/bpf/random-program.js';
import { actionsLoggedFromNames, formatActionsLogged, LOGGABLE_NAMES, type ActionsLogged } from '../../src/engine/actions-logged.js';
import { prepareProgram } from '../../src/engine/program.js';
import { FilterStack } from '../../src/engine/stack.js';
import { probeBatch, probeIp, type ProbeAbi, type ProbeRequest } from '../../src/linux/probe.js';
import { readActionsLogged, withActionsLogged } from '../../src/linux/sysctl.js';
import { randomStack } from './engine-random-stacks.js';
import { withDefaultActionsLogged } from './probe-sysctl.test-helper.js';
import { Readlog } from './engine-readlog.js';

const ROUNDS = 30;
const CASES_PER_ROUND = 12;
const SEED = Number(process.env['SECCOMPTRACE_SEED'] ?? 0x10661e);
/** Syscall numbers no test uses, so a record is ours by its `syscall=` alone. */
const NR_BASE = 7000;

const isRoot = process.getuid?.() === 0;

function randomSet(r: ReturnType<typeof rng>): ActionsLogged {
  const names = LOGGABLE_NAMES.filter(() => r.chance(0.5));
  const s = actionsLoggedFromNames(names);
  if (!s.ok) throw s.error;
  return s.value;
}

test(`linux-mode logging = kernel: ${ROUNDS} random actions_logged × ${CASES_PER_ROUND} random FLAG_LOG stacks (seed ${SEED})`, { skip: !isRoot || process.arch !== 'x64' ? 'needs root (actions_logged, CAP_AUDIT_READ) on x86_64' : false }, async () => {
  const before = await withDefaultActionsLogged(() => readActionsLogged());
  assert.ok(before.ok);
  const r = rng(SEED);
  const ips: Record<ProbeAbi, bigint> = { x86_64: probeIp('x86_64'), x86: probeIp('x86'), x32: probeIp('x32') };
  const reader = new Readlog();
  await reader.ready;
  const mismatches: string[] = [];
  let logged = 0;
  let total = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const set = randomSet(r);
      const reqs: ProbeRequest[] = [];
      const expected = new Map<number, string>(); // syscall= → "code sig" or "none"
      for (let i = 0; i < CASES_PER_ROUND; i++) {
        const filters = randomStack(r);
        const stack = new FilterStack({ mode: 'linux', actionsLogged: set });
        for (const f of filters) {
          const p = prepareProgram(f.raw, 64);
          if (!p.ok) throw p.error;
          const ins = stack.install(p.value, f.flags);
          if (!ins.ok) throw ins.error;
        }
        const abi = r.pick<ProbeAbi>(['x86_64', 'x86_64', 'x86', 'x32']);
        const nr = NR_BASE + round * CASES_PER_ROUND + i;
        const seen = abi === 'x32' ? (nr | X32_SYSCALL_BIT) >>> 0 : nr;
        const args = Array.from({ length: 6 }, () => BigInt(r.pick([0, 1, 7, 0xffffffff])));
        const ev = stack.evaluate(makeSeccompData(seen, archInfo(abi).auditArch, args, ips[abi]));
        const rec = ev.log[0];
        expected.set(seen, rec === undefined ? 'none' : `code=0x${rec.code.toString(16)} sig=${rec.sig}`);
        if (rec !== undefined) logged++;
        total++;
        reqs.push({ filters: filters.map((f) => ({ program: encodeProgram(f.raw), flags: f.flags })), syscall: { nr, args, abi } });
      }
      await reader.collect(50, 500);
      reader.drop(); // anything from before this round
      // The suite-wide lock: no other test reads or writes actions_logged meanwhile.
      await withDefaultActionsLogged(() => withActionsLogged(set, () => probeBatch(reqs)));
      const got = new Map<number, string[]>();
      for (const text of await reader.collect(300, 3000)) {
        const sys = Number(/ syscall=(-?\d+) /.exec(text)?.[1]);
        if (!expected.has(sys)) continue;
        const code = / code=(0x[0-9a-f]+)$/.exec(text)?.[1];
        const sig = / sig=(\d+) /.exec(text)?.[1];
        got.set(sys, [...(got.get(sys) ?? []), `code=${code} sig=${sig}`]);
      }
      for (const [sys, want] of expected) {
        const g = got.get(sys) ?? [];
        const have = g.length === 0 ? 'none' : g.join(' + ');
        if (have !== want) mismatches.push(`round ${round} (actions_logged "${formatActionsLogged(set)}") syscall ${sys}: engine ${want}, kernel ${have}`);
      }
    }
  } finally {
    reader.close();
  }
  await withDefaultActionsLogged(() => {
    const after = readActionsLogged();
    assert.ok(after.ok && before.ok && after.value === before.value, 'actions_logged restored');
  });
  console.log(`# ${total} cases, ${logged} logged by the engine; overruns ${reader.overruns}; mismatches ${mismatches.length}`);
  assert.equal(reader.overruns, 0, 'the audit socket lost records; the comparison is void');
  assert.deepEqual(mismatches.slice(0, 20), []);
  assert.ok(logged > total / 10, 'too few logged cases to mean anything');
});
