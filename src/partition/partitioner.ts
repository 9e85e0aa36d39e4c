/**
 * The partition stage's facade (DESIGN.md pipeline stage 3): `partitionGraphForAlgorithm(graph,
 * algorithm, workers)` reads top to bottom as the stage does:
 *
 *   1. analyse the graph (only when the strategy is chosen automatically);
 *   2. choose the strategy: the CommunicationEstimator predicts every strategy's time from the
 *      analysis and the degree profile (O(n + m), no partition made) and `selectOptimalStrategy`
 *      takes the cheapest, unless the caller forced one;
 *   3. partition: edge-cut → multilevel (edgecut.ts), vertex-cut → neighbourhood expansion (NE,
 *      vertexcut.ts; see `neVertexLoad`), hybrid → PowerLyra-style (hybrid.ts);
 *   4. even the work under the algorithm's load model (balance.ts);
 *   5. lay out the plan (layout.ts) and measure it (metrics.ts; the estimator's exact figures).
 *
 * Every step is deterministic for a seed, so the same graph, algorithm, worker count and options
 * give the same plan. `timings` reports each step's milliseconds.
 */
import { analyzeGraphStructure, type GraphAnalysis } from '../analyse/analyse.js';
import { OptionsError } from '../errors.js';
import { ALGORITHMS, type AlgorithmName } from '../execute/types.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import { balanceLoad, calculateLoadBalanceScore, loadModelFor, type LoadBalanceScore } from './balance.js';
import { DEFAULT_EDGE_CUT_IMBALANCE, partitionEdgeCut } from './edgecut.js';
import { CommunicationEstimator, degreeProfile, selectOptimalStrategy, type DegreeProfile, type StrategyEstimate } from './estimator.js';
import { defaultHybridThreshold, hybridThreshold, partitionHybrid } from './hybrid.js';
import { buildPartitionPlan, type LocalPartition, type PartitionPlan } from './layout.js';
import { partitionQuality, type LoadModel, type PartitionQuality } from './metrics.js';
import { checkPartitionCount, PARTITION_STRATEGIES, type ArcTopology, type PartitionAssignment, type PartitionStrategy } from './plan.js';
import { neVertexCut } from './vertexcut.js';

export const STRATEGY_CHOICES = ['auto', ...PARTITION_STRATEGIES] as const;
export type StrategyChoice = (typeof STRATEGY_CHOICES)[number];

/**
 * What the balance step evens out: `load`, the algorithm's load model (loadModelFor); `vertices`,
 * master vertices only; `arcs`, arcs only.
 */
export const BALANCE_TARGETS = ['load', 'vertices', 'arcs'] as const;
export type BalanceTarget = (typeof BALANCE_TARGETS)[number];

export const DEFAULT_PARTITION_SEED = 1;

export interface PartitionOptions {
  /** default 'auto': the estimator's choice */
  strategy?: StrategyChoice;
  /** seed of every random choice (a safe integer ≥ 0; default 1) */
  seed?: number;
  /** allowed max part load / mean − 1 (default 0.03) */
  imbalance?: number;
  /** what is balanced (default 'load') */
  balance?: BalanceTarget;
  /** a ready analysis of this graph, to skip step 1 */
  analysis?: GraphAnalysis;
}

export interface PartitionTimings {
  analyseMs: number;
  estimateMs: number;
  partitionMs: number;
  balanceMs: number;
  planMs: number;
  qualityMs: number;
  totalMs: number;
}

export interface DistributedPartition {
  algorithm: AlgorithmName;
  /** the worker count = the number of partitions */
  k: number;
  /** the strategy used */
  strategy: PartitionStrategy;
  /** what the caller asked for ('auto' or a forced strategy) */
  requestedStrategy: StrategyChoice;
  seed: number;
  allowedImbalance: number;
  balance: BalanceTarget;
  loadModel: LoadModel;
  assignment: PartitionAssignment;
  plan: PartitionPlan;
  /** the plan's partitions, one per worker (`plan.parts`) */
  partitions: LocalPartition[];
  /** the cheap predictions, one per strategy, from the analysis (null when the strategy was forced) */
  estimates: StrategyEstimate[] | null;
  /** the exact cost figures of the finished plan */
  costEstimate: StrategyEstimate;
  balanceScore: LoadBalanceScore;
  /** metrics.ts figures, loads under `loadModel` */
  quality: PartitionQuality;
  /** the analysis, when one was made or given */
  analysis: GraphAnalysis | null;
  timings: PartitionTimings;
}

interface CheckedOptions {
  strategy: StrategyChoice;
  seed: number;
  imbalance: number;
  balance: BalanceTarget;
}

