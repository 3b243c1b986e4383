/**
 * @module Code generator: per-arch syscall tables of verdicts → one classic-BPF program. Arch dispatch,
 * then a cost-weighted search over ranges of syscall numbers with equal verdicts, then argument trees;
 * identical blocks are shared (returns, tails), and syscalls decided by number never load args or ip.
 */

import { OFFSETS } from '../abi/seccomp-data.js';
import { X32_SYSCALL_BIT, type ArchInfo } from '../abi/arch.js';
import { BpfBuilder, type Label } from '../bpf/builder.js';
import type { RawInsn } from '../bpf/insn-codec.js';
import type { JmpOp } from '../bpf/insn.js';
import { levelFirst, type SysEntry, type TreeNode } from './arg-tree.js';
import { optimalSplits } from './range-search.js';

/** One arch's verdicts: entries by syscall number as seen in seccomp_data.nr. */
export interface ArchTable {
  readonly arch: ArchInfo;
  readonly entries: ReadonlyMap<number, SysEntry>;
  /** The arch's syscall numbers [first, last] (x32 with its bit): weighted equally in the search. */
  readonly span: readonly [number, number];
}

export interface CodegenInput {
  readonly tables: readonly ArchTable[];
  readonly defaultAction: number;
  /** What a syscall from an arch (or ABI) not in the filter gets; libseccomp's default is KILL_THREAD. */
  readonly badArchAction: number;
}

type Pre = { readonly op: 'ld'; readonly k: number } | { readonly op: 'and'; readonly k: number };
type Block =
  | { readonly id: number; readonly kind: 'ret'; readonly value: number }
  | { readonly id: number; readonly kind: 'test'; readonly pre: readonly Pre[]; readonly op: JmpOp; readonly k: number; readonly t: Block; readonly f: Block };

/** What the accumulator holds: the word at `off` ANDed with `mask`; off -1 = unknown. */
interface Acc {
  readonly off: number;
  readonly mask: number;
}
const ACC_UNKNOWN: Acc = { off: -1, mask: 0xffffffff };
const ACC_NR: Acc = { off: OFFSETS.nr, mask: 0xffffffff };
const ACC_ARCH: Acc = { off: OFFSETS.arch, mask: 0xffffffff };

/** Hash-consed blocks: one block per distinct (code, targets), which shares tails and returns. */
class BlockPool {
  private readonly byKey = new Map<string, Block>();
  private next = 0;

  ret(value: number): Block {
    const v = value >>> 0;
    const key = `r${v}`;
    let b = this.byKey.get(key);
    if (b === undefined) {
      b = { id: this.next++, kind: 'ret', value: v };
      this.byKey.set(key, b);
    }
    return b;
  }

  test(pre: readonly Pre[], op: JmpOp, k: number, t: Block, f: Block): Block {
    if (t === f && pre.length === 0) return t; // the test decides nothing
    const key = `t${pre.map((p) => `${p.op}${p.k}`).join(',')}|${op}${k >>> 0}|${t.id}|${f.id}`;
    let b = this.byKey.get(key);
    if (b === undefined) {
      b = { id: this.next++, kind: 'test', pre, op, k: k >>> 0, t, f };
      this.byKey.set(key, b);
    }
    return b;
  }
}

/** Emits libseccomp's tree walk (gen_bpf.c _gen_bpf_chain semantics): a level tries its nodes in order. */
class TreeEmitter {
  private readonly memo = new Map<string, Block>();
  private readonly ids = new WeakMap<TreeNode, number>();
  private nextId = 0;

  constructor(private readonly pool: BlockPool, private readonly arch: ArchInfo) {}

