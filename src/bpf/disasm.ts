/** @module The disassembler: raw instructions → assembler text that reads back to the same bytes, annotated for a reader. */

import { formatAction, isSideAction, knownAction, MAX_ERRNO } from '../abi/actions.js';
import { archByAudit, X32_SYSCALL_BIT, type ArchName } from '../abi/arch.js';
import { errnoName } from '../abi/errno.js';
import { syscallName } from '../abi/syscalls.js';
import { assertNever } from '../result.js';
import { fieldName, JUMP_SYMBOL, NEGATED_NAME } from './asm-syntax.js';
import type { RawInsn } from './insn-codec.js';
import { decodeInsn, isCanonical, type Insn } from './insn.js';

export interface DisasmOptions {
  /** The arch assumed before the program compares `arch` (for syscall names in comments). */
  readonly arch?: ArchName;
}

/** What the annotator knows at an instruction: which field A holds and which arch was matched. */
interface State {
  readonly a: string | undefined;
  readonly arch: ArchName | undefined;
}

const UNKNOWN: State = { a: undefined, arch: undefined };

function merge(p: State | undefined, q: State): State {
  if (p === undefined) return q;
  return { a: p.a === q.a ? p.a : undefined, arch: p.arch === q.arch ? p.arch : undefined };
}

/** Forward dataflow over the (forward-only) jumps: the state on entry to each instruction. */
function annotateStates(insns: readonly Insn[], start: State): (State | undefined)[] {
  const st: (State | undefined)[] = new Array(insns.length).fill(undefined);
  st[0] = start;
  const flow = (to: number, s: State): void => {
    if (to < insns.length) st[to] = merge(st[to], s);
  };
  insns.forEach((i, pc) => {
    const s = st[pc];
    if (s === undefined) return; // unreachable
    switch (i.kind) {
      case 'ld':
        return flow(pc + 1, { ...s, a: i.mode === 'abs' ? fieldName(i.k) : undefined });
      case 'alu': case 'neg': case 'txa':
        return flow(pc + 1, { ...s, a: undefined });
      case 'ldx': case 'st': case 'stx': case 'tax':
        return flow(pc + 1, s);
      case 'ja':
        return flow(pc + 1 + i.k, s);
      case 'jcond': {
        const matched = s.a === 'arch' && i.op === 'jeq' && i.src === 'k' ? archByAudit(i.k)?.name : undefined;
        flow(pc + 1 + i.jt, matched === undefined ? s : { ...s, arch: matched });
        return flow(pc + 1 + i.jf, s);
      }
      case 'ret':
        return;
      case 'invalid':
        return flow(pc + 1, UNKNOWN);
      default:
        return assertNever(i, 'instruction');
    }
  });
  return st;
}

const num = (k: number): string => (k < 0x1000 ? String(k) : `0x${k.toString(16)}`);

/** The text of one instruction; `target(off)` spells a jump. */
function mnemonic(i: Insn, s: State | undefined, target: (off: number) => string): string {
  switch (i.kind) {
    case 'ld':
    case 'ldx':
      switch (i.mode) {
        case 'imm': return `${i.kind} #${num(i.k)}`;
        case 'len': return `${i.kind} len`;
        case 'mem': return `${i.kind} M[${i.k}]`;
        case 'abs': return `ld ${fieldName(i.k) ?? `[${i.k}]`}`;
        default: return assertNever(i, 'load mode');
      }
    case 'st':
    case 'stx':
      return `${i.kind} M[${i.k}]`;
    case 'alu':
      return `${i.op} ${i.src === 'x' ? 'x' : `#${num(i.k)}`}`;
    case 'neg': case 'tax': case 'txa':
      return i.kind;
    case 'ja':
      return `ja ${target(i.k)}`;
    case 'jcond': {
      const arch = s?.a === 'arch' && i.src === 'k' ? archByAudit(i.k) : undefined;
      const v = i.src === 'x' ? 'x' : arch !== undefined ? `#ARCH_${arch.name.toUpperCase()}` : `#${num(i.k)}`;
      if (i.jt === 0 && i.jf !== 0) return `${NEGATED_NAME[i.op]} ${v}, ${target(i.jf)}`;
      return i.jf === 0 ? `${i.op} ${v}, ${target(i.jt)}` : `${i.op} ${v}, ${target(i.jt)}, ${target(i.jf)}`;
    }
    case 'ret': {
      if (i.src === 'a') return 'ret a';
      const f = formatAction(i.k);
      return f.startsWith('0x') ? `ret #${f}` : `ret ${f}`;
    }
    case 'invalid':
      return `.insn 0x${i.raw.code.toString(16).padStart(2, '0')}, ${i.raw.jt}, ${i.raw.jf}, 0x${i.raw.k.toString(16)}`;
    default:
      return assertNever(i, 'instruction');
  }
}

