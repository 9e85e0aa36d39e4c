/**
 * Edge-cut partitioning (vertex partitioning): `partitionEdgeCut(graph, k, options)`.
 *
 * All methods work on the undirected simple view of the graph (multilevel/weighted.ts): the cut
 * they minimise is the weight of edges {u, v} with different owners, an edge weighing the number
 * of arcs between u and v. Methods:
 *
 * - `multilevel` (default): coarsen by heavy-edge matching (multilevel/coarsen.ts), recursive
 *   bisection of the coarsest graph (multilevel/initial.ts), then project back level by level
 *   with balancing, greedy k-way refinement and k-way FM at each (multilevel/refine.ts). METIS's
 *   k-way scheme, with FM added to the uncoarsening as KaHIP and Mt-KaHyPar do.
 * - `ldg`, `fennel`: one streaming pass (streaming.ts), in vertex id order or a seeded order.
 *
 * Balance: no part may weigh more than `limit` = max((1 + imbalance) · W / k, ⌈W / k⌉ for integer
 * weights, the heaviest vertex), W the total vertex weight. The ⌈W / k⌉ and heaviest-vertex terms
 * make the limit achievable when the imbalance alone is not (n = 10, k = 4 needs a part of 3).
 * Multilevel and streaming both respect the limit whenever the weights allow it (always for unit
 * weights); `balanced` in the result says whether it was met.
 *
 * Deterministic: the same graph, k and options give the same owners.
 */
import { ErrorCode, OptionsError, ResourceError } from '../errors.js';
import { Prng } from '../generate/prng.js';
import type { WasmHost } from '../memory/host.js';
import { coarsen } from './multilevel/coarsen.js';
import { initialPartition } from './multilevel/initial.js';
import { balanceKway, refineKway, refineKwayFm } from './multilevel/refine.js';
import { partWeights, randomOrder, undirectedView, weightedCut, type WeightedGraph } from './multilevel/weighted.js';
import { checkPartitionCount, type ArcTopology, type PartitionAssignment } from './plan.js';
import { streamingPartition } from './streaming.js';

export const EDGE_CUT_METHODS = ['multilevel', 'ldg', 'fennel'] as const;
export type EdgeCutMethod = (typeof EDGE_CUT_METHODS)[number];

/**
 * Initial partitions tried on the coarsest graph (multilevel) and multilevel bisections tried at
 * each of their splits, most effort first; the best partition is uncoarsened. `initialEffort`
 * takes the first that fits the budget, the last when none does.
 */
const INITIAL_EFFORTS: readonly { runs: number; cuts: number }[] = [
  { runs: 4, cuts: 4 },
  { runs: 4, cuts: 2 },
  { runs: 2, cuts: 2 },
];
/**
 * Work budget of the initial partition, in edge entries of the input graph: runs × cuts × ⌈log2 k⌉
 * × (coarsest graph's edge entries) may not exceed this many times the input's. Sparse graphs
 * coarsen to a few percent of their edges and keep the full effort (road_ny: 1.3 at k = 16);
 * dense and hub-dominated ones stop coarsening at a large fraction of them (email_enron: 29% at
 * k = 2, polblogs: 57% at k = 16), where sixteen tries of the initial partition cost several
 * times the rest of the scheme while the best of four finds a cut as good (bench/partition.ts).
 */
const INITIAL_WORK_BUDGET = 2;

/** The initial-partition effort for a coarsest graph (see INITIAL_EFFORTS). */
export function initialEffort(inputEntries: number, coarsestEntries: number, k: number): { runs: number; cuts: number } {
  const depth = Math.max(1, Math.ceil(Math.log2(k)));
  for (const effort of INITIAL_EFFORTS) {
    if (effort.runs * effort.cuts * depth * coarsestEntries <= INITIAL_WORK_BUDGET * inputEntries) return effort;
  }
  return INITIAL_EFFORTS[INITIAL_EFFORTS.length - 1]!;
}

/** k-way FM passes per level (multilevel), after the greedy ones. */
const KWAY_FM_PASSES = 2;

/** The most parts edge-cut partitioning accepts (2^24): per-part arrays stay under 128 MiB. */
export const MAX_EDGE_CUT_PARTS = 1 << 24;

/** Default allowed imbalance: a part may weigh 3% above the mean (the target). */
export const DEFAULT_EDGE_CUT_IMBALANCE = 0.03;

export interface EdgeCutOptions {
  /** seed of every random choice (visit orders, bisection seeds); default 1 */
  seed?: number;
  /** allowed max part weight / mean part weight − 1; default 0.03 */
  imbalance?: number;
  /** weight of each vertex (finite, ≥ 0; length n); default 1 each */
  vertexWeights?: ArrayLike<number>;
  /** default 'multilevel' */
  method?: EdgeCutMethod;
  /** streaming methods: visit vertices in a seeded random order instead of id order; default false */
  shuffle?: boolean;
  /** multilevel: bisection tries on the coarsest graph, best kept; default 8 */
  initialTries?: number;
  /** multilevel: refinement passes per level; default 10 */
  refinePasses?: number;
}

