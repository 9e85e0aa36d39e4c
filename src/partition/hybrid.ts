/**
 * Hybrid-cut (PowerLyra; Chen, Shi, Chen, Chen, "PowerLyra: Differentiated Graph Computation and
 * Partitioning on Skewed Graphs", EuroSys 2015, §4).
 *
 * Every vertex v gets a place p(v). An arc u -> v lives on p(v) when v is **low-degree** (in-degree
 * ≤ threshold): v's whole in-arc list sits on one partition, edge-cut style, so a pull over v's
 * in-arcs runs there in global arc order and only v's value crosses (to the mirrors its out-arcs
 * need). When v is **high-degree** the arc lives on p(u), the source's place: a hub's in-arcs are
 * spread over the partitions of its in-neighbours, vertex-cut style, so no partition carries a hub
 * alone and each hub costs at most one mirror per partition. Masters sit at p(v).
 *
 * Places come from Ginger (PowerLyra §4.2), a Fennel-like greedy streaming heuristic (Tsourakakis,
 * Gkantsidis, Radunovic, Vojnovic, "FENNEL", WSDM 2014): in a seeded random order, v goes to the
 * partition maximising |neighbours of v already there| − α γ c(p)^(γ−1), where c(p) = (|V_p| +
 * (n/m) |E_p|) / 2 mixes the partition's vertices and arcs (Ginger's composite balance) and α =
 * √k · m / n^1.5, γ = 1.5 (Fennel's choice). A hard cap of (1 + imbalance) · m / k arcs per
 * partition is skipped only when nothing fits. Later passes restream (Nishimura and Ugander,
 * "Restreaming graph partitioning", KDD 2013): each vertex is taken out and placed again with every
 * neighbour's place known, which is where most of the quality comes from. Neighbours count in both
 * directions: for a low-degree v an in-neighbour at p needs no ghost at p, an out-neighbour at p
 * keeps v's value local.
 *
 * Arc balance: the streaming cap holds except when a low-degree vertex's in-arcs do not fit
 * anywhere; a final fix-up (`balanceLoad` on the arc count) then moves whole low-degree vertices
 * or single hub in-arcs, keeping every low-degree vertex's in-arcs together.
 *
 * Cost: O(passes · (n · k + m)) time, O(n + m) memory. Deterministic for a seed.
 */
import { OptionsError } from '../errors.js';
import type { GraphAnalysis } from '../analyse/analyse.js';
import { Prng } from '../generate/prng.js';
import { balanceLoad } from './balance.js';
import { imbalance as imbalanceOf, countPerPart, reverseArcs } from './metrics.js';
import { randomOrder } from './multilevel/weighted.js';
import { checkPartitionCount, partitionBug, type ArcTopology, type PartitionAssignment } from './plan.js';

export interface HybridOptions {
  /** seed of the stream order (any safe integer; default 0) */
  seed?: number;
  /**
   * in-degree threshold: vertices with in-degree ≤ threshold are low-degree (in-arcs kept
   * together); default 2 × the mean in-degree (see `hybridThreshold`)
   */
  threshold?: number;
  /** allowed arc imbalance, max / mean − 1 (default 0.03) */
  imbalance?: number;
  /** streaming passes: 1 is plain Ginger, each further one restreams (default 4) */
  passes?: number;
}

export const HYBRID_DEFAULT_IMBALANCE = 0.03;
export const HYBRID_DEFAULT_PASSES = 4;

/** Fennel's exponent; α is set from it in the module comment. */
const GAMMA = 1.5;

/**
 * PowerLyra's threshold is 100 on graphs of millions of vertices with mean degree ~20-40: there a
 * vertex above 100 in-arcs is a hub whose in-arcs are worth spreading. On a small or dense graph a
 * fixed 100 splits nothing or everything, so the threshold scales with the mean in-degree:
 * HUB_MEAN_FACTOR times it, at least 1 (a vertex with one in-arc is never worth splitting).
 * Measured on the heavy-tailed fixtures at k = 8, 16 (facebook, email-Enron, pgp, email-Eu-core),
 * 2 × mean gave the lowest replication of the factors tried (2, 4, and fixed 20 to 200), by
 * 3-25% over 4 × mean or the 99th percentile.
 */
const HUB_MEAN_FACTOR = 2;

/** The default threshold from the mean in-degree: see HUB_MEAN_FACTOR. */
function thresholdOf(mean: number): number {
  return Math.max(1, Math.ceil(HUB_MEAN_FACTOR * mean));
}

/** The default in-degree threshold of a graph, from its analysis (see HUB_MEAN_FACTOR). */
export function hybridThreshold(analysis: Pick<GraphAnalysis, 'inDegree'>): number {
  return thresholdOf(analysis.inDegree.mean);
}

/** The same threshold computed from the in-degrees themselves. */
export function defaultHybridThreshold(inDegrees: Uint32Array): number {
  let total = 0;
  for (let v = 0; v < inDegrees.length; v++) total += inDegrees[v]!;
  return thresholdOf(inDegrees.length === 0 ? 0 : total / inDegrees.length);
}

