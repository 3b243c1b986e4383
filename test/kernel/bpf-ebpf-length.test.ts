/** @module eBPF length model = kernel: identical filters are installed until ENOMEM, at exactly the count the model predicts. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assemble } from '../../src/bpf/asm.js';
import { MAX_INSNS_PER_PATH, PATH_PENALTY, ebpfLength } from '../../src/bpf/ebpf-length.js';
import { encodeProgram, type RawInsn } from '../../src/bpf/insn-codec.js';
import { randomValidProgram, rng } from '../../src/bpf/random-program.js';
import { verify } from '../../src/bpf/verify.js';
import { probeBatch } from '../../src/linux/probe.js';
import { unwrap } from '../../src/result.js';

const ENOMEM = 12;
/** The probe installs at most this many filters per request. */
const MAX_PROBE_FILTERS = 512;

/** Lets the probe's later seccomp() calls (x86_64 nr 317) through whatever the rest returns. */
const PREFIX = unwrap(assemble('ld nr\njne #317, +1\nret ALLOW'));

describe('ebpfLength = kernel (kernel/seccomp.c MAX_INSNS_PER_PATH accounting)', () => {
  it('predicts where the kernel says ENOMEM for 40 random programs', () => {
    const seed = 0x5eed0300;
    const r = rng(seed);
    const progs: RawInsn[][] = [];
    const fits: number[] = [];
    while (progs.length < 40) {
      const p = [...PREFIX, ...randomValidProgram(r, { maxLen: 150 })];
      const len = ebpfLength(unwrap(verify(p)));
      // A filter of length L fits after k - 1 others when L + (k - 1)(L + 4) ≤ 32768.
      const k = 1 + Math.floor((MAX_INSNS_PER_PATH - len) / (len + PATH_PENALTY));
      if (k + 1 > MAX_PROBE_FILTERS) continue;
      progs.push(p);
      fits.push(k);
    }
    console.log(`# seed ${seed}: ${progs.length} programs, predicted filter counts ${Math.min(...fits)}..${Math.max(...fits)}`);
    const results = probeBatch(progs.map((p, n) => ({ filters: Array.from({ length: fits[n]! + 1 }, () => ({ program: encodeProgram(p), flags: 0 })) })));
    results.forEach((res, n) => {
      const errnos = res.installs.map((i) => i.errno);
      const firstFail = errnos.findIndex((e) => e !== 0);
      assert.deepEqual([firstFail, errnos[firstFail]], [fits[n], ENOMEM], `seed ${seed} program ${n}: predicted ${fits[n]} filters fit`);
    });
  });
});