export interface EdgeCutResult extends PartitionAssignment {
  strategy: 'edge-cut';
  arcOwner: null;
  method: EdgeCutMethod;
  /** weight of cut edges of the undirected simple view = directed arcs between different parts (self-loops never cut) */
  cutWeight: number;
  /** vertex weight of each part */
  partWeights: Float64Array;
  /** the most a part could weigh (see the module comment) */
  limit: number;
  /** max part weight / mean part weight − 1 (0 when W = 0) */
  imbalance: number;
  /** every part within `limit` */
  balanced: boolean;
  /** multilevel: vertices of each level, finest first; empty for streaming */
  levels: number[];
}

/** Check options at the public boundary; returns them with defaults filled in. */
function checkOptions(graph: ArcTopology, k: number, options: EdgeCutOptions): Required<Omit<EdgeCutOptions, 'vertexWeights'>> & { vertexWeights: Float64Array | undefined } {
  checkPartitionCount(k);
  // Per-part arrays (weights, connection scratch) are k long: refuse a k they could not hold.
  if (k > MAX_EDGE_CUT_PARTS) throw new OptionsError('k', `must be at most ${MAX_EDGE_CUT_PARTS} for edge-cut partitioning`, k);
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new OptionsError('seed', 'must be a safe integer', seed);
  const imbalance = options.imbalance ?? DEFAULT_EDGE_CUT_IMBALANCE;
  if (!(typeof imbalance === 'number' && imbalance >= 0 && imbalance <= 10)) throw new OptionsError('imbalance', 'must be a number in [0, 10]', imbalance);
  const method = options.method ?? 'multilevel';
  if (!(EDGE_CUT_METHODS as readonly string[]).includes(method)) throw new OptionsError('method', `must be one of ${EDGE_CUT_METHODS.join(', ')}`, method);
  const initialTries = options.initialTries ?? 8;
  if (!(Number.isInteger(initialTries) && initialTries >= 1 && initialTries <= 1000)) throw new OptionsError('initialTries', 'must be an integer in [1, 1000]', initialTries);
  const refinePasses = options.refinePasses ?? 10;
  if (!(Number.isInteger(refinePasses) && refinePasses >= 0 && refinePasses <= 1000)) throw new OptionsError('refinePasses', 'must be an integer in [0, 1000]', refinePasses);
  if (graph.m >= 2 ** 31) {
    throw new ResourceError(ErrorCode.MEMORY, `edge-cut partitioning keeps edge weights in i32 and supports fewer than 2^31 arcs; the graph has ${graph.m}`, { m: graph.m });
  }
  let vertexWeights: Float64Array | undefined;
  if (options.vertexWeights !== undefined) {
    const given = options.vertexWeights;
    if (given.length !== graph.n) throw new OptionsError('vertexWeights', `must have one weight per vertex (n = ${graph.n})`, given.length);
    vertexWeights = new Float64Array(graph.n);
    for (let v = 0; v < graph.n; v++) {
      const w = given[v]!;
      if (!(Number.isFinite(w) && w >= 0)) throw new OptionsError('vertexWeights', `must be finite and ≥ 0 (vertex ${v})`, w);
      vertexWeights[v] = w;
    }
  }
  return { seed, imbalance, method: method as EdgeCutMethod, shuffle: options.shuffle === true, initialTries, refinePasses, vertexWeights };
}

/** The part weight limit (module comment). */
export function edgeCutLimit(vertexWeights: Float64Array, total: number, k: number, imbalance: number): number {
  let heaviest = 0;
  let integral = true;
  for (let v = 0; v < vertexWeights.length; v++) {
    const w = vertexWeights[v]!;
    if (w > heaviest) heaviest = w;
    if (integral && !Number.isInteger(w)) integral = false;
  }
  const mean = total / k;
  let limit = (1 + imbalance) * mean;
  // The tiny epsilon absorbs the rounding of (1 + ε) · W / k, so 1.03 · 1000 allows 1030.
  if (integral) limit = Math.max(Math.floor(limit + 1e-9 * limit), Math.ceil(mean - 1e-9 * mean));
  return Math.max(limit, heaviest);
}

