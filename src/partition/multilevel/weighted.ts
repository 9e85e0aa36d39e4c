/**
 * The weighted undirected graph every edge-cut partitioner works on, one per multilevel level.
 *
 * Edge-cut quality is counted on the undirected simple graph (DESIGN.md, "Metrics"), as METIS
 * counts it: u -> v and v -> u merge into one edge {u, v}, self-loops are dropped, and the edge's
 * weight is the number of arcs between the pair, so the weighted cut of a level-0 partition is the
 * number of directed arcs cut. Layout (CSR, every edge stored in both rows):
 *
 *   offsets      Int32Array  n + 1   row v is [offsets[v], offsets[v + 1])
 *   targets      Int32Array  2E      neighbour, sorted by first appearance (CSR then reverse)
 *   edgeWeights  Int32Array  2E      arcs between the pair (coarse levels: summed)
 *   vertexWeights Float64Array n     1 per vertex by default; coarse levels carry the sums
 *
 * Edge weights are i32: a coarse edge sums fine edges, bounded by the arc count, and the
 * partitioner refuses graphs with 2^31 or more arcs (see partitionEdgeCut).
 */
import type { ArcTopology } from '../plan.js';

export interface WeightedGraph {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  edgeWeights: Int32Array;
  vertexWeights: Float64Array;
  /** Σ vertexWeights */
  totalVertexWeight: number;
}

/** The most arcs undirectedView copies out of the shared memory before reading them (64 MiB of targets). */
const UNDIRECTED_COPY_MAX_ARCS = 1 << 24;

/**
 * Build the undirected simple view of a directed graph from its out-arcs alone (so push-only
 * graphs without a CSC work too): every arc is written into both endpoint rows by a counting
 * sort, then each row is merged in place with a position marker, summing parallel entries.
 * O(n + m) time; peak scratch 2 × 4 bytes per arc besides the result.
 */
export function undirectedView(graph: ArcTopology, vertexWeights?: Float64Array): WeightedGraph {
  const n = graph.n;
  // A NeuromorphicGraph's arrays are views of the shared WebAssembly memory, which V8 reads
  // element by element 2–3× slower than a plain array (measured on facebook: 15 ms against 6 ms):
  // two bulk copies cost far less than the two passes over them. Huge graphs are read in place,
  // so their footprint does not grow by a copy of the arcs.
  const copy = graph.m <= UNDIRECTED_COPY_MAX_ARCS;
  const outOffsets = copy ? graph.outOffsets.slice(0, n + 1) : graph.outOffsets;
  const outTargets = copy ? graph.outTargets.slice(0, graph.m) : graph.outTargets;
  const degree = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) {
    for (let a = outOffsets[u]!; a < outOffsets[u + 1]!; a++) {
      const v = outTargets[a]!;
      if (v === u) continue;
      degree[u]++;
      degree[v]++;
    }
  }
  const start = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) start[v + 1] = start[v]! + degree[v]!;
  const raw = new Int32Array(start[n]!);
  const cursor = start.slice(0, n);
  for (let u = 0; u < n; u++) {
    for (let a = outOffsets[u]!; a < outOffsets[u + 1]!; a++) {
      const v = outTargets[a]!;
      if (v === u) continue;
      raw[cursor[u]!++] = v;
      raw[cursor[v]!++] = u;
    }
  }
  // Merge each row in place: position[t] is where t sits in the row being merged, or -1.
  const position = new Int32Array(n).fill(-1);
  const weights = new Int32Array(raw.length);
  const offsets = new Int32Array(n + 1);
  let written = 0;
  for (let v = 0; v < n; v++) {
    const rowStart = written;
    for (let e = start[v]!; e < start[v + 1]!; e++) {
      const t = raw[e]!;
      const at = position[t]!;
      if (at >= 0) {
        weights[at]++;
      } else {
        position[t] = written;
        raw[written] = t;
        weights[written] = 1;
        written++;
      }
    }
    for (let e = rowStart; e < written; e++) position[raw[e]!] = -1;
    offsets[v + 1] = written;
  }
  const weightsOut = vertexWeights ?? new Float64Array(n).fill(1);
  let total = 0;
  for (let v = 0; v < n; v++) total += weightsOut[v]!;
  return {
    n,
    offsets,
    targets: raw.slice(0, written),
    edgeWeights: weights.slice(0, written),
    vertexWeights: weightsOut,
    totalVertexWeight: total,
  };
}

/** Σ weight of edges whose ends have different owners (each undirected edge once). */
export function weightedCut(graph: WeightedGraph, owner: Int32Array): number {
  const { n, offsets, targets, edgeWeights } = graph;
  let cut = 0;
  for (let v = 0; v < n; v++) {
    const p = owner[v]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      if (owner[targets[e]!]! !== p) cut += edgeWeights[e]!;
    }
  }
  return cut / 2;
}

/** Σ vertex weight per part. */
export function partWeights(graph: WeightedGraph, owner: Int32Array, k: number): Float64Array {
  const weights = new Float64Array(k);
  for (let v = 0; v < graph.n; v++) weights[owner[v]!] += graph.vertexWeights[v]!;
  return weights;
}

/** A permutation of [0, n) from `next(bound)`, a seeded integer source (Fisher–Yates). */
export function randomOrder(n: number, next: (bound: number) => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = next(i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** Edges (unordered pairs, weights ignored) whose ends have different owners: METIS's edgecut of the simple graph. */
export function simpleCut(graph: WeightedGraph, owner: Int32Array): number {
  const { n, offsets, targets } = graph;
  let cut = 0;
  for (let v = 0; v < n; v++) {
    const p = owner[v]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      if (owner[targets[e]!]! !== p) cut++;
    }
  }
  return cut / 2;
}

/** A ring of n vertices with unit weights: the kernels' warm-up input (each vertex has 2 neighbours). */
export function ringGraph(n: number): WeightedGraph {
  const offsets = new Int32Array(n + 1);
  const targets = new Int32Array(2 * n);
  for (let v = 0; v < n; v++) {
    offsets[v + 1] = 2 * (v + 1);
    targets[2 * v] = (v + n - 1) % n;
    targets[2 * v + 1] = (v + 1) % n;
  }
  return { n, offsets, targets, edgeWeights: new Int32Array(2 * n).fill(1), vertexWeights: new Float64Array(n).fill(1), totalVertexWeight: n };
}
