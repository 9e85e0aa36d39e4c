/**
 * One-pass streaming edge-cut partitioners, for graphs where the multilevel scheme would cost too
 * much: each vertex, in stream order, is placed for good by a score over the parts of its
 * neighbours already placed, under a hard capacity.
 *
 * - LDG, linear deterministic greedy (Stanton & Kliot, "Streaming graph partitioning for large
 *   distributed graphs", KDD 2012): part maximising |N(v) ∩ P_i| · (1 − w(P_i) / C).
 * - Fennel (Tsourakakis, Gkantsidis, Radunovic & Vojnovic, "FENNEL: streaming graph partitioning
 *   for massive scale graphs", WSDM 2014): part maximising |N(v) ∩ P_i| − α·((w(P_i) + w_v)^γ −
 *   w(P_i)^γ), γ = 1.5, α = √k · E / W^1.5 (E the total edge weight, W the total vertex weight:
 *   the paper's α with weights in place of the edge and vertex counts).
 *
 * Neighbour counts are edge weights of the undirected simple view (arcs between the pair). Ties
 * go to the lighter part, then the lower id, so the result is a function of the stream order.
 */
import type { WeightedGraph } from './multilevel/weighted.js';

export type StreamingMethod = 'ldg' | 'fennel';

const FENNEL_GAMMA = 1.5;

/**
 * Owner of every vertex, placing vertices in `order`. `limit` is the capacity of a part; when no
 * part has room for a vertex (possible only with uneven vertex weights) it goes to the lightest.
 */
export function streamingPartition(graph: WeightedGraph, k: number, limit: number, method: StreamingMethod, order: Int32Array): Int32Array {
  const { n, offsets, targets, edgeWeights, vertexWeights } = graph;
  const owner = new Int32Array(n).fill(-1);
  const partWeight = new Float64Array(k);
  const connection = new Float64Array(k);
  const touched = new Int32Array(k);
  // Connections are weighted (arcs between the pair), so the penalty scales with the total edge
  // weight rather than the edge count: otherwise a symmetric graph (2 arcs per edge) would halve α.
  let edges = 0;
  for (let e = 0; e < offsets[n]!; e++) edges += edgeWeights[e]!;
  edges /= 2;
  const alpha = graph.totalVertexWeight > 0 ? (Math.sqrt(k) * edges) / Math.pow(graph.totalVertexWeight, FENNEL_GAMMA) : 0;
  for (let i = 0; i < n; i++) {
    const v = order[i]!;
    const weight = vertexWeights[v]!;
    let count = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const p = owner[targets[e]!]!;
      if (p < 0) continue;
      if (connection[p] === 0) touched[count++] = p;
      connection[p] += edgeWeights[e]!;
    }
    let best = -1;
    let bestScore = -Infinity;
    if (method === 'ldg') {
      // Parts without placed neighbours score 0, so only touched parts can beat the fallback.
      for (let t = 0; t < count; t++) {
        const p = touched[t]!;
        if (partWeight[p]! + weight > limit) continue;
        const score = connection[p]! * (1 - partWeight[p]! / limit);
        if (score > bestScore || (score === bestScore && (partWeight[p]! < partWeight[best]! || (partWeight[p] === partWeight[best] && p < best)))) {
          best = p;
          bestScore = score;
        }
      }
      if (bestScore <= 0) best = -1;
    } else {
      // Every part has a penalty, so all k are scored.
      for (let p = 0; p < k; p++) {
        const load = partWeight[p]!;
        if (load + weight > limit) continue;
        const score = connection[p]! - alpha * (Math.pow(load + weight, FENNEL_GAMMA) - Math.pow(load, FENNEL_GAMMA));
        if (score > bestScore || (score === bestScore && load < partWeight[best]!)) {
          best = p;
          bestScore = score;
        }
      }
    }
    if (best < 0) {
      // no neighbour placed (LDG) or no room anywhere: the lightest part
      best = 0;
      for (let p = 1; p < k; p++) if (partWeight[p]! < partWeight[best]!) best = p;
    }
    for (let t = 0; t < count; t++) connection[touched[t]!] = 0;
    owner[v] = best;
    partWeight[best] += weight;
  }
  return owner;
}
