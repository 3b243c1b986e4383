/** @module The assembler: readable text (docs/asm.md) → raw sock_filter instructions, errors at FILE:LINE:COL. */

import { parseAction } from '../abi/actions.js';
import { parseArch, suggest, type ArchName } from '../abi/arch.js';
import { resolveSyscall, syscallTable } from '../abi/syscalls.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import { FIELD_NAMES, fieldOffset, JUMPS } from './asm-syntax.js';
import { insn, type RawInsn } from './insn-codec.js';
import { aluCode, jmpCode, type AluOp } from './insn.js';
import { BPF_MAXINSNS } from './opcodes.js';

interface Token {
  readonly text: string;
  readonly col: number;
  readonly type: 'word' | 'num' | 'punct';
}

type Target = { readonly label: string; readonly line: number; readonly col: number } | { readonly offset: number };

interface Pending {
  readonly line: number;
  readonly col: number;
  readonly code: number;
  readonly k: number | Target; // a Target only for ja
  readonly jt: Target;
  readonly jf: Target;
}

/** Raised inside the parser and turned into the Result at the top; never escapes this module. */
class AsmFault {
  constructor(readonly error: SeccompTraceError) {}
}

const ZERO: Target = { offset: 0 };
const ALU: readonly AluOp[] = ['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'xor'];
const MNEMONICS = ['ld', 'ldx', 'st', 'stx', ...ALU, 'neg', 'tax', 'txa', 'ja', 'jmp', ...Object.keys(JUMPS), 'ret', '.insn', '.arch'];

function lex(text: string, line: number, file: string): Token[] {
  const out: Token[] = [];
  const re = /\s+|(;|\/\/).*|([A-Za-z_.][A-Za-z0-9_.]*)|([0-9][A-Za-z0-9_]*)|([#,[\]()+\-:])|(.)/gy;
  for (let m = re.exec(text); m !== null && m[0] !== ''; m = re.exec(text)) {
    const col = m.index + 1;
    if (m[1] !== undefined) break;
    if (m[2] !== undefined) out.push({ text: m[2], col, type: 'word' });
    else if (m[3] !== undefined) out.push({ text: m[3], col, type: 'num' });
    else if (m[4] !== undefined) out.push({ text: m[4], col, type: 'punct' });
    else if (m[5] !== undefined) throw new AsmFault(fault(file, line, col, 'asm/bad-char', `unexpected character '${m[5]}'`));
  }
  return out;
}

function fault(file: string, line: number, col: number, what: string, message: string, hint?: string): SeccompTraceError {
  return fail({ code: `bpf/${what}`, where: `${file}:${line}:${col}`, message, ...(hint === undefined ? {} : { hint }) });
}

export interface AsmOptions {
  /** Name used in error locations (default `<input>`). */
  readonly file?: string;
}

/** Assembles text; the first error is returned as `FILE:LINE:COL: what was expected`. */
export function assemble(source: string, opts: AsmOptions = {}): Result<RawInsn[], SeccompTraceError> {
  try {
    return ok(assembleOrThrow(source, opts.file ?? '<input>'));
  } catch (e) {
    if (e instanceof AsmFault) return err(e.error);
    throw e;
  }
}

function assembleOrThrow(source: string, file: string): RawInsn[] {
  const labels = new Map<string, number>();
  const pending: Pending[] = [];
  let arch: ArchName | undefined;
  const lines = source.split(/\r?\n/);
  lines.forEach((text, idx) => {
    const line = idx + 1;
    const toks = lex(text, line, file);
    let p = 0;
    const endCol = text.replace(/\s*((;|\/\/).*)?$/, '').length + 1;
    const here = (): number => toks[p]?.col ?? endCol;
    const found = (): string => (toks[p] === undefined ? 'end of line' : `'${toks[p]!.text}'`);
    const bad = (expected: string, hint?: string): never => {
      throw new AsmFault(fault(file, line, here(), 'asm/syntax', `expected ${expected}, found ${found()}`, hint));
    };
    const punct = (c: string): boolean => {
      if (toks[p]?.type === 'punct' && toks[p]!.text === c) return (p++, true);
      return false;
    };
    const need = (c: string, what: string): void => void (punct(c) || bad(what));
    const number = (): number => {
      const t = toks[p];
      const neg = punct('-');
      const n = toks[p];
      if (n?.type !== 'num') return bad('a number');
      const v = /^(0x[0-9a-f]+|[0-9]+)$/i.test(n.text) ? Number(n.text) : NaN;
      if (Number.isNaN(v)) throw new AsmFault(fault(file, line, n.col, 'asm/bad-number', `bad number '${n.text}'`, 'write decimal (42) or hex (0x2a)'));
      const lim = neg ? 0x80000000 : 0xffffffff;
      if (v > lim) throw new AsmFault(fault(file, line, t!.col, 'asm/bad-number', `number ${neg ? '-' : ''}${n.text} does not fit in 32 bits`));
      p++;
      return neg ? -v >>> 0 : v;
    };
    /** `#` then a number, ARCH_*, an action, or a syscall name (needs `.arch`). */
    const constant = (hash: boolean): number => {
      if (hash) need('#', "'#' and a constant");
      const t = toks[p];
      if (t === undefined || t.type === 'num' || (t.type === 'punct' && t.text === '-')) return number();
      if (t.type !== 'word') return bad('a constant (number, ARCH_NAME, action or syscall name)');
      p++;
      const archName = /^(AUDIT_)?ARCH_(.+)$/.exec(t.text);
      if (archName !== null) {
        const a = parseArch(archName[2]!);
        if (!a.ok) throw new AsmFault(fault(file, line, t.col, 'asm/unknown-arch', a.error.message, a.error.hint));
        return a.value.auditArch;
      }
      if (/^[A-Z_]+$/.test(t.text)) {
        let text = t.text;
        if (punct('(')) {
          text += `(${String(number())})`;
          need(')', "')'");
        }
        const a = parseAction(text);
        if (!a.ok) throw new AsmFault(fault(file, line, t.col, 'asm/bad-action', a.error.message, a.error.hint));
        return a.value;
      }
      if (arch === undefined) throw new AsmFault(fault(file, line, t.col, 'asm/no-arch', `syscall name '${t.text}' needs an architecture`, "put '.arch x86_64' (or another arch) on a line before it, or write the number"));
      const nr = resolveSyscall(arch, t.text);
      if (nr === undefined) throw new AsmFault(fault(file, line, t.col, 'asm/unknown-syscall', `unknown syscall '${t.text}' on ${arch}${suggest(t.text, syscallTable(arch).map((e) => e.name))}`, 'check the name with `seccomptrace syscalls`, or write the number'));
      return nr;
    };
    const target = (): Target => {
      const t = toks[p];
      if (punct('+')) return { offset: number() };
      if (t?.type === 'word') return (p++, { label: t.text, line, col: t.col });
      return bad("a label or '+N'");
    };
    const mem = (): number => {
      const t = toks[p];
      if (t?.type !== 'word' || t.text !== 'M') bad("'M[n]'");
      p++;
      need('[', "'['");
      const n = number();
      need(']', "']'");
      return n;
    };
    const field = (): number => {
      const t = toks[p]!;
      p++;
      let name = t.text;
      if (name === 'args') {
        need('[', "'[' after args");
        const at = toks[p]?.col ?? endCol;
        const n = number();
        if (n > 5) throw new AsmFault(fault(file, line, at, 'asm/unknown-field', `args[${n}] does not exist`, 'seccomp_data has args[0] to args[5]'));
        name += `[${String(n)}]`;
        need(']', "']'");
        const hl = toks[p];
        if (hl?.type === 'word' && /^\.(hi|lo)$/.test(hl.text)) (name += hl.text), p++;
      }
      const off = fieldOffset(name);
      if (off === undefined) throw new AsmFault(fault(file, line, t.col, 'asm/unknown-field', `unknown seccomp_data field '${name}'${suggest(name, FIELD_NAMES)}`, `use ${FIELD_NAMES.slice(0, 6).join(', ')}, … or [offset]`));
      return off;
    };
    const push = (col: number, code: number, k: number | Target = 0, jt: Target = ZERO, jf: Target = ZERO): void => {
      if (pending.length === BPF_MAXINSNS) throw new AsmFault(fault(file, line, col, 'too-long', `more than BPF_MAXINSNS (${BPF_MAXINSNS}) instructions`, 'split the filter into several filters'));
      pending.push({ line, col, code, k, jt, jf });
    };

    // Labels: `name:` at the start of the line.
    while (toks[p + 1]?.text === ':' && toks[p]?.type === 'word') {
      const t = toks[p]!;
      if (labels.has(t.text)) throw new AsmFault(fault(file, line, t.col, 'asm/duplicate-label', `label '${t.text}' is already defined`));
      labels.set(t.text, pending.length);
      p += 2;
    }
    const m = toks[p];
    if (m === undefined) return;
    if (m.type !== 'word') bad('a mnemonic or label');
    p++;
    const op = m.text.toLowerCase();
    const x = (): boolean => (toks[p]?.type === 'word' && toks[p]!.text.toLowerCase() === 'x' ? (p++, true) : false);
    switch (op) {
      case 'ld': case 'ldx': {
        const cls = op === 'ld' ? 0x00 : 0x01;
        const t = toks[p];
        if (t?.type === 'punct' && t.text === '#') push(m.col, cls, constant(true));
        else if (t?.type === 'word' && t.text === 'len') (p++, push(m.col, cls | 0x80));
        else if (t?.type === 'word' && t.text === 'M') push(m.col, cls | 0x60, mem());
        else if (op === 'ld' && t?.type === 'punct' && t.text === '[') {
          p++;
          const k = number();
          need(']', "']'");
          push(m.col, 0x20, k);
        } else if (op === 'ld' && t?.type === 'word') push(m.col, 0x20, field());
        else bad(op === 'ld' ? "'#k', 'len', 'M[n]', '[offset]' or a field (nr, arch, args[0], …)" : "'#k', 'len' or 'M[n]'");
        break;
      }
      case 'st': case 'stx':
        push(m.col, op === 'st' ? 0x02 : 0x03, mem());
        break;
      case 'neg': case 'tax': case 'txa':
        push(m.col, op === 'neg' ? 0x84 : op === 'tax' ? 0x07 : 0x87);
        break;
      case 'ja': case 'jmp':
        push(m.col, 0x05, target());
        break;
      case 'ret':
        if (toks[p]?.type === 'word' && toks[p]!.text.toLowerCase() === 'a') (p++, push(m.col, 0x16));
        else push(m.col, 0x06, constant(toks[p]?.text === '#'));
        break;
      case '.insn': {
        const code = number();
        need(',', "','");
        const jt = number();
        need(',', "','");
        const jf = number();
        need(',', "','");
        const k = number();
        if (code > 0xffff || jt > 0xff || jf > 0xff) bad('code ≤ 0xffff, jt ≤ 255, jf ≤ 255', '.insn CODE, JT, JF, K');
        push(m.col, code, k, { offset: jt }, { offset: jf });
        break;
      }
      case '.arch': {
        const t = toks[p];
        if (t?.type !== 'word') return bad('an architecture name');
        p++;
        const a = parseArch(t.text);
        if (!a.ok) throw new AsmFault(fault(file, line, t.col, 'asm/unknown-arch', a.error.message, a.error.hint));
        arch = a.value.name;
        break;
      }
      default: {
        if ((ALU as readonly string[]).includes(op)) {
          if (x()) push(m.col, aluCode(op as AluOp, 'x'));
          else push(m.col, aluCode(op as AluOp, 'k'), constant(true));
          break;
        }
        const j = JUMPS[op];
        if (j === undefined) throw new AsmFault(fault(file, line, m.col, 'asm/unknown-mnemonic', `unknown mnemonic '${m.text}'${suggest(op, MNEMONICS)}`, 'see docs/asm.md'));
        const src = x() ? 'x' : 'k';
        const k = src === 'k' ? constant(true) : 0;
        need(',', "',' and a jump target");
        const t1 = target();
        const t2 = punct(',') ? target() : ZERO;
        push(m.col, jmpCode(j.op, src), k, j.negated ? t2 : t1, j.negated ? t1 : t2);
      }
    }
    if (p < toks.length) bad('end of line');
  });
  return pending.map((s, pc) => resolve(s, pc, labels, file));
}

function resolve(s: Pending, pc: number, labels: ReadonlyMap<string, number>, file: string): RawInsn {
  const offset = (t: Target, limit: number): number => {
    if ('offset' in t) {
      if (t.offset > limit) throw new AsmFault(fault(file, s.line, s.col, 'jump-out-of-range', `jump offset ${t.offset} does not fit (at most ${limit})`));
      return t.offset;
    }
    const at = labels.get(t.label);
    if (at === undefined) throw new AsmFault(fault(file, t.line, t.col, 'asm/unknown-label', `unknown label '${t.label}'${suggest(t.label, labels.keys())}`));
    const off = at - pc - 1;
    if (off < 0) throw new AsmFault(fault(file, t.line, t.col, 'jump-backward', `label '${t.label}' is not after this jump`, 'classic BPF jumps only go forward'));
    if (off > limit) {
      throw new AsmFault(fault(file, t.line, t.col, 'jump-out-of-range', `label '${t.label}' is ${off} instructions ahead; jt/jf reach at most 255`, `jump to a 'ja ${t.label}' placed within 255 instructions (ja reaches any distance)`));
    }
    return off;
  };
  if (typeof s.k !== 'number') return insn(s.code, offset(s.k, 0xffffffff));
  return insn(s.code, s.k, offset(s.jt, 0xff), offset(s.jf, 0xff));
}
