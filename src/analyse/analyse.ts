/**
 * Graph analysis (DESIGN.md pipeline stage 2): the figures the partitioner's strategy choice and
 * cost estimate start from, before any partition exists.
 *
 * Everything is O(n + m) (plus O(max degree) for the histograms) and deterministic: degree
 * summaries from histograms instead of sorts, union-find for components, and a diameter lower
 * bound from repeated BFS sweeps over the undirected view (Magnien, Latapy and Habib, "Fast
 * computation of empirically tight bounds for the diameter of massive graphs", JEA 2009), started
 * at the vertex of highest total degree (lowest id among equals), which lies in the giant
 * component of the graphs this is for. The BFS is a small TypeScript loop over CSR + in-arcs
 * rather than the directed `runAlgorithm('bfs')`, because the diameter of interest for message
 * hops is the undirected one. A graph built without its CSC gets a transient one here.
 */
import { OptionsError } from '../errors.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import type { AlgorithmName } from '../execute/types.js';
import { WEIGHT_F64, WEIGHT_I32 } from '../memory/layout.js';
import { reverseArcs } from '../partition/metrics.js';

export interface DegreeSummary {
  min: number;
  max: number;
  mean: number;
  /** the middle value; the mean of the two middle values when n is even (as `neuromesh info`) */
  median: number;
  /** the 99th percentile, nearest rank: the value at rank ⌈0.99 n⌉ in ascending order */
  p99: number;
}

/**
 * A discrete power-law fit of the total degrees ≥ xmin (Clauset, Shalizi and Newman, "Power-law
 * distributions in empirical data", SIAM Review 2009, eq. 3.7: α ≈ 1 + t / Σ ln(x / (xmin − ½))),
 * xmin chosen among up to 64 candidate degrees (geometrically spaced over the distinct degrees) by
 * the smallest Kolmogorov–Smirnov distance.
 */
export interface PowerLawFit {
  alpha: number;
  xmin: number;
  /** vertices with total degree ≥ xmin */
  tail: number;
  /** KS distance between the tail's empirical and fitted survival functions */
  ks: number;
}

/** How an algorithm's messages arise, for the communication estimate (issue 3, item 5). */
export type TrafficPattern = 'all-active' | 'frontier' | 'spike-rate';

export const ALGORITHM_TRAFFIC: Readonly<Record<AlgorithmName, TrafficPattern>> = {
  // every vertex sends its value along every cut arc, every iteration
  pagerank: 'all-active',
  // only the vertices that changed in the last superstep send
  bfs: 'frontier',
  sssp: 'frontier',
  wcc: 'frontier',
  // a neuron sends when it spikes: volume scales with the firing rate
  lif: 'spike-rate',
};

export interface GraphAnalysis {
  name: string;
  n: number;
  m: number;
  /** m / (n (n − 1)): arcs over the possible arcs between distinct vertices; 0 when n < 2 */
  density: number;
  outDegree: DegreeSummary;
  inDegree: DegreeSummary;
  /** out + in degree (a self-loop counts twice, as in an undirected degree) */
  totalDegree: DegreeSummary;
  /** the share of arc ends (Σ total degree = 2m) on the top 1% of vertices (⌈n/100⌉) by total degree */
  topPercentShare: number;
  /** the share of arcs whose target is in the top 1% of vertices by in-degree (pull hot spots) */
  topPercentInShare: number;
  /** Gini coefficient of the total degrees: 0 when all are equal, towards 1 when a few hold all */
  gini: number;
  /** null when fewer than MIN_TAIL vertices have a degree ≥ 1 */
  powerLaw: PowerLawFit | null;
  weighted: boolean;
  weightKind: 'unit' | 'i32' | 'f64';
  minWeight: number;
  maxWeight: number;
  selfLoops: number;
  /** arcs that repeat the (src, dst) pair of an earlier arc */
  parallelArcs: number;
  /** the share of arcs u -> v (u ≠ v) whose reverse v -> u exists; 1 for a symmetrised graph */
  reciprocity: number;
  /** vertices with no arc in either direction */
  isolatedVertices: number;
  /** weakly connected components (isolated vertices count as components of one) */
  components: number;
  largestComponent: number;
  largestComponentFraction: number;
  /**
   * A lower bound on the undirected diameter of the component of `diameterFrom` (often tight):
   * the largest eccentricity met over the sweeps. 0 for a graph without arcs.
   */
  diameterEstimate: number;
  diameterFrom: number;
  diameterSweeps: number;
}

