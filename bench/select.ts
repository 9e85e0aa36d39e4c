/**
 * Stage: auto-selection against the finished plans (issue 3, "Auto-selection" and "Imbalance"),
 * one core, k = 8.
 *
 * For each graph of the partition stage (facebook, email_enron, pgp_strong, road_ny, polblogs) and
 * an R-MAT scale 16, and each algorithm (pagerank, bfs, sssp, wcc, lif):
 * - the cheap estimate (CommunicationEstimator.estimate from the analysis and the degree profile,
 *   no partition made) of every strategy's communication volume and predicted time, and the
 *   strategy `selectOptimalStrategy` picks from it (what the facade's 'auto' does);
 * - the exact figures (CommunicationEstimator.exact) of the three finished plans, each made as
 *   the facade makes them (`partitionWithStrategy`, then `balanceLoad` under the algorithm's load
 *   model; the plan layout is skipped, it changes no figure);
 * - (a) whether the chosen strategy's exact communication volume is within 10% of the lowest of
 *   the three (and, beside it, the same for exact predicted time, which is what the selector
 *   minimises), (b) whether the cheap ranking of the three equals the exact ranking, by volume
 *   and by predicted time, and whether the cheap and exact bests agree;
 * - the load-model imbalance of each balanced plan (goal ≤ 3%, never > 10%).
 *
 * The rankings by predicted time include each plan's work (its heaviest part after balancing),
 * which the cheap estimate takes as the 3% the balancer allows for every strategy: where the
 * three plans' communication is small against their work, the exact time ranking follows
 * imbalances of a fraction of a percent. The ranking by bytes per superstep (the traffic part of
 * the time) is saved beside it.
 *
 * Plans are reused where the partition does not depend on the algorithm: bfs, sssp and wcc share
 * a load model (balance.ts), so one set of plans serves the three; the hybrid's partition does not
 * read the model at all, only its balancing does (edge-cut weighs vertices by it, NE's vertexLoad
 * comes from it).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeGraphStructure } from '../src/analyse/analyse.js';
import { ALGORITHMS, type AlgorithmName } from '../src/execute/types.js';
import { generateRmat } from '../src/generate/rmat.js';
import { createHostSync } from '../src/index.js';
import { buildGraph, type NeuromorphicGraph } from '../src/input/graph.js';
import { loadGraph } from '../src/input/load.js';
import { balanceLoad, calculateLoadBalanceScore, loadModelFor } from '../src/partition/balance.js';
import { CommunicationEstimator, degreeProfile, selectOptimalStrategy, type StrategyEstimate } from '../src/partition/estimator.js';
import { hybridThreshold } from '../src/partition/hybrid.js';
import { partitionWithStrategy } from '../src/partition/partitioner.js';
import { PARTITION_STRATEGIES, type PartitionAssignment, type PartitionStrategy } from '../src/partition/plan.js';
import { log, save, type StageOptions, type StageResult } from './common.js';

const DATA = fileURLToPath(new URL('../test/fixtures/data/', import.meta.url));
const GRAPHS = ['facebook.el.gz', 'email_enron.el.gz', 'pgp_strong.el.gz', 'road_ny.el.gz', 'polblogs.el'];
const QUICK_GRAPHS = ['polblogs.el', 'email_eu_core.el'];
const RMAT_SCALE = 16;
const QUICK_RMAT_SCALE = 12;
const K = 8;
const SEED = 1;
const WITHIN = 0.1;

/** Strategies in increasing order of a figure (ties by PARTITION_STRATEGIES order). */
function ranking(estimates: readonly StrategyEstimate[], figure: (estimate: StrategyEstimate) => number): PartitionStrategy[] {
  return [...estimates].sort((x, y) => figure(x) - figure(y) || PARTITION_STRATEGIES.indexOf(x.strategy) - PARTITION_STRATEGIES.indexOf(y.strategy)).map((estimate) => estimate.strategy);
}

