import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, createPrng, loadGraph, OptionsError, type NeuromorphicGraph } from '../../src/index.js';
import { ALGORITHM_TRAFFIC, analyzeGraphStructure, fitPowerLaw } from '../../src/analyse/analyse.js';

const host = createHostSync();

function graphOf(n: number, arcs: Array<[number, number]>, weights?: number[], inArcs = true): NeuromorphicGraph {
  return buildGraph(host, { n, src: arcs.map((a) => a[0]), dst: arcs.map((a) => a[1]), weights }, { inArcs });
}

describe('analyzeGraphStructure on hand-made graphs', () => {
  it('an out-star: hub degree, skew, Gini and diameter 2', () => {
    const a = analyzeGraphStructure(graphOf(5, [[0, 1], [0, 2], [0, 3], [0, 4]]));
    expect(a.n).toBe(5);
    expect(a.m).toBe(4);
    expect(a.density).toBe(4 / 20);
    // out-degrees 4,0,0,0,0
    expect(a.outDegree).toEqual({ min: 0, max: 4, mean: 0.8, median: 0, p99: 4 });
    expect(a.inDegree).toEqual({ min: 0, max: 1, mean: 0.8, median: 1, p99: 1 });
    // total degrees sorted 1,1,1,1,4: Gini = 2·30/(5·8) − 6/5 = 0.3
    expect(a.gini).toBeCloseTo(0.3, 12);
    // top 1% of 5 vertices is one vertex: the hub holds 4 of the 8 arc ends
    expect(a.topPercentShare).toBe(0.5);
    expect(a.topPercentInShare).toBe(0.25);
    expect(a.diameterEstimate).toBe(2);
    expect(a.diameterFrom).toBe(0);
    expect(a.components).toBe(1);
    expect(a.reciprocity).toBe(0);
    expect(a.weighted).toBe(false);
  });

  it('a directed path: diameter n − 1 on the undirected view, whatever the start', () => {
    const arcs: Array<[number, number]> = [];
    for (let v = 0; v < 9; v++) arcs.push([v, v + 1]);
    const a = analyzeGraphStructure(graphOf(10, arcs));
    expect(a.diameterEstimate).toBe(9);
    expect(a.diameterSweeps).toBeGreaterThanOrEqual(2);
    // totals 1,2,...,2,1: Gini = (Σ|xi − xj|) / (2 n² mean) = (2·2·8·1) / (2·100·1.8)
    expect(a.gini).toBeCloseTo(32 / 360, 12);
    expect(a.totalDegree).toEqual({ min: 1, max: 2, mean: 1.8, median: 2, p99: 2 });
    expect(a.largestComponentFraction).toBe(1);
  });

  it('a clique (every ordered pair): density 1, diameter 1, no skew, fully reciprocal', () => {
    const arcs: Array<[number, number]> = [];
    for (let u = 0; u < 6; u++) for (let v = 0; v < 6; v++) if (u !== v) arcs.push([u, v]);
    const a = analyzeGraphStructure(graphOf(6, arcs));
    expect(a.density).toBe(1);
    expect(a.diameterEstimate).toBe(1);
    expect(a.gini).toBeCloseTo(0, 12);
    expect(a.reciprocity).toBe(1);
    expect(a.parallelArcs).toBe(0);
    expect(a.selfLoops).toBe(0);
  });

  it('counts self-loops, parallel arcs, isolated vertices and components; reads weights', () => {
    // component {0,1,2} with a parallel arc and a self-loop; component {3,4}; isolated 5 and 6
    const arcs: Array<[number, number]> = [[0, 1], [0, 1], [1, 2], [2, 2], [3, 4], [4, 3]];
    const a = analyzeGraphStructure(graphOf(7, arcs, [1, 2, 3, 0.5, 1, 1]));
    expect(a.selfLoops).toBe(1);
    expect(a.parallelArcs).toBe(1);
    expect(a.isolatedVertices).toBe(2);
    expect(a.components).toBe(4);
    expect(a.largestComponent).toBe(3);
    expect(a.largestComponentFraction).toBe(3 / 7);
    // reciprocal: 3->4 and 4->3 of the 5 arcs between distinct vertices
    expect(a.reciprocity).toBe(2 / 5);
    expect(a.weighted).toBe(true);
    expect(a.weightKind).toBe('f64');
    expect([a.minWeight, a.maxWeight]).toEqual([0.5, 3]);
    // highest total degree 3: vertex 1 (in 2, out 1) and vertex 2 (the self-loop is one in and one out
    // arc, plus 1 -> 2): the lower id starts; its farthest vertex 0 then sees 2 at distance 2
    expect(a.diameterFrom).toBe(1);
    expect(a.diameterEstimate).toBe(2);
  });

  it('gives the same answer without the CSC, and handles empty and arc-less graphs', () => {
    const arcs: Array<[number, number]> = [[0, 1], [2, 1], [1, 3], [3, 0], [4, 4]];
    const withCsc = analyzeGraphStructure(graphOf(5, arcs));
    const without = analyzeGraphStructure(graphOf(5, arcs, undefined, false));
    expect(without).toEqual(withCsc);
    const empty = analyzeGraphStructure(graphOf(0, []));
    expect(empty).toMatchObject({ n: 0, m: 0, density: 0, gini: 0, diameterEstimate: 0, components: 0, powerLaw: null });
    const lonely = analyzeGraphStructure(graphOf(3, []));
    expect(lonely).toMatchObject({ isolatedVertices: 3, components: 3, diameterEstimate: 0, topPercentShare: 0 });
    expect(() => analyzeGraphStructure(graphOf(2, []), { sweeps: 0 })).toThrow(OptionsError);
  });
});