/** Validate at the public boundary (OptionsError naming the option and the rule). */
function checkOptions(algorithm: string, workers: number, options: PartitionOptions): CheckedOptions {
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) throw new OptionsError('algorithm', `must be one of ${ALGORITHMS.join(', ')}`, algorithm);
  checkPartitionCount(workers, 'workers');
  const strategy = options.strategy ?? 'auto';
  if (!(STRATEGY_CHOICES as readonly string[]).includes(strategy)) throw new OptionsError('strategy', `must be one of ${STRATEGY_CHOICES.join(', ')}`, strategy);
  const seed = options.seed ?? DEFAULT_PARTITION_SEED;
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new OptionsError('seed', 'must be a safe integer ≥ 0', seed);
  const imbalance = options.imbalance ?? DEFAULT_EDGE_CUT_IMBALANCE;
  if (!(typeof imbalance === 'number' && imbalance >= 0 && imbalance <= 10)) throw new OptionsError('imbalance', 'must be a number in [0, 10]', imbalance);
  const balance = options.balance ?? 'load';
  if (!(BALANCE_TARGETS as readonly string[]).includes(balance)) throw new OptionsError('balance', `must be one of ${BALANCE_TARGETS.join(', ')}`, balance);
  return { strategy, seed, imbalance, balance };
}

/** The load model a balance target stands for. */
export function loadModelOf(balance: BalanceTarget, algorithm: AlgorithmName): LoadModel {
  if (balance === 'vertices') return { vertexCost: 1, arcCost: 0 };
  if (balance === 'arcs') return { vertexCost: 0, arcCost: 1 };
  return loadModelFor(algorithm);
}

/**
 * Vertex weights for an edge-cut under a load model: under the pull model a vertex carries its
 * own cost plus the cost of its in-arcs (they live with it), so balancing these weights balances
 * the model's load.
 */
export function edgeCutVertexWeights(graph: ArcTopology, model: LoadModel): Float64Array {
  const { n } = graph;
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const weights = new Float64Array(n);
  const vertexCost = model.vertexCost ?? 1;
  const arcCost = model.arcCost ?? 1;
  if (typeof vertexCost === 'number') weights.fill(vertexCost);
  else for (let v = 0; v < n; v++) weights[v] = vertexCost[v]!;
  if (arcCost === 0) return weights;
  for (let u = 0; u < n; u++) {
    const end = offsets[u + 1]!;
    for (let a = offsets[u]!; a < end; a++) weights[targets[a]!]! += typeof arcCost === 'number' ? arcCost : arcCost[a]!;
  }
  return weights;
}

/**
 * NE's `vertexLoad` for a load model: the mean vertex cost over the mean arc cost, so that NE's
 * parts (arcs + vertexLoad per newly copied vertex) are already even under the model and the
 * balancer has little to move. A model whose arcs cost nothing balances vertices alone: each
 * vertex then outweighs all arcs (vertexLoad = m + 1).
 */
export function neVertexLoad(model: LoadModel, n: number, m: number): number {
  const mean = (cost: number | ArrayLike<number> | undefined, count: number): number => {
    if (cost === undefined) return 1;
    if (typeof cost === 'number') return cost;
    let total = 0;
    for (let i = 0; i < cost.length; i++) total += cost[i]!;
    return count > 0 ? total / count : 0;
  };
  const vertexCost = mean(model.vertexCost, n);
  const arcCost = mean(model.arcCost, m);
  if (!(arcCost > 0)) return m + 1;
  return Math.max(0, vertexCost / arcCost);
}

/**
 * Partition with one strategy (no balancing, no plan). `threshold`: the hybrid's in-degree threshold.
 *
 * Vertex-cut is NE rather than HDRF: bench/replication.ts (facebook, email_enron, pgp_strong, R-MAT
 * scale 18; k = 8, 16) measured HDRF's replication 48-70% below random hashing (worst R-MAT 18, k
 * = 8), under the 60%, and no HDRF stream order or restreaming reached it, while NE is
 * 60-89% below at comparable time, within 3% of its load, whose balanced plans stay within 3% of
 * every algorithm's load model (bench/select.ts).
 */
export function partitionWithStrategy(
  graph: ArcTopology,
  strategy: PartitionStrategy,
  k: number,
  options: { seed: number; imbalance: number; model: LoadModel; threshold?: number },
): PartitionAssignment {
  const { seed, imbalance } = options;
  switch (strategy) {
    case 'edge-cut':
      return partitionEdgeCut(graph, k, { method: 'multilevel', seed, imbalance, vertexWeights: edgeCutVertexWeights(graph, options.model) });
    case 'vertex-cut':
      return neVertexCut(graph, { k, seed, imbalance, vertexLoad: neVertexLoad(options.model, graph.n, graph.m) });
    case 'hybrid':
      return partitionHybrid(graph, k, { seed, imbalance, threshold: options.threshold });
  }
}