function summary(estimate: StrategyEstimate): Record<string, number> {
  return {
    replicationFactor: estimate.replicationFactor,
    communicationVolume: estimate.communicationVolume,
    bytesPerSuperstep: estimate.bytesPerSuperstep,
    workPerWorker: estimate.workPerWorker,
    predictedSeconds: estimate.predictedSeconds,
  };
}

export async function run(options: StageOptions): Promise<StageResult> {
  const host = createHostSync({ initialBytes: 128 << 20 });
  const inputs: { name: string; graph: NeuromorphicGraph }[] = [];
  for (const name of options.quick ? QUICK_GRAPHS : GRAPHS) inputs.push({ name, graph: loadGraph(host, path.join(DATA, name)) });
  const scale = options.quick ? QUICK_RMAT_SCALE : RMAT_SCALE;
  inputs.push({ name: `rmat${scale}`, graph: buildGraph(host, generateRmat({ scale, edgeFactor: 16, seed: SEED }), { trusted: true }) });
  const estimator = new CommunicationEstimator();

  const rows: Record<string, unknown>[] = [];
  let cases = 0;
  let withinVolume = 0;
  let withinTime = 0;
  let volumeRankingAgrees = 0;
  let timeRankingAgrees = 0;
  let bytesRankingAgrees = 0;
  let bestAgrees = 0;
  let worstImbalance = 0;
  let imbalancesOver3 = 0;
  let plans = 0;
  for (const { name, graph } of inputs) {
    const analysis = analyzeGraphStructure(graph);
    const profile = degreeProfile(graph);
    const threshold = hybridThreshold(analysis);
    // unbalanced partitions that no load model changes
    const shared = new Map<PartitionStrategy, PartitionAssignment>();
    // balanced plans per load model (bfs, sssp, wcc share theirs)
    const balancedPlans = new Map<string, Map<PartitionStrategy, { assignment: PartitionAssignment; partitionMs: number; imbalance: number }>>();
    for (const algorithm of ALGORITHMS as readonly AlgorithmName[]) {
      const model = loadModelFor(algorithm);
      const modelKey = JSON.stringify(model);
      let balanced = balancedPlans.get(modelKey);
      if (!balanced) {
        balanced = new Map();
        for (const strategy of PARTITION_STRATEGIES) {
          const started = performance.now();
          let assignment = strategy === 'hybrid' ? shared.get(strategy) : undefined;
          if (!assignment) {
            assignment = partitionWithStrategy(graph, strategy, K, { seed: SEED, imbalance: 0.03, model, threshold: strategy === 'hybrid' ? threshold : undefined });
            if (strategy === 'hybrid') shared.set(strategy, assignment);
          }
          assignment = balanceLoad(graph, assignment, { model, imbalance: 0.03, threshold: strategy === 'hybrid' ? threshold : undefined });
          const partitionMs = performance.now() - started;
          const { imbalance } = calculateLoadBalanceScore(assignment, graph, model);
          balanced.set(strategy, { assignment, partitionMs, imbalance });
          worstImbalance = Math.max(worstImbalance, imbalance);
          if (imbalance > 0.03 + 1e-9) imbalancesOver3++;
          plans++;
        }
        balancedPlans.set(modelKey, balanced);
      }
      const cheap = estimator.estimate(analysis, algorithm, K, profile);
      const chosen = selectOptimalStrategy(cheap);
      const exact = PARTITION_STRATEGIES.map((strategy) => estimator.exact(balanced!.get(strategy)!.assignment, graph, algorithm, analysis.diameterEstimate));
      const exactOf = (strategy: PartitionStrategy): StrategyEstimate => exact.find((estimate) => estimate.strategy === strategy)!;
      const bestVolume = Math.min(...exact.map((estimate) => estimate.communicationVolume));
      const bestTime = Math.min(...exact.map((estimate) => estimate.predictedSeconds));
      const volumeOk = exactOf(chosen).communicationVolume <= (1 + WITHIN) * bestVolume;
      const timeOk = exactOf(chosen).predictedSeconds <= (1 + WITHIN) * bestTime;
      const cheapVolumeRanking = ranking(cheap, (estimate) => estimate.communicationVolume);
      const exactVolumeRanking = ranking(exact, (estimate) => estimate.communicationVolume);
      const cheapTimeRanking = ranking(cheap, (estimate) => estimate.predictedSeconds);
      const exactTimeRanking = ranking(exact, (estimate) => estimate.predictedSeconds);
      const volumeAgrees = cheapVolumeRanking.join() === exactVolumeRanking.join();
      const timeAgrees = cheapTimeRanking.join() === exactTimeRanking.join();
      const cheapBytesRanking = ranking(cheap, (estimate) => estimate.bytesPerSuperstep);
      const exactBytesRanking = ranking(exact, (estimate) => estimate.bytesPerSuperstep);
      const bytesAgrees = cheapBytesRanking.join() === exactBytesRanking.join();
      const exactBest = exactTimeRanking[0]!;
      cases++;
      if (volumeOk) withinVolume++;
      if (timeOk) withinTime++;
      if (volumeAgrees) volumeRankingAgrees++;
      if (timeAgrees) timeRankingAgrees++;
      if (bytesAgrees) bytesRankingAgrees++;
      if (chosen === exactBest) bestAgrees++;
      const strategies = Object.fromEntries(
        PARTITION_STRATEGIES.map((strategy) => {
          const plan = balanced!.get(strategy)!;
          return [strategy, { cheap: summary(cheap.find((estimate) => estimate.strategy === strategy)!), exact: summary(exactOf(strategy)), loadImbalance: plan.imbalance, partitionMs: plan.partitionMs }];
        }),
      );
      rows.push({ graph: name, n: graph.n, m: graph.m, k: K, algorithm, chosen, exactBestByTime: exactBest, volumeOk, timeOk, cheapVolumeRanking, exactVolumeRanking, volumeAgrees, cheapTimeRanking, exactTimeRanking, timeAgrees, cheapBytesRanking, exactBytesRanking, bytesAgrees, strategies });
      const volumes = PARTITION_STRATEGIES.map((strategy) => `${strategy} ${Math.round(cheap.find((e) => e.strategy === strategy)!.communicationVolume)}/${exactOf(strategy).communicationVolume} (±${(balanced!.get(strategy)!.imbalance * 100).toFixed(1)}%)`).join('  ');
      log(
        `select ${name.padEnd(18)} ${algorithm.padEnd(8)}: chosen ${chosen.padEnd(10)} exact best ${exactBest.padEnd(10)} volume ${volumeOk ? 'ok' : 'OFF'} time ${timeOk ? 'ok' : 'OFF'}` +
          ` ranking vol ${volumeAgrees ? '=' : '≠'} bytes ${bytesAgrees ? '=' : '≠'} time ${timeAgrees ? '=' : '≠'}  cheap/exact volume: ${volumes}`,
      );
    }
  }
  save('select', options, { seed: SEED, k: K, rows, cases, withinVolume, withinTime, volumeRankingAgrees, bytesRankingAgrees, timeRankingAgrees, bestAgrees, plans, worstImbalance, imbalancesOver3 });
  return {
    stage: 'select',
    headlines: [
      { label: `Auto choice: exact volume within 10% of the best (of ${cases})`, value: withinVolume, unit: 'cases', goal: `= ${cases}`, met: withinVolume === cases },
      { label: `Auto choice: exact predicted time within 10% of the best (of ${cases})`, value: withinTime, unit: 'cases' },
      { label: `Cheap ranking = exact ranking by volume (of ${cases})`, value: volumeRankingAgrees, unit: 'cases', goal: `= ${cases}`, met: volumeRankingAgrees === cases },
      { label: `Cheap ranking = exact ranking by bytes per superstep (of ${cases})`, value: bytesRankingAgrees, unit: 'cases' },
      { label: `Cheap ranking = exact ranking by predicted time (of ${cases})`, value: timeRankingAgrees, unit: 'cases' },
      { label: `Balanced plans: worst load-model imbalance (${imbalancesOver3} of ${plans} over 3%)`, value: worstImbalance, unit: '×', goal: '≤ 0.03 (never > 0.10)', met: worstImbalance <= 0.03 + 1e-9 },
    ],
  };
}
