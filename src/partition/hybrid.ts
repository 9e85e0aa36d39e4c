/**
 * Hybrid-cut (PowerLyra; Chen, Shi, Chen, Chen, "PowerLyra: Differentiated Graph Computation and
 * Partitioning on Skewed Graphs", EuroSys 2015, §4).
 *
 * Every vertex v gets a place p(v), its master. A vertex is **low-degree** when its in-degree is
 * ≤ the threshold (default: the median in-degree, see MEDIAN_FLOOR), else a **hub**. Arc u -> v:
 * - v low-degree: on p(v). v's whole in-arc list sits on one partition, edge-cut style, so a pull
 *   over v's in-arcs runs there in global arc order and only v's value crosses;
 * - v a hub, u low-degree: on p(u), PowerLyra's rule for a hub's in-arcs (by their source), so a
 *   low-degree vertex never needs a copy for its arcs into hubs;
 * - both hubs: placed by neighbourhood expansion (NE, vertexcut.ts) on the subgraph of hub-to-hub
 *   arcs. PowerLyra spreads these by source as well, which on R-MAT puts nearly every hub on every
 *   partition (the hubs' arcs among themselves are ~60% of all arcs there, and each hub has ~100
 *   hub in-neighbours on all k places); NE keeps a hub's arcs on a few partitions. Measured on
 *   R-MAT 18, k = 8 (threshold 32): replication 1.80 with the source rule and plain Ginger, 1.68
 *   with the copy-counting score below, 1.72 with NE for the core and the same threshold, and
 *   1.38 with NE and the median threshold (more of the graph is core).
 *
 * Places come from Ginger (PowerLyra §4.2), a Fennel-like greedy streaming heuristic (Tsourakakis,
 * Gkantsidis, Radunovic, Vojnovic, "FENNEL", WSDM 2014): in a seeded random order, v goes to the
 * partition maximising gain(p) − α γ c(p)^(γ−1), where c(p) = (|V_p| + (n/m) |E_p|) / 2 mixes the
 * partition's vertices and arcs (Ginger's composite balance), α = √k · m / n^1.5 and γ = 1.5
 * (Fennel's choice). Ginger's gain counts v's neighbours whose master is at p; here gain(p) counts
 * the copies placing v at p does not create: each distinct neighbour at the other end of an arc
 * that follows v (its in-arcs, its arcs into hubs) that already has a copy at p, plus 1 when v
 * itself has one there. Copies are tracked per vertex and partition (`presence`, 2 bytes each,
 * above PRESENCE_LIMIT entries the gain falls back to Ginger's master count). A hard cap of
 * (1 + imbalance) · m / k arcs per partition (hub-to-hub arcs counted where NE put them) is
 * skipped only when nothing fits. Later passes restream (Nishimura and Ugander, "Restreaming
 * graph partitioning", KDD 2013): each vertex is taken out and placed again with every neighbour's
 * copies known, which is where most of the quality comes from.
 *
 * Arc balance: the streaming cap holds except when a low-degree vertex's in-arcs do not fit
 * anywhere; a final fix-up (`balanceLoad` on the arc count) then moves whole low-degree vertices
 * or single hub in-arcs, keeping every low-degree vertex's in-arcs together.
 *
 * Cost: O(passes · (n k + m k)) time for the placement plus NE on the core (O(RF · m + m log n)),
 * O(n k + m) memory. Deterministic for a seed.
 */
import { OptionsError } from '../errors.js';
import type { GraphAnalysis } from '../analyse/analyse.js';
import { Prng } from '../generate/prng.js';
import { balanceLoad } from './balance.js';
import { imbalance as imbalanceOf, countPerPart, reverseArcs } from './metrics.js';
import { randomOrder } from './multilevel/weighted.js';
import { neVertexCut } from './vertexcut.js';
import { checkPartitionCount, partitionBug, type ArcTopology, type PartitionAssignment } from './plan.js';

