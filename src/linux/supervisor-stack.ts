/**
 * @module Proposed mode on a stock kernel: a stack of filters lowered into ONE classic-BPF filter that
 * computes the stack's outcome (DESIGN.md "proposed mode": newest first, side actions 0xff…… take
 * no part in the choice, a kill ends the walk, ALLOW if nothing else) and returns USER_NOTIF when
 * the supervisor must see the syscall (a side action fired, or the outcome is to be reported);
 * everything else is decided in the kernel.
 */

import { ACTIONS, type ActionName } from '../abi/actions.js';
import type { SeccompData } from '../abi/seccomp-data.js';
import { type RawInsn } from '../bpf/insn-codec.js';
import type { FilterStack } from '../engine/stack.js';
import { BPF_MAXINSNS, BPF_MEMWORDS } from '../bpf/opcodes.js';
import { SeccompTraceError } from '../errors.js';

const ALLOW = 0x7fff0000, USER_NOTIF = 0x7fc00000, TRAP = 0x00030000, TRACE = 0x7ff00000;
const KILL_PROCESS = 0x80000000, KILL_THREAD = 0;
const ACTION_FULL = 0xffff0000, SIDE_MASK = 0xff000000, SIGN = 0x80000000;

// Opcodes (include/uapi/linux/bpf_common.h, filter.h).
const LD_IMM = 0x00, LD_MEM = 0x60, ST = 0x02, STX = 0x03, LDX_MEM = 0x61, TAX = 0x07;
const AND_K = 0x54, XOR_K = 0xa4, DIV_X = 0x3c, MOD_X = 0x9c;
const JA = 0x05, JEQ_K = 0x15, JGT_X = 0x2d, RET_K = 0x06, RET_A = 0x16;

type Target = { label: number } | { rel: number };
interface Item { code: number; k: number; jt?: Target; jf?: Target; ja?: number }

/** A tiny label assembler: forward jumps only; conditional offsets must fit in 8 bits. */
class Asm {
  readonly items: Item[] = [];
  private readonly at: number[] = [];
  label(): number {
    this.at.push(-1);
    return this.at.length - 1;
  }
  bind(l: number): void {
    this.at[l] = this.items.length;
  }
  op(code: number, k = 0): void {
    this.items.push({ code, k: k >>> 0 });
  }
  jeq(k: number, t: number, f: number, code = JEQ_K): void {
    this.items.push({ code, k: k >>> 0, jt: { label: t }, jf: { label: f } });
  }
  ja(l: number): void {
    this.items.push({ code: JA, k: 0, ja: l });
  }
  build(): RawInsn[] {
    return this.items.map((it, pc) => {
      const off = (l: number): number => {
        const to = this.at[l];
        if (to === undefined || to <= pc) throw new Error(`internal: bad jump at ${pc}`);
        return to - pc - 1;
      };
      if (it.ja !== undefined) return { code: JA, jt: 0, jf: 0, k: off(it.ja) };
      const cond = (t: Target | undefined): number => (t === undefined ? 0 : 'rel' in t ? t.rel : off(t.label));
      const jt = cond(it.jt), jf = cond(it.jf);
      if (jt > 255 || jf > 255) throw new Error(`internal: conditional jump too far at ${pc}`);
      return { code: it.code, jt, jf, k: it.k };
    });
  }
}

function scratchUsed(p: readonly RawInsn[]): Set<number> {
  const used = new Set<number>();
  for (const i of p) if (i.code === ST || i.code === STX || i.code === LD_MEM || i.code === LDX_MEM) used.add(i.k);
  return used;
}

function cannot(message: string, hint: string): SeccompTraceError {
  return new SeccompTraceError({ code: 'linux/stack-lower', message, hint });
}

export interface StackLowerOptions {
  /** Action parts (value & 0xffff0000) whose outcome the supervisor must see even without a side event. */
  readonly notifyOutcomes: ReadonlySet<number>;
  /** Action parts returned as they are even after a side event (the supervisor cannot deliver them); default TRAP and TRACE. */
  readonly kernelOnly?: ReadonlySet<number>;
}

