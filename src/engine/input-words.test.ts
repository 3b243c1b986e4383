/** @module InputWords gives exactly seccompDataWords() for any seccomp_data. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { makeSeccompData, seccompDataWords } from '../abi/seccomp-data.js';
import { InputWords } from './input-words.js';

test('InputWords.encode = seccompDataWords', () => {
  const enc = new InputWords();
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.array(u64, { minLength: 6, maxLength: 6 }), u64, (nr, arch, args, ip) => {
      const d = makeSeccompData(nr, arch, args, ip);
      assert.deepEqual([...enc.encode(d)], [...seccompDataWords(d)]);
    }),
  );
});
