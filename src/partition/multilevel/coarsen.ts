/**
 * Coarsening for the multilevel edge-cut partitioner: heavy-edge matching, then contraction.
 *
 * Method (Karypis & Kumar, "A fast and high quality multilevel scheme for partitioning irregular
 * graphs", SIAM J. Sci. Comput. 20(1), 1998): visit vertices in a seeded random order and match
 * each unmatched vertex with its unmatched neighbour along the heaviest edge; matched pairs become
 * one coarse vertex carrying the summed vertex weight, and parallel coarse edges merge with summed
 * weights. Heavy-tailed graphs leave many low-degree vertices unmatched (all their neighbours are
 * taken by a hub); as METIS 5 does, those are then matched two hops apart, with another vertex
 * that hangs off the same neighbour, so that coarsening keeps shrinking the graph.
 *
 * A vertex never grows past `maxVertexWeight` (METIS: 1.5 × total / coarsen-to size), so the
 * coarsest graph still has enough pieces to balance.
 */
import { Prng } from '../../generate/prng.js';
import type { WasmHost } from '../../memory/host.js';
import { randomOrder, ringGraph, type WeightedGraph } from './weighted.js';

export interface CoarseLevel {
  /** the coarser graph */
  graph: WeightedGraph;
  /** length = finer n: the coarse vertex of each finer vertex */
  coarseOf: Int32Array;
}

/**
 * Heavy-edge matching. Returns match[v] = partner, or v itself when unmatched. Ties between
 * equally heavy edges go to the neighbour of smaller degree, which leaves hubs for later levels.
 */
export function heavyEdgeMatching(graph: WeightedGraph, maxVertexWeight: number, random: Prng): Int32Array {
  const { n, offsets, targets, edgeWeights, vertexWeights } = graph;
  const match = new Int32Array(n).fill(-1);
  const order = randomOrder(n, (bound) => random.nextInt(bound));
  let unmatched = 0;
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    if (match[v] !== -1) continue;
    const room = maxVertexWeight - vertexWeights[v]!;
    let best = -1;
    let bestWeight = -1;
    let bestDegree = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const u = targets[e]!;
      if (match[u] !== -1 || vertexWeights[u]! > room) continue;
      const w = edgeWeights[e]!;
      if (w < bestWeight) continue;
      const degree = offsets[u + 1]! - offsets[u]!;
      if (w > bestWeight || degree < bestDegree) {
        best = u;
        bestWeight = w;
        bestDegree = degree;
      }
    }
    if (best >= 0) {
      match[v] = best;
      match[best] = v;
    } else {
      unmatched++;
    }
  }
  // Two-hop matching when more than a tenth stayed single (hub-dominated graphs): pair the
  // unmatched neighbours of each vertex with each other, then pair the isolated ones.
  if (unmatched > n / 10) {
    let waiting = -1;
    for (let i = 0; i < n; i++) {
      const x = order[i]!;
      waiting = -1;
      for (let e = offsets[x]!; e < offsets[x + 1]!; e++) {
        const u = targets[e]!;
        if (match[u] !== -1) continue;
        // only low-degree vertices: pairing two hubs two hops apart would merge unrelated regions
        if (offsets[u + 1]! - offsets[u]! > 8) continue;
        if (waiting < 0) {
          waiting = u;
        } else if (vertexWeights[u]! + vertexWeights[waiting]! <= maxVertexWeight) {
          match[u] = waiting;
          match[waiting] = u;
          waiting = -1;
        }
      }
    }
    waiting = -1;
    for (let v = 0; v < n; v++) {
      if (match[v] !== -1 || offsets[v + 1]! !== offsets[v]!) continue;
      if (waiting < 0) {
        waiting = v;
      } else if (vertexWeights[v]! + vertexWeights[waiting]! <= maxVertexWeight) {
        match[v] = waiting;
        match[waiting] = v;
        waiting = -1;
      }
    }
  }
  for (let v = 0; v < n; v++) if (match[v] === -1) match[v] = v;
  return match;
}

/**
 * Contract a matching: coarse vertex c is the pair {v, match[v]} numbered by the smaller id's
 * first appearance. Rows merge through a position marker, so the coarse CSR is built in one pass.
 */
/** Merge scratch of contract (grown on demand; only small graphs keep it: see contract). */
const scratch = { targets: new Int32Array(0), weights: new Int32Array(0) };
/** Above this many edge entries contract allocates its own scratch, so a huge graph's buffer is not kept. */
const SCRATCH_KEPT_ENTRIES = 1 << 20;

