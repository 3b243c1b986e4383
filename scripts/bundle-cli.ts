/**
 * @module Bundles the CLI's ES modules (tsc's output under dist/src) into a few files under dist/cli,
 * each with a V8 code cache, so that `seccomptrace` starts in two file reads and almost no compiling
 * instead of thirty module loads.
 *
 * Why: on Node 20 each ES module costs the loader about 0.6 ms of resolve, read and link, a `sim`
 * case needs ~30 of them, and ES modules cannot use a code cache before Node 22 (BENCHMARKS.md).
 * The bundle keeps every module's code as tsc wrote it, re-emitted by TypeScript as a function of
 * its `exports` object (`__load(id)` evaluates a module once; builtins come through `require`),
 * and keeps the lazy loading the CLI is built around: each target of a dynamic `import()` (a
 * verb, the assembler, the profile compiler, the addon loader) becomes a chunk of its own, read
 * only when the code asks for it. The entry, `seccomptrace.js`, is an ES module holding the
 * loader; chunks are classic scripts it compiles with vm.Script and the cache a training run of
 * each verb left beside them. The library (`exports` in package.json) is untouched and keeps
 * tsc's one-module-per-file output.
 *
 * Chunks: the entry chunk holds the entry's static closure; a chunk per dynamic-import target
 * holds that target's static closure minus what is surely loaded whenever it is asked for. Two
 * chunks may both hold a module; the first definition loaded wins, and they are the same code.
 */

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** A module's id: its path under dist/src (`cli/commands/sim.js`). */
type ModuleId = string;

interface ModuleInfo {
  readonly id: ModuleId;
  readonly file: string;
  readonly staticDeps: readonly ModuleId[];
  readonly dynamicDeps: readonly ModuleId[];
  /** The module as a function body over RUNTIME_PARAMS. */
  readonly body: string;
}

/** What a module function gets: its exports object, the loader's two calls, require for builtins, and the entry's URL (chunks sit beside it). */
const RUNTIME_PARAMS = '(exports, __load, __import, __node, __base)';

/** Reads one tsc-emitted module: its imports, then its code with imports turned into loader calls. */
function readModule(srcRoot: string, outDir: string, id: ModuleId): ModuleInfo {
  const file = join(srcRoot, id);
  const text = readFileSync(file, 'utf8').replace(/^#!.*/, ''); // the entry's shebang goes at the bundle's top
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const idOf = (spec: string): ModuleId => relative(srcRoot, resolve(dirname(file), spec));
  const toId = (spec: string, where: ts.Node): ModuleId => {
    if (!spec.startsWith('./') && !spec.startsWith('../')) throw new Error(`${id}:${line(where)}: bare import '${spec}' cannot be bundled (only relative and node: imports)`);
    return idOf(spec);
  };
  const staticDeps: ModuleId[] = [];
  const dynamicDeps: ModuleId[] = [];
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;

  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier !== undefined && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      if (!spec.startsWith('node:')) staticDeps.push(toId(spec, st));
    }
  }

  // Before TypeScript turns the module into CommonJS form: dynamic import() of our own modules
  // becomes __import(id) (a chunk load), and import.meta.url the URL the module had under dist/src
  // (a chunk is a classic script: import.meta is the entry's, passed in as __base).
  const here = relative(outDir, file);
  const before: ts.TransformerFactory<ts.SourceFile> = (ctx) => {
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const arg = node.arguments[0];
        if (arg === undefined || !ts.isStringLiteral(arg) || node.arguments.length !== 1) throw new Error(`${id}:${line(node)}: import() needs one string literal to be bundled`);
        const dep = toId(arg.text, node);
        dynamicDeps.push(dep);
        return ctx.factory.createCallExpression(ctx.factory.createIdentifier('__import'), undefined, [ctx.factory.createStringLiteral(dep)]);
      }
      if (ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.name.text === 'url') {
        const f = ctx.factory;
        return f.createPropertyAccessExpression(f.createNewExpression(f.createIdentifier('URL'), undefined, [f.createStringLiteral(here), f.createIdentifier('__base')]), 'href');
      }
      if (ts.isMetaProperty(node)) throw new Error(`${id}:${line(node)}: only import.meta.url can be bundled`);
      return ts.visitEachChild(node, visit, ctx);
    };
    return (root) => ts.visitNode(root, visit) as ts.SourceFile;
  };
  const out = ts.transpileModule(text, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, removeComments: true, sourceMap: false, esModuleInterop: false },
    transformers: { before: [before] },
  }).outputText;

  // TypeScript writes every import it kept as require("…") with double quotes.
  const body = out
    .replace(/\/\/# sourceMappingURL=.*$/m, '')
    .replace(/\brequire\("([^"]+)"\)/g, (_, spec: string) =>
      spec.startsWith('node:') ? `__node(${JSON.stringify(spec)})` : `__load(${JSON.stringify(idOf(spec))})`,
    );
  if (/\brequire\(|\bimport\(|\bimport\.meta\b/.test(body)) {
    throw new Error(`${id}: an import the bundler does not understand is left in its code`);
  }
  return { id, file, staticDeps, dynamicDeps, body };
}

function closure(start: ModuleId, get: (id: ModuleId) => ModuleInfo): ModuleId[] {
  const seen = new Set<ModuleId>();
  const walk = (id: ModuleId): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const d of get(id).staticDeps) walk(d);
  };
  walk(start);
  return [...seen];
}

