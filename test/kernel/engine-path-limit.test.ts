/** @module MAX_INSNS_PER_PATH as the kernel counts it: for random filters, the engine admits exactly as many copies as the kernel does before ENOMEM. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProgram, insn } from '../../src/bpf/insn-codec.js';
import { randomValidProgram, rng } from '../../src/bpf/random-program.js';
import { prepareProgram } from '../../src/engine/program.js';
import { FilterStack } from '../../src/engine/stack.js';
import { probeBatch } from '../../src/linux/probe.js';
import { PROBE_ALLOW_PREFIX } from './engine-random-stacks.js';

const PROGRAMS = 24;
const SEED = Number(process.env['SECCOMPTRACE_SEED'] ?? 0xa77ac4);
const ENOMEM = 12;

test(`${PROGRAMS} random filters: engine and kernel stop at the same copy with ENOMEM (seed ${SEED})`, { skip: process.arch !== 'x64' ? 'x86_64 only' : false }, () => {
  const r = rng(SEED);
  /** The probe installs at most 512 filters a request: keep programs long enough that the limit comes first. */
  const MAX_FILTERS = 512;
  const rows: { raw: ReturnType<typeof randomValidProgram>; fit: number; ebpf: number }[] = [];
  // Sizes from ~60 instructions to 4096, so both the +4 penalty and long programs count.
  const long = [...PROBE_ALLOW_PREFIX, ...Array.from({ length: 4096 - PROBE_ALLOW_PREFIX.length }, () => insn(0x06, 0x7fff0000))];
  for (let tries = 0; rows.length < PROGRAMS && tries < 50 * PROGRAMS; tries++) {
    const raw = rows.length === 0 ? long : [...PROBE_ALLOW_PREFIX, ...randomValidProgram(r, { maxLen: r.pick([120, 400, 2000]) })];
    const p = prepareProgram(raw, 64);
    if (!p.ok) throw p.error;
    const s = new FilterStack();
    let fit = 0;
    while (s.install(p.value).ok) fit++;
    if (fit + 1 <= MAX_FILTERS) rows.push({ raw, fit, ebpf: p.value.ebpfLength });
  }
  assert.equal(rows.length, PROGRAMS);
  const res = probeBatch(rows.map((row) => ({ filters: Array.from({ length: row.fit + 1 }, () => ({ program: encodeProgram(row.raw), flags: 0 })) })));
  const bad: string[] = [];
  rows.forEach((row, i) => {
    const inst = res[i]!.installs;
    const firstFail = inst.findIndex((x) => x.errno !== 0);
    if (firstFail !== row.fit || inst[row.fit]?.errno !== ENOMEM) {
      bad.push(`program ${i} (${row.raw.length} insns, eBPF ${row.ebpf}): engine fits ${row.fit}, kernel failed at ${firstFail} with errno ${inst[firstFail]?.errno}`);
    }
  });
  assert.deepEqual(bad, []);
});
