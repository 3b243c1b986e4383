/** @module linux mode = the kernel: ≥ 500 random stacks of 1–4 random valid filters (FLAG_LOG included) × several syscalls, through the probe. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProgram } from '../../src/bpf/insn-codec.js';
import { rng } from '../../src/bpf/random-program.js';
import { prepareProgram } from '../../src/engine/program.js';
import { FilterStack } from '../../src/engine/stack.js';
import { probeBatch, probeIp, type ProbeAbi, type ProbeRequest } from '../../src/linux/probe.js';
import { expected, observed } from './engine-observe.js';
import { withDefaultActionsLogged } from './probe-sysctl.test-helper.js';
import { NO_ACTIONS_LOGGED } from '../../src/engine/actions-logged.js';
import { withActionsLogged } from '../../src/linux/sysctl.js';
import { CALL_NRS, callData, randomCall, randomStack, type RandomFilter } from './engine-random-stacks.js';

const STACKS = 600;
const CALLS_PER_STACK = 4;
const SEED = Number(process.env['SECCOMPTRACE_SEED'] ?? 0x5eccc0de);

function engineStack(filters: readonly RandomFilter[]): FilterStack {
  const s = new FilterStack({ mode: 'linux' });
  for (const f of filters) {
    const p = prepareProgram(f.raw, 64);
    if (!p.ok) throw p.error;
    const r = s.install(p.value, f.flags);
    if (!r.ok) throw r.error;
  }
  return s;
}

test(`linux mode equals the kernel on ${STACKS} random stacks × ${CALLS_PER_STACK} syscalls (seed ${SEED})`, { skip: process.arch !== 'x64' ? 'the probe runs x86 ABIs only' : false }, async () => {
  const r = rng(SEED);
  const ips: Record<ProbeAbi, bigint> = { x86_64: probeIp('x86_64'), x86: probeIp('x86'), x32: probeIp('x32') };
  const abis: ProbeAbi[] = ['x86_64', 'x86', 'x32'];
  const base = probeBatch(abis.map((abi) => ({ filters: [], syscall: { nr: CALL_NRS[abi][0]!, abi } })));
  const unfiltered = Object.fromEntries(abis.map((abi, i) => [abi, observed(base[i]!.outcome)])) as Record<ProbeAbi, string>;
  const reqs: ProbeRequest[] = [];
  const wants: { want: string; what: string }[] = [];
  const actions = new Map<string, number>();
  for (let i = 0; i < STACKS; i++) {
    const filters = randomStack(r);
    const stack = engineStack(filters);
    const probeFilters = filters.map((f) => ({ program: encodeProgram(f.raw), flags: f.flags }));
    for (let j = 0; j < CALLS_PER_STACK; j++) {
      const call = randomCall(r);
      const data = callData(call, ips[call.abi]);
      const ev = stack.evaluate(data);
      actions.set(ev.action, (actions.get(ev.action) ?? 0) + 1);
      reqs.push({ filters: probeFilters, syscall: { nr: call.nr, args: call.args, abi: call.abi, inThread: call.inThread } });
      wants.push({ want: expected(ev.effect, call, data.nr, data.arch, unfiltered), what: `stack ${i} call ${j} (${call.abi} nr ${call.nr}${call.inThread ? ', in a thread' : ''}) value 0x${ev.value.toString(16)}` });
    }
  }
  // As root, nothing is logged meanwhile: ~1,300 kill records would flood other tests' audit readers.
  const results = process.getuid?.() === 0 ? await withDefaultActionsLogged(() => withActionsLogged(NO_ACTIONS_LOGGED, () => probeBatch(reqs))) : probeBatch(reqs);
  const mismatches: string[] = [];
  results.forEach((res, k) => {
    const bad = res.installs.findIndex((x) => x.errno !== 0);
    if (bad !== -1) mismatches.push(`${wants[k]!.what}: kernel refused filter ${bad} (errno ${res.installs[bad]!.errno}) that the engine accepted`);
    const got = observed(res.outcome);
    if (got !== wants[k]!.want) mismatches.push(`${wants[k]!.what}: engine ${wants[k]!.want}, kernel ${got}`);
  });
  console.log(`# ${reqs.length} cases (unfiltered: ${JSON.stringify(unfiltered)}); engine actions: ${[...actions].map(([a, n]) => `${a} ${n}`).join(', ')}; mismatches ${mismatches.length}`);
  assert.deepEqual(mismatches.slice(0, 20), []);
  for (const a of ['allow', 'log', 'errno', 'trap', 'trace', 'user_notif', 'kill_thread', 'kill_process']) assert.ok((actions.get(a) ?? 0) > 0, `no ${a} outcome was exercised`);
});