function chunkFileName(id: ModuleId): string {
  return `${id.replace(/\.js$/, '').split('/').join('-')}.js`;
}

/**
 * One chunk's modules, each a parenthesized function (V8 compiles those eagerly: they all run,
 * and a lazy one would be parsed twice).
 */
function moduleEntries(ids: readonly ModuleId[], get: (id: ModuleId) => ModuleInfo): string {
  return ids.map((id) => `[${JSON.stringify(id)}, (${RUNTIME_PARAMS} => {\n${get(id).body.trim()}\n})],\n`).join('');
}

const GENERATED = '// GENERATED by scripts/bundle-cli.ts from dist/src (tsc output) — do not edit';

/** The extension of a chunk's V8 code cache, beside it. */
export const CACHE_EXT = '.cache';

/**
 * The loader, in the entry (the one ES module): reads a chunk — a classic script whose value is
 * its module list — through vm.Script with the V8 code cache made at build time, so a command
 * compiles almost nothing; defines modules; evaluates each once. The cache is used only if it is
 * not older than its chunk; V8 itself refuses one made by another Node or with other V8 flags.
 * With SECCOMPTRACE_CODE_CACHE=write (the build's training runs) it writes, at exit, the cache of
 * every chunk it loaded, holding what the run compiled.
 */
function runtime(chunkOf: ReadonlyMap<ModuleId, string>): string {
  // Builtins through require: an ES import of node:util would build its whole namespace.
  return `import { createRequire } from 'node:module';
const __node = createRequire(import.meta.url);
const fs = __node('node:fs');
const { Script } = __node('node:vm');
const DIR = __node('node:url').fileURLToPath(new URL('.', import.meta.url));
const TRAIN = process.env.SECCOMPTRACE_CODE_CACHE === 'write';
const trained = [];
const defs = new Map();
const done = new Map();
const CHUNKS = new Map(${JSON.stringify([...chunkOf])});
function loadChunk(file) {
  const path = DIR + file;
  const cachePath = path.slice(0, -3) + ${JSON.stringify(CACHE_EXT)};
  let cachedData;
  if (!TRAIN) {
    try {
      if (fs.statSync(cachePath).mtimeMs >= fs.statSync(path).mtimeMs) cachedData = fs.readFileSync(cachePath);
    } catch {}
  }
  let source;
  try {
    source = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(\`cannot read \${path} (\${e.code}): the installation is incomplete; reinstall seccomptrace (npm install)\`);
  }
  const script = new Script(source, { filename: path, cachedData });
  if (TRAIN) trained.push([cachePath, script]);
  for (const [id, fn] of script.runInThisContext()) if (!defs.has(id)) defs.set(id, fn);
}
if (TRAIN) {
  process.on('exit', () => {
    for (const [p, s] of trained) {
      try {
        fs.writeFileSync(p, s.createCachedData());
      } catch (e) {
        process.stderr.write(\`seccomptrace: cannot write the code cache \${p} (\${e.code}); this chunk will compile at each start\\n\`);
        process.exitCode = 70;
      }
    }
  });
}
function __load(id) {
  let exports = done.get(id);
  if (exports !== undefined) return exports;
  const fn = defs.get(id);
  if (fn === undefined) throw new Error(\`seccomptrace bundle: module \${id} is not loaded (rebuild with npm run compile)\`);
  exports = {};
  done.set(id, exports);
  fn(exports, __load, __import, __node, import.meta.url);
  return exports;
}
async function __import(id) {
  if (!defs.has(id)) loadChunk(CHUNKS.get(id));
  return __load(id);
}
`;
}

