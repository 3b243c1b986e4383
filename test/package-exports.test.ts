/** @module The package's public entry points resolve (package.json `exports`, self-referenced by name) and carry their declared names. */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './fixtures/paths.js';

interface Pkg { exports: Record<string, { types: string; import: string }> }
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Pkg;

const expected: Record<string, readonly string[]> = {
  '.': ['FilterStack', 'SeccompTraceError', 'assemble', 'compileProfile', 'parseAuditLine', 'verify', 'abi', 'bpf', 'engine', 'policy', 'events', 'record'],
  './abi': ['parseAction', 'parseArch', 'resolveSyscall', 'syscallName'],
  './bpf': ['assemble', 'disassemble', 'verify', 'interpret', 'jit', 'decodeProgram', 'encodeProgram'],
  './engine': ['FilterStack', 'pickOutcome', 'shouldLog', 'RingBuffer'],
  './policy': ['compile', 'compileProfile', 'parsePolicy', 'parseOciProfile', 'attribute'],
  './events': ['parseAuditLine', 'formatSeccompRecord', 'enrich'],
  './record': ['Recorder', 'recordedPolicy'],
};

test('every exports subpath resolves, has its .d.ts, and exports its main names', async () => {
  assert.deepEqual(Object.keys(pkg.exports).sort(), Object.keys(expected).sort());
  for (const [sub, names] of Object.entries(expected)) {
    const entry = pkg.exports[sub]!;
    assert.ok(existsSync(join(REPO_ROOT, entry.types)), `${sub}: ${entry.types} missing (run npm install)`);
    const mod = (await import(sub === '.' ? 'seccomptrace' : `seccomptrace/${sub.slice(2)}`)) as Record<string, unknown>;
    for (const n of names) assert.notEqual(mod[n], undefined, `seccomptrace${sub.slice(1)} has no export ${n}`);
  }
});
