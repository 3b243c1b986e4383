/** @module The package as npm ships it: `npm pack` holds the built library, the bundled CLI, the addon's C sources and the profiles (no tests, benches or TypeScript), and a project that installs the tarball builds the addon and runs the CLI and the library. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from './fixtures/paths.js';

const work = mkdtempSync(join(tmpdir(), 'seccomptrace-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('npm pack → npm install in a new project → the CLI and the library work there', { timeout: 300_000 }, () => {
  // --ignore-scripts: pack this build as it is (prepare would rebuild dist/ under the running tests).
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' });
  const [{ filename, files }] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  const paths = files.map((f) => f.path);
  for (const p of ['dist/cli/seccomptrace.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'binding.gyp', 'src/linux/native/addon.c', 'profiles/docker-default.json', 'package.json', 'README.md']) {
    assert.ok(paths.includes(p), `${p} is in the tarball`);
  }
  assert.deepEqual(paths.filter((p) => /^(test|bench|scripts)\/|^dist\/(test|bench|scripts)\/|\.ts$(?<!\.d\.ts)|^build\//.test(p)), [], 'no tests, benches, scripts, TypeScript sources or local build');

  const proj = join(work, 'consumer');
  mkdirSync(proj);
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', join(work, filename)], { cwd: proj, stdio: 'ignore' });
  assert.ok(readdirSync(join(proj, 'node_modules', 'seccomptrace', 'build', 'Release')).includes('seccomptrace.node'), 'the install script built the addon');

  writeFileSync(join(proj, 'deny.s'), '.arch x86_64\nld nr\njeq #getpid, deny\nret ALLOW\ndeny: ret ERRNO(1)\n');
  assert.equal(execFileSync('npx', ['--no-install', 'seccomptrace', 'sim', 'deny.s', 'getpid'], { cwd: proj, encoding: 'utf8' }), 'x86_64 getpid() → ERRNO(1) (errno, 3 insns)\n');
  assert.equal(execFileSync('npx', ['--no-install', 'seccomptrace', 'sim', 'deny.s', 'getpid', '--kernel', '--json'], { cwd: proj, encoding: 'utf8' }).includes('"errno":1'), true, 'the addon loads from the installed package');
  const lib = execFileSync(process.execPath, ['--input-type=module', '-e', "import { bpf, FilterStack } from 'seccomptrace'; import { recordedPolicy } from 'seccomptrace/record'; console.log(typeof bpf.assemble, typeof FilterStack, typeof recordedPolicy)"], { cwd: proj, encoding: 'utf8' });
  assert.equal(lib, 'function function function\n');
});
