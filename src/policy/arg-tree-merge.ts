/**
 * @module Adding one rule to a syscall's argument tree the way libseccomp does (db.c _db_rule_gen_64/32,
 * _db_tree_prune, _db_tree_add, db_rule_add), so overlapping OCI rules mean what they mean under runc.
 */

import {
  chainEq, chainLt, chainsRef, fieldRef, hi32, isLeaf, levelFirst, lo32, newNode, nodeGet, nodePut, ref,
  treeActionsAll, treePut, treeRemove, type ArgCmp, type SysEntry, type TreeNode, type Ref,
} from './arg-tree.js';

/** One rule as handed to libseccomp for one arch: syscall number there, action, at most one condition per index. */
export interface DbRule {
  readonly id: number;
  readonly nr: number;
  readonly action: number;
  readonly args: readonly ArgCmp[];
}

/** Which libseccomp to mimic: 2.5.x has a slip in _db_tree_add (an LT/LE clash updates act_t), fixed in 2.6.0. */
export type DbFlavour = '2.5' | '2.6';

export type AddOutcome = 'ok' | 'eexist';

// db.c struct db_iter_state flags.
const MATCH = 0x1, MATCH_ONCE = 0x2, X_FINISHED = 0x10, N_FINISHED = 0x20, X_PREFIX = 0x100, N_PREFIX = 0x200;
const M_MATCHSET = MATCH | MATCH_ONCE;
const M_REDUNDANT = MATCH | X_FINISHED | N_PREFIX;

interface IterState {
  flags: number;
  action: number | undefined;
  readonly sx: SysEntry;
}

/** db.c _db_rule_gen_64: each condition becomes hi/lo 32-bit nodes (three for ranges). */
function gen64(rule: DbRule): TreeNode | undefined {
  let root: TreeNode | undefined;
  let prev: (TreeNode | undefined)[] = [];
  let opPrev: ArgCmp['op'] | undefined;
  let cur: (TreeNode | undefined)[] = [];
  for (const a of [...rule.args].sort((x, y) => x.index - y.index)) {
    const needLo = !(a.op === 'masked_eq' && lo32(a.mask) === 0);
    const needHi = !(a.op === 'masked_eq' && hi32(a.mask) === 0);
    if (!needHi && !needLo) continue;
    const hm = hi32(a.mask), lm = lo32(a.mask), hd = hi32(a.datum), ld = lo32(a.datum);
    switch (a.op) {
      case 'gt':
      case 'ge':
      case 'le':
      case 'lt': {
        const c0 = newNode(a.index, true, 'gt', a.op, hm, hd, a.datum);
        const c1 = newNode(a.index, true, 'eq', a.op, hm, hd, a.datum);
        const c2 = newNode(a.index, false, a.op === 'gt' || a.op === 'le' ? 'gt' : 'ge', a.op, lm, ld, a.datum);
        c0.nxtF = nodeGet(c1);
        c1.nxtT = nodeGet(c2);
        cur = [c0, c1, c2];
        break;
      }
      case 'eq':
      case 'masked_eq':
      case 'ne': {
        const op = a.op === 'masked_eq' ? 'masked_eq' : 'eq';
        const c0 = newNode(a.index, true, op, a.op, hm, hd, a.datum);
        const c1 = newNode(a.index, false, op, a.op, lm, ld, a.datum);
        c0.nxtT = nodeGet(c1);
        cur = [c0, c1, undefined];
        break;
      }
    }
    if (prev[0] !== undefined) {
      // Where the previous condition "accepts", the next condition's first node follows.
      switch (opPrev) {
        case 'gt':
        case 'ge':
          prev[0].nxtT = nodeGet(cur[0]);
          prev[2]!.nxtT = nodeGet(cur[0]);
          break;
        case 'eq':
        case 'masked_eq':
          prev[1]!.nxtT = nodeGet(cur[0]);
          break;
        case 'le':
        case 'lt':
          prev[1]!.nxtF = nodeGet(cur[0]);
          prev[2]!.nxtF = nodeGet(cur[0]);
          break;
        case 'ne':
          prev[0].nxtF = nodeGet(cur[0]);
          prev[1]!.nxtF = nodeGet(cur[0]);
          break;
        case undefined:
          throw new Error('internal: no previous op');
      }
    } else root = nodeGet(cur[0]);
    prev = cur;
    opPrev = a.op;
  }
  if (root === undefined) return undefined;
  const setT = (n: TreeNode | undefined): void => {
    n!.actT = rule.action;
    n!.srcT = [rule.id];
  };
  const setF = (n: TreeNode | undefined): void => {
    n!.actF = rule.action;
    n!.srcF = [rule.id];
  };
  switch (opPrev) {
    case 'gt':
    case 'ge':
      setT(cur[0]);
      setT(cur[2]);
      break;
    case 'le':
    case 'lt':
      setF(cur[1]);
      setF(cur[2]);
      break;
    case 'eq':
    case 'masked_eq':
      setT(cur[1]);
      break;
    case 'ne':
      setF(cur[0]);
      setF(cur[1]);
      break;
    case undefined:
      break;
  }
  return root;
}

