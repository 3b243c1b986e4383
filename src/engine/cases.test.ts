/** @module The --cases reader: every field rule of DESIGN.md, exact 64-bit values, and one clear line per bad input. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { archInfo } from '../abi/arch.js';
import { readCases } from './cases.js';

const X86_64 = archInfo('x86_64');

function one(text: string) {
  const r = readCases(text, 'c.json', X86_64);
  assert.ok(r.ok, r.ok ? '' : r.error.format());
  return r.ok ? r.value : [];
}
function error(text: string): string {
  const r = readCases(text, 'c.json', X86_64);
  assert.equal(r.ok, false);
  return r.ok ? '' : r.error.format();
}

test('a JSON array and JSON lines give the same cases', () => {
  const a = one('[{"arch":"x86_64","nr":257},{"arch":"x86","syscall":"socket","args":["0x1",2]}]');
  const b = one('{"arch":"x86_64","nr":257}\n\n{"arch":"x86","syscall":"socket","args":["0x1",2]}\n');
  assert.deepEqual(a.map((c) => c.data), b.map((c) => c.data));
  assert.equal(a[1]!.nr, 359); // i386 socket
  assert.equal(a[1]!.data.arch, 0x40000003);
  assert.deepEqual(a[1]!.data.args, [1n, 2n, 0n, 0n, 0n, 0n]);
});

test('nr wins over syscall; syscall may be a number; other fields are ignored', () => {
  const [c] = one('[{"nr":1,"syscall":"openat","comment":"x"}]');
  assert.equal(c!.nr, 1);
  assert.equal(one('[{"syscall":"39"}]')[0]!.nr, 39);
  assert.equal(one('[{"syscall":39}]')[0]!.nr, 39);
});

test('arch defaults to the given arch; amd64, i386 and SCMP_ARCH_* are accepted', () => {
  assert.equal(one('[{"nr":0}]')[0]!.arch.name, 'x86_64');
  assert.equal(one('[{"nr":0,"arch":"amd64"}]')[0]!.arch.name, 'x86_64');
  assert.equal(one('[{"nr":0,"arch":"i386"}]')[0]!.arch.name, 'x86');
  assert.equal(one('[{"nr":0,"arch":"SCMP_ARCH_AARCH64"}]')[0]!.data.arch, 0xc00000b7);
});

test('64-bit args and ip are exact, as JSON numbers and as strings', () => {
  const [c] = one('[{"nr":0,"args":[18446744073709551615,"0xffffffffffffffff","-1",9007199254740993],"ip":"0x7fff00001234"}]');
  assert.deepEqual(c!.data.args.slice(0, 4), [0xffffffffffffffffn, 0xffffffffffffffffn, 0xffffffffffffffffn, 9007199254740993n]);
  assert.equal(c!.data.ip, 0x7fff00001234n);
});

const BAD: readonly [string, string, string][] = [
  ['empty file', '', 'c.json: no cases in the file; write a JSON array of cases or one JSON object a line'],
  ['unknown syscall', '[{"syscall":"opne"}]', "c.json#/0: unknown syscall 'opne' on x86_64"],
  ['bad arch', '{"arch":"sparc","nr":1}', "c.json:1: unknown arch 'sparc'"],
  ['no nr or syscall', '[{"args":[1]}]', 'c.json#/0: a case needs "nr" or "syscall"; add "syscall":"NAME" or "nr":N'],
  ['seven args', '[{"nr":1,"args":[1,2,3,4,5,6,7]}]', 'c.json#/0: "args" has 7 values; a syscall has at most 6'],
  ['arg too big', '[{"nr":1,"args":["0x10000000000000000"]}]', 'c.json#/0: args[0] "0x10000000000000000" is not a 64-bit integer; use a number or a decimal/0x string'],
  ['a float arg', '[{"nr":1,"args":[1.5]}]', 'c.json#/0: args[0] "1.5" is not a 64-bit integer; use a number or a decimal/0x string'],
  ['not an object', '[1]', 'c.json#/0: a case must be a JSON object; e.g. {"arch":"x86_64","syscall":"openat","args":[0,"0x1000"]}'],
  ['nr out of range', '[{"nr":4294967296}]', 'c.json#/0: "nr" 4294967296 is not a 32-bit syscall number'],
];

for (const [name, text, line] of BAD) {
  test(`bad cases: ${name} → one line naming the place`, () => {
    const got = error(text);
    assert.ok(got.startsWith(line), `${got}\n  does not start with\n${line}`);
    assert.ok(!got.includes('\n'));
  });
}

test('bad JSON → the whole line: FILE:LINE:COL, what the reader expected, how to fix', () => {
  assert.equal(error('{"nr":1}\n{"nr":'), 'c.json:2:7: malformed JSON: expected a value, found end of input; one JSON object a line (JSON lines), or a JSON array');
  assert.equal(error('{"nr":1}\r\n  {"nr" 1}\r\n'), 'c.json:2:9: malformed JSON: expected \':\' after key "nr", found \'1\'; one JSON object a line (JSON lines), or a JSON array');
  assert.equal(error('[{"nr":1},]'), "c.json:1:11: malformed JSON: expected a value, found ']'; write a JSON array of case objects");
  assert.equal(error('[{"nr":1}\n {"nr":2}]'), "c.json:2:2: malformed JSON: expected ',' or ']' in array, found '{'; a comma may be missing");
});
