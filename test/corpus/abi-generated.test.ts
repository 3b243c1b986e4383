/** @module The generated abi tables are exactly what the generators make from the kernel files in scripts/syscall-tables/. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate as genSyscalls } from '../../scripts/gen-syscalls.js';
import { generate as genErrno } from '../../scripts/gen-errno.js';
import { REPO_ROOT } from '../fixtures/paths.js';

const INPUTS = join(REPO_ROOT, 'scripts', 'syscall-tables');

for (const [name, gen] of [['gen-syscalls', genSyscalls], ['gen-errno', genErrno]] as const) {
  test(`scripts/${name}.ts reproduces every file it generated`, () => {
    const files = gen(INPUTS);
    assert.ok(files.size > 0);
    for (const [rel, text] of files) assert.equal(readFileSync(join(REPO_ROOT, rel), 'utf8'), text, `${rel} differs: run node dist/scripts/${name}.js`);
  });
}