/** db.c _db_rule_gen_32: one node per condition on the low word; NE/LT/LE become EQ/GE/GT taken on false. */
function gen32(rule: DbRule): TreeNode | undefined {
  let root: TreeNode | undefined;
  let prev: TreeNode | undefined;
  let onTrue = true;
  let last: TreeNode | undefined;
  for (const a of [...rule.args].sort((x, y) => x.index - y.index)) {
    if (a.op === 'masked_eq' && lo32(a.mask) === 0) continue;
    const op = a.op === 'ne' ? 'eq' : a.op === 'lt' ? 'ge' : a.op === 'le' ? 'gt' : a.op;
    const c = newNode(a.index, false, op, a.op, lo32(a.mask), lo32(a.datum), a.datum);
    if (prev !== undefined) {
      if (onTrue) prev.nxtT = nodeGet(c);
      else prev.nxtF = nodeGet(c);
    } else root = nodeGet(c);
    onTrue = !(a.op === 'ne' || a.op === 'lt' || a.op === 'le');
    prev = c;
    last = c;
  }
  if (last !== undefined) {
    if (onTrue) {
      last.actT = rule.action;
      last.srcT = [rule.id];
    } else {
      last.actF = rule.action;
      last.srcF = [rule.id];
    }
  }
  return root;
}

function prune(existing: Ref, nw: TreeNode | undefined, state: IterState): number {
  let cnt = 0;
  const stateNew: IterState = { ...state };
  let x: TreeNode | undefined = existing.v;
  const n = nw;
  const finish = (): number => {
    if (stateNew.flags & MATCH) state.flags |= stateNew.flags;
    else state.flags &= ~MATCH;
    return cnt;
  };
  if (n === undefined || x === undefined) return finish();
  if ((state.flags & M_MATCHSET) === MATCH_ONCE) return finish();
  x = levelFirst(x);
  // Descend into `sub` against `nsub`; returns 'stop' (prune_return), 'next' (node freed), or 'go'.
  const descend = (xr: Ref, exSub: Ref, nSub: TreeNode, clear: boolean, add: number): 'stop' | 'next' | 'go' => {
    nodeGet(xr.v);
    const st: IterState = { ...state, flags: clear ? (state.flags & ~MATCH) | add : state.flags | add };
    cnt += prune(exSub, nSub, st);
    cnt += nodePut(xr);
    if (st.flags & MATCH) {
      stateNew.flags |= st.flags;
      if (clear) return 'stop';
    }
    return xr.v === undefined ? 'next' : 'go';
  };
  do {
    const xNext: TreeNode | undefined = x.lvlNxt;
    const xr = ref(x);
    let step: 'stop' | 'next' | 'go' = 'go';
    if (chainEq(x, n)) {
      stateNew.flags |= M_MATCHSET;
      if (isLeaf(n)) stateNew.flags |= N_FINISHED;
      if (isLeaf(x)) stateNew.flags |= X_FINISHED;
      if ((x.actT !== undefined || x.nxtT) && !(n.actT !== undefined || n.nxtT)) return finish();
      if ((x.actF !== undefined || x.nxtF) && !(n.actF !== undefined || n.nxtF)) return finish();
      if (stateNew.flags & N_FINISHED && stateNew.flags & X_FINISHED) {
        if (n.actT !== x.actT || n.actF !== x.actF) return finish();
      }
      if (n.nxtT) {
        const cur = xr.v!;
        step = descend(xr, fieldRef(cur, 'nxtT'), n.nxtT, false, M_MATCHSET);
      }
      if (step === 'go' && n.nxtF) {
        const cur = xr.v!;
        step = descend(xr, fieldRef(cur, 'nxtF'), n.nxtF, false, M_MATCHSET);
      }
      if (step === 'go') {
        const cur = xr.v!;
        const same = treeActionsAll(cur, stateNew.action);
        if (same && stateNew.flags & MATCH && stateNew.flags & N_FINISHED && stateNew.flags & X_PREFIX) {
          // The new rule is shorter: it covers the existing branch, which goes.
          cnt += treeRemove(chainsRef(state.sx), cur);
          if (state.sx.chains === undefined) return finish();
        } else if (same && stateNew.flags & MATCH && stateNew.flags & X_FINISHED && stateNew.flags & N_PREFIX) {
          return finish();
        }
      }
    } else if (chainLt(x, n)) {
      if (state.flags & N_PREFIX) return finish();
      if (x.nxtT) {
        const cur = xr.v!;
        step = descend(xr, fieldRef(cur, 'nxtT'), n, true, X_PREFIX);
      }
      if (step === 'go' && xr.v!.nxtF) {
        const cur = xr.v!;
        step = descend(xr, fieldRef(cur, 'nxtF'), n, true, X_PREFIX);
      }
    } else {
      if (state.flags & X_PREFIX) return finish();
      if (n.nxtT) step = descend(xr, xr, n.nxtT, true, N_PREFIX);
      if (step === 'go' && n.nxtF) step = descend(xr, xr, n.nxtF, true, N_PREFIX);
    }
    if (step === 'stop') return finish();
    x = xNext;
  } while (x !== undefined);
  stateNew.flags &= ~MATCH;
  return finish();
}

