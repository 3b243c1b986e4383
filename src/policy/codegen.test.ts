/** @module Code generator properties: number-only verdicts never read args or ip; attribution names the rules; random tables agree with the model. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { archInfo, type ArchName } from '../abi/arch.js';
import { makeSeccompData, seccompDataWords } from '../abi/seccomp-data.js';
import { multiplexedCall, syscallTable } from '../abi/syscalls.js';
import { verify, type VerifiedProgram } from '../bpf/verify.js';
import { interpret } from '../bpf/interpret.js';
import { optimize } from '../bpf/optimize.js';
import { parsePolicy } from './policy-lang.js';
import { compile, type CompiledProfile } from './compile.js';
import { attribute, describeAttribution, rulesAtPc } from './attribution.js';
import type { ArgCond, Policy } from './ir.js';

const POLICY = `default errno(EPERM)
arch x86_64, x86, x32
read, write, close, getpid, exit_group: allow
personality: allow if persona == 0
personality: allow if persona == 8
socket: allow if domain != AF_VSOCK
kill: trap if sig == SIGKILL
kill: trap if pid == 1
ptrace: kill_process
`;

function compiled(text: string): { c: CompiledProfile; v: VerifiedProgram } {
  const p = parsePolicy(text);
  assert.ok(p.ok, p.ok ? '' : p.error.format());
  const c = compile(p.value, { hostArch: 'x86_64' });
  assert.ok(c.ok, c.ok ? '' : c.error.format());
  const v = verify(c.value.program);
  assert.ok(v.ok);
  return { c: c.value, v: v.value };
}

/** Which seccomp_data words (index = offset / 4) the program read for this input. */
function wordsRead(v: VerifiedProgram, words: Uint32Array): Set<number> {
  const read = new Set<number>();
  const spy = new Proxy(words, {
    get(t, k) {
      if (typeof k === 'string' && /^\d+$/.test(k)) read.add(Number(k));
      return Reflect.get(t, k) as unknown;
    },
  });
  interpret(v, spy);
  return read;
}

test('syscalls decided by number never load an argument or the instruction pointer (constant-action cache)', () => {
  const { c, v } = compiled(POLICY);
  let numberOnly = 0;
  for (const a of ['x86_64', 'x86', 'x32'] as ArchName[]) {
    const info = archInfo(a);
    const table = c.tables.find((t) => t.arch.name === a)!;
    for (let n = 0; n < 560; n++) {
      const nr = info.syscallBit + n;
      const read = wordsRead(v, seccompDataWords(makeSeccompData(nr, info.auditArch, [1n, 2n, 3n, 4n, 5n, 6n], 0x1234n)));
      assert.ok(!read.has(2) && !read.has(3), `${a} nr ${nr}: never reads ip`);
      if (table.entries.get(nr)?.chains === undefined) {
        numberOnly++;
        assert.deepEqual([...read].sort(), [0, 1], `${a} nr ${nr}: reads only nr and arch`);
      }
    }
  }
  assert.ok(numberOnly > 1500);
});

test('the generated program is already at the optimizer\'s fixpoint (nothing to thread or drop)', () => {
  const { c } = compiled(POLICY);
  assert.deepEqual(optimize(c.program), c.program);
});

test('attribution: the rule, ambiguous merged rules, default, bad arch', () => {
  const { c } = compiled(POLICY);
  const x = (nr: number, args: bigint[] = [], arch = 0xc000003e) => describeAttribution(attribute(c, makeSeccompData(nr, arch, args)));
  assert.equal(x(0), 'rule 1');
  assert.equal(x(135, [8n]), 'rule 3');
  assert.equal(x(135, [9n]), 'default action');
  assert.equal(x(62, [5n, 9n]), 'rule 5');
  assert.equal(x(62, [1n, 3n]), 'rule 6');
  assert.equal(x(62, [1n, 9n]), 'rule 5'); // both match: libseccomp tries the arg1 comparison first (added first, sorts no lower)
  assert.equal(x(0, [], 0xc00000b7), 'arch not in filter');
  const merged = compiled('default allow\ngetpid: errno(1) if arg0 == 1\ngetpid: errno(1) if arg0 == 1 and arg1 == 2');
  assert.equal(describeAttribution(attribute(merged.c, makeSeccompData(39, 0xc000003e, [1n, 2n]))), 'rule 1');
  const same = compiled('default allow\ngetpid: errno(1)\ngetpid: errno(1)');
  assert.equal(describeAttribution(attribute(same.c, makeSeccompData(39, 0xc000003e))), 'ambiguous: rules 1 or 2');
  const pcs = c.sites.map((s, pc) => (s >= 0 ? rulesAtPc(c, pc) : undefined)).filter((a) => a !== undefined);
  assert.ok(pcs.some((a) => a!.kind === 'rule' && a!.rules.includes(1)));
});

const OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'masked_eq'] as const;
const VALUES = [0n, 1n, 2n, 0xffffffffn, 0x100000000n, 1n << 63n, (1n << 64n) - 1n];
const value = fc.constantFrom(...VALUES);
const cond = fc.record({ index: fc.integer({ min: 0, max: 2 }), op: fc.constantFrom(...OPS), value, valueTwo: value });
const action = fc.constantFrom(0x7fff0000, 0x00050001, 0x00050002, 0x00030000, 0x7ffc0000, 0x80000000);
const rule = fc.record({ name: fc.constantFrom('read', 'write', 'personality', 'socket', 'semop'), action, conds: fc.array(cond, { maxLength: 3 }) });

test('property: the generated program returns what the libseccomp model says, on every arch', () => {
  fc.assert(
    fc.property(fc.array(rule, { maxLength: 8 }), action, fc.array(fc.tuple(fc.constantFrom<ArchName>('x86_64', 'x86', 'x32'), fc.constantFrom(0, 1, 3, 102, 117, 135, 136, 41), fc.array(value, { minLength: 6, maxLength: 6 })), { minLength: 1, maxLength: 20 }), (rules, def, inputs) => {
      const seen = new Set<number>();
      const policy: Policy = {
        defaultAction: def, arches: ['x86_64', 'x86', 'x32'], flags: [],
        rules: rules.map((r, i) => ({ id: i + 1, names: [r.name], action: r.action, where: `${i + 1}:1`, conds: r.conds.filter((c: ArgCond) => (seen.has(c.index) ? false : (seen.add(c.index), true))) })).map((r) => (seen.clear(), r)),
      };
      const c = compile(policy, { hostArch: 'x86_64' });
      if (!c.ok) return; // EEXIST: libseccomp refuses such a rule set too
      const v = verify(c.value.program);
      assert.ok(v.ok);
      for (const [a, n, args] of inputs) {
        const info = archInfo(a);
        const d = makeSeccompData(info.syscallBit + n, info.auditArch, a === 'x86' ? args.map((x) => x & 0xffffffffn) : args);
        assert.equal(interpret(v.value, seccompDataWords(d)).ret >>> 0, attribute(c.value, d).value >>> 0);
      }
    }),
    { numRuns: 300 },
  );
});

test('a large profile: far jumps get trampolines and the program still matches the model; past 4096 instructions a clear error', () => {
  const names = syscallTable('x86_64').map((e) => e.name).filter((n) => multiplexedCall('x86', n) === undefined);
  const lines = names.map((n, i) => `${n}: ${['allow', 'trap', 'log'][i % 3]} if arg${i % 6} ${['==', '!=', '<', '>=', '>', '<='][i % 6]} ${i * 977}${i % 5 === 0 ? `\n${n}: errno(${(i % 200) + 1}) if arg${(i + 1) % 6} & 0xff == ${i % 256}` : ''}`);
  const { c, v } = compiled(`default errno(EPERM)\narch x86_64\n${lines.join('\n')}\n`);
  assert.ok(c.program.length > 1000);
  for (let nr = 0; nr < 470; nr++) {
    for (const val of [0n, 977n * BigInt(nr), 0xffn]) {
      const d = makeSeccompData(nr, 0xc000003e, [val, val + 1n, val, val ^ 0xffn, val, val]);
      assert.equal(interpret(v, seccompDataWords(d)).ret >>> 0, attribute(c, d).value >>> 0);
    }
  }
  const p = parsePolicy(`default errno(EPERM)\narch x86_64, x86, x32\n${lines.join('\n')}\n`);
  assert.ok(p.ok);
  const big = compile(p.value, { hostArch: 'x86_64' });
  assert.equal(big.ok, false);
  if (!big.ok) assert.match(big.error.format(), /^the filter needs \d+ instructions; the kernel accepts at most 4096 \(BPF_MAXINSNS\) \(EINVAL\); compile fewer arches/);
});