export interface BundleResult {
  readonly entryFile: string;
  readonly chunks: readonly { readonly file: string; readonly target: ModuleId; readonly modules: readonly ModuleId[] }[];
}

/**
 * Bundles `entry` (an id under srcRoot) into outDir as `entryName` plus one file per dynamic-import
 * target. A chunk leaves out the modules that are loaded whenever it can be asked for: those of
 * the entry and of every chunk on each path of dynamic imports that reaches it (so `sim x.s`
 * does not parse the syscall tables twice).
 */
export function bundleCli(srcRoot: string, entry: ModuleId, outDir: string, entryName: string): BundleResult {
  const infos = new Map<ModuleId, ModuleInfo>();
  const get = (id: ModuleId): ModuleInfo => {
    let m = infos.get(id);
    if (m === undefined) {
      m = readModule(srcRoot, outDir, id);
      infos.set(id, m);
    }
    return m;
  };

  // Chunk roots: the entry, then every dynamic-import target reachable from it.
  const roots: ModuleId[] = [entry];
  const closures = new Map<ModuleId, Set<ModuleId>>();
  for (let i = 0; i < roots.length; i++) {
    const c = new Set(closure(roots[i]!, get));
    closures.set(roots[i]!, c);
    for (const id of c) for (const d of get(id).dynamicDeps) if (!roots.includes(d)) roots.push(d);
  }
  const importers = new Map<ModuleId, ModuleId[]>(roots.map((r) => [r, []]));
  for (const r of roots) for (const id of closures.get(r)!) for (const d of get(id).dynamicDeps) importers.get(d)!.push(r);

  // present(r): the modules surely loaded once root r's chunk has been — its closure plus what is
  // present for every importer. The greatest fixed point, from "everything" down.
  const all = new Set(infos.keys());
  const present = new Map<ModuleId, Set<ModuleId>>(roots.map((r) => [r, r === entry ? closures.get(r)! : all]));
  const before = (r: ModuleId): Set<ModuleId> => {
    const sets = importers.get(r)!.map((i) => present.get(i)!);
    return sets.length === 0 ? new Set() : new Set([...sets[0]!].filter((id) => sets.every((s) => s.has(id))));
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of roots) {
      if (r === entry) continue;
      const next = new Set([...before(r), ...closures.get(r)!]);
      if (next.size !== present.get(r)!.size) {
        present.set(r, next);
        changed = true;
      }
    }
  }

  const chunkOf = new Map<ModuleId, string>();
  const chunks = roots.slice(1).map((target) => {
    const had = before(target);
    const file = chunkFileName(target);
    chunkOf.set(target, file);
    return { file, target, modules: [...closures.get(target)!].filter((id) => !had.has(id)) };
  });

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const entryChunk = { file: chunkFileName(entry), target: entry, modules: [...closures.get(entry)!] };
  const names = [entryName, ...[entryChunk, ...chunks].map((c) => c.file)];
  const clash = names.find((n, i) => names.indexOf(n) !== i);
  if (clash !== undefined) throw new Error(clash === entryName ? `the entry's name ${entryName} is also a chunk's: choose another` : `two chunks would both be ${clash}: rename one of their modules`);
  for (const c of [entryChunk, ...chunks]) {
    writeFileSync(join(outDir, c.file), `${GENERATED}\n// ${c.target} for ${entryName}: a script whose value is the modules it needs that its importers have not loaded.\n[\n${moduleEntries(c.modules, get)}]\n`);
  }
  const entryFile = join(outDir, entryName);
  writeFileSync(
    entryFile,
    `#!/usr/bin/env node\n${GENERATED}\n/** @module The seccomptrace executable, bundled: ${entry} and what it imports, in chunks. */\n${runtime(chunkOf)}try {\n  loadChunk(${JSON.stringify(entryChunk.file)});\n} catch (e) {\n  process.stderr.write(\`seccomptrace: \${e.message}\\n\`);\n  process.exit(70);\n}\n__load(${JSON.stringify(entry)});\n`,
  );
  chmodSync(entryFile, 0o755);
  return { entryFile, chunks: [entryChunk, ...chunks] };
}