export interface AnalysisOptions {
  /** BFS sweeps for the diameter bound (default 4; ≥ 2 makes it a double sweep) */
  sweeps?: number;
}

/** The fewest tail vertices a power-law fit is made from. */
export const MIN_TAIL = 10;
const XMIN_CANDIDATES = 64;

/** Vertex counts by degree: histogram[d] = vertices of degree d. */
function histogramOf(degrees: Uint32Array): Float64Array {
  let max = 0;
  for (let v = 0; v < degrees.length; v++) if (degrees[v]! > max) max = degrees[v]!;
  const histogram = new Float64Array(max + 1);
  for (let v = 0; v < degrees.length; v++) histogram[degrees[v]!]!++;
  return histogram;
}

/** The value at 0-based rank r in ascending order, read off a histogram. */
function valueAtRank(histogram: Float64Array, rank: number): number {
  let seen = 0;
  for (let d = 0; d < histogram.length; d++) {
    seen += histogram[d]!;
    if (seen > rank) return d;
  }
  return histogram.length - 1;
}

function summarize(degrees: Uint32Array, histogram: Float64Array): DegreeSummary {
  const n = degrees.length;
  if (n === 0) return { min: 0, max: 0, mean: 0, median: 0, p99: 0 };
  let min = 0;
  while (histogram[min] === 0) min++;
  let total = 0;
  for (let v = 0; v < n; v++) total += degrees[v]!;
  const middle = n >> 1;
  const median = n % 2 === 1 ? valueAtRank(histogram, middle) : (valueAtRank(histogram, middle - 1) + valueAtRank(histogram, middle)) / 2;
  return { min, max: histogram.length - 1, mean: total / n, median, p99: valueAtRank(histogram, Math.ceil(0.99 * n) - 1) };
}

/** Σ of the `count` largest values, from a histogram. */
function sumOfLargest(histogram: Float64Array, count: number): number {
  let left = count;
  let sum = 0;
  for (let d = histogram.length - 1; d >= 0 && left > 0; d--) {
    const take = Math.min(left, histogram[d]!);
    sum += take * d;
    left -= take;
  }
  return sum;
}

