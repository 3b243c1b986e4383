/** @module Every verb takes its options the same way: an unknown one is one usage line pointing at the verb's --help, exit 2 (run once answered it with an internal error). */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/run-cli.test-helper.js';

for (const { name } of COMMANDS) {
  test(`${name} --no-such-option: one usage line, exit 2`, async () => {
    const r = await runCli([name, '--no-such-option', 'x']);
    assert.equal(r.stderr, `seccomptrace ${name}: Unknown option '--no-such-option'; see 'seccomptrace ${name} --help'\n`);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
  });
}