describe('analyzeGraphStructure on a fixture', () => {
  it("Zachary's karate club matches networkx's figures", () => {
    const a = analyzeGraphStructure(loadGraph(host, 'test/fixtures/data/karate.el'));
    // networkx 3.6 on the same arcs: nx.diameter 5, density 0.13904, out-degree median 3, max 17,
    // total-degree Gini 0.385370 (mean absolute difference form), top vertex 34/312 of arc ends
    expect(a.n).toBe(34);
    expect(a.m).toBe(156);
    expect(a.density).toBeCloseTo(0.13903743315508021, 12);
    expect(a.diameterEstimate).toBe(5);
    expect(a.outDegree).toEqual({ min: 1, max: 17, mean: 156 / 34, median: 3, p99: 17 });
    expect(a.totalDegree.median).toBe(6);
    expect(a.gini).toBeCloseTo(0.385369532428356, 12);
    expect(a.topPercentShare).toBeCloseTo(34 / 312, 12);
    expect(a.reciprocity).toBe(1);
    expect(a.components).toBe(1);
    expect(a.isolatedVertices).toBe(0);
  });
});

describe('power-law fit', () => {
  it('recovers a planted exponent from a sampled degree histogram', () => {
    // degrees drawn from a continuous power law with alpha 2.5 above 5, rounded (inverse CDF)
    const random = createPrng(17);
    for (const planted of [2.2, 2.5, 3.0]) {
      const histogram = new Float64Array(200_000);
      for (let i = 0; i < 20_000; i++) {
        const x = Math.round((5 - 0.5) * Math.pow(1 - random.nextFloat(), -1 / (planted - 1)) + 0.5);
        if (x < histogram.length) histogram[x]!++;
      }
      const fit = fitPowerLaw(histogram)!;
      expect(fit.alpha).toBeGreaterThan(planted - 0.15);
      expect(fit.alpha).toBeLessThan(planted + 0.15);
      expect(fit.ks).toBeLessThan(0.05);
    }
  });

  it('is absent when the tail is too small, and heavy-tailed graphs are flagged as skewed', () => {
    expect(fitPowerLaw(Float64Array.from([0, 3, 2]))).toBeNull();
    const a = analyzeGraphStructure(loadGraph(host, 'test/fixtures/data/email_eu_core.el'));
    expect(a.powerLaw).not.toBeNull();
    expect(a.gini).toBeGreaterThan(0.4);
    // the largest total degree is 546 against a mean of 50.9
    expect(a.totalDegree.max).toBeGreaterThan(8 * a.totalDegree.mean);
  });

  it('names a traffic pattern for every algorithm', () => {
    expect(ALGORITHM_TRAFFIC.pagerank).toBe('all-active');
    expect(ALGORITHM_TRAFFIC.bfs).toBe('frontier');
    expect(ALGORITHM_TRAFFIC.lif).toBe('spike-rate');
  });
});
