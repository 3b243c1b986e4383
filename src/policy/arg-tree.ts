/**
 * @module The argument-comparison tree of one syscall, built rule by rule with libseccomp's merge
 * semantics (src/db.c of libseccomp 2.5/2.6, re-implemented), and the walk that decides a verdict.
 *
 * Why reproduce libseccomp instead of "first match wins": runc and crun hand OCI rules to libseccomp,
 * so a profile means what libseccomp makes of it. Overlapping rules are resolved by where a rule's
 * comparison nodes land in a sorted per-level list (43-sim-a2_order: the tightest range wins), by
 * shorter rules cutting longer ones, and by a few historical quirks. The structure below is a DAG
 * with reference counts because libseccomp's pruning depends on when a node is freed.
 */

/** SCMP_CMP_* operators (libseccomp include/seccomp.h.in enum scmp_compare). */
export type CmpOp = 'ne' | 'lt' | 'le' | 'eq' | 'ge' | 'gt' | 'masked_eq';
/** What one BPF jump compares after libseccomp's rewrite: NE/LT/LE become EQ/GE/GT with swapped branches. */
export type NodeOp = 'eq' | 'masked_eq' | 'gt' | 'ge';

/** One argument condition as libseccomp stores it: MASKED_EQ means (arg & mask) == datum. */
export interface ArgCmp {
  readonly index: number;
  readonly op: CmpOp;
  readonly mask: bigint;
  readonly datum: bigint;
}

export interface TreeNode {
  readonly arg: number;
  /** Compares the high 32 bits of the argument (64-bit arches only). */
  readonly hi: boolean;
  readonly op: NodeOp;
  readonly opOrig: CmpOp;
  readonly mask: number;
  readonly datum: number;
  readonly datumFull: bigint;
  actT: number | undefined;
  actF: number | undefined;
  /** Rule ids behind actT/actF, for attribution. */
  srcT: number[];
  srcF: number[];
  nxtT: TreeNode | undefined;
  nxtF: TreeNode | undefined;
  lvlPrv: TreeNode | undefined;
  lvlNxt: TreeNode | undefined;
  refcnt: number;
}

/** A syscall's entry: a constant action, or a tree. */
export interface SysEntry {
  readonly nr: number;
  action: number;
  src: number[];
  chains: TreeNode | undefined;
}

/** A place that holds a node pointer (C's `struct db_arg_chain_tree **`). */
interface Ref {
  v: TreeNode | undefined;
}

const ref = (v: TreeNode | undefined): Ref => ({ v });
function fieldRef<K extends 'nxtT' | 'nxtF'>(n: TreeNode, k: K): Ref {
  return {
    get v() {
      return n[k];
    },
    set v(x) {
      n[k] = x;
    },
  };
}
function chainsRef(s: SysEntry): Ref {
  return {
    get v() {
      return s.chains;
    },
    set v(x) {
      s.chains = x;
    },
  };
}

const U32 = 0xffffffffn;
const hi32 = (v: bigint): number => Number((v >> 32n) & U32);
const lo32 = (v: bigint): number => Number(v & U32);

function newNode(arg: number, hi: boolean, op: NodeOp, opOrig: CmpOp, mask: number, datum: number, datumFull: bigint): TreeNode {
  // db.c _db_node_mask_fixup(): the datum is stored masked.
  return {
    arg, hi, op, opOrig, mask: mask >>> 0, datum: (datum & mask) >>> 0, datumFull,
    actT: undefined, actF: undefined, srcT: [], srcF: [], nxtT: undefined, nxtF: undefined,
    lvlPrv: undefined, lvlNxt: undefined, refcnt: 0,
  };
}

function get(n: TreeNode | undefined): TreeNode | undefined {
  if (n !== undefined) n.refcnt++;
  return n;
}

const isLeaf = (n: TreeNode): boolean => n.nxtT === undefined && n.nxtF === undefined;
const isZombie = (n: TreeNode): boolean => isLeaf(n) && n.actT === undefined && n.actF === undefined;
const first = (n: TreeNode): TreeNode => {
  while (n.lvlPrv !== undefined) n = n.lvlPrv;
  return n;
};

// --- ordering on a level (db.c _db_chain_lt / _db_chain_eq) ---

const argPriority = (n: TreeNode): number => (n.arg << 1) + (n.hi ? 1 : 0);
function opPriority(op: CmpOp): number {
  switch (op) {
    case 'masked_eq':
    case 'eq':
    case 'ne':
      return 3;
    case 'le':
    case 'lt':
      return 2;
    case 'ge':
    case 'gt':
      return 1;
  }
}

