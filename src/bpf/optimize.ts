/**
 * @module Semantics-preserving bytecode passes for classic BPF, run to a fixpoint by one driver:
 * jump threading through `ja`, tests whose branches agree, and removal of unreachable or
 * no-op instructions. Offsets are re-resolved; a rewrite never makes a conditional offset exceed 255.
 */

import { BPF_JA, BPF_JMP } from './opcodes.js';
import type { RawInsn } from './insn-codec.js';
import { decodeInsn } from './insn.js';
import { verify } from './verify.js';

/** An instruction with absolute targets, so passes can move things freely. */
export interface OptNode {
  raw: RawInsn;
  kind: 'jcond' | 'ja' | 'ret' | 'other';
  /** Absolute targets: jcond [t, f]; ja [t]. */
  t: number;
  f: number;
  alive: boolean;
}

function toNodes(prog: readonly RawInsn[]): OptNode[] {
  return prog.map((raw, i) => {
    const d = decodeInsn(raw);
    switch (d.kind) {
      case 'jcond':
        return { raw, kind: 'jcond', t: i + 1 + d.jt, f: i + 1 + d.jf, alive: true };
      case 'ja':
        return { raw, kind: 'ja', t: i + 1 + d.k, f: -1, alive: true };
      case 'ret':
        return { raw, kind: 'ret', t: -1, f: -1, alive: true };
      default:
        return { raw, kind: 'other', t: -1, f: -1, alive: true };
    }
  });
}

/** One rewrite: returns whether it changed anything. */
export type Pass = (nodes: OptNode[]) => boolean;

/** The index an instruction will have once dead ones are dropped (for the 255 check). */
function liveIndex(nodes: readonly OptNode[]): number[] {
  const idx: number[] = [];
  let n = 0;
  for (const x of nodes) {
    idx.push(n);
    if (x.alive) n++;
  }
  return idx;
}

/** A jump to a `ja` goes straight to the `ja`'s target (when a conditional offset still fits). */
const threadJumps: Pass = (nodes) => {
  let changed = false;
  const idx = liveIndex(nodes);
  const final = (t: number): number => {
    for (let hops = 0; hops < nodes.length && nodes[t]!.kind === 'ja'; hops++) t = nodes[t]!.t;
    return t;
  };
  nodes.forEach((x, i) => {
    if (!x.alive) return;
    if (x.kind === 'ja') {
      const t = final(x.t);
      if (t !== x.t) [x.t, changed] = [t, true];
    } else if (x.kind === 'jcond') {
      for (const side of ['t', 'f'] as const) {
        const t = final(x[side]);
        if (t !== x[side] && idx[t]! - idx[i]! - 1 <= 255) [x[side], changed] = [t, true];
      }
    }
  });
  return changed;
};

/** A test whose two branches go to the same place, or to returns of one value, decides nothing. */
const agreeingBranches: Pass = (nodes) => {
  let changed = false;
  for (const x of nodes) {
    if (!x.alive || x.kind !== 'jcond') continue;
    const a = nodes[x.t]!, b = nodes[x.f]!;
    if (x.t === x.f) {
      x.kind = 'ja';
      x.raw = { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: 0 };
      x.f = -1;
      changed = true;
    } else if (a.kind === 'ret' && b.kind === 'ret' && a.raw.code === b.raw.code && a.raw.k === b.raw.k) {
      x.kind = 'ret';
      x.raw = a.raw;
      x.t = x.f = -1;
      changed = true;
    }
  }
  return changed;
};

/** Drops what no path reaches, and a `ja` to the next live instruction. */
const deadCode: Pass = (nodes) => {
  const seen = new Array<boolean>(nodes.length).fill(false);
  const stack = [0];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (i >= nodes.length || seen[i]) continue;
    seen[i] = true;
    const x = nodes[i]!;
    if (x.kind === 'jcond') stack.push(x.t, x.f);
    else if (x.kind === 'ja') stack.push(x.t);
    else if (x.kind === 'other') stack.push(i + 1);
  }
  let changed = false;
  nodes.forEach((x, i) => {
    if (x.alive && !seen[i]) [x.alive, changed] = [false, true];
  });
  nodes.forEach((x, i) => {
    if (!x.alive || x.kind !== 'ja') return;
    let next = i + 1;
    while (next < nodes.length && !nodes[next]!.alive) next++;
    if (x.t === next) [x.alive, changed] = [false, true];
  });
  return changed;
};

export const PASSES: readonly Pass[] = [threadJumps, agreeingBranches, deadCode];

/** A target that died moves to the next live instruction (a dead `ja` to the next one is exactly that). */
function relocate(nodes: readonly OptNode[], t: number): number {
  while (t < nodes.length && !nodes[t]!.alive) {
    const x = nodes[t]!;
    t = x.kind === 'ja' ? x.t : t + 1;
  }
  return t;
}

/**
 * Runs `passes` until none changes the program (the one fixpoint driver), then lays it out again.
 * The input must be a verified program; the output computes the same function and is never longer.
 * The kernel's scratch-memory check depends on layout (net/core/filter.c check_load_and_stores():
 * a RET does not reset the valid-slot mask for the instruction after it), so a result the verifier
 * would refuse is dropped and the input returned unchanged.
 */
export function optimize(prog: readonly RawInsn[], passes: readonly Pass[] = PASSES): RawInsn[] {
  const nodes = toNodes(prog);
  for (let round = 0; round < 100; round++) {
    let changed = false;
    for (const p of passes) changed = p(nodes) || changed;
    if (!changed) break;
    for (const x of nodes) {
      if (x.t >= 0) x.t = relocate(nodes, x.t);
      if (x.f >= 0) x.f = relocate(nodes, x.f);
    }
  }
  const idx = liveIndex(nodes);
  const out: RawInsn[] = [];
  nodes.forEach((x, i) => {
    if (!x.alive) return;
    const at = idx[i]!;
    if (x.kind === 'jcond') out.push({ ...x.raw, jt: idx[x.t]! - at - 1, jf: idx[x.f]! - at - 1 });
    else if (x.kind === 'ja') out.push({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: idx[x.t]! - at - 1 });
    else out.push(x.raw);
  });
  return verify(out).ok ? out : [...prog];
}
