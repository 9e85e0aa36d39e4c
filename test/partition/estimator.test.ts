import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, loadGraph, OptionsError, type NeuromorphicGraph } from '../../src/index.js';
import { analyzeGraphStructure } from '../../src/analyse/analyse.js';
import { balanceLoad, loadModelFor } from '../../src/partition/balance.js';
import {
  CommunicationEstimator,
  degreeProfile,
  expectedParts,
  locality,
  predictedFigures,
  randomPlacementFigures,
  splitFigures,
  vertexCutShare,
  sampledClustering,
  selectOptimalStrategy,
  synthesizeProfile,
  type StrategyEstimate,
} from '../../src/partition/estimator.js';
import { hybridThreshold } from '../../src/partition/hybrid.js';
import { partitionWithStrategy } from '../../src/partition/partitioner.js';
import { partitionQuality } from '../../src/partition/metrics.js';
import { PARTITION_STRATEGIES, type PartitionAssignment, type PartitionStrategy } from '../../src/partition/plan.js';
import { randomVertexCut } from '../../src/partition/vertexcut.js';

const host = createHostSync();
const estimator = new CommunicationEstimator();

function graphOf(n: number, arcs: Array<[number, number]>): NeuromorphicGraph {
  return buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]) });
}

/** The three partitioners as the facade runs them (partitionWithStrategy), then the load balancer, for PageRank's model. */
function finishedPlans(g: NeuromorphicGraph, k: number): PartitionAssignment[] {
  const model = loadModelFor('pagerank');
  const threshold = hybridThreshold(analyzeGraphStructure(g));
  return PARTITION_STRATEGIES.map((strategy) => {
    const options = { seed: 1, imbalance: 0.03, model, threshold: strategy === 'hybrid' ? threshold : undefined };
    return balanceLoad(g, partitionWithStrategy(g, strategy, k, options), { model, imbalance: 0.03, threshold: options.threshold });
  });
}

function ranking(estimates: StrategyEstimate[], key: 'communicationVolume' | 'valuesPerActiveSuperstep' | 'predictedSeconds'): PartitionStrategy[] {
  return [...estimates].sort((x, y) => x[key] - y[key]).map((e) => e.strategy);
}