/** The multilevel scheme on a prepared view. Returns owners and the vertex count of each level. */
function multilevel(view: WeightedGraph, k: number, limit: number, imbalance: number, random: Prng, tries: number, passes: number, host: WasmHost | undefined): { owner: Int32Array; levels: number[] } {
  // METIS's k-way driver coarsens to max(n / (20 log2 k), 30 k): the initial partition, itself a
  // multilevel recursive bisection, sees a graph big enough to hold a good cut.
  const coarsenTo = Math.max(Math.floor(view.n / (20 * Math.max(1, Math.log2(k)))), 30 * k);
  const levels = coarsen(view, coarsenTo, random, host);
  const graphs = [view, ...levels.map((level) => level.graph)];
  let graph = graphs[graphs.length - 1]!;
  // Several initial partitions, each balanced and refined on the coarsest graph, best kept: the
  // coarsest cut decides which basin the finer levels refine in, and it is cheap to retry there.
  // Half the runs bisect with a tight slack (the final imbalance spread over the ⌈log2 k⌉
  // bisection levels), half with a loose one (all of it at each level): loose bisections find
  // better cuts, tight ones need less balancing afterwards, and which wins depends on the graph.
  const depth = Math.max(1, Math.ceil(Math.log2(k)));
  const { runs, cuts } = initialEffort(view.offsets[view.n]!, graph.offsets[graph.n]!, k);
  let owner: Int32Array = new Int32Array(0);
  let weights: Float64Array = new Float64Array(k);
  let bestOver = Infinity;
  let bestCut = Infinity;
  for (let run = 0; run < runs; run++) {
    const slack = run % 2 === 0 ? imbalance : Math.pow(1 + imbalance, 1 / depth) - 1;
    const candidate = initialPartition(graph, k, slack, tries, random, host, cuts);
    const candidateWeights = partWeights(graph, candidate, k);
    balanceKway(graph, candidate, candidateWeights, limit, random);
    refineKway(graph, candidate, candidateWeights, limit, random, passes, host);
    let over = 0;
    for (let p = 0; p < k; p++) over += Math.max(0, candidateWeights[p]! - limit);
    const cut = weightedCut(graph, candidate);
    if (over < bestOver || (over === bestOver && cut < bestCut)) {
      owner = candidate;
      weights = candidateWeights;
      bestOver = over;
      bestCut = cut;
    }
  }
  // FM on the chosen one too (and so on the whole graph when it needed no coarsening)
  refineKwayFm(graph, owner, weights, limit, random, KWAY_FM_PASSES, host);
  for (let level = graphs.length - 1; level > 0; level--) {
    // Project onto the finer graph (each finer vertex takes its coarse vertex's part; the part
    // weights do not change, coarse weights being sums), then balance and refine there.
    const coarseOf = levels[level - 1]!.coarseOf;
    const finer = graphs[level - 1]!;
    const projected = new Int32Array(finer.n);
    for (let v = 0; v < finer.n; v++) projected[v] = owner[coarseOf[v]!]!;
    owner = projected;
    graph = finer;
    balanceKway(graph, owner, weights, limit, random);
    // greedy passes take the easy gains cheaply; FM then climbs out of the minimum they stop in
    refineKway(graph, owner, weights, limit, random, passes, host);
    refineKwayFm(graph, owner, weights, limit, random, KWAY_FM_PASSES, host);
  }
  return { owner, levels: graphs.map((g) => g.n) };
}

/**
 * Partition the vertices of `graph` into k parts with few cut edges. See the module comment for
 * the methods, the balance rule and the cost: multilevel is O((n + m) · levels · passes); the
 * streaming methods are one pass, O(n + m) for LDG and O(n·k + m) for Fennel.
 */
export function partitionEdgeCut(graph: ArcTopology, k: number, options: EdgeCutOptions = {}): EdgeCutResult {
  const checked = checkOptions(graph, k, options);
  const view = undirectedView(graph, checked.vertexWeights);
  // A NeuromorphicGraph carries its WasmHost: refinement then runs in the kernels. A bare
  // ArcTopology takes the TypeScript path, which gives the same owners (the kernels' oracle).
  const host = (graph as { host?: WasmHost }).host;
  return partitionView(view, k, checked, host);
}

/** partitionEdgeCut after its options were checked and the undirected view built. */
function partitionView(view: WeightedGraph, k: number, options: EdgeCutOptions, host?: WasmHost): EdgeCutResult {
  const seed = options.seed ?? 1;
  const imbalance = options.imbalance ?? DEFAULT_EDGE_CUT_IMBALANCE;
  const method = options.method ?? 'multilevel';
  const n = view.n;
  const limit = edgeCutLimit(view.vertexWeights, view.totalVertexWeight, k, imbalance);
  const random = new Prng(seed);
  let owner: Int32Array;
  let levels: number[] = [];
  if (k === 1 || n === 0) {
    owner = new Int32Array(n);
  } else if (k >= n) {
    // One vertex per part is optimal for balance and the cut is unavoidable.
    owner = new Int32Array(n);
    for (let v = 0; v < n; v++) owner[v] = v;
  } else if (method === 'multilevel') {
    ({ owner, levels } = multilevel(view, k, limit, imbalance, random, options.initialTries ?? 8, options.refinePasses ?? 10, host));
  } else {
    let order: Int32Array;
    if (options.shuffle) {
      order = randomOrder(n, (bound) => random.nextInt(bound));
    } else {
      order = new Int32Array(n);
      for (let v = 0; v < n; v++) order[v] = v;
    }
    owner = streamingPartition(view, k, limit, method, order);
  }
  const weights = partWeights(view, owner, k);
  let heaviest = 0;
  for (let p = 0; p < k; p++) heaviest = Math.max(heaviest, weights[p]!);
  const mean = view.totalVertexWeight / k;
  return {
    k,
    strategy: 'edge-cut',
    vertexOwner: owner,
    arcOwner: null,
    method,
    cutWeight: weightedCut(view, owner),
    partWeights: weights,
    limit,
    imbalance: mean > 0 ? heaviest / mean - 1 : 0,
    balanced: heaviest <= limit,
    levels,
  };
}