function checkOptions(options: HybridOptions): { seed: number; imbalance: number; passes: number; threshold: number | undefined } {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new OptionsError('seed', 'must be a safe integer', seed);
  const imbalance = options.imbalance ?? HYBRID_DEFAULT_IMBALANCE;
  if (!(typeof imbalance === 'number' && imbalance >= 0 && imbalance <= 10)) throw new OptionsError('imbalance', 'must be a number in [0, 10]', imbalance);
  const passes = options.passes ?? HYBRID_DEFAULT_PASSES;
  if (!(Number.isInteger(passes) && passes >= 1 && passes <= 100)) throw new OptionsError('passes', 'must be an integer in [1, 100]', passes);
  const threshold = options.threshold;
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold >= 0 && !Number.isNaN(threshold))) {
    throw new OptionsError('threshold', 'must be a number ≥ 0 (Infinity: no vertex is split)', threshold);
  }
  return { seed, imbalance, passes, threshold };
}

/** Hybrid-cut partition of the arcs into k parts (see the module comment). */
export function partitionHybrid(graph: ArcTopology, k: number, options: HybridOptions = {}): PartitionAssignment {
  checkPartitionCount(k);
  const { seed, imbalance, passes, threshold: given } = checkOptions(options);
  const { n, m } = graph;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const { inOffsets, inSources } = reverseArcs(graph, null);
  const inDegrees = new Uint32Array(n);
  for (let v = 0; v < n; v++) inDegrees[v] = inOffsets[v + 1]! - inOffsets[v]!;
  const threshold = given ?? defaultHybridThreshold(inDegrees);
  const low = new Uint8Array(n);
  for (let v = 0; v < n; v++) low[v] = inDegrees[v]! <= threshold ? 1 : 0;

  // arcLoad[v]: the arcs that follow v's place: its in-arcs if low, its out-arcs to hubs
  const arcLoad = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    if (low[u]) arcLoad[u] += inDegrees[u]!;
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) if (!low[targets[a]!]) arcLoad[u]++;
  }

  const place = new Int32Array(n).fill(-1);
  if (k === 1 || n === 0) {
    place.fill(0);
  } else {
    placeVertices(graph, k, imbalance, passes, seed, { inOffsets, inSources, arcLoad, place });
  }

  const arcOwner = new Int32Array(m);
  for (let u = 0; u < n; u++) {
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) {
      const v = targets[a]!;
      arcOwner[a] = low[v] ? place[v]! : place[u]!;
    }
  }
  let assignment: PartitionAssignment = { k, strategy: 'hybrid', vertexOwner: place, arcOwner };
  if (imbalanceOf(countPerPart(arcOwner, k)) > imbalance) {
    assignment = balanceLoad(graph, assignment, { model: { vertexCost: 0, arcCost: 1 }, imbalance, threshold });
  }
  if (assignment.arcOwner === null) throw partitionBug('hybrid lost its arc owners');
  return assignment;
}

interface PlacementState {
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  arcLoad: Float64Array;
  /** the output, -1 until placed */
  place: Int32Array;
}

/** Ginger placement with restreaming (module comment). Fills state.place. */
function placeVertices(graph: ArcTopology, k: number, imbalance: number, passes: number, seed: number, state: PlacementState): void {
  const { n, m } = graph;
  const { inOffsets, inSources, arcLoad, place } = state;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const random = new Prng(seed);
  const order = randomOrder(n, (bound) => random.nextInt(bound));
  const alpha = (Math.sqrt(k) * Math.max(m, 1)) / Math.pow(n, GAMMA);
  // n/m converts arcs to vertex units in Ginger's composite load
  const arcToVertex = m > 0 ? n / m : 0;
  const capacity = Math.max(Math.ceil(m / k), Math.floor(((1 + imbalance) * m) / k + 1e-9));
  const partVertices = new Float64Array(k);
  const partArcs = new Float64Array(k);
  const neighbours = new Float64Array(k);
  const touched = new Int32Array(k);
  // penalty[p] = α γ c(p)^(γ−1), kept up to date as the two parts a move touches change
  const penalty = new Float64Array(k);
  const refresh = (p: number): void => {
    penalty[p] = alpha * GAMMA * Math.pow((partVertices[p]! + arcToVertex * partArcs[p]!) / 2, GAMMA - 1);
  };

  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < n; i++) {
      const v = order[i]!;
      const previous = place[v]!;
      const load = arcLoad[v]!;
      if (previous >= 0) {
        partVertices[previous]--;
        partArcs[previous] -= load;
        refresh(previous);
      }
      let touchedCount = 0;
      const count = (y: number): void => {
        const p = place[y]!;
        if (p < 0 || y === v) return;
        if (neighbours[p]++ === 0) touched[touchedCount++] = p;
      };
      for (let a = offsets[v]!; a < offsets[v + 1]!; a++) count(targets[a]!);
      for (let j = inOffsets[v]!; j < inOffsets[v + 1]!; j++) count(inSources[j]!);
      let best = -1;
      let bestScore = -Infinity;
      let bestFits = false;
      for (let p = 0; p < k; p++) {
        const fits = partArcs[p]! + load <= capacity;
        if (bestFits && !fits) continue;
        const score = neighbours[p]! - penalty[p]!;
        // a part that fits beats one that does not; then the score; then (nothing fits) the lighter part
        const better =
          best < 0 ||
          (fits && !bestFits) ||
          (fits ? score > bestScore : partArcs[p]! < partArcs[best]!);
        if (better) {
          best = p;
          bestScore = score;
          bestFits = fits;
        }
      }
      for (let t = 0; t < touchedCount; t++) neighbours[touched[t]!] = 0;
      place[v] = best;
      partVertices[best]++;
      partArcs[best] += load;
      refresh(best);
    }
  }
}
