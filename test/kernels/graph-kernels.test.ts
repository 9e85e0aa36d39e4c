/**
 * Seeded property tests: the four graph kernels, through their drivers, against the plain
 * TypeScript oracles on hundreds of random graphs (empty, one vertex, isolated and dangling
 * vertices, self-loops, parallel arcs, disconnected parts; unit, integer and real weights).
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync } from '../../src/index.js';
import { runBfs } from '../../src/execute/bfs.js';
import { runAlgorithm } from '../../src/execute/single.js';
import { runWcc } from '../../src/execute/wcc.js';
import { bfsOracle } from '../../src/oracle/bfs.js';
import { pagerankNaive, pagerankOracle } from '../../src/oracle/pagerank.js';
import { ssspOracle } from '../../src/oracle/sssp.js';
import { wccOracle } from '../../src/oracle/wcc.js';
import { Random } from '../helpers/random.js';
import { randomArcs } from './random-graphs.js';

const host = createHostSync();
const CASES = 300;

describe('graph kernels against oracles on random graphs', () => {
  it('PageRank is bit-identical to the exact oracle (exact per-vertex sums), and within 1e-12 of naive float64', () => {
    const random = new Random(11);
    for (let trial = 0; trial < CASES; trial++) {
      const arcs = randomArcs(random, 'unit');
      const graph = buildGraph(host, arcs);
      const options = random.pick([{}, { iterations: random.int(1, 5) }, { tolerance: 1e-6 }, { damping: 0.5, iterations: 30 }]);
      const result = runAlgorithm(graph, 'pagerank', options);
      const expected = pagerankOracle(arcs, options);
      expect(result.values, `trial ${trial}: ${arcs.label}`).toEqual(expected.scores);
      expect(result.supersteps).toBe(expected.iterations);
      expect(result.converged).toBe(expected.converged);
      if (trial % 3 === 0) {
        // run both to the floating fixed point, where the convention alone decides the values
        const long = { tolerance: 0, iterations: 400 };
        const converged = runAlgorithm(graph, 'pagerank', long).values;
        const naive = pagerankNaive(arcs, long);
        for (let v = 0; v < arcs.n; v++) expect(Math.abs(converged[v]! - naive[v]!), `trial ${trial} vertex ${v}`).toBeLessThan(1e-12);
        let total = 0;
        for (let v = 0; v < arcs.n; v++) total += converged[v]!;
        if (arcs.n > 0) expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it('BFS levels equal the oracle from random sources, top-down, bottom-up and switching', () => {
    const random = new Random(12);
    for (let trial = 0; trial < CASES; trial++) {
      const arcs = randomArcs(random, 'unit');
      if (arcs.n === 0) continue;
      const graph = buildGraph(host, arcs);
      const source = random.int(0, arcs.n - 1);
      const expected = bfsOracle(arcs, source);
      for (const direction of ['auto', 'top-down', 'bottom-up'] as const) {
        const result = runBfs(graph, { source, direction });
        expect(result.values, `trial ${trial} ${direction}: ${arcs.label}`).toEqual(expected);
      }
    }
  });

  it('SSSP distances equal binary-heap Dijkstra exactly, for unit, integer and real weights', () => {
    const random = new Random(13);
    for (let trial = 0; trial < CASES; trial++) {
      const arcs = randomArcs(random);
      if (arcs.n === 0) continue;
      const graph = buildGraph(host, arcs);
      const source = random.int(0, arcs.n - 1);
      const result = runAlgorithm(graph, 'sssp', { source });
      expect(result.values, `trial ${trial}: ${arcs.label}`).toEqual(ssspOracle(arcs, source));
    }
  });

  it('WCC labels equal the oracle (smallest id per component), in one chunk and in many', () => {
    const random = new Random(14);
    for (let trial = 0; trial < CASES; trial++) {
      const arcs = randomArcs(random, 'unit');
      const graph = buildGraph(host, arcs);
      const expected = wccOracle(arcs);
      expect(runAlgorithm(graph, 'wcc').values, `trial ${trial}: ${arcs.label}`).toEqual(expected);
      expect(runWcc(graph, { chunkArcs: random.int(1, 5) }).values, `trial ${trial} chunked`).toEqual(expected);
    }
  });

  it('a skewed 3000-vertex graph: all four agree with the oracles (direction switches, many dangling)', () => {
    const random = new Random(15);
    const n = 3000;
    const src: number[] = [];
    const dst: number[] = [];
    // skewed: ids drawn as floor(n * r^3) concentrate arcs on low ids, leaving many vertices
    // dangling or unreached
    for (let i = 0; i < 12 * n; i++) {
      src.push(Math.floor(n * random.float() ** 3));
      dst.push(Math.floor(n * random.float() ** 2));
    }
    const weights = src.map(() => random.int(0, 1000) / 8);
    const arcs = { n, src, dst, weights };
    const graph = buildGraph(host, arcs);
    const unweighted = buildGraph(host, { n, src, dst });
    expect(runAlgorithm(unweighted, 'pagerank').values).toEqual(pagerankOracle(arcs).scores);
    expect(runBfs(unweighted, { source: 0 }).values).toEqual(bfsOracle(arcs, 0));
    expect(runAlgorithm(graph, 'sssp', { source: 0 }).values).toEqual(ssspOracle(arcs, 0));
    expect(runAlgorithm(unweighted, 'wcc').values).toEqual(wccOracle(arcs));
  });

  it('empty graph: every algorithm returns an empty result', () => {
    const graph = buildGraph(host, { n: 0, src: [], dst: [] });
    for (const name of ['pagerank', 'bfs', 'sssp', 'wcc'] as const) {
      const result = runAlgorithm(graph, name);
      expect(result.values.length).toBe(0);
      expect(result.n).toBe(0);
    }
  });
});
