/**
 * The property issue 4 is about: a run on P workers returns the single-worker bits, for every
 * algorithm, strategy and worker count. Values are compared as bytes; LIF rasters as SHA-256 of
 * the T × n raster (lif-model.md), besides the counts.
 *
 * Real threads (piscina) over one shared memory; the single-worker drivers are the reference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildGraph,
  buildPartitionPlan,
  createHostSync,
  DistributedProcessingSystem,
  loadGraph,
  partitionHybrid,
  rasterSha256,
  runAlgorithm,
  type AlgorithmName,
  type AlgorithmResult,
  type NeuromorphicGraph,
  type PartitionAssignment,
} from '../../src/index.js';
import { Random } from '../helpers/random.js';

// one pool for every worker count of the file: threads start once
const system = new DistributedProcessingSystem({ minimumThreads: 8 });
afterAll(() => system.close());

const bytesOf = (values: Float64Array | Int32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

async function expectSameBits(graph: NeuromorphicGraph, algorithm: AlgorithmName, single: AlgorithmResult, distributed: AlgorithmResult, label: string, steps = 0): Promise<void> {
  expect(bytesOf(distributed.values).equals(bytesOf(single.values)), `${label}: values differ`).toBe(true);
  if (algorithm === 'lif') {
    expect(distributed.synapticEvents, `${label}: synaptic events`).toBe(single.synapticEvents);
    expect(await rasterSha256(distributed, graph.n, steps), `${label}: raster`).toBe(await rasterSha256(single, graph.n, steps));
  }
}

/** A random graph with integer weights and delays, parallel arcs, self-loops, isolated vertices. */
function randomGraph(host: ReturnType<typeof createHostSync>, random: Random): NeuromorphicGraph {
  const n = random.int(1, 60);
  const m = random.int(0, 4 * n);
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const delays: number[] = [];
  const hub = random.int(0, n - 1);
  for (let a = 0; a < m; a++) {
    // a quarter of the arcs touch one hub: high in- and out-degree for the hybrid's threshold
    const u = random.chance(0.125) ? hub : random.int(0, n - 1);
    const v = random.chance(0.125) ? hub : random.int(0, n - 1);
    src.push(u);
    dst.push(v);
    weights.push(random.int(-3000, 9000));
    delays.push(random.int(1, 4));
  }
  return buildGraph(host, { n, src, dst, weights, delays });
}

function randomAssignment(graph: NeuromorphicGraph, k: number, strategy: 'edge-cut' | 'vertex-cut' | 'hybrid', random: Random): PartitionAssignment {
  if (strategy === 'hybrid') return partitionHybrid(graph, k, { seed: random.int(0, 1000), threshold: random.int(1, 6) });
  const vertexOwner = Int32Array.from({ length: graph.n }, () => random.int(0, k - 1));
  const arcOwner = strategy === 'vertex-cut' ? Int32Array.from({ length: graph.m }, () => random.int(0, k - 1)) : null;
  return { k, strategy, vertexOwner, arcOwner };
}

describe('distributed runs equal the single-worker run bit for bit', () => {
  it('on 240 seeded random graphs: every algorithm, every strategy, P = 1 .. 8, random splits', async () => {
    const host = createHostSync({ initialBytes: 32 << 20 });
    const random = new Random(20261128);
    const algorithms: AlgorithmName[] = ['pagerank', 'bfs', 'sssp', 'wcc', 'lif'];
    const strategies = ['edge-cut', 'vertex-cut', 'hybrid'] as const;
    let runs = 0;
    for (let trial = 0; trial < 240; trial++) {
      const mark = host.arena.mark();
      const graph = randomGraph(host, random);
      const algorithm = algorithms[trial % algorithms.length]!;
      const strategy = strategies[Math.floor(trial / algorithms.length) % strategies.length]!;
      const k = random.int(1, 8);
      const options = {
        source: random.int(0, graph.n - 1),
        steps: 40,
        seed: random.int(0, 1 << 30),
        recordSpikes: true,
        iterations: random.int(1, 30),
      };
      // SSSP needs weights >= 0: use the absolute graph by running on |w| is not available, so
      // sssp runs on the same topology with weights clipped at build time
      const runGraph = algorithm === 'sssp' ? nonNegative(host, graph) : graph;
      const single = runAlgorithm(runGraph, algorithm, options);
      const plan = buildPartitionPlan(runGraph, randomAssignment(runGraph, k, strategy, random));
      const distributed = await system.executeDistributedAlgorithmOnPlan(runGraph, plan, algorithm, options);
      await expectSameBits(runGraph, algorithm, single, distributed, `trial ${trial} (${algorithm}, ${strategy}, k = ${k}, n = ${graph.n}, m = ${graph.m})`, options.steps);
      if (algorithm === 'pagerank') expect(distributed.supersteps).toBe(single.supersteps);
      runs++;
      host.arena.release(mark);
    }
    expect(runs).toBe(240);
  }, 120_000);
});

