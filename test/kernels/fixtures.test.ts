/**
 * Small graphs with answers worked out by hand, the drivers' errors, and arena hygiene.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, createHostSync, ErrorCode, InputError, OptionsError, SimulationError } from '../../src/index.js';
import { runAlgorithm } from '../../src/execute/single.js';
import type { AlgorithmName, AlgorithmOptions } from '../../src/execute/types.js';

const host = createHostSync();

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('hand-checked fixtures', () => {
  it('PageRank of a 4-vertex star in both directions matches the closed form', () => {
    // hub 0 <-> leaves 1, 2, 3. With a = x0 and b = each leaf: a = 3db + (1-d)/4 and
    // b = da/3 + (1-d)/4, so a = (1-d)(1+3d) / (4(1-d^2)) = 0.0375 * 3.55 / 0.2775, b = (1-a)/3.
    const graph = buildGraph(host, { n: 4, src: [0, 0, 0, 1, 2, 3], dst: [1, 2, 3, 0, 0, 0] });
    const result = runAlgorithm(graph, 'pagerank', { tolerance: 0, iterations: 1000 });
    const hub = (0.0375 * 3.55) / 0.2775;
    const leaf = (1 - hub) / 3;
    expect(result.values[0]).toBeCloseTo(hub, 14);
    for (const v of [1, 2, 3]) expect(result.values[v]).toBeCloseTo(leaf, 14);
    expect(result.converged).toBe(false); // tolerance 0 is never met: every iteration ran
    expect(result.supersteps).toBe(1000);
    expect(result.perSuperstep).toHaveLength(1000);
  });

  it('PageRank with a dangling vertex spreads its score to all: 0 -> 1', () => {
    // x0 = d x1 / 2 + (1-d)/2 and x0 + x1 = 1  =>  x0 = 0.5 / (1 + d/2)
    const graph = buildGraph(host, { n: 2, src: [0], dst: [1] });
    const result = runAlgorithm(graph, 'pagerank', { iterations: 1000 });
    expect(result.converged).toBe(true);
    expect(result.values[0]).toBeCloseTo(0.5 / 1.425, 12);
    expect(result.values[1]).toBeCloseTo(1 - 0.5 / 1.425, 12);
  });

  it('PageRank: one iteration from 1/n by hand, and n = 1 is exactly 1', () => {
    // 3 vertices: 0 -> 1, 0 -> 2, 1 -> 2; 2 dangling. x = 1/3. contrib0 = 1/6, contrib1 = 1/3,
    // D = 1/3. x0' = d(0 + 1/9) + 0.05, x1' = d(1/6 + 1/9) + 0.05, x2' = d(1/6 + 1/3 + 1/9) + 0.05
    const graph = buildGraph(host, { n: 3, src: [0, 0, 1], dst: [1, 2, 2] });
    const values = runAlgorithm(graph, 'pagerank', { iterations: 1 }).values;
    expect(values[0]).toBeCloseTo(0.85 / 9 + 0.05, 15);
    expect(values[1]).toBeCloseTo(0.85 * (1 / 6 + 1 / 9) + 0.05, 15);
    expect(values[2]).toBeCloseTo(0.85 * (1 / 6 + 1 / 3 + 1 / 9) + 0.05, 15);
    const single = runAlgorithm(buildGraph(host, { n: 1, src: [0], dst: [0] }), 'pagerank');
    expect(single.values[0]).toBe(1);
    expect(single.supersteps).toBe(1);
  });

  it('BFS levels on a path with an isolated vertex, from its start and its middle', () => {
    const graph = buildGraph(host, { n: 6, src: [3, 0, 2, 1], dst: [4, 1, 3, 2] });
    expect([...runAlgorithm(graph, 'bfs').values]).toEqual([0, 1, 2, 3, 4, -1]);
    expect([...runAlgorithm(graph, 'bfs', { source: 2 }).values]).toEqual([-1, -1, 0, 1, 2, -1]);
  });

  it('SSSP on a small weighted graph, integer and real', () => {
    // 0->1 (4), 0->2 (1), 2->1 (2), 1->3 (1), 2->3 (5), 3->4 (3), 4->0 (1); 5 isolated
    const graph = buildGraph(host, { n: 6, src: [0, 0, 2, 1, 2, 3, 4], dst: [1, 2, 1, 3, 3, 4, 0], weights: [4, 1, 2, 1, 5, 3, 1] });
    expect([...runAlgorithm(graph, 'sssp').values]).toEqual([0, 3, 1, 4, 7, -1]);
    // float sums: 0.1 + 0.2 is 0.30000000000000004, so the direct arc of weight 0.3 wins
    const real = buildGraph(host, { n: 3, src: [0, 1, 0], dst: [1, 2, 2], weights: [0.1, 0.2, 0.3] });
    expect([...runAlgorithm(real, 'sssp').values]).toEqual([0, 0.1, 0.3]);
    const longer = buildGraph(host, { n: 3, src: [0, 1, 0], dst: [1, 2, 2], weights: [0.1, 0.2, 0.31] });
    expect([...runAlgorithm(longer, 'sssp').values]).toEqual([0, 0.1, 0.1 + 0.2]);
  });

  it('WCC of two components and an isolated vertex, labelled by their smallest ids', () => {
    const graph = buildGraph(host, { n: 6, src: [3, 1, 0], dst: [1, 4, 2] });
    expect([...runAlgorithm(graph, 'wcc').values]).toEqual([0, 1, 0, 1, 1, 5]);
  });

  it('runAlgorithm dispatches lif to the LIF driver', () => {
    const graph = buildGraph(host, { n: 3, src: [0, 1], dst: [1, 2], weights: [30000, 30000] });
    const result = runAlgorithm(graph, 'lif', { steps: 5 });
    expect(result.algorithm).toBe('lif');
    expect(result.values).toBeInstanceOf(Int32Array);
    expect(result.values.length).toBe(3);
  });

  it('source is an input id when the graph remapped sparse ids', () => {
    const graph = buildGraph(host, { n: 3, src: [0, 1], dst: [1, 2], vertexIds: new Float64Array([10, 20, 30]) });
    expect([...runAlgorithm(graph, 'bfs', { source: 20 }).values]).toEqual([-1, 0, 1]);
    expect((thrown(() => runAlgorithm(graph, 'bfs', { source: 1 })) as OptionsError).option).toBe('source');
  });
});

describe('errors', () => {
  it('a negative weight is NEGATIVE_WEIGHT naming the arc by input position', () => {
    // input arc 1 (0 -> 1, weight -2) comes first in CSR order; the error names it as input arc 1
    const graph = buildGraph(host, { n: 3, src: [1, 0], dst: [2, 1], weights: [5, -2], name: 'tiny.el' }, { keepInputOrder: true });
    const error = thrown(() => runAlgorithm(graph, 'sssp')) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.code).toBe(ErrorCode.NEGATIVE_WEIGHT);
    expect(error.file).toBe('tiny.el');
    expect(error.field).toBe('weight');
    expect(error.message).toMatch(/arc 1 \(0 -> 1\)/);
    // without the kept input order, the arc is named by its ends
    const lean = buildGraph(host, { n: 3, src: [1, 0], dst: [2, 1], weights: [5, -2] });
    expect((thrown(() => runAlgorithm(lean, 'sssp')) as InputError).message).toMatch(/arc 0 -> 1 has negative weight -2/);
    const real = buildGraph(host, { n: 2, src: [0, 1], dst: [1, 0], weights: [0.5, -0.25] });
    expect((thrown(() => runAlgorithm(real, 'sssp')) as InputError).code).toBe(ErrorCode.NEGATIVE_WEIGHT);
    // other algorithms ignore weights
    expect([...runAlgorithm(real, 'bfs').values]).toEqual([0, 1]);
  });

  it('a real distance that overflows float64 is DISTANCE_OVERFLOW, not "unreachable"', () => {
    const graph = buildGraph(host, { n: 3, src: [0, 1], dst: [1, 2], weights: [1e308, 1e308] });
    const error = thrown(() => runAlgorithm(graph, 'sssp')) as SimulationError;
    expect(error).toBeInstanceOf(SimulationError);
    expect(error.code).toBe(ErrorCode.DISTANCE_OVERFLOW);
  });

  it('bad options are OptionsError naming the option', () => {
    const graph = buildGraph(host, { n: 2, src: [0], dst: [1] });
    const cases: Array<[AlgorithmName, AlgorithmOptions, string]> = [
      ['pagerank', { iterations: 0 }, 'iterations'],
      ['pagerank', { iterations: 1.5 }, 'iterations'],
      ['pagerank', { tolerance: -1 }, 'tolerance'],
      ['pagerank', { tolerance: NaN }, 'tolerance'],
      ['pagerank', { tolerance: Infinity }, 'tolerance'],
      ['pagerank', { damping: 0 }, 'damping'],
      ['pagerank', { damping: 1 }, 'damping'],
      ['bfs', { source: 2 }, 'source'],
      ['sssp', { source: -1 }, 'source'],
      ['bfs', { source: 0.5 }, 'source'],
    ];
    for (const [name, options, option] of cases) {
      const error = thrown(() => runAlgorithm(graph, name, options)) as OptionsError;
      expect(error, `${name} ${JSON.stringify(options)}`).toBeInstanceOf(OptionsError);
      expect(error.code).toBe(ErrorCode.OPTION);
      expect(error.option).toBe(option);
    }
    expect((thrown(() => runAlgorithm(graph, 'nope' as AlgorithmName)) as OptionsError).option).toBe('algorithm');
  });

  it('repeated runs on one graph leave the arena where it was, errors included', () => {
    const graph = buildGraph(host, { n: 50, src: [...Array(200).keys()].map((i) => i % 50), dst: [...Array(200).keys()].map((i) => (i * 7) % 50), weights: [...Array(200).keys()].map((i) => (i % 9) - 1) });
    const unweighted = buildGraph(host, { n: 50, src: [...Array(200).keys()].map((i) => i % 50), dst: [...Array(200).keys()].map((i) => (i * 7) % 50) });
    const used = host.arena.used;
    for (let round = 0; round < 5; round++) {
      for (const name of ['pagerank', 'bfs', 'sssp', 'wcc'] as const) runAlgorithm(unweighted, name);
      expect(thrown(() => runAlgorithm(graph, 'sssp'))).toBeInstanceOf(InputError);
    }
    expect(host.arena.used).toBe(used);
  });
});
