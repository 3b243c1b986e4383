/** @module Verifier = kernel: our verdict on 5,000+ seeded random programs equals seccomp()'s, program by program. */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { disassemble } from '../../src/bpf/disasm.js';
import { decodeProgram, encodeProgram, type RawInsn } from '../../src/bpf/insn-codec.js';
import { randomProgram, randomValidProgram, rng } from '../../src/bpf/random-program.js';
import { verify } from '../../src/bpf/verify.js';
import { probeBatch } from '../../src/linux/probe.js';
import { unwrap } from '../../src/result.js';
import { sharedPath } from '../fixtures/paths.js';

const EINVAL = 22;

/** Installs each program alone (no syscall after) and returns the kernel's errno per program. */
function kernelErrnos(progs: readonly RawInsn[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < progs.length; i += 500) {
    const batch = progs.slice(i, i + 500).map((p) => ({ filters: [{ program: encodeProgram(p), flags: 0 }] }));
    for (const r of probeBatch(batch)) out.push(r.installs[0]?.errno ?? -1);
  }
  return out;
}

describe('verify = kernel (seccomp(SECCOMP_SET_MODE_FILTER) on this machine)', () => {
  it('agrees on 5,000 edge-case random programs and 1,000 valid ones', () => {
    const seed = Number(process.env['SECCOMPTRACE_SEED'] ?? 0x5eed0100);
    const r = rng(seed);
    const progs = [...Array.from({ length: 5000 }, () => randomProgram(r)), ...Array.from({ length: 1000 }, () => randomValidProgram(r))];
    const kernel = kernelErrnos(progs);
    let accepted = 0;
    const mismatches: string[] = [];
    const byCode = new Map<string, number>();
    progs.forEach((p, n) => {
      const ours = verify(p);
      const want = kernel[n];
      if (want === 0) accepted++;
      const code = ours.ok ? 'accepted' : ours.error.code;
      byCode.set(code, (byCode.get(code) ?? 0) + 1);
      const same = ours.ok ? want === 0 : want === EINVAL;
      if (!same) {
        const text = p.length <= 50 ? disassemble(p) : `(${p.length} instructions)`;
        mismatches.push(`seed ${seed} #${n}: kernel errno ${want}, ours ${ours.ok ? 'ok' : JSON.stringify(ours.error)}\n${text}`);
      }
    });
    console.log(`# seed ${seed}: ${progs.length} programs, ${mismatches.length} mismatches; verdicts ${JSON.stringify(Object.fromEntries([...byCode].sort()))}`);
    assert.deepEqual(mismatches.slice(0, 3), [], `${mismatches.length} mismatches`);
    // Every kind of rejection the kernel makes must be among them.
    for (const code of ['bpf/empty', 'bpf/too-long', 'bpf/bad-opcode', 'bpf/div-by-zero', 'bpf/bad-shift', 'bpf/bad-mem-index', 'bpf/jump-past-end', 'bpf/no-final-ret', 'bpf/scratch-read-before-write', 'bpf/not-allowed-in-seccomp', 'bpf/bad-load-offset']) {
      assert.ok((byCode.get(code) ?? 0) > 0, `no program was rejected with ${code}`);
    }
    // The generator must produce both verdicts in bulk, or the comparison proves little.
    assert.ok(accepted > 1500 && accepted < 5000, `accepted ${accepted} of ${progs.length}`);
  });

  it('agrees on every .bpf file of the shared corpus', () => {
    const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.bpf') ? [join(d, n)] : []));
    const files = walk(sharedPath('bpf'));
    assert.ok(files.length >= 50);
    const progs = files.map((f) => unwrap(decodeProgram(readFileSync(f))));
    const kernel = kernelErrnos(progs);
    files.forEach((f, n) => {
      const ours = verify(progs[n]!);
      assert.equal(ours.ok ? 0 : EINVAL, kernel[n], `${f}: ours ${ours.ok ? 'ok' : JSON.stringify(ours.error)}`);
    });
  });
});
