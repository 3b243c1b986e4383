/** @module The bundled CLI (dist/cli, written by scripts/bundle-cli.ts) behaves exactly as the modules it was built from, on every verb and every lazily loaded path, with its code caches or without; the bundler's chunking, on a small tree of its own. */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Script } from 'node:vm';
import { bundleCli, CACHE_EXT, trainCodeCache } from '../../scripts/bundle-cli.js';
import { runCli } from '../../src/cli/run-cli.test-helper.js';
import { CLI_BIN, REPO_ROOT, sharedPath } from '../fixtures/paths.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'seccomptrace-bundle-'));
  writeFileSync(join(dir, 'deny.s'), '.arch x86_64\nld nr\njeq #getpid, deny\nret ALLOW\ndeny: ret ERRNO(1)\n');
  writeFileSync(join(dir, 'layer.s'), 'ret #1\n');
  writeFileSync(join(dir, 'cases.jsonl'), '{"syscall":"getpid"}\n{"syscall":"getppid","args":[1,"0x2"]}\n');
  writeFileSync(join(dir, 'stack.json'), JSON.stringify({ mode: 'proposed', actionsLogged: ['errno'], stack: [{ filter: 'deny.s', flags: ['log'] }, { logLayer: 'layer.s', ring: 4 }] }));
  writeFileSync(join(dir, 'audit.log'), 'type=SECCOMP msg=audit(1796412198.362:7): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13169 comm="t" exe="/bin/t" sig=0 arch=c000003e syscall=39 compat=0 ip=0x7ff368eb1829 code=0x50001\ngarbage\n');
  writeFileSync(join(dir, 'broken.json'), '{"defaultAction": ');
  writeFileSync(join(dir, 'many.log'), readFileSync(join(dir, 'audit.log'), 'utf8').split('\n')[0]!.concat('\n').repeat(2000));
  const asm = spawnSync(process.execPath, [CLI_BIN, 'asm', 'deny.s', '-o', 'deny.bpf'], { cwd: dir });
  assert.equal(asm.status, 0, String(asm.stderr));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Every verb, and each path that loads a chunk of its own (assembler, --cases, --stack, profiles
// through the compiler, --kernel through the addon, --policy attribution), plus error exits.
const INVOCATIONS: string[][] = [
  [],
  ['--help'],
  ['nosuchverb'],
  ...['asm', 'disasm', 'verify', 'syscalls', 'compile', 'sim', 'run', 'record', 'logs', 'sysctl'].map((v) => [v, '--help']),
  ['asm', 'deny.s'],
  ['asm', 'missing.s'],
  ['disasm', 'deny.bpf'],
  ['verify', 'deny.bpf', sharedPath('bpf', 'libseccomp', '02-sim-basic.bpf')],
  ['syscalls', '--arch', 'aarch64', 'openat'],
  ['syscalls', 'getpdi'],
  ['compile', 'docker-default', '--arch', 'x86_64', '--format', 'asm'],
  ['compile', 'broken.json'],
  ['sim', 'deny.bpf', 'getpid'],
  ['sim', 'deny.s', 'getppid', '-1', '0x10'],
  ['sim', 'deny.s', '--cases', 'cases.jsonl', '--json'],
  ['sim', '--stack', 'stack.json', 'getpid', '--json'],
  ['sim', sharedPath('profiles', 'docker-labs__default.json'), 'ptrace'],
  ['sim', 'deny.bpf', 'getpid', '--kernel'],
  ['sim', 'deny.bpf', 'nosuchcall'],
  ['logs', '--source', 'audit.log', '--json'],
  ['logs', '--source', 'audit.log', '--policy', 'deny.s', '--summary'],
  ['sysctl'],
  ['sysctl', 'actions_logged', 'allow'],
  ['run', '--', 'true'],
  ['run', '--policy', 'missing.json', '--', 'true'],
  ['record', '--format', 'xml', '--', 'true'],
];

describe('the bundled CLI = the modules it was built from', () => {
  for (const argv of INVOCATIONS) {
    it(`seccomptrace ${argv.join(' ')}`, async () => {
      const env = { ...process.env } as Record<string, string>;
      const inProcess = await runCli(argv, { cwd: dir, env });
      const bundled = spawnSync(process.execPath, [CLI_BIN, ...argv], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(bundled.status, inProcess.code, String(bundled.stderr));
      assert.equal(String(bundled.stderr), inProcess.stderr);
      const inProcessOut = Buffer.concat([Buffer.from(inProcess.stdout), inProcess.bytes]);
      // --kernel prints the probe's instruction address, which ASLR moves from one child to the next.
      const ip = (b: Buffer): string => b.toString('latin1').replace(/ip="0x[0-9a-f]+"/g, 'IP');
      assert.equal(ip(bundled.stdout), ip(inProcessOut));
      assert.ok(inProcessOut.length + inProcess.stderr.length > 0, 'the invocation printed something to compare');
    });
  }
  it('stdout closed early (`| head -c 1`): exits 0 without an error', () => {
    const p = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI_BIN}" syscalls --arch x86_64 | head -c 1 >/dev/null`], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stderr, '');
  });
  it('a non-blocking stdout that fills up (EAGAIN) loses nothing and keeps order', () => {
    // python makes the pipe non-blocking and reads it only after a pause, so the CLI's writes hit EAGAIN.
    const py = `import os,subprocess,fcntl,time,sys
r,w=os.pipe()
fcntl.fcntl(w,fcntl.F_SETFL,fcntl.fcntl(w,fcntl.F_GETFL)|os.O_NONBLOCK)
p=subprocess.Popen([sys.argv[1],sys.argv[2],'logs','--source',sys.argv[3],'--json'],stdout=w)
os.close(w)
time.sleep(0.5)
data=b''
while True:
  b=os.read(r,65536)
  if not b: break
  data+=b
sys.stdout.buffer.write(data)
sys.exit(p.wait())`;
    const r = spawnSync('python3', ['-c', py, process.execPath, CLI_BIN, join(dir, 'many.log')], { maxBuffer: 1 << 24 });
    assert.equal(r.status, 0, String(r.stderr));
    const direct = spawnSync(process.execPath, [CLI_BIN, 'logs', '--source', join(dir, 'many.log'), '--json'], { maxBuffer: 1 << 24 });
    assert.ok(direct.stdout.length > 65536, 'the table is larger than a pipe buffer');
    assert.deepEqual(r.stdout, direct.stdout);
  });
  it('the entry is an ES module; each chunk is a script with a V8 code cache this Node accepts', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { type: string; bin: Record<string, string> };
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.bin['seccomptrace'], 'dist/cli/seccomptrace.js');
    assert.match(readFileSync(CLI_BIN, 'utf8'), /^import \{ createRequire \} from 'node:module';$/m);
    const cliDir = join(CLI_BIN, '..');
    const chunks = readdirSync(cliDir).filter((f) => f.endsWith('.js') && f !== 'seccomptrace.js');
    const cached = chunks.filter((f) => existsSync(join(cliDir, f.replace(/\.js$/, CACHE_EXT))));
    assert.deepEqual(chunks.filter((f) => !cached.includes(f)), [], 'the build trains every chunk');
    for (const f of cached) {
      const path = join(cliDir, f);
      const script = new Script(readFileSync(path, 'utf8'), { filename: path, cachedData: readFileSync(path.replace(/\.js$/, CACHE_EXT)) });
      assert.equal(script.cachedDataRejected, false, f);
    }
  });
  it('a missing chunk is one line and exit 70, whether the entry\'s or a verb\'s', () => {
    const copy = mkdtempSync(join(tmpdir(), 'seccomptrace-cli-copy-'));
    try {
      cpSync(join(CLI_BIN, '..'), copy, { recursive: true });
      const bin = join(copy, 'seccomptrace.js');
      rmSync(join(copy, 'cli-commands-sim.js'));
      const verb = spawnSync(process.execPath, [bin, 'sim', 'deny.s', 'getpid'], { cwd: dir, encoding: 'utf8' });
      assert.equal(verb.status, 70);
      assert.equal(verb.stderr, `seccomptrace sim: internal error: cannot read ${join(copy, 'cli-commands-sim.js')} (ENOENT): the installation is incomplete; reinstall seccomptrace (npm install) (please report; SECCOMPTRACE_DEBUG=1 shows the stack)\n`);
      rmSync(join(copy, 'cli-bin.js'));
      const entry = spawnSync(process.execPath, [bin, '--help'], { cwd: dir, encoding: 'utf8' });
      assert.equal(entry.status, 70);
      assert.equal(entry.stderr, `seccomptrace: cannot read ${join(copy, 'cli-bin.js')} (ENOENT): the installation is incomplete; reinstall seccomptrace (npm install)\n`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
  it('a cache older than its chunk, or garbage, is passed over: same output', () => {
    const copy = mkdtempSync(join(tmpdir(), 'seccomptrace-cli-copy-'));
    try {
      cpSync(join(CLI_BIN, '..'), copy, { recursive: true, preserveTimestamps: true });
      const bin = join(copy, 'seccomptrace.js');
      const run = () => spawnSync(process.execPath, [bin, 'sim', 'deny.s', 'getpid'], { cwd: dir, encoding: 'utf8' });
      const want = run();
      assert.equal(want.status, 0, want.stderr);
      writeFileSync(join(copy, `cli-commands-sim${CACHE_EXT}`), randomBytes(4096));
      const future = new Date(Date.now() + 60_000);
      utimesSync(join(copy, 'bpf-asm.js'), future, future);
      const got = run();
      assert.equal(got.stderr, '');
      assert.equal(got.stdout, want.stdout);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('bundleCli on a tree of its own', () => {
  const tree = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'seccomptrace-bundler-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(root, 'src', name, '..'), { recursive: true });
      writeFileSync(join(root, 'src', name), text);
    }
    return root;
  };
  it('static imports share one instance, dynamic imports load chunks once, import.meta.url is the module\'s own, builtins work', () => {
    const root = tree({
      'main.js': `import { count, bump } from './lib/shared.js';
import { basename } from 'node:path';
bump();
const a = await0();
function await0() { return import('./lazy.js'); }
a.then(async (m) => {
  const again = await import('./lazy.js');
  console.log(JSON.stringify({ count: count(), lazy: m.value(), same: m === again, url: basename(new URL(import.meta.url).pathname), lazyUrl: m.url }));
});`,
      'lib/shared.js': `let n = 0;\nexport function bump() { n++; }\nexport function count() { return n; }`,
      'lazy.js': `import { bump } from './lib/shared.js';\nimport { deep } from './lib/deep.js';\nbump();\nexport const url = import.meta.url.slice(import.meta.url.lastIndexOf('/') + 1);\nexport function value() { return deep() + 1; }`,
      'lib/deep.js': `export const deep = () => 41;`,
    });
    try {
      const r = bundleCli(join(root, 'src'), 'main.js', join(root, 'out'), 'main.mjs');
      assert.deepEqual(r.chunks.map((c) => [c.target, c.modules]), [['main.js', ['main.js', 'lib/shared.js']], ['lazy.js', ['lazy.js', 'lib/deep.js']]], 'the lazy chunk leaves out lib/shared.js, which the entry loaded');
      const want = { count: 2, lazy: 42, same: true, url: 'main.js', lazyUrl: 'lazy.js' };
      const run = spawnSync(process.execPath, [r.entryFile], { encoding: 'utf8' });
      assert.equal(run.stderr, '');
      assert.deepEqual(JSON.parse(run.stdout), want);
      assert.deepEqual(trainCodeCache(r.entryFile, [{ argv: [] }], root), []);
      assert.deepEqual(readdirSync(join(root, 'out')).filter((f) => f.endsWith(CACHE_EXT)).sort(), ['lazy.cache', 'main.cache']);
      const cachedRun = spawnSync(process.execPath, [r.entryFile], { encoding: 'utf8' });
      assert.deepEqual(JSON.parse(cachedRun.stdout), want);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('a module two chunks need is in both unless every importer already has it', () => {
    const root = tree({
      'main.js': `export const go = (w) => w ? import('./a.js') : import('./b.js');`,
      'a.js': `export * from './common.js';\nexport const inner = () => import('./c.js');`,
      'b.js': `export * from './common.js';`,
      'c.js': `export * from './common.js';\nexport const c = 1;`,
      'common.js': `export const common = 1;`,
    });
    try {
      const r = bundleCli(join(root, 'src'), 'main.js', join(root, 'out'), 'main.mjs');
      const byTarget = Object.fromEntries(r.chunks.map((c) => [c.target, c.modules]));
      assert.deepEqual(byTarget, { 'main.js': ['main.js'], 'a.js': ['a.js', 'common.js'], 'b.js': ['b.js', 'common.js'], 'c.js': ['c.js'] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  const refusals: [string, string, RegExp][] = [
    ['a bare package import', `import x from 'left-pad';`, /^main\.js:1: bare import 'left-pad' cannot be bundled/],
    ['an import() of a computed name', `const n = './x.js';\nexport const f = () => import(n);`, /^main\.js:2: import\(\) needs one string literal to be bundled$/],
    ['import.meta other than url', `export const d = import.meta.dirname;`, /^main\.js:1: only import\.meta\.url can be bundled$/],
  ];
  it('a failed training run throws, unless it needs the kernel: then it is a warning line', () => {
    const root = tree({ 'main.js': `if (process.argv[2] === 'fail') { process.stderr.write('no seccomp here'); process.exitCode = 3; }` });
    try {
      const r = bundleCli(join(root, 'src'), 'main.js', join(root, 'out'), 'main.mjs');
      assert.deepEqual(trainCodeCache(r.entryFile, [{ argv: ['fail'], kernel: true }, { argv: ['ok'] }], root), [
        "training run 'seccomptrace fail' exited 3: no seccomp here (its chunk starts without a code cache)",
      ]);
      assert.throws(() => trainCodeCache(r.entryFile, [{ argv: ['fail'] }], root), { message: "training run 'seccomptrace fail' exited 3: no seccomp here" });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('refuses two chunks that would share a file name', () => {
    const root = tree({ 'main.js': "export const f = () => [import('./a-b.js'), import('./a/b.js')];", 'a-b.js': 'export const x = 1;', 'a/b.js': 'export const y = 2;' });
    try {
      assert.throws(() => bundleCli(join(root, 'src'), 'main.js', join(root, 'out'), 'main.mjs'), { message: 'two chunks would both be a-b.js: rename one of their modules' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('a code cache that cannot be written fails the training run with one line', () => {
    const root = tree({ 'main.js': 'export const x = 1;' });
    try {
      const r = bundleCli(join(root, 'src'), 'main.js', join(root, 'out'), 'main.mjs');
      mkdirSync(join(root, 'out', `main${CACHE_EXT}`)); // a directory where the cache file goes: EISDIR, even for root
      assert.throws(() => trainCodeCache(r.entryFile, [{ argv: [] }], root), {
        message: `training run 'seccomptrace ' exited 70: seccomptrace: cannot write the code cache ${join(root, 'out', `main${CACHE_EXT}`)} (EISDIR); this chunk will compile at each start`,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('refuses an entry name that a chunk has', () => {
    const root = tree({ 'main.js': 'export const x = 1;' });
    try {
      assert.throws(() => bundleCli(join(root, 'src'), 'main.js', join(root, 'out'), 'main.js'), { message: "the entry's name main.js is also a chunk's: choose another" });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  for (const [what, text, message] of refusals) {
    it(`refuses ${what} with the module and line`, () => {
      const root = tree({ 'main.js': text });
      try {
        assert.throws(() => bundleCli(join(root, 'src'), 'main.js', join(root, 'out'), 'main.mjs'), { message });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
