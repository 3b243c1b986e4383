/** @module The one JSON reader: exact integers, positions, line:column errors with the caller's code, and the plain-value view. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseJson, plainJson } from './json-lossless.js';

test('JSON reader: strings with escapes, floats, nested positions', () => {
  const r = parseJson('{"a": "x\\n\\u0041", "b": [1.5, -2, true, null]}', 'policy/bad-json');
  assert.ok(r.ok);
  assert.equal(r.value.kind, 'object');
  assert.deepEqual(plainJson(r.value), { a: 'x\nA', b: [1.5, -2, true, null] });
});

test('integers beyond 2^53 stay exact (bigint); safe ones are numbers as with JSON.parse', () => {
  const r = parseJson('[18446744073709551615, -9223372036854775808, 9007199254740991, 9007199254740993, 1.0, 1e3]', 'engine/bad-cases-json');
  assert.ok(r.ok);
  assert.deepEqual(plainJson(r.value), [18446744073709551615n, -9223372036854775808n, 9007199254740991, 9007199254740993n, 1, 1000]);
});

test('errors carry the caller\'s code and LINE:COL, counted from firstLine', () => {
  const r = parseJson('{"nr":', 'engine/bad-cases-json', 7);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'engine/bad-cases-json');
  assert.equal(r.error.at('c.jsonl').format(), 'c.jsonl:7:7: malformed JSON: expected a value, found end of input');
});

test('duplicate keys: the last wins; "__proto__" is an ordinary key', () => {
  const r = parseJson('{"a": 1, "a": 2, "__proto__": {"x": 1}}', 'policy/bad-json');
  assert.ok(r.ok);
  const o = plainJson(r.value) as Record<string, unknown>;
  assert.equal(o['a'], 2);
  assert.deepEqual(Object.keys(o), ['a', '__proto__']);
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
});

/** bigint → the nearest double, which is what JSON.parse reads an integer literal as. */
const rounded = (v: unknown): unknown =>
  typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(rounded) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)])) : v;

test('property: plainJson(parseJson(text)) is JSON.parse(text), but for exact big integers', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v, null, 1);
      const r = parseJson(text, 'policy/bad-json');
      assert.ok(r.ok, text);
      assert.deepEqual(rounded(plainJson(r.value)), rounded(JSON.parse(text)));
    }),
  );
});
