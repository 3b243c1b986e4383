/**
 * @module The seccomptrace policy language (docs/policy.md): one rule a line, syscall sets, argument
 * conditions by name, every action including tagged side-action logs. Parses to the policy IR.
 */

import { makeAction, makeSideLog, parseNumber } from '../abi/actions.js';
import { parseArch, type ArchName } from '../abi/arch.js';
import { errnoNumber } from '../abi/errno.js';
import { fail, type SeccompTraceError } from '../errors.js';
import { err, ok, type Result } from '../result.js';
import type { CmpOp } from './arg-tree.js';
import { FILTER_FLAGS, type ArgCond, type FilterFlagName, type Policy, type PolicyRule } from './ir.js';
import { argIndex, CONSTANTS } from './policy-names.js';

interface Tok {
  readonly text: string;
  readonly col: number;
}

class Bad extends Error {
  constructor(readonly error: SeccompTraceError) {
    super(error.message);
  }
}

const TOKEN = /\s*(0x[0-9a-fA-F]+|[A-Za-z_@][A-Za-z0-9_]*|\d+|==|!=|<=|>=|[<>&|:,=()])/y;

function tokenize(line: string, lineNo: number): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const body = line.replace(/#.*$/, '');
  while (i < body.length) {
    if (/^\s*$/.test(body.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(body);
    if (m === null) {
      const col = i + (body.slice(i).length - body.slice(i).trimStart().length) + 1;
      throw new Bad(fail({ code: 'policy/syntax', message: `unexpected character '${body.slice(col - 1, col)}'`, where: `${lineNo}:${col}` }));
    }
    toks.push({ text: m[1]!, col: m.index + m[0].length - m[1]!.length + 1 });
    i = TOKEN.lastIndex;
  }
  return toks;
}

const ACTION_WORDS: Readonly<Record<string, 'allow' | 'log' | 'trap' | 'kill_thread' | 'kill_process' | 'user_notif' | 'errno' | 'trace'>> = {
  allow: 'allow', log: 'log', trap: 'trap', kill: 'kill_thread', kill_thread: 'kill_thread', kill_process: 'kill_process',
  notify: 'user_notif', errno: 'errno', trace: 'trace',
};

const OPS: Readonly<Record<string, CmpOp>> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

class LineParser {
  private i = 0;
  constructor(private readonly toks: readonly Tok[], private readonly line: number, private readonly eolCol: number) {}

  where(t?: Tok): string {
    return `${this.line}:${t?.col ?? this.eolCol}`;
  }

  die(message: string, t?: Tok, hint?: string): never {
    throw new Bad(fail({ code: 'policy/syntax', message, where: this.where(t), ...(hint === undefined ? {} : { hint }) }));
  }

  peek(): Tok | undefined {
    return this.toks[this.i];
  }

  next(what: string): Tok {
    const t = this.toks[this.i++];
    if (t === undefined) this.die(`expected ${what}, found the end of the line`);
    return t;
  }

  expect(text: string): Tok {
    const t = this.next(`'${text}'`);
    if (t.text !== text) this.die(`expected '${text}', found '${t.text}'`, t);
    return t;
  }

  done(): boolean {
    return this.i >= this.toks.length;
  }

  end(): void {
    const t = this.peek();
    if (t !== undefined) this.die(`unexpected '${t.text}'`, t);
  }

  /** NUMBER | NAME ('|' NAME|NUMBER)* */
  value(): bigint {
    let v = 0n;
    for (;;) {
      const t = this.next('a number or constant');
      const n = /^(0x[0-9a-f]+|\d+)$/i.test(t.text) ? BigInt(t.text) : CONSTANTS[t.text];
      if (n === undefined) this.die(`unknown constant '${t.text}'`, t, 'use a number (decimal or 0x hex) or a known name such as O_CREAT, AF_INET, PROT_EXEC, CLONE_NEWUSER');
      if (n > (1n << 64n) - 1n) this.die(`${t.text} does not fit in 64 bits`, t);
      v |= n;
      if (this.peek()?.text !== '|') return v;
      this.i++;
    }
  }

  action(): number {
    const t = this.next('an action');
    const word = ACTION_WORDS[t.text.toLowerCase()];
    if (word === undefined) this.die(`unknown action '${t.text}'`, t, 'use allow, log, log(TAG), errno(E…), trace(N), trap, kill, kill_process or notify');
    if (this.peek()?.text !== '(') {
      if (word === 'errno') this.die('errno needs a value, e.g. errno(EPERM)', t);
      return makeAction(word);
    }
    this.i++;
    const a = this.next('a value');
    this.expect(')');
    if (word === 'log') {
      const tag = parseNumber(a.text);
      if (tag === undefined || tag > 0xff) this.die(`log tag '${a.text}' must be 0..255`, a);
      return makeSideLog(tag); // the proposed SECCOMP_RET_LOG(x) side action
    }
    if (word !== 'errno' && word !== 'trace' && word !== 'trap') this.die(`${t.text} takes no value`, a);
    const n = parseNumber(a.text) ?? (word === 'errno' ? errnoNumber(a.text) : undefined);
    if (n === undefined || n > 0xffff) this.die(`'${a.text}' is not ${word === 'errno' ? 'an errno name or ' : ''}a number 0..65535`, a);
    return makeAction(word, n);
  }
}

/** NAME | @SET, separated by commas, up to `stop` or the end of the line. */
function syscallList(p: LineParser, sets: ReadonlyMap<string, readonly string[]>, stop: string): string[] {
  const names: string[] = [];
  for (;;) {
    const t: Tok = p.next('a syscall name');
    if (t.text.startsWith('@')) {
      const s = sets.get(t.text.slice(1));
      if (s === undefined) p.die(`unknown set '${t.text}'`, t, `define it first: set ${t.text.slice(1)} = read, write`);
      names.push(...s);
    } else if (/^[a-z_][a-z0-9_]*$/.test(t.text)) names.push(t.text);
    else p.die(`'${t.text}' is not a syscall name`, t);
    const sep = p.peek();
    if (sep?.text === ',') {
      p.next(',');
      continue;
    }
    if (sep === undefined || sep.text === stop) return names;
    p.die(`expected ',' or '${stop}', found '${sep.text}'`, sep);
  }
}

function condition(p: LineParser, names: readonly string[]): ArgCond {
  const at = p.next('an argument (arg0..arg5 or a name)');
  const idx = argIndex(at.text, names);
  if (typeof idx === 'string') p.die(idx, at);
  const opTok = p.next('a comparison');
  if (opTok.text === '&') {
    const mask = p.value();
    const eq = p.next("'=='");
    if (eq.text !== '==') p.die(`a masked comparison is 'ARG & MASK == VALUE' (libseccomp SCMP_CMP_MASKED_EQ), found '${eq.text}'`, eq);
    return { index: idx, op: 'masked_eq', value: mask, valueTwo: p.value() };
  }
  const op = OPS[opTok.text];
  if (op === undefined) p.die(`expected ==, !=, <, <=, >, >= or &, found '${opTok.text}'`, opTok);
  return { index: idx, op, value: p.value(), valueTwo: 0n };
}

/** Parses policy text. Error `where` is `LINE:COL`; the caller adds the file with `.at(file)`. */
export function parsePolicy(text: string): Result<Policy, SeccompTraceError> {
  let defaultAction: number | undefined;
  let arches: ArchName[] | undefined;
  const flags: FilterFlagName[] = [];
  const sets = new Map<string, string[]>();
  const rules: PolicyRule[] = [];
  try {
    text.split('\n').forEach((raw, n) => {
      const lineNo = n + 1;
      const toks = tokenize(raw, lineNo);
      if (toks.length === 0) return;
      const p = new LineParser(toks, lineNo, raw.replace(/#.*$/, '').trimEnd().length + 1);
      const first = toks[0]!;
      const second = toks[1]?.text;
      if (first.text === 'default' && second !== ':' && second !== ',') {
        p.next('default');
        defaultAction = p.action();
        p.end();
      } else if (first.text === 'arch' && second !== ':' && second !== ',') {
        p.next('arch');
        arches = [];
        while (!p.done()) {
          const t = p.next('an arch');
          if (t.text === ',') continue;
          const a = parseArch(t.text);
          if (!a.ok) return p.die(a.error.message, t, a.error.hint);
          arches.push(a.value.name);
        }
      } else if (first.text === 'flag' && second !== ':' && second !== ',') {
        p.next('flag');
        const t = p.next('a flag');
        const name = `SECCOMP_FILTER_FLAG_${t.text.toUpperCase()}`;
        if (!(name in FILTER_FLAGS)) p.die(`unknown flag '${t.text}'`, t, 'use log, spec_allow, tsync, wait_killable_recv');
        flags.push(name as FilterFlagName);
        p.end();
      } else if (first.text === 'set' && second !== ':' && second !== ',') {
        p.next('set');
        const name = p.next('a set name');
        p.expect('=');
        sets.set(name.text, syscallList(p, sets, '#'));
      } else {
        const names = syscallList(p, sets, ':');
        p.expect(':');
        const action = p.action();
        const conds: ArgCond[] = [];
        if (!p.done()) {
          const kw = p.next("'if'");
          if (kw.text !== 'if') p.die(`expected 'if' or the end of the line, found '${kw.text}'`, kw);
          for (;;) {
            const at = p.peek();
            const c = condition(p, names);
            if (conds.some((x) => x.index === c.index)) p.die(`arg${c.index} is compared twice in one rule`, at, 'libseccomp takes one comparison per argument in a rule; write two lines (rules are OR-ed)');
            conds.push(c);
            if (p.done()) break;
            const and = p.next("'and'");
            if (and.text !== 'and') p.die(`expected 'and' or the end of the line, found '${and.text}'`, and, "for 'or', write one line per alternative");
          }
        }
        const comment = /#\s*(.*)$/.exec(raw)?.[1];
        rules.push({ id: rules.length + 1, names, action, conds, where: `${lineNo}:${first.col}`, ...(comment === undefined || comment === '' ? {} : { comment }) });
      }
    });
  } catch (e) {
    if (e instanceof Bad) return err(e.error);
    throw e;
  }
  if (defaultAction === undefined) {
    return err(fail({ code: 'policy/no-default', message: "no 'default' line", where: '1:1', hint: "add e.g. 'default errno(EPERM)'" }));
  }
  return ok({ defaultAction, arches, rules, flags });
}
