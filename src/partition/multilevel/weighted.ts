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
import type { WasmHost } from '../../memory/host.js';
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

/**
 * The most arcs for the undirected_view kernel: its scratch (16 bytes an arc) stays within 256 MiB
 * of the arena. Larger graphs take the TypeScript path, reading the shared arrays in place.
 */
const UNDIRECTED_KERNEL_MAX_ARCS = 1 << 24;

/** A graph whose CSR lives in a host's shared memory (a NeuromorphicGraph): its byte offsets there. */
interface HostedTopology extends ArcTopology {
  host?: WasmHost;
  regions?: { outOffsets: number; outTargets: number };
}

/**
 * Build the undirected simple view of a directed graph from its out-arcs alone (so push-only
 * graphs without a CSC work too): every arc is written into both endpoint rows by a counting
 * sort, then each row is merged in place with a position marker, summing parallel entries.
 * O(n + m) time; peak scratch 2 × 4 bytes per arc besides the result. A graph in a host's memory
 * (a NeuromorphicGraph of at most UNDIRECTED_KERNEL_MAX_ARCS arcs) is read in place by the
 * `undirected_view` kernel; the code below is its oracle (the same view, entry for entry).
 */
export function undirectedView(graph: ArcTopology, vertexWeights?: Float64Array): WeightedGraph {
  const hosted = graph as HostedTopology;
  if (hosted.host && typeof hosted.regions?.outOffsets === 'number' && typeof hosted.regions.outTargets === 'number' && graph.m <= UNDIRECTED_KERNEL_MAX_ARCS) {
    return undirectedViewOnHost(hosted.host, graph.n, graph.m, hosted.regions.outOffsets, hosted.regions.outTargets, vertexWeights);
  }
  const n = graph.n;
  // hoisted: a NeuromorphicGraph makes a new view on each access
  const outOffsets = graph.outOffsets;
  const outTargets = graph.outTargets;
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

const viewWarmed = new WeakSet<WebAssembly.Module>();
const VIEW_WARM_VERTICES = 64;
const VIEW_WARM_ROUNDS = 300;

/**
 * undirectedView by the `undirected_view` kernel (assembly/kernels/coarsen.ts), reading the CSR at
 * byte offsets `outOffsetsAt` and `outTargetsAt` of the host's memory; scratch in the arena,
 * released before returning. The kernel is tiered up on a small ring first (see coarsen.ts).
 */
function undirectedViewOnHost(host: WasmHost, n: number, m: number, outOffsetsAt: number, outTargetsAt: number, vertexWeights?: Float64Array): WeightedGraph {
  const kernels = host.exports as unknown as { undirected_view(outOffsets: number, outTargets: number, n: number, start: number, cursor: number, raw: number, weights: number, position: number, offsets: number): number };
  if (!viewWarmed.has(host.module)) {
    viewWarmed.add(host.module);
    const ring = ringGraph(VIEW_WARM_VERTICES);
    const mark = host.arena.mark();
    try {
      const offsetsAt = host.allocArray(Int32Array, ring.n + 1);
      const targetsAt = host.allocArray(Int32Array, ring.targets.length);
      host.view(Int32Array, offsetsAt, ring.n + 1).set(ring.offsets);
      host.view(Int32Array, targetsAt, ring.targets.length).set(ring.targets);
      for (let round = 0; round < VIEW_WARM_ROUNDS; round++) undirectedViewOnHost(host, ring.n, ring.offsets[ring.n]!, offsetsAt, targetsAt);
    } finally {
      host.arena.release(mark);
    }
  }
  const mark = host.arena.mark();
  try {
    const startAt = host.allocArray(Int32Array, n + 1);
    const cursorAt = host.allocArray(Int32Array, Math.max(1, n));
    const rawAt = host.allocArray(Int32Array, Math.max(1, 2 * m));
    const weightsAt = host.allocArray(Int32Array, Math.max(1, 2 * m));
    const positionAt = host.allocArray(Int32Array, Math.max(1, n));
    const offsetsAt = host.allocArray(Int32Array, n + 1);
    const written = kernels.undirected_view(outOffsetsAt, outTargetsAt, n, startAt, cursorAt, rawAt, weightsAt, positionAt, offsetsAt);
    const weightsOut = vertexWeights ?? new Float64Array(n).fill(1);
    let total = 0;
    for (let v = 0; v < n; v++) total += weightsOut[v]!;
    return {
      n,
      offsets: host.view(Int32Array, offsetsAt, n + 1).slice(),
      targets: host.view(Int32Array, rawAt, written).slice(),
      edgeWeights: host.view(Int32Array, weightsAt, written).slice(),
      vertexWeights: weightsOut,
      totalVertexWeight: total,
    };
  } finally {
    host.arena.release(mark);
  }
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
