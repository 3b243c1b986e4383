/** @module The shared BPF corpus: verdicts match the manifest, disassembly round-trips, seccomp-tools emulator cases match. */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { ArchName } from '../../src/abi/arch.js';
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

  it("names the same syscalls as seccomp-tools' expected disassembly (every `if (A == name)` line)", () => {
    interface Expected { readonly disasm: string; readonly bpf: string | null; readonly arch: string; readonly partial_match: boolean }
    const index = JSON.parse(readFileSync(join(ROOT, 'seccomp-tools', 'expected-disasm', 'index.json'), 'utf8')) as Expected[];
    const ARCH: Readonly<Record<string, ArchName>> = { amd64: 'x86_64', i386: 'x86', aarch64: 'aarch64' };
    let compared = 0;
    const differ: string[] = [];
    for (const e of index) {
      if (e.bpf === null || e.partial_match) continue;
      const ours = disassemble(loadBpf(join(ROOT, 'seccomp-tools', e.bpf)), { arch: ARCH[e.arch] ?? 'x86_64' }).split('\n');
      const theirs = readFileSync(join(ROOT, 'seccomp-tools', e.disasm), 'utf8').split('\n');
      for (const t of theirs) {
        // ` 0004: 0x15 0x06 0x00 0x40000000  if (A == x32_read) goto 0011`
        const m = /^ (\d{4}): (?:\S+ ){4}\s*if \(A (==|!=) ([a-z_][a-z0-9_]*)\)/.exec(t);
        if (m === null) continue;
        const line = ours.find((l) => new RegExp(`; +${Number(m[1])}  `).test(l)) ?? '';
        const name = m[3]!.startsWith('x32_') ? `${m[3]!.slice(4)} (x32)` : m[3]!;
        if (!line.endsWith(`nr ${m[2]} ${name}`)) differ.push(`${e.disasm}: seccomp-tools '${t.trim()}', ours '${line.trim()}'`);
        compared++;
      }
    }
    // The one difference is seccomp-tools' stale name: i386 322 is timerfd_create in Linux 6.18's
    // arch/x86/entry/syscalls/syscall_32.tbl (it was 'timerfd' before 2.6.25).
    assert.deepEqual(differ, [
      "expected-disasm/cli-disasm-spec-L28.txt: seccomp-tools '0015: 0x15 0x00 0x01 0x00000142  if (A != timerfd) goto 0017', ours 'jne #322, L17                     ;   15  nr != timerfd_create'",
    ]);
    assert.ok(compared >= 100, `only ${compared} lines compared`);
  });
});
