import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, loadGraph, OptionsError, type NeuromorphicGraph } from '../../src/index.js';
import { analyzeGraphStructure } from '../../src/analyse/analyse.js';
import { balanceLoad, loadModelFor } from '../../src/partition/balance.js';
import { partitionEdgeCut } from '../../src/partition/edgecut.js';
import {
  CommunicationEstimator,
  degreeProfile,
  expectedParts,
  locality,
  randomPlacementFigures,
  sampledClustering,
  selectOptimalStrategy,
  synthesizeProfile,
  type StrategyEstimate,
} from '../../src/partition/estimator.js';
import { partitionHybrid } from '../../src/partition/hybrid.js';
import { partitionQuality } from '../../src/partition/metrics.js';
import type { PartitionAssignment, PartitionStrategy } from '../../src/partition/plan.js';
import { hdrfVertexCut, randomVertexCut } from '../../src/partition/vertexcut.js';

const host = createHostSync();
const estimator = new CommunicationEstimator();

function graphOf(n: number, arcs: Array<[number, number]>): NeuromorphicGraph {
  return buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]) });
}

/** The three real partitioners as the facade runs them: each, then the load balancer for PageRank's model. */
function finishedPlans(g: NeuromorphicGraph, k: number): PartitionAssignment[] {
  const model = loadModelFor('pagerank') as { vertexCost: number; arcCost: number };
  // pull model: a vertex carries its in-arcs, so its edge-cut weight is its cost plus theirs
  const vertexWeights = new Float64Array(g.n).fill(model.vertexCost);
  for (let a = 0; a < g.m; a++) vertexWeights[g.outTargets[a]!]! += model.arcCost;
  const plans = [
    partitionEdgeCut(g, k, { seed: 1, vertexWeights }),
    hdrfVertexCut(g, { k, seed: 1 }),
    partitionHybrid(g, k, { seed: 1 }),
  ];
  return plans.map((plan) => balanceLoad(g, plan, { model }));
}

function ranking(estimates: StrategyEstimate[], key: 'valuesPerActiveSuperstep' | 'predictedSeconds'): PartitionStrategy[] {
  return [...estimates].sort((x, y) => x[key] - y[key]).map((e) => e.strategy);
}

describe('CommunicationEstimator: the cheap estimate against finished plans', () => {
  // measured at k = 8 (values per all-active superstep, exact): road_rome99 e 218 < h 2035 < v 3468;
  // polblogs h 2348 < e 2859 < v 3633; email-Eu-core e 2736 < h 3058 < v 4127
  for (const [file, best] of [['road_rome99.el', 'edge-cut'], ['polblogs.el', 'hybrid'], ['email_eu_core.el', 'edge-cut']] as const) {
    it(`${file}, PageRank, k = 8: the estimate ranks the strategies as the exact figures do (${best} best)`, () => {
      const g = loadGraph(host, `test/fixtures/data/${file}`);
      const analysis = analyzeGraphStructure(g);
      const k = 8;
      const estimates = estimator.estimate(analysis, 'pagerank', k, degreeProfile(g));
      const exact = finishedPlans(g, k).map((plan) => estimator.exact(plan, g, 'pagerank', analysis.diameterEstimate));
      expect(exact.every((e) => e.exact)).toBe(true);
      expect(estimates.every((e) => !e.exact)).toBe(true);
      expect(ranking(exact, 'valuesPerActiveSuperstep')[0]).toBe(best);
      expect(ranking(estimates, 'valuesPerActiveSuperstep')).toEqual(ranking(exact, 'valuesPerActiveSuperstep'));
      expect(ranking(estimates, 'predictedSeconds')).toEqual(ranking(exact, 'predictedSeconds'));
      expect(selectOptimalStrategy(estimates)).toBe(best);
      expect(selectOptimalStrategy(exact)).toBe(best);
    });
  }

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
    // 200 leaves all pointing at vertex 0 and nothing else: no edge-cut of 4 parts balances that
    const hub = graphOf(201, Array.from({ length: 200 }, (_, i): [number, number] => [i + 1, 0]));
    const estimates = estimator.estimate(analyzeGraphStructure(hub), 'pagerank', 4, degreeProfile(hub));
    const byStrategy = new Map(estimates.map((e) => [e.strategy, e]));
    expect(byStrategy.get('edge-cut')!.workPerWorker).toBeGreaterThanOrEqual(200);
    expect(byStrategy.get('vertex-cut')!.workPerWorker).toBeLessThan(100);
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