/**
 * Partition `graph` for `algorithm` on `workers` workers (one partition each). See the module
 * comment for the steps; the cost is dominated by the partitioner chosen (multilevel edge-cut is
 * the slowest: O((n + m) · levels · passes)).
 */
export function partitionGraphForAlgorithm(graph: NeuromorphicGraph, algorithm: AlgorithmName, workers: number, options: PartitionOptions = {}): DistributedPartition {
  const checked = checkOptions(algorithm, workers, options);
  const k = workers;
  const estimator = new CommunicationEstimator();
  const start = performance.now();
  let clock = start;
  const lap = (): number => {
    const now = performance.now();
    const elapsed = now - clock;
    clock = now;
    return elapsed;
  };

  let analysis = options.analysis ?? null;
  if (!analysis && checked.strategy === 'auto') analysis = analyzeGraphStructure(graph);
  const analyseMs = lap();

  let estimates: StrategyEstimate[] | null = null;
  let strategy: PartitionStrategy;
  let profile: DegreeProfile | null = null;
  if (checked.strategy === 'auto') {
    profile = degreeProfile(graph);
    estimates = estimator.estimate(analysis!, algorithm, k, profile);
    strategy = selectOptimalStrategy(estimates);
  } else {
    strategy = checked.strategy;
  }
  const estimateMs = lap();

  const loadModel = loadModelOf(checked.balance, algorithm);
  // The hybrid and the balancer must agree on which vertices are hubs.
  let threshold: number | undefined;
  if (strategy === 'hybrid') threshold = analysis ? hybridThreshold(analysis) : defaultHybridThreshold((profile ?? degreeProfile(graph)).inDegrees);
  let assignment = partitionWithStrategy(graph, strategy, k, { seed: checked.seed, imbalance: checked.imbalance, model: loadModel, threshold });
  const partitionMs = lap();

  assignment = balanceLoad(graph, assignment, { model: loadModel, imbalance: checked.imbalance, threshold });
  const balanceScore = calculateLoadBalanceScore(assignment, graph, loadModel);
  const balanceMs = lap();

  const plan = buildPartitionPlan(graph, assignment);
  const planMs = lap();

  const quality = partitionQuality(assignment, graph, loadModel);
  const costEstimate = estimator.exact(assignment, graph, algorithm);
  const qualityMs = lap();

  return {
    algorithm,
    k,
    strategy,
    requestedStrategy: checked.strategy,
    seed: checked.seed,
    allowedImbalance: checked.imbalance,
    balance: checked.balance,
    loadModel,
    assignment,
    plan,
    partitions: plan.parts,
    estimates,
    costEstimate,
    balanceScore,
    quality,
    analysis,
    timings: { analyseMs, estimateMs, partitionMs, balanceMs, planMs, qualityMs, totalMs: performance.now() - start },
  };
}

/**
 * The partitioner as an object (issue 3's `DistributedGraphPartitioner`): holds default options
 * and one analysis per graph, so partitioning the same graph for several algorithms or worker
 * counts analyses it once.
 */
export class DistributedGraphPartitioner {
  private readonly analyses = new WeakMap<NeuromorphicGraph, GraphAnalysis>();

  constructor(readonly defaults: Omit<PartitionOptions, 'analysis'> = {}) {}

  /** The graph's analysis, computed once per graph object. */
  analyzeGraphStructure(graph: NeuromorphicGraph): GraphAnalysis {
    let analysis = this.analyses.get(graph);
    if (!analysis) {
      analysis = analyzeGraphStructure(graph);
      this.analyses.set(graph, analysis);
    }
    return analysis;
  }

  /** The cheap per-strategy predictions for an algorithm and worker count (no partition is made). */
  estimateStrategies(graph: NeuromorphicGraph, algorithm: AlgorithmName, workers: number): StrategyEstimate[] {
    checkOptions(algorithm, workers, {});
    return new CommunicationEstimator().estimate(this.analyzeGraphStructure(graph), algorithm, workers, degreeProfile(graph));
  }

  partitionGraphForAlgorithm(graph: NeuromorphicGraph, algorithm: AlgorithmName, workers: number, options: PartitionOptions = {}): DistributedPartition {
    const merged = { ...this.defaults, ...options };
    const strategy = merged.strategy ?? 'auto';
    const analysis = options.analysis ?? (strategy === 'auto' ? this.analyzeGraphStructure(graph) : undefined);
    return partitionGraphForAlgorithm(graph, algorithm, workers, { ...merged, analysis });
  }
}