/** Gini = 2 Σ i x(i) / (n Σ x) − (n + 1) / n, x ascending, i from 1; ranks come from the histogram. */
function giniOf(histogram: Float64Array, n: number): number {
  let rank = 0;
  let weighted = 0;
  let total = 0;
  for (let d = 0; d < histogram.length; d++) {
    const count = histogram[d]!;
    if (count === 0) continue;
    // ranks rank+1 .. rank+count all hold value d
    weighted += d * (count * rank + (count * (count + 1)) / 2);
    total += d * count;
    rank += count;
  }
  if (n === 0 || total === 0) return 0;
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** See PowerLawFit. */
export function fitPowerLaw(histogram: Float64Array): PowerLawFit | null {
  const maxDegree = histogram.length - 1;
  // tailCount[d] = vertices with degree ≥ d, tailLog[d] = Σ over them of ln(degree): suffix sums
  const tailCount = new Float64Array(maxDegree + 2);
  const tailLog = new Float64Array(maxDegree + 2);
  for (let d = maxDegree; d >= 1; d--) {
    tailCount[d] = tailCount[d + 1]! + histogram[d]!;
    tailLog[d] = tailLog[d + 1]! + histogram[d]! * Math.log(d);
  }
  const candidates: number[] = [];
  for (let d = 1; d <= maxDegree; d++) if (histogram[d]! > 0 && tailCount[d]! >= MIN_TAIL) candidates.push(d);
  if (candidates.length === 0) return null;
  // Candidates spaced geometrically over the distinct degrees: the fit is most sensitive to xmin
  // among the small degrees, where most vertices are.
  const picked = new Set<number>();
  for (let i = 0; i < XMIN_CANDIDATES; i++) {
    picked.add(Math.min(candidates.length - 1, Math.round(Math.pow(candidates.length, i / (XMIN_CANDIDATES - 1))) - 1));
  }
  let best: PowerLawFit | null = null;
  for (const c of [...picked].sort((a, b) => a - b)) {
    const xmin = candidates[c]!;
    const tail = tailCount[xmin]!;
    const shift = xmin - 0.5;
    const logSum = tailLog[xmin]! - tail * Math.log(shift);
    if (logSum <= 0) continue; // every tail vertex at xmin exactly: no slope to fit
    const alpha = 1 + tail / logSum;
    // KS distance between the survival functions P(X ≥ x) over the tail's support
    let ks = 0;
    for (let d = xmin; d <= maxDegree; d++) {
      if (histogram[d] === 0 && d !== xmin) continue;
      const empirical = tailCount[d]! / tail;
      const fitted = Math.pow((d - 0.5) / shift, 1 - alpha);
      ks = Math.max(ks, Math.abs(empirical - fitted));
    }
    if (!best || ks < best.ks) best = { alpha, xmin, tail, ks };
  }
  return best;
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!; // path halving
    x = parent[x]!;
  }
  return x;
}

/** Undirected BFS distances from `start`; returns the farthest vertex (lowest id among equals) and its distance. */
function sweep(start: number, offsets: Uint32Array, targets: Uint32Array, inOffsets: Uint32Array, inSources: Uint32Array, distance: Int32Array, queue: Uint32Array): { far: number; eccentricity: number } {
  distance.fill(-1);
  distance[start] = 0;
  queue[0] = start;
  let head = 0;
  let tail = 1;
  let far = start;
  let eccentricity = 0;
  while (head < tail) {
    const x = queue[head++]!;
    const next = distance[x]! + 1;
    for (let a = offsets[x]!; a < offsets[x + 1]!; a++) {
      const y = targets[a]!;
      if (distance[y] === -1) {
        distance[y] = next;
        queue[tail++] = y;
      }
    }
    for (let i = inOffsets[x]!; i < inOffsets[x + 1]!; i++) {
      const y = inSources[i]!;
      if (distance[y] === -1) {
        distance[y] = next;
        queue[tail++] = y;
      }
    }
    const d = distance[x]!;
    if (d > eccentricity || (d === eccentricity && x < far)) {
      eccentricity = d;
      far = x;
    }
  }
  return { far, eccentricity };
}

