/**
 * @module A label-based classic-BPF program builder: jumps name labels, offsets are resolved at the end,
 * conditional jumps farther than 255 instructions get a trampoline, and returns of one value are shared.
 */

import { type RawInsn } from './insn-codec.js';
import { BPF_ABS, BPF_ALU, BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W } from './opcodes.js';
import { JMP_CODE, ALU_CODE, type AluOp, type JmpOp } from './insn.js';

declare const labelBrand: unique symbol;
/** A position in the program, bound with `bind()` before or after jumps name it. */
export type Label = number & { readonly [labelBrand]: true };

type Item =
  | { readonly kind: 'plain'; readonly code: number; readonly k: number }
  | { readonly kind: 'jmp'; readonly code: number; readonly k: number; jt: Label; jf: Label }
  | { readonly kind: 'ja'; target: Label }
  | { readonly kind: 'ret'; readonly k: number; readonly site: number };

/** A built program and, per instruction, the site id given to each `ret` (-1 elsewhere). */
export interface BuiltProgram {
  readonly insns: RawInsn[];
  readonly sites: readonly number[];
}

/** classic BPF conditional jump offsets are u8 (include/uapi/linux/filter.h struct sock_filter jt/jf). */
const MAX_COND_OFFSET = 255;

export class BpfBuilder {
  private readonly items: Item[] = [];
  /** label → index of the item it is bound to (-1 unbound). */
  private readonly bound: number[] = [];
  private readonly sharedReturns = new Map<number, Label>();
  private readonly pendingReturns: { label: Label; k: number; site: number }[] = [];

  newLabel(): Label {
    this.bound.push(-1);
    return (this.bound.length - 1) as Label;
  }

  /** Binds `l` to the next instruction emitted. */
  bind(l: Label): void {
    if (this.bound[l] !== -1) throw new Error(`internal: label ${l} bound twice`);
    this.bound[l] = this.items.length;
  }

  isBound(l: Label): boolean {
    return this.bound[l] !== -1;
  }

  /** Binds a fresh label here and returns it. */
  here(): Label {
    const l = this.newLabel();
    this.bind(l);
    return l;
  }

  ldAbs(offset: number): void {
    this.items.push({ kind: 'plain', code: BPF_LD | BPF_W | BPF_ABS, k: offset });
  }

  alu(op: AluOp, k: number): void {
    this.items.push({ kind: 'plain', code: BPF_ALU | ALU_CODE[op] | BPF_K, k: k >>> 0 });
  }

  jump(op: JmpOp, k: number, jt: Label, jf: Label): void {
    this.items.push({ kind: 'jmp', code: BPF_JMP | JMP_CODE[op] | BPF_K, k: k >>> 0, jt, jf });
  }

  ja(target: Label): void {
    this.items.push({ kind: 'ja', target });
  }

  ret(k: number, site = -1): void {
    this.items.push({ kind: 'ret', k: k >>> 0, site });
  }

  /** A label for "return k", emitted once after the code (or where `placeReturns` is called). */
  returnLabel(k: number, site = -1): Label {
    const key = k >>> 0;
    let l = this.sharedReturns.get(key);
    if (l === undefined) {
      l = this.newLabel();
      this.sharedReturns.set(key, l);
      this.pendingReturns.push({ label: l, k: key, site });
    }
    return l;
  }

  /** Resolves labels, inserting trampolines until every conditional offset fits in 8 bits. The caller checks the length limit. */
  build(): BuiltProgram {
    for (const r of this.pendingReturns) {
      if (!this.isBound(r.label)) {
        this.bind(r.label);
        this.ret(r.k, r.site);
      }
    }
    this.pendingReturns.length = 0;
    for (let pass = 0; ; pass++) {
      if (pass > 64) throw new Error('internal: trampoline insertion did not converge');
      if (!this.insertTrampolines()) break;
    }
    const insns: RawInsn[] = [];
    const sites: number[] = [];
    this.items.forEach((it, i) => {
      const off = (l: Label): number => {
        const t = this.bound[l]!;
        if (t <= i) throw new Error(`internal: backward or unbound jump at ${i} to label ${l}`);
        return t - i - 1;
      };
      switch (it.kind) {
        case 'plain':
          insns.push({ code: it.code, jt: 0, jf: 0, k: it.k });
          break;
        case 'jmp':
          insns.push({ code: it.code, jt: off(it.jt), jf: off(it.jf), k: it.k });
          break;
        case 'ja':
          insns.push({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: off(it.target) });
          break;
        case 'ret':
          insns.push({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: it.k });
          break;
      }
      sites.push(it.kind === 'ret' ? it.site : -1);
    });
    return { insns, sites };
  }

  /**
   * One pass: each conditional branch whose target is too far gets, right after its jump, a copy of
   * the target when it is a `ret` (same size, one instruction fewer at run time) or a `ja`.
   */
  private insertTrampolines(): boolean {
    const inserts: { at: number; item: Item; label: Label }[] = [];
    this.items.forEach((it, i) => {
      if (it.kind !== 'jmp') return;
      for (const side of ['jt', 'jf'] as const) {
        const t = this.bound[it[side]]!;
        if (t - i - 1 <= MAX_COND_OFFSET) continue;
        const target = this.items[t]!;
        const label = this.newLabel();
        const item: Item = target.kind === 'ret' ? { kind: 'ret', k: target.k, site: target.site } : { kind: 'ja', target: it[side] };
        inserts.push({ at: i + 1, item, label });
        it[side] = label;
      }
    });
    if (inserts.length === 0) return false;
    // Insert from the back so earlier indices stay valid; shift bound labels accordingly.
    inserts.sort((a, b) => b.at - a.at);
    for (const ins of inserts) {
      this.items.splice(ins.at, 0, ins.item);
      for (let l = 0; l < this.bound.length; l++) if (this.bound[l]! >= ins.at) this.bound[l]!++;
      this.bound[ins.label] = ins.at;
    }
    return true;
  }
}
