/** @module The shared BPF corpus: verdicts match the manifest, disassembly round-trips, seccomp-tools emulator cases match. */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { makeSeccompData, seccompDataWords } from '../../src/abi/seccomp-data.js';
import { assemble } from '../../src/bpf/asm.js';
import { disassemble } from '../../src/bpf/disasm.js';
import { decodeProgram, type RawInsn } from '../../src/bpf/insn-codec.js';
import { interpret } from '../../src/bpf/interpret.js';
import { jit } from '../../src/bpf/jit.js';
import { verify } from '../../src/bpf/verify.js';
import { unwrap } from '../../src/result.js';
import { sharedPath } from '../fixtures/paths.js';

const ROOT = sharedPath('bpf');

function bpfFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? bpfFiles(p) : n.endsWith('.bpf') ? [p] : [];
  });
}

function loadBpf(file: string): RawInsn[] {
  return unwrap(decodeProgram(readFileSync(file)));
}

interface ManifestEntry {
  readonly file: string;
  readonly kernel_6_18_x86_64_seccomp_load: string;
}

describe('BPF corpus (../shared/data/bpf)', () => {
  const files = bpfFiles(ROOT);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as ManifestEntry[];

  it('the manifest lists every .bpf file', () => {
    assert.deepEqual(manifest.map((e) => e.file).sort(), files.map((f) => relative(ROOT, f)).sort());
  });

  for (const e of manifest) {
    it(`${e.file}: verify says what the kernel said (${e.kernel_6_18_x86_64_seccomp_load}), disasm round-trips`, () => {
      const prog = loadBpf(join(ROOT, e.file));
      const v = verify(prog);
      assert.equal(v.ok, e.kernel_6_18_x86_64_seccomp_load.startsWith('accepted'), v.ok ? 'ok' : JSON.stringify(v.error));
      const text = disassemble(prog);
      assert.deepEqual(unwrap(assemble(text, { file: e.file })), prog, text);
    });
  }

  interface EmuCase {
    readonly bpf: string;
    readonly auditArch: string;
    readonly nr: number;
    readonly args: readonly string[];
    readonly ip: string;
    readonly expectedRet: string;
    readonly source: string;
  }
  const emu = JSON.parse(readFileSync(join(ROOT, 'seccomp-tools', 'emu-cases.json'), 'utf8')) as EmuCase[];
  it(`the ${emu.length} seccomp-tools emulator cases give the expected return value (interpreter and JIT)`, () => {
    assert.ok(emu.length >= 14);
    for (const c of emu) {
      const prog = unwrap(verify(loadBpf(join(ROOT, c.bpf))));
      const words = seccompDataWords(makeSeccompData(c.nr, Number(c.auditArch), c.args.map(BigInt), BigInt(c.ip)));
      const want = Number(c.expectedRet);
      assert.equal(interpret(prog, words).ret, want, c.source);
      assert.equal(jit(prog).run(words).ret, want, c.source);
    }
  });
});