/** Analyse a graph's structure (see GraphAnalysis for each figure's definition). */
export function analyzeGraphStructure(graph: NeuromorphicGraph, options: AnalysisOptions = {}): GraphAnalysis {
  const sweeps = options.sweeps ?? 4;
  if (!(Number.isInteger(sweeps) && sweeps >= 1 && sweeps <= 1000)) throw new OptionsError('sweeps', 'must be an integer in [1, 1000]', sweeps);
  const { n, m } = graph;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const reverse = graph.hasInArcs ? { inOffsets: graph.inOffsets, inSources: graph.inSources } : reverseArcs(graph, null);
  const { inOffsets, inSources } = reverse;

  const outDegrees = new Uint32Array(n);
  const inDegrees = new Uint32Array(n);
  const totalDegrees = new Uint32Array(n);
  for (let v = 0; v < n; v++) {
    outDegrees[v] = offsets[v + 1]! - offsets[v]!;
    inDegrees[v] = inOffsets[v + 1]! - inOffsets[v]!;
    totalDegrees[v] = outDegrees[v]! + inDegrees[v]!;
  }
  const outHistogram = histogramOf(outDegrees);
  const inHistogram = histogramOf(inDegrees);
  const totalHistogram = histogramOf(totalDegrees);
  const top = Math.ceil(n / 100);

  // Self-loops, parallel arcs and reciprocity in one pass per vertex with a stamp array:
  // outStamp[w] = u + 1 while visiting u's out-arcs, inStamp[w] = u + 1 for u's in-neighbours.
  const outStamp = new Int32Array(n);
  const inStamp = new Int32Array(n);
  let selfLoops = 0;
  let parallelArcs = 0;
  let reciprocal = 0;
  let nonLoops = 0;
  for (let u = 0; u < n; u++) {
    const stamp = u + 1;
    for (let i = inOffsets[u]!; i < inOffsets[u + 1]!; i++) inStamp[inSources[i]!] = stamp;
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      const w = targets[a]!;
      if (w === u) selfLoops++;
      else {
        nonLoops++;
        if (inStamp[w] === stamp) reciprocal++;
      }
      if (outStamp[w] === stamp) parallelArcs++;
      else outStamp[w] = stamp;
    }
  }
  let isolatedVertices = 0;
  for (let v = 0; v < n; v++) if (totalDegrees[v] === 0) isolatedVertices++;

  // weakly connected components: union-find over the arcs
  const parent = new Int32Array(n);
  for (let v = 0; v < n; v++) parent[v] = v;
  for (let u = 0; u < n; u++) {
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      const ru = find(parent, u);
      const rv = find(parent, targets[a]!);
      if (ru !== rv) parent[Math.max(ru, rv)] = Math.min(ru, rv);
    }
  }
  const size = new Uint32Array(n);
  let components = 0;
  let largestComponent = 0;
  for (let v = 0; v < n; v++) {
    const root = find(parent, v);
    if (root === v) components++;
    const grown = ++size[root]!;
    if (grown > largestComponent) largestComponent = grown;
  }

  // diameter: sweeps from the highest-degree vertex, each from the last one's farthest vertex
  let diameterFrom = 0;
  for (let v = 1; v < n; v++) if (totalDegrees[v]! > totalDegrees[diameterFrom]!) diameterFrom = v;
  let diameterEstimate = 0;
  let sweepsDone = 0;
  if (m > 0) {
    const distance = new Int32Array(n);
    const queue = new Uint32Array(n);
    let start = diameterFrom;
    for (let s = 0; s < sweeps; s++) {
      const { far, eccentricity } = sweep(start, offsets, targets, inOffsets, inSources, distance, queue);
      sweepsDone++;
      // a sweep that finds nothing farther ends the search: the next would retrace it
      if (s > 0 && eccentricity <= diameterEstimate) break;
      diameterEstimate = Math.max(diameterEstimate, eccentricity);
      start = far;
    }
  }

  const weightKind = graph.weightType === WEIGHT_F64 ? 'f64' : graph.weightType === WEIGHT_I32 ? 'i32' : 'unit';
  return {
    name: graph.name,
    n,
    m,
    density: n < 2 ? 0 : m / (n * (n - 1)),
    outDegree: summarize(outDegrees, outHistogram),
    inDegree: summarize(inDegrees, inHistogram),
    totalDegree: summarize(totalDegrees, totalHistogram),
    topPercentShare: m === 0 ? 0 : sumOfLargest(totalHistogram, top) / (2 * m),
    topPercentInShare: m === 0 ? 0 : sumOfLargest(inHistogram, top) / m,
    gini: giniOf(totalHistogram, n),
    powerLaw: fitPowerLaw(totalHistogram),
    weighted: weightKind !== 'unit',
    weightKind,
    minWeight: graph.minWeight,
    maxWeight: graph.maxWeight,
    selfLoops,
    parallelArcs,
    reciprocity: nonLoops === 0 ? 0 : reciprocal / nonLoops,
    isolatedVertices,
    components,
    largestComponent,
    largestComponentFraction: n === 0 ? 0 : largestComponent / n,
    diameterEstimate,
    diameterFrom,
    diameterSweeps: sweepsDone,
  };
}