export interface HybridOptions {
  /** seed of the stream order (any safe integer; default 0) */
  seed?: number;
  /**
   * in-degree threshold: vertices with in-degree ≤ threshold are low-degree (in-arcs kept
   * together); default the median in-degree, at least 1 (see `hybridThreshold`)
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
 * PowerLyra's threshold is 100 on graphs of millions of vertices with mean degree ~20-40. Here the
 * threshold is the median in-degree (at least 1): the typical vertex and every vertex below it keep
 * their in-arcs together, every vertex above it is a hub. With the hubs' mutual arcs placed by NE
 * (module comment) a lower threshold gives a lower replication factor on every heavy-tailed graph
 * measured, down to about the median; the median keeps at least half the vertices whole.
 * Replication factor at k = 8 / 16 (seed 1), threshold = median vs 2 × mean (the former default):
 * R-MAT 18 (median 1): 1.38 / 1.61 vs 1.72 / 2.11 (2D grid 2.36 / 2.95); facebook (25):
 * 1.59 / 1.96 vs 2.29 / 2.88; email-Enron (3): 1.20 / 1.30 vs 1.30 / 1.44; pgp (3): 1.19 / 1.26 vs
 * 1.35 / 1.41; polblogs (2): 1.94 / 2.41 vs 2.07 / 3.05 (bench/results/replication.json, and one
 * run per threshold for the former default).
 */
const MEDIAN_FLOOR = 1;

/** The default threshold from the median in-degree: see MEDIAN_FLOOR. */
function thresholdOf(median: number): number {
  return Math.max(MEDIAN_FLOOR, Math.ceil(median));
}

/** The default in-degree threshold of a graph, from its analysis (see MEDIAN_FLOOR). */
export function hybridThreshold(analysis: Pick<GraphAnalysis, 'inDegree'>): number {
  return thresholdOf(analysis.inDegree.median);
}

/** The same threshold computed from the in-degrees themselves (the median as analyse.ts takes it: the mean of the two middle values when n is even). */
export function defaultHybridThreshold(inDegrees: Uint32Array): number {
  const n = inDegrees.length;
  if (n === 0) return thresholdOf(0);
  const sorted = Uint32Array.from(inDegrees).sort();
  const middle = n >> 1;
  return thresholdOf(n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
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

  const place = new Int32Array(n).fill(-1);
  // core[a]: the part of an arc between two hubs (NE), -1 for the arcs that follow a vertex's place
  let core: Int32Array | null = null;
  if (k === 1 || n === 0) {
    place.fill(0);
  } else {
    core = hubCore(graph, low, k, seed, imbalance);
    placeVertices(graph, k, imbalance, passes, seed, { low, core, inOffsets, inSources, place });
  }

  const arcOwner = new Int32Array(m);
  for (let u = 0; u < n; u++) {
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) {
      const v = targets[a]!;
      arcOwner[a] = low[v] ? place[v]! : low[u] ? place[u]! : core ? core[a]! : 0;
    }
  }
  let assignment: PartitionAssignment = { k, strategy: 'hybrid', vertexOwner: place, arcOwner };
  if (imbalanceOf(countPerPart(arcOwner, k)) > imbalance) {
    assignment = balanceLoad(graph, assignment, { model: { vertexCost: 0, arcCost: 1 }, imbalance, threshold });
  }
  if (assignment.arcOwner === null) throw partitionBug('hybrid lost its arc owners');
  return assignment;
}

/**
 * The arcs whose both ends are hubs, placed by neighbourhood expansion (NE, vertexcut.ts) on the
 * subgraph they form: core[a] = its part, -1 for every other arc. O(m + NE on the core).
 */
function hubCore(graph: ArcTopology, low: Uint8Array, k: number, seed: number, imbalance: number): Int32Array {
  const { n, m } = graph;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const core = new Int32Array(m).fill(-1);
  const hubIndex = new Int32Array(n).fill(-1);
  let hubs = 0;
  for (let v = 0; v < n; v++) if (!low[v]) hubIndex[v] = hubs++;
  if (hubs === 0) return core;
  const subOffsets = new Uint32Array(hubs + 1);
  let arcs = 0;
  for (let u = 0; u < n; u++) {
    if (low[u]) continue;
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) if (!low[targets[a]!]) arcs++;
    subOffsets[hubIndex[u]! + 1] = arcs;
  }
  if (arcs === 0) return core;
  const subTargets = new Uint32Array(arcs);
  const original = new Uint32Array(arcs);
  let next = 0;
  for (let u = 0; u < n; u++) {
    if (low[u]) continue;
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      const v = targets[a]!;
      if (low[v]) continue;
      subTargets[next] = hubIndex[v]!;
      original[next++] = a;
    }
  }
  const cut = neVertexCut({ n: hubs, m: arcs, outOffsets: subOffsets, outTargets: subTargets }, { k, seed, imbalance });
  for (let i = 0; i < arcs; i++) core[original[i]!] = cut.arcOwner![i]!;
  return core;
}