/** Codes the socket-filter checker knows but seccomp rejects, named for the reader. */
const NOT_SECCOMP: Readonly<Record<number, string>> = {
  0x94: 'mod #k', 0x9c: 'mod x', 0x28: 'ldh [k]', 0x30: 'ldb [k]', 0x40: 'ld [x+k]', 0x48: 'ldh [x+k]', 0x50: 'ldb [x+k]', 0xb1: 'ldx 4*([k]&0xf)',
};

function note(i: Insn, s: State | undefined): string {
  if (s === undefined) return 'unreachable';
  switch (i.kind) {
    case 'invalid': {
      const name = NOT_SECCOMP[i.raw.code];
      return name === undefined ? 'not a valid opcode' : `${name}: not allowed in seccomp`;
    }
    case 'ld':
      return i.mode === 'abs' && fieldName(i.k) === undefined ? 'not a seccomp_data word' : '';
    case 'jcond': {
      const [yes, no] = JUMP_SYMBOL[i.op];
      const sym = i.jt === 0 && i.jf !== 0 ? no : yes; // the negated mnemonic reads the other way round
      const what = s.a ?? 'A';
      if (i.src === 'x') return `${what} ${sym} X`;
      let v = num(i.k);
      if (s.a === 'nr' && s.arch !== undefined && i.op === 'jeq') {
        const arch: ArchName = s.arch === 'x86_64' && (i.k & X32_SYSCALL_BIT) !== 0 ? 'x32' : s.arch;
        const name = syscallName(arch, i.k);
        if (name !== undefined) v = arch === 'x32' && s.arch !== 'x32' ? `${name} (x32)` : name;
      } else if (s.a === 'arch') v = archByAudit(i.k)?.name ?? v;
      return `${what} ${sym} ${v}`;
    }
    case 'ret': {
      if (i.src === 'a') return '';
      if (isSideAction(i.k)) return 'side action (proposed LOG(x)); a kernel without it kills the process';
      const action = knownAction(i.k);
      if (action === undefined) return 'unknown action: kills the process';
      if (action !== 'errno') return '';
      const d = i.k & 0xffff;
      return d > MAX_ERRNO ? `errno ${d} is clamped to ${MAX_ERRNO}` : (errnoName(d) ?? '');
    }
    default:
      return '';
  }
}

/** Disassembles `prog` into text that `assemble()` turns back into exactly these instructions. */
export function disassemble(prog: readonly RawInsn[], opts: DisasmOptions = {}): string {
  const insns = prog.map(decodeInsn);
  const states = annotateStates(insns, { a: undefined, arch: opts.arch });
  const labels = new Set<number>();
  insns.forEach((i, pc) => {
    const offs = i.kind === 'ja' ? [i.k] : i.kind === 'jcond' ? [i.jt, i.jf] : [];
    for (const o of offs) if (o !== 0 && pc + 1 + o < insns.length) labels.add(pc + 1 + o);
  });
  const lines = [`; ${prog.length} instruction${prog.length === 1 ? '' : 's'} (seccomptrace disasm; \`seccomptrace asm\` reads this back to the same bytes)`];
  insns.forEach((i, pc) => {
    if (labels.has(pc)) lines.push(`L${pc}:`);
    const target = (off: number): string => (off !== 0 && pc + 1 + off < insns.length ? `L${pc + 1 + off}` : `+${off}`);
    const canonical = isCanonical(i);
    const text = canonical || i.kind === 'invalid' ? mnemonic(i, states[pc], target) : mnemonic({ kind: 'invalid', raw: i.raw }, states[pc], target);
    let n = note(i, states[pc]);
    if (!canonical && i.kind !== 'invalid') n = `${mnemonic(i, states[pc], (o) => `+${o}`)} with unused fields set${n === '' ? '' : `; ${n}`}`;
    lines.push(`  ${text.padEnd(34)}; ${String(pc).padStart(4)}${n === '' ? '' : `  ${n}`}`);
  });
  return `${lines.join('\n')}\n`;
}