function nonNegative(host: ReturnType<typeof createHostSync>, graph: NeuromorphicGraph): NeuromorphicGraph {
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const weights = graph.outWeightsI32!;
  const src: number[] = [];
  const dst: number[] = [];
  const w: number[] = [];
  for (let u = 0; u < graph.n; u++) {
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      src.push(u);
      dst.push(targets[a]!);
      w.push(Math.abs(weights[a]!));
    }
  }
  return buildGraph(host, { n: graph.n, src, dst, weights: w });
}

describe('runs started together', () => {
  it('run one after another on one system, each with the single-worker bits', async () => {
    const host = createHostSync({ initialBytes: 16 << 20 });
    const random = new Random(99);
    const graph = randomGraph(host, random);
    const plans = [2, 3, 5].map((k) => buildPartitionPlan(graph, randomAssignment(graph, k, 'vertex-cut', random)));
    const algorithms = ['bfs', 'wcc', 'pagerank'] as const;
    const results = await Promise.all(plans.map((plan, i) => system.executeDistributedAlgorithmOnPlan(graph, plan, algorithms[i]!, { source: 0 })));
    results.forEach((result, i) => {
      expect(bytesOf(result.values).equals(bytesOf(runAlgorithm(graph, algorithms[i]!, { source: 0 }).values))).toBe(true);
    });
  }, 60_000);
});

describe('partitions on fewer threads than partitions (a thread steps several in turn)', () => {
  it('give the single-worker bits and the same traffic for every thread count', async () => {
    const host = createHostSync({ initialBytes: 32 << 20 });
    const random = new Random(4242);
    const algorithms: AlgorithmName[] = ['pagerank', 'bfs', 'sssp', 'wcc', 'lif'];
    for (let trial = 0; trial < 40; trial++) {
      const mark = host.arena.mark();
      const graph = nonNegative(host, randomGraph(host, random));
      const algorithm = algorithms[trial % algorithms.length]!;
      const k = random.int(2, 8);
      const options = { source: random.int(0, graph.n - 1), steps: 30, seed: trial, recordSpikes: true };
      const single = runAlgorithm(graph, algorithm, options);
      const plan = buildPartitionPlan(graph, randomAssignment(graph, k, 'vertex-cut', random));
      const own = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, { ...options, threads: k });
      const threads = random.int(1, k - 1);
      const shared = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, { ...options, threads });
      const label = `trial ${trial} (${algorithm}, k = ${k}, threads = ${threads})`;
      await expectSameBits(graph, algorithm, single, own, `${label}, one thread each`, options.steps);
      await expectSameBits(graph, algorithm, single, shared, label, options.steps);
      expect(shared.stats.traffic, `${label}: traffic`).toEqual(own.stats.traffic);
      expect(shared.stats.supersteps, `${label}: supersteps`).toBe(own.stats.supersteps);
      expect(shared.stats.perSuperstep.every((step) => step.length === k), `${label}: a record per partition`).toBe(true);
      host.arena.release(mark);
    }
  }, 120_000);

  it('refuses a thread count that is not a positive integer', async () => {
    const host = createHostSync({ initialBytes: 4 << 20 });
    const graph = buildGraph(host, { n: 3, src: [0, 1], dst: [1, 2] });
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from([0, 1, 1]), arcOwner: null });
    for (const threads of [0, -1, 1.5, Number.NaN]) {
      await expect(system.executeDistributedAlgorithmOnPlan(graph, plan, 'bfs', { threads }), `threads = ${threads}`).rejects.toMatchObject({ code: 'E_OPTION' });
    }
  });
});