function chainLt(a: TreeNode, b: TreeNode): boolean {
  const pa = argPriority(a), pb = argPriority(b);
  if (pa !== pb) return pa < pb;
  const oa = opPriority(a.opOrig), ob = opPriority(b.opOrig);
  if (oa !== ob) return oa < ob;
  // LT/LE sort by descending datum so that smaller limits come first.
  return a.opOrig === 'lt' || a.opOrig === 'le' ? a.datum > b.datum : a.datum < b.datum;
}

const chainEq = (a: TreeNode, b: TreeNode): boolean =>
  argPriority(a) === argPriority(b) && a.op === b.op && a.datum === b.datum && a.mask === b.mask;

// --- reference counting (db.c _db_node_put / _db_tree_put / _db_level_clean) ---

function nodePut(r: Ref): number {
  const n = r.v;
  if (n === undefined) return 0;
  let cnt = 0;
  if (--n.refcnt === 0) {
    const pRef = ref(n.lvlPrv), nRef = ref(n.lvlNxt);
    const nxtT = n.nxtT, nxtF = n.nxtF;
    if (pRef.v !== undefined) pRef.v.lvlNxt = undefined;
    if (nRef.v !== undefined) nRef.v.lvlPrv = undefined;
    if (pRef.v !== undefined) cnt += nodePut(pRef);
    if (nRef.v !== undefined) cnt += nodePut(nRef);
    if (pRef.v !== undefined) pRef.v.lvlNxt = get(nRef.v);
    if (nRef.v !== undefined) nRef.v.lvlPrv = get(pRef.v);
    r.v = pRef.v ?? nRef.v;
    cnt += treePut(ref(nxtT));
    cnt += treePut(ref(nxtF));
    cnt++;
  }
  return cnt;
}

function treePut(r: Ref): number {
  let cnt = nodePut(r);
  if (r.v !== undefined) cnt += levelClean(r.v);
  return cnt;
}

function levelClean(node: TreeNode): number {
  const start = first(node);
  for (let n: TreeNode | undefined = start; n !== undefined; n = n.lvlNxt) {
    const links = (n.lvlPrv ? 1 : 0) + (n.lvlNxt ? 1 : 0);
    if (n.refcnt > links) return 0;
  }
  let cnt = 0;
  const r = ref(start);
  while (r.v !== undefined) cnt += nodePut(r);
  return cnt;
}

function treeRemove(tree: Ref, node: TreeNode): number {
  if (tree.v === undefined) return 0;
  let cnt = 0;
  let c: TreeNode | undefined = first(tree.v);
  let found: TreeNode | undefined;
  do {
    if (c === node) {
      found = c;
      break;
    }
    cnt += treeRemove(fieldRef(c, 'nxtT'), node);
    cnt += treeRemove(fieldRef(c, 'nxtF'), node);
    if (isZombie(c)) {
      found = c;
      break;
    }
    c = c.lvlNxt;
  } while (c !== undefined && cnt === 0);
  if (found === undefined) return cnt;
  c = found;
  if (c === tree.v) tree.v = c.lvlPrv ?? c.lvlNxt;
  if (c.lvlPrv) c.lvlPrv.lvlNxt = c.lvlNxt;
  if (c.lvlNxt) c.lvlNxt.lvlPrv = c.lvlPrv;
  c.lvlPrv = undefined;
  c.lvlNxt = undefined;
  cnt += nodePut(ref(c));
  return cnt;
}

/** db.c _db_tree_act_check: 0 if every action in the tree equals `action`, else -EEXIST. */
function actCheck(tree: TreeNode | undefined, action: number | undefined): boolean {
  if (tree === undefined) return true;
  for (let c: TreeNode | undefined = first(tree); c !== undefined; c = c.lvlNxt) {
    if (c.actT !== undefined && c.actT !== action) return false;
    if (c.actF !== undefined && c.actF !== action) return false;
    if (!actCheck(c.nxtT, action) || !actCheck(c.nxtF, action)) return false;
  }
  return true;
}

export { actCheck as treeActionsAll, chainEq, chainLt, get as nodeGet, treePut, treeRemove, nodePut, isLeaf, fieldRef, chainsRef, ref, first as levelFirst, newNode, hi32, lo32 };
export type { Ref };
