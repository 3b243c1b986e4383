/** @module Every libseccomp simulator case (../shared/data/libseccomp-sim, 6,116 cases) through our compiler and the interpreter. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { archInfo, parseArch } from '../../src/abi/arch.js';
import { makeSeccompData, seccompDataWords } from '../../src/abi/seccomp-data.js';
import { verify } from '../../src/bpf/verify.js';
import { interpret } from '../../src/bpf/interpret.js';
import { parseOciProfile } from '../../src/policy/oci-profile.js';
import { flattenOci, DOCKER_DEFAULT_CAPS } from '../../src/policy/oci-flatten.js';
import { compile } from '../../src/policy/compile.js';
import { attribute } from '../../src/policy/attribution.js';
import { sharedPath } from '../fixtures/paths.js';

interface SimCase {
  readonly arch: string;
  readonly nr: number;
  readonly args: readonly string[];
  readonly ret: string;
  readonly upstream: string;
  readonly pseudoSyscall?: boolean;
}

const DIRS = [sharedPath('libseccomp-sim'), sharedPath('libseccomp-sim', 'remapped')];

function profiles(): { dir: string; name: string }[] {
  return DIRS.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.profile.json')).map((f) => ({ dir, name: f.replace('.profile.json', '') })));
}

let total = 0;
let skippedPseudo = 0;
for (const { dir, name } of profiles()) {
  test(`libseccomp-sim ${name}: every case gives the listed ret`, () => {
    const parsed = parseOciProfile(readFileSync(`${dir}/${name}.profile.json`, 'utf8'));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.format());
    const flat = flattenOci(parsed.value, { hostArch: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernel: '6.18' });
    assert.ok(flat.ok);
    const compiled = compile(flat.value.policy, { hostArch: 'x86_64' });
    assert.ok(compiled.ok, compiled.ok ? '' : compiled.error.format());
    const v = verify(compiled.value.program);
    assert.ok(v.ok, 'compiled program verifies');
    const cases = JSON.parse(readFileSync(`${dir}/${name}.cases.json`, 'utf8')) as SimCase[];
    const failures: string[] = [];
    for (const c of cases) {
      if (c.pseudoSyscall === true) {
        skippedPseudo++;
        continue; // a libseccomp pseudo number (negative) never reaches a kernel filter
      }
      total++;
      const a = parseArch(c.arch);
      assert.ok(a.ok);
      const data = makeSeccompData(c.nr, archInfo(a.value.name).auditArch, c.args.map((x) => BigInt(x)));
      const got = interpret(v.value, seccompDataWords(data)).ret >>> 0;
      const model = attribute(compiled.value, data).value >>> 0;
      if (got !== Number(c.ret) || model !== got) failures.push(`${c.upstream}: got 0x${got.toString(16)} (model 0x${model.toString(16)}), want ${c.ret}`);
    }
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${cases.length} cases differ`);
  });
}

test('libseccomp-sim totals', () => {
  console.log(`libseccomp-sim: ${total} cases run, ${skippedPseudo} pseudoSyscall cases skipped (negative libseccomp pseudo numbers)`);
  assert.ok(total + skippedPseudo >= 6116 || total === 0);
});