describe('CommunicationEstimator: the cheap estimate against finished plans', () => {
  // measured at k = 8, PageRank (exact communication volume): polblogs NE 1020 < hybrid 1404 < edge-cut 2900;
  // email-Eu-core NE 1015 < hybrid 1354 < edge-cut 2816
  for (const file of ['polblogs.el', 'email_eu_core.el']) {
    it(`${file}, PageRank, k = 8: the estimate ranks the strategies as the exact figures do (vertex-cut best)`, () => {
      const g = loadGraph(host, `test/fixtures/data/${file}`);
      const analysis = analyzeGraphStructure(g);
      const k = 8;
      const estimates = estimator.estimate(analysis, 'pagerank', k, degreeProfile(g));
      const exact = finishedPlans(g, k).map((plan) => estimator.exact(plan, g, 'pagerank', analysis.diameterEstimate));
      expect(exact.every((e) => e.exact)).toBe(true);
      expect(estimates.every((e) => !e.exact)).toBe(true);
      expect(ranking(exact, 'communicationVolume')[0]).toBe('vertex-cut');
      expect(ranking(estimates, 'communicationVolume')).toEqual(ranking(exact, 'communicationVolume'));
      expect(ranking(estimates, 'valuesPerActiveSuperstep')).toEqual(ranking(exact, 'valuesPerActiveSuperstep'));
      expect(selectOptimalStrategy(estimates)).toBe('vertex-cut');
      // PageRank's vertices cost ~15 arcs (balance.ts), so compute is most of a superstep and the
      // exact figures may prefer a plan a little better balanced: the estimate's choice must then
      // cost within 2% of the best exact prediction
      const best = Math.min(...exact.map((e) => e.predictedSeconds));
      expect(exact.find((e) => e.strategy === 'vertex-cut')!.predictedSeconds).toBeLessThanOrEqual(best * 1.02);
    });
  }

  it('road_rome99, PageRank, k = 8: the choice is the edge-cut, the lowest exact volume', () => {
    // measured: edge-cut 244 < NE 296 < hybrid 1244; the cheap volumes put NE first (a known miss,
    // see SPLIT_CAP), but NE's values count each mirror twice and the predicted time picks the edge-cut
    const g = loadGraph(host, 'test/fixtures/data/road_rome99.el');
    const analysis = analyzeGraphStructure(g);
    const estimates = estimator.estimate(analysis, 'pagerank', 8, degreeProfile(g));
    const exact = finishedPlans(g, 8).map((plan) => estimator.exact(plan, g, 'pagerank', analysis.diameterEstimate));
    expect(ranking(exact, 'communicationVolume')[0]).toBe('edge-cut');
    expect(selectOptimalStrategy(estimates)).toBe('edge-cut');
    expect(ranking(estimates, 'communicationVolume')[2]).toBe('hybrid');
    expect(ranking(exact, 'communicationVolume')[2]).toBe('hybrid');
  });

  it('the random vertex-cut closed form matches the replication of randomVertexCut within 3% (email-Eu-core, k = 4, 8, 16)', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    const profile = degreeProfile(g);
    for (const k of [4, 8, 16]) {
      const predicted = 1 + randomPlacementFigures(profile, k)['vertex-cut'].copies / g.n;
      const measured = partitionQuality(randomVertexCut(g, { k, seed: 3 }), g).replicationFactor;
      expect(Math.abs(predicted / measured - 1)).toBeLessThan(0.03);
    }
  });

  it('the profile synthesised from the analysis alone stands for n vertices and about 2m arc ends', () => {
    const g = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    const profile = synthesizeProfile(analyzeGraphStructure(g));
    let vertices = 0;
    let ends = 0;
    for (let i = 0; i < profile.inDegrees.length; i++) {
      vertices += profile.multiplicity![i]!;
      ends += profile.multiplicity![i]! * (profile.inDegrees[i]! + profile.outDegrees[i]!);
    }
    expect(vertices).toBeCloseTo(g.n, 6);
    expect(Math.abs(ends / (2 * g.m) - 1)).toBeLessThan(0.1);
  });
});