export function contract(graph: WeightedGraph, match: Int32Array): CoarseLevel {
  const { n, offsets, targets, edgeWeights, vertexWeights } = graph;
  const coarseOf = new Int32Array(n).fill(-1);
  const representative = new Int32Array(n);
  let coarseN = 0;
  for (let v = 0; v < n; v++) {
    if (coarseOf[v] !== -1) continue;
    coarseOf[v] = coarseN;
    coarseOf[match[v]!] = coarseN;
    representative[coarseN] = v;
    coarseN++;
  }
  const coarseOffsets = new Int32Array(coarseN + 1);
  // Rows are merged into shared scratch and sliced out at the end: the initial partition
  // contracts hundreds of small dense graphs per call, and allocating (and zeroing) two arrays
  // of the finer edge count each time cost as much as the merge itself.
  const kept = targets.length <= SCRATCH_KEPT_ENTRIES;
  if (kept && scratch.targets.length < targets.length) {
    const size = Math.min(SCRATCH_KEPT_ENTRIES, Math.max(targets.length, 2 * scratch.targets.length));
    scratch.targets = new Int32Array(size);
    scratch.weights = new Int32Array(size);
  }
  const coarseTargets = kept ? scratch.targets : new Int32Array(targets.length);
  const coarseWeights = kept ? scratch.weights : new Int32Array(targets.length);
  const coarseVertexWeights = new Float64Array(coarseN);
  const position = new Int32Array(coarseN).fill(-1);
  let written = 0;
  for (let c = 0; c < coarseN; c++) {
    const v = representative[c]!;
    const partner = match[v]!;
    const rowStart = written;
    // the row of v, then (when matched) the row of its partner, as one range pair
    const last = partner === v ? 1 : 2;
    coarseVertexWeights[c] = partner === v ? vertexWeights[v]! : vertexWeights[v]! + vertexWeights[partner]!;
    for (let round = 0; round < last; round++) {
      const member = round === 0 ? v : partner;
      const end = offsets[member + 1]!;
      for (let e = offsets[member]!; e < end; e++) {
        const t = coarseOf[targets[e]!]!;
        if (t === c) continue;
        const at = position[t]!;
        if (at >= 0) {
          coarseWeights[at] += edgeWeights[e]!;
        } else {
          position[t] = written;
          coarseTargets[written] = t;
          coarseWeights[written] = edgeWeights[e]!;
          written++;
        }
      }
    }
    for (let e = rowStart; e < written; e++) position[coarseTargets[e]!] = -1;
    coarseOffsets[c + 1] = written;
  }
  return {
    graph: {
      n: coarseN,
      offsets: coarseOffsets,
      targets: coarseTargets.slice(0, written),
      edgeWeights: coarseWeights.slice(0, written),
      vertexWeights: coarseVertexWeights,
      totalVertexWeight: graph.totalVertexWeight,
    },
    coarseOf,
  };
}

/**
 * Coarsen until at most `coarsenTo` vertices remain or a level shrinks by less than 5% (the
 * graph has stopped contracting: stars, isolated vertices held by the weight cap). Returns the
 * levels from finest to coarsest, the input graph not included. With a `host` (and a graph of at
 * most COARSEN_KERNEL_MAX_ENTRIES edge entries) each level is matched and contracted by the
 * kernels (coarsenOnHost); without one, here: this path is their oracle (same seed, same levels).
 */
export function coarsen(graph: WeightedGraph, coarsenTo: number, random: Prng, host?: WasmHost): CoarseLevel[] {
  if (host && graph.n > coarsenTo && graph.offsets[graph.n]! <= COARSEN_KERNEL_MAX_ENTRIES) return coarsenOnHost(host, graph, coarsenTo, random);
  const levels: CoarseLevel[] = [];
  const maxVertexWeight = (1.5 * graph.totalVertexWeight) / coarsenTo;
  let current = graph;
  while (current.n > coarsenTo) {
    const match = heavyEdgeMatching(current, maxVertexWeight, random);
    const level = contract(current, match);
    if (level.graph.n > 0.95 * current.n) {
      // Keep a level that shrank a little (it is valid), but stop: another would shrink less.
      if (level.graph.n < current.n) levels.push(level);
      break;
    }
    levels.push(level);
    current = level.graph;
  }
  return levels;
}

/**
 * The most edge entries (2E) a graph may have for coarsenOnHost: it holds two graphs of that size
 * in the arena (16 bytes an entry), 256 MiB at this bound. Larger graphs coarsen in TypeScript, so
 * a huge graph never doubles its footprint in the wasm32 memory.
 */
export const COARSEN_KERNEL_MAX_ENTRIES = 1 << 24;

/** The coarsening kernels of build/neuromesh.wasm (assembly/kernels/coarsen.ts; assembly/ABI.md). */
interface CoarsenKernels {
  heavy_edge_match(offsets: number, targets: number, edgeWeights: number, vertexWeights: number, n: number, order: number, maxVertexWeight: number, match: number): number;
  contract_matching(
    offsets: number,
    targets: number,
    edgeWeights: number,
    vertexWeights: number,
    n: number,
    match: number,
    coarseOf: number,
    representative: number,
    position: number,
    coarseOffsets: number,
    coarseTargets: number,
    coarseEdgeWeights: number,
    coarseVertexWeights: number,
    stats: number,
  ): number;
}

const warmed = new WeakSet<WebAssembly.Module>();
/**
 * The kernels are tiered up on a small ring before real use (as the refinement kernels are, see
 * src/execute/kernels.ts): V8 runs a wasm function's first calls in its baseline tier, and the
 * top-level coarsening is one long call per level.
 */
