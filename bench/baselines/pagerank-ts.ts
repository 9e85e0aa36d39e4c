/**
 * Baseline: one PageRank superstep as a plain TypeScript loop over typed arrays, with the same
 * pull convention as the WebAssembly kernel (DESIGN.md): every vertex sums x[u]/outdeg[u] over
 * its in-arcs in CSC order, dangling mass is spread uniformly, d = 0.85.
 *
 * Unlike the kernel it uses plain floating sums for the dangling mass and the L1 change (no
 * order-independent exact reduction): it is the "what a careful JavaScript programmer writes"
 * reference point, not a bit-exact twin.
 */

export interface PullGraph {
  n: number;
  /** CSC: in-arcs of v are inSources[inOffsets[v] .. inOffsets[v+1]) */
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  outDegree: Uint32Array;
}

export interface PagerankState {
  /** current scores */
  x: Float64Array;
  /** next scores (swapped with x after each superstep) */
  next: Float64Array;
  /** x[u] / outdeg[u], 0 for dangling u: computed once per superstep so the pull loop only adds */
  share: Float64Array;
}

export function createState(n: number): PagerankState {
  const x = new Float64Array(n).fill(n > 0 ? 1 / n : 0);
  return { x, next: new Float64Array(n), share: new Float64Array(n) };
}

/** One superstep; returns the L1 change. Swaps `state.x` and `state.next`. */
export function pagerankSuperstep(graph: PullGraph, state: PagerankState, damping = 0.85): number {
  const { n, inOffsets, inSources, outDegree } = graph;
  const { x, next, share } = state;
  let dangling = 0;
  for (let u = 0; u < n; u++) {
    const degree = outDegree[u]!;
    if (degree === 0) {
      dangling += x[u]!;
      share[u] = 0;
    } else {
      share[u] = x[u]! / degree;
    }
  }
  const base = damping * (dangling / n) + (1 - damping) / n;
  let change = 0;
  let start = inOffsets[0]!;
  for (let v = 0; v < n; v++) {
    const end = inOffsets[v + 1]!;
    let sum = 0;
    for (let k = start; k < end; k++) sum += share[inSources[k]!]!;
    start = end;
    const value = damping * sum + base;
    next[v] = value;
    change += Math.abs(value - x[v]!);
  }
  state.x = next;
  state.next = x;
  return change;
}