interface PlacementState {
  low: Uint8Array;
  /** hub-to-hub arcs' parts (hubCore) */
  core: Int32Array;
  inOffsets: Uint32Array;
  inSources: Uint32Array;
  /** the output, -1 until placed */
  place: Int32Array;
}

/** Presence tables up to this many entries (2 bytes each); above, the score counts masters only. */
const PRESENCE_LIMIT = 1 << 28;
const SATURATED = 0xffff;

/** Ginger placement with restreaming, scored by the copies a place saves (module comment). Fills state.place. */
function placeVertices(graph: ArcTopology, k: number, imbalance: number, passes: number, seed: number, state: PlacementState): void {
  const { n, m } = graph;
  const { low, core, inOffsets, inSources, place } = state;
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
  const present = new Float64Array(k);
  const penalty = new Float64Array(k);
  // presence[y k + p]: arcs at p with end y, + 1 when y's master is at p, saturating at SATURATED (then never lowered)
  const presence = n * k <= PRESENCE_LIMIT ? new Uint16Array(n * k) : null;
  const stamp = new Int32Array(n);
  const bump = (index: number, sign: number): void => {
    const value = presence![index]!;
    if (value !== SATURATED) presence![index] = value + sign;
  };
  const refresh = (p: number): void => {
    penalty[p] = alpha * GAMMA * Math.pow((partVertices[p]! + arcToVertex * partArcs[p]!) / 2, GAMMA - 1);
  };
  // arcLoad[v]: the arcs that follow v's place: a low vertex's in-arcs and its out-arcs to hubs
  const arcLoad = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      const v = targets[a]!;
      if (low[v]) arcLoad[v]++;
      else if (low[u]) arcLoad[u]++;
      else {
        const p = core[a]!;
        partArcs[p]++;
        if (presence) {
          bump(u * k + p, 1);
          bump(v * k + p, 1);
        }
      }
    }
  }
  for (let p = 0; p < k; p++) refresh(p);
  // add (sign 1) or remove (sign -1) x at p with the arcs that follow it
  const apply = (x: number, p: number, sign: number): void => {
    if (!presence) return;
    const xp = x * k + p;
    bump(xp, sign);
    if (!low[x]) return;
    for (let j = inOffsets[x]!; j < inOffsets[x + 1]!; j++) {
      bump(inSources[j]! * k + p, sign);
      bump(xp, sign);
    }
    for (let a = offsets[x]!; a < offsets[x + 1]!; a++) {
      const w = targets[a]!;
      if (low[w]) continue;
      bump(w * k + p, sign);
      bump(xp, sign);
    }
  };
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < n; i++) {
      const v = order[i]!;
      const previous = place[v]!;
      const load = arcLoad[v]!;
      if (previous >= 0) {
        apply(v, previous, -1);
        partVertices[previous]--;
        partArcs[previous] -= load;
        refresh(previous);
      }
      present.fill(0);
      const mark = v + 1;
      stamp[v] = mark;
      // each distinct neighbour whose copy the arcs following v need: one point per part it is on already
      const tally = (y: number): void => {
        if (stamp[y] === mark) return;
        stamp[y] = mark;
        if (presence) {
          const base = y * k;
          for (let p = 0; p < k; p++) if (presence[base + p]! > 0) present[p]++;
        } else if (place[y]! >= 0) present[place[y]!]++;
      };
      if (low[v]) {
        for (let j = inOffsets[v]!; j < inOffsets[v + 1]!; j++) tally(inSources[j]!);
        for (let a = offsets[v]!; a < offsets[v + 1]!; a++) if (!low[targets[a]!]) tally(targets[a]!);
      }
      const own = v * k;
      let best = -1;
      let bestScore = -Infinity;
      let bestFits = false;
      for (let p = 0; p < k; p++) {
        const fits = partArcs[p]! + load <= capacity;
        if (bestFits && !fits) continue;
        // v's own copy: a part that already holds one of v's arcs adds no copy
        const score = present[p]! + (presence && presence[own + p]! > 0 ? 1 : 0) - penalty[p]!;
        // a part that fits beats one that does not; then the score; then (nothing fits) the lighter part
        const better = best < 0 || (fits && !bestFits) || (fits ? score > bestScore : partArcs[p]! < partArcs[best]!);
        if (better) {
          best = p;
          bestScore = score;
          bestFits = fits;
        }
      }
      place[v] = best;
      apply(v, best, 1);
      partVertices[best]++;
      partArcs[best] += load;
      refresh(best);
    }
  }
}
