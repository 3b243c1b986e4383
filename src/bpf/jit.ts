/** @module Compiles a verified program to a JavaScript function: the fast executor, identical to the interpreter. */

import { assertNever } from '../result.js';
import type { ExecResult, Executor } from './executor.js';
import type { Insn } from './insn.js';
import type { VerifiedProgram } from './verify.js';

/**
 * Classic BPF jumps only go forward, so every jump target t becomes a labelled block `Lt: { … }`
 * enclosing the instructions before t, and a jump is `break Lt`. Blocks nest outermost = farthest
 * target, so every target ahead of an instruction is a block around it. Instruction counts are
 * summed at compile time and added only where control leaves a straight run (jump, label, return).
 * V8's parser recurses per nested block, so past MAX_NESTED targets the code is a `switch (pc)`
 * inside a loop instead, with a case per target and jumps as `pc = t; continue`.
 */
export function jitSource(prog: VerifiedProgram, maxNested = MAX_NESTED): string {
  const insns = prog.insns;
  const targets = new Set<number>();
  insns.forEach((i, pc) => {
    for (const t of jumpTargets(i, pc)) if (t !== pc + 1) targets.add(t);
  });
  const sorted = [...targets].sort((p, q) => q - p);
  const nested = sorted.length <= maxNested;
  const go = (t: number): string => (nested ? `break L${t};` : `{ pc = ${t}; continue; }`);
  const used = new Set<number>();
  for (const i of insns) if (i.kind === 'st' || i.kind === 'stx') used.add(i.k);
  const words = prog.inputSize >>> 2;
  const out: string[] = [`if (w.length < ${words}) throw new RangeError('internal: input has ' + w.length + ' words, the program reads ${words}');`, 'let a = 0, x = 0, n = 0;'];
  if (used.size > 0) out.push(`let ${[...used].map((k) => `m${k} = 0`).join(', ')};`);
  if (nested) out.push(sorted.map((t) => `L${t}: {`).join(' '));
  else out.push('let pc = 0;', 'for (;;) switch (pc) {', 'case 0:');
  let c = 0; // instructions run since the last point n was brought up to date
  const flush = (): string => (c > 0 ? `n += ${c}; ` : '');
  insns.forEach((i, pc) => {
    if (targets.has(pc)) {
      out.push(nested ? `${flush()}} // L${pc}` : `${flush()}case ${pc}:`);
      c = 0;
    }
    c++;
    out.push(`/* ${pc} */ ${emit(i, pc, prog.inputSize, () => c, flush, go)}`);
  });
  if (!nested) out.push('}');
  return out.join('\n');
}

function jumpTargets(i: Insn, pc: number): number[] {
  if (i.kind === 'ja') return [pc + 1 + i.k];
  if (i.kind === 'jcond') return [pc + 1 + i.jt, pc + 1 + i.jf];
  return [];
}

/** Jump targets up to which labelled blocks are nested (V8 parses ~2000 deep on a default stack). */
const MAX_NESTED = 1000;

const ALU_JS = { add: '+', sub: '-', or: '|', and: '&', xor: '^', lsh: '<<' } as const;
const CMP_JS = { jeq: '===', jgt: '>', jge: '>=' } as const;

function emit(i: Insn, pc: number, inputSize: number, count: () => number, flush: () => string, go: (t: number) => string): string {
  const ret = (v: string): string => `return { ret: ${v}, insns: n + ${count()} };`;
  switch (i.kind) {
    case 'ld':
      return `a = ${i.mode === 'imm' ? i.k : i.mode === 'abs' ? `w[${i.k >>> 2}]` : i.mode === 'mem' ? `m${i.k}` : inputSize};`;
    case 'ldx':
      return `x = ${i.mode === 'imm' ? i.k : i.mode === 'mem' ? `m${i.k}` : inputSize};`;
    case 'st':
      return `m${i.k} = a;`;
    case 'stx':
      return `m${i.k} = x;`;
    case 'alu': {
      const v = i.src === 'k' ? String(i.k) : 'x';
      const op = i.op;
      switch (op) {
        case 'add': case 'sub': case 'or': case 'and': case 'xor': case 'lsh':
          return `a = (a ${ALU_JS[op]} ${v}) >>> 0;`; // JS masks shift counts to 5 bits, as the kernel does for X
        case 'rsh':
          return `a = a >>> ${v};`;
        case 'mul':
          return `a = Math.imul(a, ${v}) >>> 0;`;
        case 'div':
          return `${i.src === 'x' ? `if (x === 0) ${ret('0')} ` : ''}a = (a / ${v}) >>> 0;`;
        default:
          return assertNever(op, 'alu op');
      }
    }
    case 'neg':
      return 'a = -a >>> 0;';
    case 'ja':
      return i.k === 0 ? '' : `${flush()}${go(pc + 1 + i.k)}`;
    case 'jcond': {
      const v = i.src === 'k' ? String(i.k) : 'x';
      const cond = i.op === 'jset' ? `(a & ${v}) !== 0` : `a ${CMP_JS[i.op]} ${v}`;
      const jt = i.jt === 0 ? undefined : go(pc + 1 + i.jt);
      const jf = i.jf === 0 ? undefined : go(pc + 1 + i.jf);
      if (jt === jf) return jt === undefined ? '' : `${flush()}${jt}`;
      if (jf === undefined) return `if (${cond}) { ${flush()}${jt} }`;
      if (jt === undefined) return `if (!(${cond})) { ${flush()}${jf} }`;
      return `${flush()}if (${cond}) ${jt} ${jf}`;
    }
    case 'ret':
      return ret(i.src === 'k' ? String(i.k) : 'a');
    case 'tax':
      return 'x = a;';
    case 'txa':
      return 'a = x;';
    case 'invalid':
      throw new Error('internal: a verified program has no invalid instruction');
    default:
      return assertNever(i, 'instruction');
  }
}

/** Compiles `prog`; the returned executor gives exactly what `interpret()` gives. `maxNested` is for tests of the switch form. */
export function jit(prog: VerifiedProgram, maxNested = MAX_NESTED): Executor {
  // The source is built only from decoded numbers and fixed text, never from user strings.
  const run = new Function('w', jitSource(prog, maxNested)) as (w: Uint32Array) => ExecResult;
  return { run };
}