function add(existing: Ref, nw: TreeNode, flavour: DbFlavour): AddOutcome {
  let x: TreeNode | undefined = existing.v;
  const n = nw;
  while (x !== undefined) {
    if (chainEq(x, n)) {
      if (n.actT !== undefined) {
        if (x.actT === undefined) {
          if (!treeActionsAll(x.nxtT, n.actT)) return 'eexist';
          nodePut(fieldRef(x, 'nxtT'));
          x.nxtT = undefined;
          x.actT = n.actT;
          x.srcT = [...n.srcT];
        } else if (n.actT !== x.actT) {
          // 64-bit GT/GE: the rule with the larger full value decides (db.c comment).
          if (n.hi && n.datumFull > x.datumFull) {
            x.actT = n.actT;
            x.srcT = [...n.srcT];
          }
          if (isLeaf(x) || isLeaf(n)) return 'eexist';
        } else x.srcT = [...new Set([...x.srcT, ...n.srcT])];
      }
      if (n.actF !== undefined) {
        if (x.actF === undefined) {
          if (!treeActionsAll(x.nxtF, n.actF)) return 'eexist';
          nodePut(fieldRef(x, 'nxtF'));
          x.nxtF = undefined;
          x.actF = n.actF;
          x.srcF = [...n.srcF];
        } else if (n.actF !== x.actF) {
          if (n.hi && n.datumFull < x.datumFull) {
            if (flavour === '2.5') {
              x.actT = n.actT; // libseccomp ≤ 2.5.x updates the true action here (fixed in 2.6.0)
              x.srcT = [...n.srcT];
            } else {
              x.actF = n.actF;
              x.srcF = [...n.srcF];
            }
          }
          if (isLeaf(x) || isLeaf(n)) return 'eexist';
        } else x.srcF = [...new Set([...x.srcF, ...n.srcF])];
      }
      if (n.nxtT) {
        if (x.nxtT) {
          const r = add(fieldRef(x, 'nxtT'), n.nxtT, flavour);
          if (r !== 'ok') return r;
        } else if (x.actT === undefined) x.nxtT = nodeGet(n.nxtT);
        else return 'ok';
      }
      if (n.nxtF) {
        if (x.nxtF) {
          const r = add(fieldRef(x, 'nxtF'), n.nxtF, flavour);
          if (r !== 'ok') return r;
        } else if (x.actF === undefined) x.nxtF = nodeGet(n.nxtF);
        else return 'ok';
      }
      return 'ok';
    } else if (!chainLt(x, n)) {
      if (x.lvlNxt === undefined) {
        n.lvlPrv = nodeGet(x);
        x.lvlNxt = nodeGet(n);
        return 'ok';
      }
      x = x.lvlNxt;
    } else {
      if (x.lvlPrv !== undefined) {
        x.lvlPrv.lvlNxt = nodeGet(n);
        n.lvlPrv = x.lvlPrv;
        x.lvlPrv = nodeGet(n);
        n.lvlNxt = x;
      } else {
        x.lvlPrv = nodeGet(n);
        n.lvlNxt = nodeGet(x);
      }
      if (existing.v === x) {
        existing.v = nodeGet(n);
        nodePut(ref(x));
      }
      return 'ok';
    }
  }
  return 'ok';
}

/**
 * db.c db_rule_add(): merges `rule` into `table` (syscall number → entry). 'eexist' means libseccomp
 * refuses the rule (seccomp_rule_add fails with -EEXIST and runc aborts).
 */
export function addRule(table: Map<number, SysEntry>, rule: DbRule, bits: 32 | 64, flavour: DbFlavour): AddOutcome {
  const chains = bits === 64 ? gen64(rule) : gen32(rule);
  const s = table.get(rule.nr);
  if (s === undefined) {
    table.set(rule.nr, { nr: rule.nr, action: rule.action, src: [rule.id], chains });
    return 'ok';
  }
  const newRef = ref(chains);
  let removed = false;
  for (;;) {
    if (s.chains === undefined) {
      if (removed) {
        s.chains = newRef.v;
        s.action = rule.action;
        s.src = [rule.id];
      } else if (newRef.v === undefined && s.action === rule.action) s.src.push(rule.id);
      else treePut(newRef); // the existing rule without conditions already covers the syscall
      return 'ok';
    }
    if (newRef.v === undefined) {
      treePut(chainsRef(s));
      s.chains = undefined;
      s.action = rule.action;
      s.src = [rule.id];
      return 'ok';
    }
    const st: IterState = { flags: 0, action: rule.action, sx: s };
    const cnt = prune(chainsRef(s), newRef.v, st);
    if (cnt > 0) {
      removed = true;
      if (s.chains === undefined) continue;
    } else if ((st.flags & M_REDUNDANT) === M_REDUNDANT) {
      treePut(newRef);
      return 'ok';
    }
    break;
  }
  const r = add(chainsRef(s), newRef.v, flavour);
  if (r !== 'ok') return r;
  treePut(newRef);
  return 'ok';
}