/**
 * Filters oldest first, each already accepted by the verifier → one program. Each filter runs as
 * written (its instructions copied one for one, so its own jumps stay valid) with its returns
 * turned into jumps to a combiner that keeps the winning value in scratch word R and a "side event
 * seen" flag in L; A and X are reset to 0 before each filter, as at the start of a program.
 */
export function lowerStack(filters: readonly (readonly RawInsn[])[], o: StackLowerOptions): RawInsn[] {
  const used = new Set<number>();
  for (const f of filters) {
    for (const w of scratchUsed(f)) used.add(w);
    if (f.some((i) => i.code === DIV_X || i.code === MOD_X)) {
      // A division by X = 0 ends the whole program with 0 (bpf_convert_filter), not just one filter.
      throw cannot('a filter divides by X, which cannot be lowered into one program', 'use a constant divisor');
    }
  }
  const free = [...Array(BPF_MEMWORDS).keys()].filter((w) => !used.has(w)).reverse();
  const [R, L, T] = free;
  if (R === undefined || L === undefined || T === undefined) throw cannot('the filters use more than 13 of the 16 scratch words together', 'the lowering needs 3 free words');
  const a = new Asm();
  const done = a.label();
  a.op(LD_IMM, ALLOW); a.op(ST, R); a.op(LD_IMM, 0); a.op(ST, L);
  for (let i = filters.length - 1; i >= 0; i--) {
    const f = filters[i] ?? [];
    const next = i === 0 ? done : a.label();
    const combine = a.label();
    const tails = new Map<number, number>();
    a.op(LD_IMM, 0); a.op(TAX); // A = X = 0 at entry
    for (const insn of f) {
      if (insn.code === RET_K) {
        let t = tails.get(insn.k >>> 0);
        if (t === undefined) tails.set(insn.k >>> 0, (t = a.label()));
        a.ja(t);
      } else if (insn.code === RET_A) a.ja(combine);
      else a.items.push({ code: insn.code, k: insn.k >>> 0, jt: { rel: insn.jt }, jf: { rel: insn.jf } });
    }
    for (const [k, t] of tails) {
      a.bind(t);
      a.op(LD_IMM, k);
      a.ja(combine);
    }
    // combine: A = this filter's value.
    a.bind(combine);
    const side = a.label(), norm = a.label(), take = a.label(), kchk = a.label(), kill = a.label();
    a.op(ST, T); a.op(AND_K, SIDE_MASK);
    a.jeq(SIDE_MASK, side, norm);
    a.bind(side);
    a.op(LD_IMM, 1); a.op(ST, L); a.ja(next);
    a.bind(norm);
    // Precedence: the action part compared as a signed number (kernel/seccomp.c seccomp_run_filters);
    // flipping the sign bit makes the unsigned JGT order them the same way. Ties keep the newer value.
    a.op(LD_MEM, T); a.op(AND_K, ACTION_FULL); a.op(XOR_K, SIGN); a.op(TAX);
    a.op(LD_MEM, R); a.op(AND_K, ACTION_FULL); a.op(XOR_K, SIGN);
    a.jeq(0, take, kchk, JGT_X);
    a.bind(take);
    a.op(LD_MEM, T); a.op(ST, R);
    a.bind(kchk);
    a.op(LD_MEM, T); a.op(AND_K, ACTION_FULL);
    const notKp = a.label(), notKill = a.label();
    a.jeq(KILL_PROCESS, kill, notKp);
    a.bind(notKp);
    a.jeq(KILL_THREAD, kill, notKill);
    a.bind(notKill);
    a.ja(next);
    a.bind(kill);
    a.ja(done); // a kill ends the walk: older filters neither decide nor log
    if (i !== 0) a.bind(next);
  }
  a.bind(done);
  const withLog = a.label(), noLog = a.label(), plain = a.label(), notify = a.label();
  a.op(LD_MEM, L);
  a.jeq(0, noLog, withLog);
  a.bind(withLog);
  // A side event needs the supervisor, unless the outcome is one it cannot deliver itself.
  a.op(LD_MEM, R); a.op(AND_K, ACTION_FULL);
  for (const v of o.kernelOnly ?? [TRAP, TRACE]) {
    const n = a.label();
    a.jeq(v, plain, n);
    a.bind(n);
  }
  a.ja(notify);
  a.bind(noLog);
  a.op(LD_MEM, R); a.op(AND_K, ACTION_FULL);
  for (const v of o.notifyOutcomes) {
    const n = a.label();
    a.jeq(v, notify, n);
    a.bind(n);
  }
  a.ja(plain);
  a.bind(plain);
  a.op(LD_MEM, R); a.op(RET_A);
  a.bind(notify);
  a.op(RET_K, USER_NOTIF);
  const out = a.build();
  if (out.length > BPF_MAXINSNS) throw cannot(`the lowered stack has ${out.length} instructions, over the kernel's ${BPF_MAXINSNS}`, 'use fewer or smaller filters');
  return out;
}