const WARM_VERTICES = 64;
const WARM_ROUNDS = 300;

/** One graph's regions in the arena: CSR with room for `vertices` and `entries`. */
interface GraphRegions {
  offsets: number;
  targets: number;
  edgeWeights: number;
  vertexWeights: number;
}

function allocGraph(host: WasmHost, vertices: number, entries: number): GraphRegions {
  return {
    offsets: host.allocArray(Int32Array, vertices + 1),
    targets: host.allocArray(Int32Array, Math.max(1, entries)),
    edgeWeights: host.allocArray(Int32Array, Math.max(1, entries)),
    vertexWeights: host.allocArray(Float64Array, vertices),
  };
}

/**
 * coarsen with every level matched and contracted in WebAssembly. The graph is copied into the
 * arena once; levels ping-pong between two regions sized for it (a coarse graph never has more
 * vertices or edge entries than its finer one), and each level is copied out as it is made (the
 * caller keeps them). The visit order of each matching is drawn here, as heavyEdgeMatching draws
 * it, so the levels are bit for bit the TypeScript path's. The arena is released before returning.
 */
function coarsenOnHost(host: WasmHost, graph: WeightedGraph, coarsenTo: number, random: Prng): CoarseLevel[] {
  if (!warmed.has(host.module)) {
    // the warm-up draws from its own generator: the caller's sequence stays the TS path's
    warmed.add(host.module);
    const ring = ringGraph(WARM_VERTICES);
    const own = new Prng(1);
    for (let round = 0; round < WARM_ROUNDS; round++) coarsenOnHost(host, ring, 2, own);
  }
  const kernels = host.exports as unknown as CoarsenKernels;
  const levels: CoarseLevel[] = [];
  const maxVertexWeight = (1.5 * graph.totalVertexWeight) / coarsenTo;
  const n0 = graph.n;
  const entries = graph.offsets[n0]!;
  const mark = host.arena.mark();
  try {
    let finer = allocGraph(host, n0, entries);
    let coarser = allocGraph(host, n0, entries);
    const orderAt = host.allocArray(Int32Array, n0);
    const matchAt = host.allocArray(Int32Array, n0);
    const coarseOfAt = host.allocArray(Int32Array, n0);
    const representativeAt = host.allocArray(Int32Array, n0);
    const positionAt = host.allocArray(Int32Array, n0);
    const statsAt = host.allocArray(Int32Array, 1);
    // views only after the last allocation: a growing memory gets a new buffer
    host.view(Int32Array, finer.offsets, n0 + 1).set(graph.offsets.subarray(0, n0 + 1));
    host.view(Int32Array, finer.targets, entries).set(graph.targets.subarray(0, entries));
    host.view(Int32Array, finer.edgeWeights, entries).set(graph.edgeWeights.subarray(0, entries));
    host.view(Float64Array, finer.vertexWeights, n0).set(graph.vertexWeights.subarray(0, n0));
    const order = host.view(Int32Array, orderAt, n0);
    // drawn in a plain array and copied in: element writes to the shared memory are slower
    const drawn = new Int32Array(n0);
    let current = graph;
    while (current.n > coarsenTo) {
      const n = current.n;
      // randomOrder's Fisher–Yates: the same draws
      for (let i = 0; i < n; i++) drawn[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = random.nextInt(i + 1);
        const swap = drawn[i]!;
        drawn[i] = drawn[j]!;
        drawn[j] = swap;
      }
      order.set(drawn.subarray(0, n));
      kernels.heavy_edge_match(finer.offsets, finer.targets, finer.edgeWeights, finer.vertexWeights, n, orderAt, maxVertexWeight, matchAt);
      const coarseN = kernels.contract_matching(
        finer.offsets,
        finer.targets,
        finer.edgeWeights,
        finer.vertexWeights,
        n,
        matchAt,
        coarseOfAt,
        representativeAt,
        positionAt,
        coarser.offsets,
        coarser.targets,
        coarser.edgeWeights,
        coarser.vertexWeights,
        statsAt,
      );
      const written = host.view(Int32Array, statsAt, 1)[0]!;
      const level: CoarseLevel = {
        graph: {
          n: coarseN,
          offsets: host.view(Int32Array, coarser.offsets, coarseN + 1).slice(),
          targets: host.view(Int32Array, coarser.targets, written).slice(),
          edgeWeights: host.view(Int32Array, coarser.edgeWeights, written).slice(),
          vertexWeights: host.view(Float64Array, coarser.vertexWeights, coarseN).slice(),
          totalVertexWeight: graph.totalVertexWeight,
        },
        coarseOf: host.view(Int32Array, coarseOfAt, n).slice(),
      };
      if (coarseN > 0.95 * n) {
        if (coarseN < n) levels.push(level);
        break;
      }
      levels.push(level);
      current = level.graph;
      const swap = finer;
      finer = coarser;
      coarser = swap;
    }
    return levels;
  } finally {
    host.arena.release(mark);
  }
}