  private nodeId(n: TreeNode): number {
    let id = this.ids.get(n);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(n, id);
    }
    return id;
  }

  private wordOffset(n: TreeNode): number {
    const base = OFFSETS.args + 8 * n.arg;
    // Big-endian arches keep the high word first (libseccomp arch.c arch_arg_offset_hi/lo).
    const hiFirst = !this.arch.littleEndian;
    return base + ((n.hi ? !hiFirst : hiFirst) ? 4 : 0);
  }

  /** The block that runs node `n` and its later siblings, falling through to `cont`, with A = `acc`. */
  from(n: TreeNode, cont: Block, acc: Acc): Block {
    const key = `${this.nodeId(n)}|${cont.id}|${acc.off}|${acc.mask}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    const pre: Pre[] = [];
    let a = acc;
    const off = this.wordOffset(n);
    if (a.off !== off || ((n.mask & a.mask) >>> 0) !== n.mask) {
      pre.push({ op: 'ld', k: off });
      a = { off, mask: 0xffffffff };
    }
    if (n.mask !== a.mask) {
      pre.push({ op: 'and', k: n.mask });
      a = { off, mask: n.mask };
    }
    // `cont` never assumes anything about A: a sub-level that fails reaches it with its own word loaded.
    const sib = n.lvlNxt !== undefined ? this.from(n.lvlNxt, cont, a) : cont;
    const sibAfterSub = n.lvlNxt !== undefined ? this.from(n.lvlNxt, cont, ACC_UNKNOWN) : cont;
    const branch = (nxt: TreeNode | undefined, act: number | undefined): Block =>
      nxt !== undefined ? this.from(levelFirst(nxt), sibAfterSub, a) : act !== undefined ? this.pool.ret(act) : sib;
    const op: JmpOp = n.op === 'gt' ? 'jgt' : n.op === 'ge' ? 'jge' : 'jeq';
    const b = this.pool.test(pre, op, n.datum, branch(n.nxtT, n.actT), branch(n.nxtF, n.actF));
    this.memo.set(key, b);
    return b;
  }
}

interface Range {
  readonly lo: number;
  readonly hi: number;
  readonly block: Block;
  readonly weight: number;
}

/** Verdict ranges over the whole u32 number space for tables sharing one AUDIT_ARCH value. */
function ranges(group: readonly ArchTable[], pool: BlockPool, input: CodegenInput, accAtLeaf: Acc): Range[] {
  const def = pool.ret(input.defaultAction);
  const bad = pool.ret(input.badArchAction);
  const names = new Set(group.map((t) => t.arch.name));
  // gen_bpf.c _gen_bpf_arch: alone, x86_64 sends nr ≥ 0x40000000 (except -1) to the bad-arch action,
  // and x32 sends nr < 0x40000000 there; together their numbers simply share one table.
  const base: { lo: number; hi: number; block: Block }[] = [];
  if (names.has('x86_64') && !names.has('x32')) {
    base.push({ lo: 0, hi: X32_SYSCALL_BIT - 1, block: def }, { lo: X32_SYSCALL_BIT, hi: 0xfffffffe, block: bad }, { lo: 0xffffffff, hi: 0xffffffff, block: def });
  } else if (names.has('x32') && !names.has('x86_64')) {
    base.push({ lo: 0, hi: X32_SYSCALL_BIT - 1, block: bad }, { lo: X32_SYSCALL_BIT, hi: 0xffffffff, block: def });
  } else base.push({ lo: 0, hi: 0xffffffff, block: def });
  const emitters = new Map(group.map((t) => [t, new TreeEmitter(pool, t.arch)]));
  const points: { nr: number; block: Block }[] = [];
  for (const t of group) {
    for (const e of t.entries.values()) {
      if (e.nr < 0) continue; // pseudo numbers never reach a filter (gen_bpf.c _skip_syscall)
      const block = e.chains === undefined ? pool.ret(e.action) : emitters.get(t)!.from(levelFirst(e.chains), def, accAtLeaf);
      points.push({ nr: e.nr >>> 0, block });
    }
  }
  points.sort((a, b) => a.nr - b.nr);
  const segs: { lo: number; hi: number; block: Block }[] = [];
  const push = (lo: number, hi: number, block: Block): void => {
    const last = segs[segs.length - 1];
    if (last !== undefined && last.block === block && last.hi + 1 === lo) segs[segs.length - 1] = { lo: last.lo, hi, block };
    else segs.push({ lo, hi, block });
  };
  let pi = 0;
  for (const b of base) {
    let cur = b.lo;
    while (pi < points.length && points[pi]!.nr <= b.hi) {
      const p = points[pi++]!;
      if (p.nr > cur) push(cur, p.nr - 1, b.block);
      push(p.nr, p.nr, p.block);
      cur = p.nr + 1;
    }
    if (cur <= b.hi) push(cur, b.hi, b.block);
  }
  // Every number up to the tables' highest syscall weighs the same; the rest of the space almost nothing.
  return segs.map((s) => {
    let w = 1e-3;
    for (const [lo, hi] of group.map((t) => t.span)) {
      const a = Math.max(lo, s.lo), b = Math.min(hi, s.hi);
      if (b >= a) w += b - a + 1;
    }
    return { ...s, weight: w };
  });
}

/** A search tree over ranges (jge splits), with A = nr at every test. */
function searchTree(rs: readonly Range[], pool: BlockPool): Block {
  const root = optimalSplits(rs.map((r) => r.weight));
  const build = (i: number, j: number): Block => {
    if (i === j) return rs[i]!.block;
    const r = root(i, j);
    return pool.test([], 'jge', rs[r]!.lo, build(r, j), build(i, r - 1));
  };
  return build(0, rs.length - 1);
}

function withPre(pool: BlockPool, pre: Pre, b: Block): Block {
  if (b.kind === 'ret') return b;
  return pool.test([pre, ...b.pre], b.op, b.k, b.t, b.f);
}

/** Builds the whole filter. Returns the instructions and, per instruction, the returned value's site (-1 if not a ret). */
export function generate(input: CodegenInput): { insns: RawInsn[]; sites: readonly number[] } {
  const pool = new BlockPool();
  const bad = pool.ret(input.badArchAction);
  const groups = new Map<number, ArchTable[]>();
  for (const t of input.tables) {
    const g = groups.get(t.arch.auditArch) ?? [];
    g.push(t);
    groups.set(t.arch.auditArch, g);
  }
  let next: Block = bad;
  const order = [...groups.entries()].reverse();
  for (const [audit, group] of order) {
    const rsNr = ranges(group, pool, input, ACC_NR);
    let body: Block;
    if (rsNr.length === 1) body = ranges(group, pool, input, ACC_ARCH)[0]!.block;
    else body = withPre(pool, { op: 'ld', k: OFFSETS.nr }, searchTree(rsNr, pool));
    next = pool.test([], 'jeq', audit, body, next);
  }
  const entry = withPre(pool, { op: 'ld', k: OFFSETS.arch }, next);
  return emit(entry);
}

/** Lays blocks out in an order where every jump goes forward, preferring the false branch as fall-through. */
function emit(entry: Block): { insns: RawInsn[]; sites: readonly number[] } {
  const order: Block[] = [];
  const seen = new Set<number>();
  const stack: { b: Block; state: number }[] = [{ b: entry, state: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const b = top.b;
    if (top.state === 0) {
      if (seen.has(b.id)) {
        stack.pop();
        continue;
      }
      seen.add(b.id);
    }
    if (b.kind === 'test' && top.state < 2) {
      const child = top.state === 0 ? b.t : b.f;
      top.state++;
      if (!seen.has(child.id)) stack.push({ b: child, state: 0 });
      continue;
    }
    stack.pop();
    order.push(b);
  }
  order.reverse();
  const builder = new BpfBuilder();
  const labels = new Map<number, Label>();
  const labelOf = (b: Block): Label => {
    let l = labels.get(b.id);
    if (l === undefined) {
      l = builder.newLabel();
      labels.set(b.id, l);
    }
    return l;
  };
  for (const b of order) {
    builder.bind(labelOf(b));
    if (b.kind === 'ret') {
      builder.ret(b.value, b.value);
      continue;
    }
    for (const p of b.pre) {
      if (p.op === 'ld') builder.ldAbs(p.k);
      else builder.alu('and', p.k);
    }
    builder.jump(b.op, b.k, labelOf(b.t), labelOf(b.f));
  }
  return builder.build();
}
