/**
 * k-way refinement and balancing for the multilevel edge-cut partitioner, run at every level.
 *
 * Refinement is METIS's greedy k-way boundary refinement (Karypis & Kumar, "Multilevel k-way
 * partitioning scheme for irregular graphs", JPDC 48, 1998): visit vertices in a seeded random
 * order; a boundary vertex moves to the adjacent part it is most connected to when that lowers the
 * cut (or keeps it and evens the weights), and only if the target stays within `limit`. So
 * refinement never breaks the balance constraint, and each pass only lowers the cut or the spread.
 *
 * Balancing runs first whenever a part is above `limit` (coarse vertices are lumpy, and recursive
 * bisection splits at a coarser granularity than the final parts): vertices of overweight parts
 * move, least cut damage first, to an adjacent part with room, or else to the lightest part.
 *
 * Scratch per call: connection weight to each part (k doubles) and the list of parts touched, so a
 * vertex costs O(degree) whatever k is.
 */
import type { Prng } from '../../generate/prng.js';
import { randomOrder, type WeightedGraph } from './weighted.js';

/** Reusable per-part scratch: connection weight of the current vertex to each part. */
class Connections {
  readonly weight: Float64Array;
  readonly touched: Int32Array;
  count = 0;
  /** weight from the current vertex to its own part */
  internal = 0;

  constructor(k: number) {
    this.weight = new Float64Array(k);
    this.touched = new Int32Array(k);
  }

  /** Sum the edge weights of v by neighbour part; returns the number of other parts touched. */
  gather(graph: WeightedGraph, owner: Int32Array, v: number): number {
    const { offsets, targets, edgeWeights } = graph;
    const own = owner[v]!;
    const weight = this.weight;
    let internal = 0;
    let count = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const p = owner[targets[e]!]!;
      if (p === own) {
        internal += edgeWeights[e]!;
      } else {
        if (weight[p] === 0) this.touched[count++] = p;
        weight[p] += edgeWeights[e]!;
      }
    }
    this.internal = internal;
    this.count = count;
    return count;
  }

  reset(): void {
    for (let i = 0; i < this.count; i++) this.weight[this.touched[i]!] = 0;
    this.count = 0;
  }
}

/**
 * Greedy k-way boundary refinement, in place. `partWeight` is kept up to date. Stops after
 * `passes` passes or when a pass moves nothing. Returns the number of moves.
 */
export function refineKway(graph: WeightedGraph, owner: Int32Array, partWeight: Float64Array, limit: number, random: Prng, passes: number): number {
  const { n, vertexWeights } = graph;
  const k = partWeight.length;
  const connections = new Connections(k);
  const connection = connections.weight;
  const touched = connections.touched;
  let total = 0;
  for (let pass = 0; pass < passes; pass++) {
    const order = randomOrder(n, (bound) => random.nextInt(bound));
    let moved = 0;
    let gained = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i]!;
      if (connections.gather(graph, owner, v) === 0) continue;
      const from = owner[v]!;
      const weight = vertexWeights[v]!;
      const internal = connections.internal;
      let best = -1;
      let bestGain = -Infinity;
      for (let t = 0; t < connections.count; t++) {
        const p = touched[t]!;
        if (partWeight[p]! + weight > limit) continue;
        const gain = connection[p]! - internal;
        if (gain > bestGain || (gain === bestGain && partWeight[p]! < partWeight[best]!)) {
          best = p;
          bestGain = gain;
        }
      }
      connections.reset();
      if (best < 0) continue;
      // Zero-gain moves only when they even out the weights, so that passes cannot cycle.
      if (bestGain > 0 || (bestGain === 0 && partWeight[best]! + weight < partWeight[from]!)) {
        owner[v] = best;
        partWeight[from] -= weight;
        partWeight[best] += weight;
        moved++;
        gained += bestGain;
      }
    }
    total += moved;
    if (moved === 0 || gained === 0) break;
  }
  return total;
}

/**
 * Move vertices out of parts above `limit`, least cut damage first, until every part is within
 * `limit` or no move helps. With unit weights this always succeeds when limit ≥ ⌈W / k⌉: the
 * lightest part is below the mean while another is above it, so it has room for one more.
 * Returns true when all parts are within the limit.
 */
export function balanceKway(graph: WeightedGraph, owner: Int32Array, partWeight: Float64Array, limit: number, random: Prng): boolean {
  const { n, vertexWeights } = graph;
  const k = partWeight.length;
  const connections = new Connections(k);
  const connection = connections.weight;
  const touched = connections.touched;

  // The best part for v (adjacent with room, else the lightest with room) and the gain of moving there.
  let chosenGain = 0;
  const choose = (v: number): number => {
    connections.gather(graph, owner, v);
    const weight = vertexWeights[v]!;
    let best = -1;
    let bestGain = -Infinity;
    for (let t = 0; t < connections.count; t++) {
      const p = touched[t]!;
      if (partWeight[p]! + weight > limit) continue;
      const gain = connection[p]! - connections.internal;
      if (gain > bestGain || (gain === bestGain && partWeight[p]! < partWeight[best]!)) {
        best = p;
        bestGain = gain;
      }
    }
    if (best < 0) {
      let lightest = 0;
      for (let p = 1; p < k; p++) if (partWeight[p]! < partWeight[lightest]!) lightest = p;
      if (lightest !== owner[v] && partWeight[lightest]! + weight <= limit) {
        best = lightest;
        bestGain = -connections.internal;
      }
    }
    connections.reset();
    chosenGain = bestGain;
    return best;
  };

  const candidates = new Int32Array(n);
  const gains = new Float64Array(n);
  for (let round = 0; round < 16; round++) {
    let over = false;
    for (let p = 0; p < k; p++) if (partWeight[p]! > limit) over = true;
    if (!over) return true;
    // candidates: every vertex of an overweight part, by gain of its best move
    const order = randomOrder(n, (bound) => random.nextInt(bound));
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = order[i]!;
      if (partWeight[owner[v]!]! <= limit) continue;
      if (choose(v) < 0) continue;
      candidates[count] = v;
      gains[count] = chosenGain;
      count++;
    }
    if (count === 0) return false;
    const ranked = new Int32Array(count);
    for (let i = 0; i < ranked.length; i++) ranked[i] = i;
    ranked.sort((a, b) => gains[b]! - gains[a]! || a - b);
    let moved = 0;
    for (let i = 0; i < ranked.length; i++) {
      const v = candidates[ranked[i]!]!;
      const from = owner[v]!;
      if (partWeight[from]! <= limit) continue;
      const to = choose(v);
      if (to < 0) continue;
      owner[v] = to;
      partWeight[from] -= vertexWeights[v]!;
      partWeight[to] += vertexWeights[v]!;
      moved++;
    }
    if (moved === 0) return false;
  }
  for (let p = 0; p < k; p++) if (partWeight[p]! > limit) return false;
  return true;
}