/** What `run` needs for a proposed-mode stack: the kernel side, what to report per notification, and the answer. */
export interface StackRun {
  readonly program: RawInsn[];
  /** Per notification: each side event (tagged) and the outcome when it is not allow. */
  events(d: SeccompData): StackEvent[];
  /** The answer: allow/log continue (the kernel's own evaluation of the same registers chose it), errno, kill. */
  decide(d: SeccompData): StackVerdict;
}
export interface StackEvent { readonly value: number; readonly action: ActionName; readonly rule: string; readonly tag?: number }
export type StackVerdict = { readonly kind: 'continue' } | { readonly kind: 'errno'; readonly errno: number } | { readonly kind: 'kill' };

/**
 * Lowers `filters` (oldest first, the same programs `stack` holds) for `run`. complain: every deny is
 * notified and continued. Otherwise outcomes in `logActions` that the supervisor can answer
 * (errno, kills) are notified; the rest stay in the kernel.
 */
export function stackRun(filters: readonly (readonly RawInsn[])[], stack: FilterStack, o: { readonly complain: boolean; readonly logActions: ReadonlySet<ActionName> }): StackRun {
  const parts = new Set<number>([0x7ffc0000]); // LOG outcomes are always reported
  for (const a of ACTIONS) {
    if (a.name === 'allow' || !o.logActions.has(a.name)) continue;
    if (o.complain || a.name === 'errno' || a.name === 'kill_process' || a.name === 'kill_thread') parts.add(a.value);
  }
  const kernelOnly = o.complain ? new Set<number>() : new Set([TRAP, TRACE]);
  const program = lowerStack(filters, { notifyOutcomes: parts, kernelOnly });
  return {
    program,
    events(d) {
      const ev = stack.evaluate(d);
      const out: StackEvent[] = ev.log.filter((e) => e.kind === 'side').map((e) => ({ value: e.ret, action: 'log', rule: `filter ${e.by}`, ...(e.tag === undefined ? {} : { tag: e.tag }) }));
      if (ev.action !== 'allow') out.push({ value: ev.value, action: ev.action, rule: ev.match === undefined ? 'no filter' : `filter ${ev.match}` });
      return out;
    },
    decide(d) {
      if (o.complain) return { kind: 'continue' };
      const ev = stack.evaluate(d);
      switch (ev.action) {
        case 'allow':
        case 'log':
          return { kind: 'continue' };
        case 'errno':
          return { kind: 'errno', errno: ev.data };
        case 'kill_process':
        case 'kill_thread':
          return { kind: 'kill' };
        default:
          return { kind: 'errno', errno: 38 }; // trap/trace/user_notif cannot be delivered from here: fail the call (ENOSYS)
      }
    },
  };
}
