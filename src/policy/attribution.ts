/**
 * @module Which rule produced a verdict: the compiled tables evaluated as libseccomp's BPF walks them
 * (gen_bpf.c: a level tries its nodes in order; a failed sub-level continues with the next node).
 */

import { X32_SYSCALL_BIT } from '../abi/arch.js';
import type { SeccompData } from '../abi/seccomp-data.js';
import { levelFirst, type TreeNode } from './arg-tree.js';
import type { CompiledProfile } from './compile.js';

export interface Attribution {
  readonly value: number;
  /** Rule ids that produced the value; empty for the default and bad-arch actions. */
  readonly rules: readonly number[];
  readonly kind: 'rule' | 'default' | 'bad-arch';
}

function word(d: SeccompData, arg: number, hi: boolean): number {
  const v = d.args[arg]!;
  return Number(hi ? (v >> 32n) & 0xffffffffn : v & 0xffffffffn);
}

function test(n: TreeNode, w: number): boolean {
  const v = (w & n.mask) >>> 0;
  switch (n.op) {
    case 'eq':
    case 'masked_eq':
      return v === n.datum;
    case 'gt':
      return v > n.datum;
    case 'ge':
      return v >= n.datum;
  }
}

type Verdict = { value: number; rules: readonly number[] } | undefined;

/** Walks the level from `n` on; undefined = fell through every node (the caller continues). */
function walk(n: TreeNode | undefined, d: SeccompData, cont: () => Verdict): Verdict {
  for (; n !== undefined; n = n.lvlNxt) {
    const t = test(n, word(d, n.arg, n.hi));
    const nxt = t ? n.nxtT : n.nxtF;
    const act = t ? n.actT : n.actF;
    const after = n.lvlNxt;
    if (nxt !== undefined) return walk(levelFirst(nxt), d, after !== undefined ? () => walk(after, d, cont) : cont);
    if (act !== undefined) return { value: act, rules: t ? n.srcT : n.srcF };
  }
  return cont();
}

/** The verdict for one syscall under the compiled profile, with the rules behind it. */
export function attribute(c: CompiledProfile, d: SeccompData): Attribution {
  const group = c.tables.filter((t) => t.arch.auditArch === d.arch >>> 0);
  if (group.length === 0) return { value: c.badArchAction, rules: [], kind: 'bad-arch' };
  const names = new Set(group.map((t) => t.arch.name));
  const nr = d.nr >>> 0;
  if (names.has('x86_64') && !names.has('x32') && nr >= X32_SYSCALL_BIT && nr !== 0xffffffff) return { value: c.badArchAction, rules: [], kind: 'bad-arch' };
  if (names.has('x32') && !names.has('x86_64') && nr < X32_SYSCALL_BIT) return { value: c.badArchAction, rules: [], kind: 'bad-arch' };
  const def = { value: c.defaultAction, rules: [] as number[] };
  for (const t of group) {
    const e = t.entries.get(nr);
    if (e === undefined) continue;
    const v = e.chains === undefined ? { value: e.action, rules: e.src } : walk(levelFirst(e.chains), d, () => def);
    if (v === undefined || v.rules.length === 0) return { value: c.defaultAction, rules: [], kind: 'default' };
    return { value: v.value, rules: [...v.rules].sort((a, b) => a - b), kind: 'rule' };
  }
  return { value: c.defaultAction, rules: [], kind: 'default' };
}

/** "rule 3", "ambiguous: rules 3 or 7", "default action", "bad arch" — as logs print it. */
export function describeAttribution(a: Attribution): string {
  if (a.kind === 'default') return 'default action';
  if (a.kind === 'bad-arch') return 'arch not in filter';
  if (a.rules.length === 1) return `rule ${a.rules[0]}`;
  return `ambiguous: rules ${a.rules.slice(0, -1).join(', ')} or ${a.rules[a.rules.length - 1]}`;
}

/** Rules that can end at the `ret` at `pc` (a program path's last instruction): every rule returning that value. */
export function rulesAtPc(c: CompiledProfile, pc: number): Attribution | undefined {
  const v = c.sites[pc];
  if (v === undefined || v < 0) return undefined;
  const ids = new Set<number>();
  for (const r of c.rules) if (r.status === 'active' && r.action >>> 0 === v >>> 0) ids.add(r.id);
  if (ids.size === 0) return { value: v, rules: [], kind: v === c.badArchAction ? 'bad-arch' : 'default' };
  return { value: v, rules: [...ids].sort((a, b) => a - b), kind: 'rule' };
}
