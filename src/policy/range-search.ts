/** @module The cheapest search tree over ordered ranges: an optimal alphabetic tree by dynamic programming with Knuth's bound. */

/**
 * For leaves with `weights` (in order), returns `root(i, j)`: the first leaf of the right subtree
 * when leaves i..j (i < j) are split by one comparison, minimising Σ weight × depth.
 * Knuth (1971), "Optimum binary search trees": root[i][j-1] ≤ root[i][j] ≤ root[i+1][j] keeps it O(n²).
 */
export function optimalSplits(weights: readonly number[]): (i: number, j: number) => number {
  const n = weights.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + weights[i]!;
  // Only cells with i <= j are written before they are read, so reused buffers need no clearing.
  if (scratchCost.length < n * n) {
    scratchCost = new Float64Array(n * n);
    scratchRoot = new Int32Array(n * n);
  }
  const cost = scratchCost;
  const root = scratchRoot;
  for (let i = 0; i < n; i++) cost[i * n + i] = 0;
  for (let i = 0; i < n; i++) root[i * n + i] = i;
  for (let len = 2; len <= n; len++) {
    for (let i = 0; i + len - 1 < n; i++) {
      const j = i + len - 1;
      const lo = Math.max(i + 1, len === 2 ? i + 1 : root[i * n + j - 1]!);
      const hi = Math.min(j, len === 2 ? j : root[(i + 1) * n + j]!);
      let best = Infinity;
      let bestR = lo;
      for (let r = lo; r <= hi; r++) {
        const c = cost[i * n + r - 1]! + cost[r * n + j]!;
        if (c < best) {
          best = c;
          bestR = r;
        }
      }
      cost[i * n + j] = best + prefix[j + 1]! - prefix[i]!;
      root[i * n + j] = bestR;
    }
  }
  const result = root.slice(0, n * n);
  return (i, j) => result[i * n + j]!;
}

let scratchCost = new Float64Array(0);
let scratchRoot = new Int32Array(0);