describe('CommunicationEstimator: the model', () => {
  it('expectedParts is k (1 − (1 − 1/k)^d): 0 for d = 0, 1 for d = 1, towards k for large d', () => {
    expect(expectedParts(0, 8)).toBe(0);
    expect(expectedParts(1, 8)).toBeCloseTo(1, 12);
    expect(expectedParts(2, 2)).toBeCloseTo(1.5, 12); // two draws from two parts: 1 + 1/2
    expect(expectedParts(1000, 8)).toBeCloseTo(8, 6);
  });

  it('locality: a road network keeps far less of the random cut than a small world', () => {
    const road = analyzeGraphStructure(loadGraph(host, 'test/fixtures/data/road_rome99.el'));
    const email = analyzeGraphStructure(loadGraph(host, 'test/fixtures/data/email_eu_core.el'));
    expect(locality(road, 8)).toBeLessThan(0.1);
    expect(locality(email, 8)).toBeGreaterThan(2 * locality(road, 8));
    expect(locality(email, 1)).toBe(0);
  });

  it('sampled clustering: 1 on a clique, 0 on a star and a cycle, deterministic', () => {
    const clique = graphOf(6, [0, 1, 2, 3, 4, 5].flatMap((u) => [0, 1, 2, 3, 4, 5].filter((v) => v !== u).map((v): [number, number] => [u, v])));
    const star = graphOf(9, [1, 2, 3, 4, 5, 6, 7, 8].map((leaf): [number, number] => [0, leaf]));
    const cycle = graphOf(10, Array.from({ length: 10 }, (_, i): [number, number] => [i, (i + 1) % 10]));
    expect(sampledClustering(clique)).toBe(1);
    expect(sampledClustering(star)).toBe(0);
    expect(sampledClustering(cycle)).toBe(0);
    expect(sampledClustering(graphOf(3, []))).toBe(0);
    const email = loadGraph(host, 'test/fixtures/data/email_eu_core.el');
    expect(sampledClustering(email)).toBe(sampledClustering(email));
  });

  it('locality with clustering: a clustered small world keeps less of the random cut than a random graph with the same degrees', () => {
    const facebook = loadGraph(host, 'test/fixtures/data/facebook.el.gz');
    const analysis = analyzeGraphStructure(facebook);
    const profile = degreeProfile(facebook);
    expect(profile.clustering).toBeGreaterThan(0.5); // measured 0.593 (networkx average clustering: 0.606)
    const unclustered = { ...profile, clustering: 0.01 };
    expect(locality(analysis, 8, profile)).toBeLessThan(0.8 * locality(analysis, 8, unclustered));
  });

  it('exact figures on hand-counted plans', () => {
    // path 0 -> 1 -> 2, edge-cut {0, 1} | {2}: arc 1 -> 2 lives on part 1, so vertex 1 has a ghost there
    const path = graphOf(3, [[0, 1], [1, 2]]);
    const edgeCut = estimator.exact({ k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: null }, path, 'pagerank');
    expect(edgeCut.communicationVolume).toBe(1);
    expect(edgeCut.replicationFactor).toBeCloseTo(4 / 3, 12);
    expect(edgeCut.valuesPerActiveSuperstep).toBe(1);
    expect(edgeCut.bytesPerSuperstep).toBe(8); // one f64 per PageRank superstep
    expect(edgeCut.messagesPerSuperstep).toBe(1);
    expect(edgeCut.supersteps).toBe(100);
    // in-star 1 -> 0, 2 -> 0 cut by arcs: 0's in-arcs on parts 0 and 1, master on 0: one partial gathered
    const star = graphOf(3, [[1, 0], [2, 0]]);
    const vertexCut = estimator.exact({ k: 2, strategy: 'vertex-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: Int32Array.from([0, 1]) }, star, 'bfs');
    expect(vertexCut.communicationVolume).toBe(1);
    expect(vertexCut.valuesPerActiveSuperstep).toBe(1);
    // BFS: the value crosses once over diameter + 1 supersteps, as a 4-byte i32
    const bfs = estimator.exact({ k: 2, strategy: 'vertex-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: Int32Array.from([0, 1]) }, star, 'bfs', 3);
    expect(bfs.supersteps).toBe(4);
    expect(bfs.bytesPerSuperstep).toBeCloseTo((1 / 4) * 4, 12);
    // LIF: a spike crosses when its neuron fires, 1% of the steps
    const lif = estimator.exact({ k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from([0, 0, 1]), arcOwner: null }, path, 'lif');
    expect(lif.valuesPerSuperstep).toBeCloseTo(0.01, 12);
    expect(lif.bytesPerSuperstep).toBeCloseTo(0.04, 12);
  });

  it('an edge-cut cannot split a hub: its heaviest worker carries the hub and its in-arcs', () => {
    // 20 leaves with 20 parallel arcs each into vertex 0 and nothing else: no edge-cut of 4 parts
    // balances that (parallel arcs, since PageRank's vertices weigh ~15 arcs: 400 leaves with one
    // arc each would outweigh the hub)
    const hub = graphOf(21, Array.from({ length: 400 }, (_, i): [number, number] => [1 + (i % 20), 0]));
    const estimates = estimator.estimate(analyzeGraphStructure(hub), 'pagerank', 4, degreeProfile(hub));
    const byStrategy = new Map(estimates.map((e) => [e.strategy, e]));
    const model = loadModelFor('pagerank') as { vertexCost: number; arcCost: number };
    const hubWork = model.vertexCost + 400 * model.arcCost;
    expect(byStrategy.get('edge-cut')!.workPerWorker).toBeGreaterThanOrEqual(hubWork);
    expect(byStrategy.get('vertex-cut')!.workPerWorker).toBeLessThan(hubWork / 2);
  });

  it('the fitted model: NE values count each mirror twice, its boundary grows with the edge-cut share, the hybrid sits between its two sides', () => {
    const facebook = loadGraph(host, 'test/fixtures/data/facebook.el.gz');
    const profile = degreeProfile(facebook);
    const split = splitFigures(profile, 8, hybridThreshold(analyzeGraphStructure(facebook)));
    // a boundary vertex of a good vertex-cut is split over at most 3 parts: at most 2 mirrors each
    expect(split.splitCopies).toBeLessThanOrEqual(2 * facebook.n + 1e-9);
    expect(split.hubSplitCopies).toBeLessThan(split.splitCopies);
    const figures = predictedFigures(split, 0.3);
    expect(figures['vertex-cut'].values).toBeCloseTo(2 * figures['vertex-cut'].copies, 9);
    expect(figures['edge-cut'].values).toBe(figures['edge-cut'].copies);
    expect(figures.hybrid.values).toBeGreaterThan(figures.hybrid.copies);
    expect(figures.hybrid.values).toBeLessThan(2 * figures.hybrid.copies);
    // easier to cut (smaller share): every strategy predicts less, NE less than in proportion
    const easier = predictedFigures(split, 0.03);
    expect(easier['edge-cut'].copies / figures['edge-cut'].copies).toBeCloseTo(0.1, 9);
    expect(easier['vertex-cut'].copies / figures['vertex-cut'].copies).toBeGreaterThan(0.1);
    expect(easier['vertex-cut'].copies).toBeLessThan(figures['vertex-cut'].copies);
    expect(vertexCutShare(0)).toBe(0);
    expect(vertexCutShare(1e9)).toBe(1);
  });

  it('k = 1: nothing crosses', () => {
    const g = graphOf(4, [[0, 1], [1, 2], [2, 3], [3, 0]]);
    for (const estimate of estimator.estimate(analyzeGraphStructure(g), 'pagerank', 1)) {
      expect(estimate.communicationVolume).toBe(0);
      expect(estimate.bytesPerSuperstep).toBe(0);
      expect(estimate.communicationSeconds).toBe(0);
    }
  });
});

describe('selectOptimalStrategy', () => {
  const estimateOf = (strategy: PartitionStrategy, predictedSeconds: number): StrategyEstimate => ({
    strategy,
    algorithm: 'pagerank',
    k: 4,
    exact: false,
    replicationFactor: 1,
    communicationVolume: 0,
    valuesPerActiveSuperstep: 0,
    valuesPerSuperstep: 0,
    bytesPerSuperstep: 0,
    messagesPerSuperstep: 0,
    supersteps: 1,
    workPerWorker: 0,
    computeSeconds: predictedSeconds,
    communicationSeconds: 0,
    predictedSeconds,
  });

  it('picks the lowest predicted time; ties go to edge-cut, then hybrid', () => {
    expect(selectOptimalStrategy([estimateOf('edge-cut', 3), estimateOf('vertex-cut', 1), estimateOf('hybrid', 2)])).toBe('vertex-cut');
    expect(selectOptimalStrategy([estimateOf('vertex-cut', 1), estimateOf('hybrid', 1), estimateOf('edge-cut', 1)])).toBe('edge-cut');
    expect(selectOptimalStrategy([estimateOf('vertex-cut', 1), estimateOf('hybrid', 1), estimateOf('edge-cut', 2)])).toBe('hybrid');
    expect(selectOptimalStrategy([estimateOf('vertex-cut', 1)])).toBe('vertex-cut');
  });

  it('bad input -> OptionsError', () => {
    const g = graphOf(2, [[0, 1]]);
    const analysis = analyzeGraphStructure(g);
    expect(() => selectOptimalStrategy([])).toThrow(OptionsError);
    expect(() => selectOptimalStrategy([estimateOf('edge-cut', Number.NaN)])).toThrow(OptionsError);
    expect(() => estimator.estimate(analysis, 'dijkstra' as never, 2)).toThrow(OptionsError);
    expect(() => estimator.estimate(analysis, 'pagerank', 0)).toThrow(OptionsError);
    expect(() => estimator.estimate(null as never, 'pagerank', 2)).toThrow(OptionsError);
    expect(() => estimator.exact({ k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from([0, 1]), arcOwner: null }, g, 'nope' as never)).toThrow(OptionsError);
    expect(() => new CommunicationEstimator({ bandwidth: 0 })).toThrow(OptionsError);
    expect(() => new CommunicationEstimator({ latency: -1 })).toThrow(OptionsError);
  });
});