export interface TrainingRun {
  readonly argv: readonly string[];
  /** Needs this kernel's seccomp and the addon: a failure costs only that chunk's cache and is reported, not fatal. */
  readonly kernel?: boolean;
}

/**
 * Runs the bundled CLI on each argv (in `cwd`) with SECCOMPTRACE_CODE_CACHE=write, so each chunk
 * it loads gets a code cache holding what the run compiled. A chunk that several runs load keeps
 * the last run's cache: list the most typical use of a chunk last. Returns a line for each
 * kernel run that failed; any other failure throws (the bundle is broken).
 */
export function trainCodeCache(entryFile: string, runs: readonly TrainingRun[], cwd: string): string[] {
  const skipped: string[] = [];
  for (const { argv, kernel } of runs) {
    const r = spawnSync(process.execPath, [entryFile, ...argv], { cwd, env: { ...process.env, SECCOMPTRACE_CODE_CACHE: 'write' }, encoding: 'utf8' });
    if (r.status === 0) continue;
    const why = `training run 'seccomptrace ${argv.join(' ')}' exited ${r.status ?? r.signal}: ${r.stderr.trim()}`;
    if (kernel !== true) throw new Error(why);
    skipped.push(`${why} (its chunk starts without a code cache)`);
  }
  return skipped;
}

/** Inputs for the training runs, and the runs: every verb that starts without the addon, the most typical use of each chunk last. */
const TRAINING_FILES: Readonly<Record<string, string>> = {
  'deny.s': '.arch x86_64\nld nr\njeq #getpid, deny\nret ALLOW\ndeny: ret ERRNO(1)\n',
  'layer.s': 'ret #1\n',
  'cases.jsonl': '{"syscall":"getpid"}\n{"syscall":"getppid","args":[1,"0x2"]}\n',
  'stack.json': '{"mode":"proposed","stack":[{"filter":"deny.s","flags":["log"]},{"logLayer":"layer.s","ring":4}]}',
  'audit.log': 'type=SECCOMP msg=audit(1796412198.362:7): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13169 comm="t" exe="/bin/t" sig=0 arch=c000003e syscall=39 compat=0 ip=0x7ff368eb1829 code=0x50001\n',
};
const TRAINING_RUNS: readonly TrainingRun[] = [
  ...[
    ['--help'],
    ['asm', 'deny.s', '-o', 'deny.bpf'],
    ['disasm', 'deny.bpf'],
    ['verify', 'deny.bpf'],
    ['syscalls', 'getpid'],
    ['sysctl'],
    ['logs', '--source', 'audit.log', '--policy', 'docker-default'],
    ['logs', '--source', 'audit.log'],
  ].map((argv) => ({ argv })),
  { argv: ['run', '--quiet', '--', 'true'], kernel: true },
  { argv: ['record', '-o', 'recorded.json', '--', 'true'], kernel: true },
  { argv: ['sim', 'deny.bpf', 'getpid', '--kernel'], kernel: true },
  ...[
    ['sim', 'docker-default', 'ptrace'],
    ['compile', 'docker-default', '-o', 'docker.bpf'],
    ['sim', '--stack', 'stack.json', 'getpid'],
    ['sim', 'deny.bpf', '--cases', 'cases.jsonl'],
    ['sim', 'deny.s', 'getpid'],
    ['sim', 'deny.bpf', 'getpid'],
  ].map((argv) => ({ argv })),
];

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // This script runs from <outDir>/scripts/: bundle that build's src/ into its cli/ (dist/ or a dist-<x>/).
  const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const r = bundleCli(join(distRoot, 'src'), 'cli/bin.js', join(distRoot, 'cli'), 'seccomptrace.js');
  const work = mkdtempSync(join(tmpdir(), 'seccomptrace-train-'));
  try {
    for (const [name, text] of Object.entries(TRAINING_FILES)) writeFileSync(join(work, name), text);
    for (const line of trainCodeCache(r.entryFile, TRAINING_RUNS, work)) process.stderr.write(`bundle-cli: warning: ${line}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`bundled ${relative(process.cwd(), r.entryFile)} + ${r.chunks.length} chunks, code caches from ${TRAINING_RUNS.length} runs\n`);
}
