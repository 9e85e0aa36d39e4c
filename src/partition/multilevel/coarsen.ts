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
import type { Prng } from '../../generate/prng.js';
import { randomOrder, type WeightedGraph } from './weighted.js';

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
 * levels from finest to coarsest, the input graph not included.
 */
export function coarsen(graph: WeightedGraph, coarsenTo: number, random: Prng): CoarseLevel[] {
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
