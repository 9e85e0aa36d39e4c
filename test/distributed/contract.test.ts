/**
 * The distributed run's contract (issue 4), apart from bit identity on random and real graphs
 * (identity.test.ts, real-graphs.test.ts) and failures (failures.test.ts):
 *   - options: the single run's rules and errors (class, code, option or field), plus the run's
 *     own (algorithm name, barrier timeout, worker count, a plan made for another graph);
 *   - results: supersteps and convergence as on one worker; statistics that add up (per superstep
 *     one record per worker, bytes and messages = the traffic matrix), no traffic on one worker,
 *     and on an edge-cut PageRank exactly the bytes the plan's send lists imply;
 *   - edges: more workers than vertices (empty partitions), empty graphs, more workers than cores,
 *     an arena that does not grow over repeated runs;
 *   - a batch packed from a real plan's exchange lists survives the FlatBuffers frame round trip
 *     and lands, through the receiver's list, on the replicas of the right vertices.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildGraph,
  buildPartitionPlan,
  createHostSync,
  decodeFrame,
  DistributedProcessingSystem,
  encodeFrame,
  ErrorCode,
  graphKernels,
  InputError,
  NeuromeshError,
  OptionsError,
  partitionGraphForAlgorithm,
  placePartitions,
  runAlgorithm,
  TransportError,
  type AlgorithmName,
  type AlgorithmOptions,
  type AlgorithmResult,
  type DistributedResult,
  type NeuromorphicGraph,
  type PartitionPlan,
} from '../../src/index.js';
import { Random } from '../helpers/random.js';

// one pool for the file: threads start once (seconds each under tsx)
const system = new DistributedProcessingSystem({ minimumThreads: 8 });
afterAll(() => system.close());

const host = createHostSync({ initialBytes: 16 << 20 });
const ALGORITHMS: AlgorithmName[] = ['pagerank', 'bfs', 'sssp', 'wcc', 'lif'];

interface GraphSpec {
  n: number;
  arcs: number;
  seed: number;
  /** smallest weight (negative: SSSP must refuse the graph) */
  minWeight?: number;
  inArcs?: boolean;
}

/** A seeded graph with integer weights, delays 1..4 and a noise drive (so LIF spikes). */
function randomGraph({ n, arcs, seed, minWeight = 1, inArcs = true }: GraphSpec): NeuromorphicGraph {
  const random = new Random(seed);
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const delays: number[] = [];
  for (let a = 0; a < arcs; a++) {
    src.push(random.int(0, n - 1));
    dst.push(random.int(0, n - 1));
    weights.push(random.int(minWeight, 9000));
    delays.push(random.int(1, 4));
  }
  const noise = Int32Array.from({ length: n }, () => random.int(2000, 9000));
  const vth = Int32Array.from({ length: n }, () => random.int(8000, 16000));
  return buildGraph(host, { n, src, dst, weights, delays, neurons: { noise, vth } }, { inArcs });
}

const graph = randomGraph({ n: 40, arcs: 110, seed: 17 });
const OPTIONS: Record<AlgorithmName, AlgorithmOptions> = {
  pagerank: {},
  bfs: { source: 3 },
  sssp: { source: 3 },
  wcc: {},
  lif: { steps: 30, seed: 9, recordSpikes: true },
};

const bytesOf = (values: ArrayBufferView): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

function expectSameBits(distributed: AlgorithmResult, single: AlgorithmResult, label: string): void {
  expect(distributed.n, `${label}: n`).toBe(single.n);
  expect(distributed.values.constructor, `${label}: value type`).toBe(single.values.constructor);
  expect(bytesOf(distributed.values).equals(bytesOf(single.values)), `${label}: values differ from the single run`).toBe(true);
  if (single.algorithm === 'pagerank') {
    expect(distributed.supersteps, `${label}: iterations`).toBe(single.supersteps);
    expect(distributed.converged, `${label}: converged`).toBe(single.converged);
  }
  if (single.algorithm === 'lif') {
    expect(distributed.supersteps, `${label}: steps`).toBe(single.supersteps);
    expect(distributed.synapticEvents, `${label}: synaptic events`).toBe(single.synapticEvents);
    if (single.spikes) {
      expect(bytesOf(distributed.spikes!.steps).equals(bytesOf(single.spikes.steps)), `${label}: spike steps`).toBe(true);
      expect(bytesOf(distributed.spikes!.neurons).equals(bytesOf(single.spikes.neurons)), `${label}: spike neurons`).toBe(true);
    }
  }
}

/** What a run came to, comparable across the single and the distributed run. */
type Outcome = { result: AlgorithmResult; error?: undefined } | { result?: undefined; error: { name: string; code: string; option?: string; field?: string; file?: string } };

function errorOutcome(error: unknown): Outcome {
  if (!(error instanceof NeuromeshError)) throw error;
  const { name, code } = error;
  const typed = error as NeuromeshError & { option?: string; field?: string; file?: string };
  return { error: { name, code, option: typed.option, field: typed.field, file: typed.file } };
}

function singleOutcome(target: NeuromorphicGraph, algorithm: AlgorithmName, options: AlgorithmOptions): Outcome {
  try {
    return { result: runAlgorithm(target, algorithm, options) };
  } catch (error) {
    return errorOutcome(error);
  }
}

async function distributedOutcome(target: NeuromorphicGraph, plan: PartitionPlan, algorithm: AlgorithmName, options: AlgorithmOptions): Promise<Outcome> {
  try {
    return { result: await system.executeDistributedAlgorithmOnPlan(target, plan, algorithm, options) };
  } catch (error) {
    return errorOutcome(error);
  }
}

/** The distributed run ends as the single run does: the same bits, or the same error. */
async function expectSameOutcome(target: NeuromorphicGraph, plan: PartitionPlan, algorithm: AlgorithmName, options: AlgorithmOptions, label: string): Promise<Outcome> {
  const single = singleOutcome(target, algorithm, options);
  const distributed = await distributedOutcome(target, plan, algorithm, options);
  if (single.error) {
    expect(distributed.error, `${label}: the single run fails with ${single.error.name} ${single.error.code}`).toEqual(single.error);
  } else {
    expect(distributed.error, `${label}: the single run succeeds`).toBeUndefined();
    expectSameBits(distributed.result!, single.result, label);
  }
  return single;
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => undefined,
    (error: unknown) => error,
  );
}

const sum = (rows: number[][]): number => rows.reduce((total, row) => total + row.reduce((a, b) => a + b, 0), 0);

/** Statistics that add up, whatever the algorithm. */
function expectConsistentStats(result: DistributedResult, plan: PartitionPlan, label: string): void {
  const { stats } = result;
  const P = plan.k;
  expect(result.workers, label).toBe(P);
  expect(stats.workers, label).toBe(P);
  expect(result.strategy, label).toBe(plan.strategy);
  expect(stats.strategy, label).toBe(plan.strategy);
  expect(stats.perSuperstep.length, `${label}: one row per superstep`).toBe(stats.supersteps);
  expect(stats.supersteps, label).toBeGreaterThan(0);
  for (const [s, row] of stats.perSuperstep.entries()) {
    expect(row.length, `${label}: superstep ${s} has one record per worker`).toBe(P);
    for (const step of row) {
      expect(step.computeMs, label).toBeGreaterThanOrEqual(0);
      expect(step.waitMs, label).toBeGreaterThanOrEqual(0);
    }
  }
  expect(stats.perWorker.length, label).toBe(P);
  for (let w = 0; w < P; w++) {
    expect(stats.perWorker[w]!.bytes, `${label}: worker ${w}'s bytes = its supersteps'`).toBe(stats.perSuperstep.reduce((total, row) => total + row[w]!.bytes, 0));
    expect(stats.perWorker[w]!.messages, label).toBe(stats.perSuperstep.reduce((total, row) => total + row[w]!.messages, 0));
    // what worker w sent is row w of the traffic matrix
    expect(stats.perWorker[w]!.bytes, `${label}: worker ${w}'s bytes = row ${w} of the traffic`).toBe(stats.traffic.bytes[w]!.reduce((a, b) => a + b, 0));
  }
  expect(stats.traffic.bytes.length, label).toBe(P);
  expect(stats.traffic.messages.length, label).toBe(P);
  expect(stats.bytes, `${label}: bytes = sum of the traffic matrix`).toBe(sum(stats.traffic.bytes));
  expect(stats.messages, `${label}: messages = sum of the traffic matrix`).toBe(sum(stats.traffic.messages));
  for (let p = 0; p < P; p++) {
    expect(stats.traffic.bytes[p]!.length, label).toBe(P);
    expect(stats.traffic.bytes[p]![p], `${label}: nothing is sent to oneself`).toBe(0);
    const part = plan.parts[p]!;
    const peers = new Set([...part.sendPeers, ...part.receivePeers]);
    for (let q = 0; q < P; q++) {
      const bytes = stats.traffic.bytes[p]![q]!;
      const messages = stats.traffic.messages[p]![q]!;
      // every message has its 8-byte header; only partitions that share a vertex talk
      expect(bytes, `${label}: ${p} -> ${q}`).toBeGreaterThanOrEqual(8 * messages);
      if (messages === 0) expect(bytes, `${label}: ${p} -> ${q}`).toBe(0);
      if (!peers.has(q)) expect(messages, `${label}: ${p} and ${q} share no vertex`).toBe(0);
    }
  }
  if (P === 1) {
    expect(stats.bytes, `${label}: one worker sends nothing`).toBe(0);
    expect(stats.messages, label).toBe(0);
    expect(stats.traffic.bytes, label).toEqual([[0]]);
  }
}

describe('options: what the run accepts', () => {
  const plan = partitionGraphForAlgorithm(graph, 'pagerank', 2, { strategy: 'vertex-cut', seed: 1 }).plan;

  it('the single run rules and errors: damping, iterations, tolerance, source, steps, seed', async () => {
    const cases: [AlgorithmName, AlgorithmOptions][] = [
      ['pagerank', { damping: 1 }],
      ['pagerank', { damping: Number.NaN }],
      ['pagerank', { iterations: 0 }],
      ['pagerank', { iterations: 2.5 }],
      ['pagerank', { tolerance: -1 }],
      ['bfs', { source: graph.n }],
      ['bfs', { source: -1 }],
      ['bfs', { source: 1.5 }],
      ['sssp', { source: Number.NaN }],
      ['sssp', { source: '2' as unknown as number }],
      ['lif', { steps: -1 }],
      ['lif', { steps: 2.5 }],
      ['lif', { steps: 10, seed: -1 }],
    ];
    for (const [algorithm, options] of cases) {
      const single = await expectSameOutcome(graph, plan, algorithm, options, `${algorithm} ${JSON.stringify(options)}`);
      expect(single.error?.name, `${algorithm} ${JSON.stringify(options)} is an options error`).toBe('OptionsError');
    }
  });

  it('sssp on a negative weight: the InputError E_NEGATIVE_WEIGHT of the single run', async () => {
    const negative = randomGraph({ n: 30, arcs: 80, seed: 5, minWeight: -50 });
    expect(negative.minWeight, 'the graph has a negative weight').toBeLessThan(0);
    const negativePlan = partitionGraphForAlgorithm(negative, 'sssp', 3, { strategy: 'edge-cut', seed: 1 }).plan;
    const single = await expectSameOutcome(negative, negativePlan, 'sssp', { source: 0 }, 'sssp, negative weight');
    expect(single.error).toMatchObject({ name: 'InputError', code: ErrorCode.NEGATIVE_WEIGHT, field: 'weight' });
    const error = await rejection(() => system.executeDistributedAlgorithmOnPlan(negative, negativePlan, 'sssp', { source: 0 }));
    expect(error).toBeInstanceOf(InputError);
    // the same arc named as the single run names it
    expect((error as Error).message).toBe((() => {
      try {
        runAlgorithm(negative, 'sssp', { source: 0 });
      } catch (thrown) {
        return (thrown as Error).message;
      }
      return 'no error';
    })());
  });

  it('pagerank on a graph built without in-arcs: an OptionsError, as on one worker', async () => {
    const pushOnly = randomGraph({ n: 30, arcs: 80, seed: 6, inArcs: false });
    const pushPlan = partitionGraphForAlgorithm(pushOnly, 'lif', 2, { strategy: 'edge-cut', seed: 1 }).plan;
    const single = await expectSameOutcome(pushOnly, pushPlan, 'pagerank', {}, 'pagerank without in-arcs');
    expect(single.error?.name).toBe('OptionsError');
    // the algorithms that need no in-arcs still run on it
    for (const algorithm of ['bfs', 'wcc', 'lif'] as const) await expectSameOutcome(pushOnly, pushPlan, algorithm, OPTIONS[algorithm], `${algorithm} without in-arcs`);
  });

  it("the run's own options: algorithm name, barrierTimeoutMs, worker count, a plan for a graph of another size", async () => {
    const refused = async (run: () => Promise<unknown>, option: string, label: string): Promise<void> => {
      const error = await rejection(run);
      expect(error, label).toBeInstanceOf(OptionsError);
      expect((error as OptionsError).code, label).toBe(ErrorCode.OPTION);
      expect((error as OptionsError).option, label).toBe(option);
    };
    await refused(() => system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerrank' as AlgorithmName), 'algorithm', 'misspelt algorithm');
    await refused(() => system.executeDistributedAlgorithmOnPlan(graph, plan, '' as AlgorithmName), 'algorithm', 'empty algorithm');
    for (const barrierTimeoutMs of [0, -300, Number.NaN, Number.POSITIVE_INFINITY]) {
      await refused(() => system.executeDistributedAlgorithmOnPlan(graph, plan, 'bfs', { barrierTimeoutMs }), 'barrierTimeoutMs', `barrierTimeoutMs ${barrierTimeoutMs}`);
    }
    // more workers than the runtime allows (a thread each): refused before anything is placed
    const many = buildPartitionPlan(graph, { k: 257, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: graph.n }, (_, v) => v), arcOwner: null });
    await refused(() => system.executeDistributedAlgorithmOnPlan(graph, many, 'wcc'), 'workers', '257 workers');
    // a plan for a graph with another vertex or arc count
    const otherSize = randomGraph({ n: 41, arcs: 110, seed: 17 });
    const otherArcs = randomGraph({ n: 40, arcs: 111, seed: 17 });
    for (const other of [otherSize, otherArcs]) {
      const foreign = partitionGraphForAlgorithm(other, 'pagerank', 2, { strategy: 'edge-cut', seed: 1 }).plan;
      for (const algorithm of ALGORITHMS) await refused(() => system.executeDistributedAlgorithmOnPlan(graph, foreign, algorithm, OPTIONS[algorithm]), 'partition', `${algorithm}: plan for n = ${other.n}, m = ${other.m}`);
    }
  });

  it('a plan for another graph of the same size is refused, never a silent wrong answer', async () => {
    // same n and m, other arcs: the plan's arc and vertex sets do not describe this graph
    const twin = randomGraph({ n: 40, arcs: 110, seed: 18 });
    expect([twin.n, twin.m]).toEqual([graph.n, graph.m]);
    const foreign = partitionGraphForAlgorithm(twin, 'pagerank', 3, { strategy: 'edge-cut', seed: 1 }).plan;
    for (const algorithm of ALGORITHMS) {
      const error = await rejection(() => system.executeDistributedAlgorithmOnPlan(graph, foreign, algorithm, OPTIONS[algorithm]));
      // soft: one report names every algorithm that took the foreign plan
      expect.soft(error, `${algorithm} on a plan made for another graph of the same size`).toBeInstanceOf(OptionsError);
    }
  });
});

describe('results: shape and statistics', () => {
  it('pagerank: iterations and convergence as on one worker, converged or not, every strategy and P = 1..4', async () => {
    const settings: AlgorithmOptions[] = [{}, { iterations: 7, tolerance: 0 }];
    const converged = new Set<boolean>();
    for (const options of settings) {
      const single = runAlgorithm(graph, 'pagerank', options);
      converged.add(single.converged!);
      for (const strategy of ['edge-cut', 'vertex-cut', 'hybrid'] as const) {
        for (const workers of [1, 2, 4]) {
          const partition = partitionGraphForAlgorithm(graph, 'pagerank', workers, { strategy, seed: 2 });
          const result = await system.executeDistributedAlgorithm(graph, partition, options);
          const label = `pagerank ${JSON.stringify(options)}, ${strategy}, P = ${workers}`;
          expectSameBits(result, single, label);
          expectConsistentStats(result, partition.plan, label);
        }
      }
    }
    expect([...converged].sort(), 'both a converged and an unconverged run were checked').toEqual([false, true]);
  });

  it('every algorithm: statistics add up; P > 1 sends bytes, P = 1 none', async () => {
    for (const algorithm of ALGORITHMS) {
      const single = runAlgorithm(graph, algorithm, OPTIONS[algorithm]);
      for (const workers of [1, 3]) {
        const partition = partitionGraphForAlgorithm(graph, algorithm, workers, { strategy: 'hybrid', seed: 4 });
        const result = await system.executeDistributedAlgorithm(graph, partition, OPTIONS[algorithm]);
        const label = `${algorithm}, P = ${workers}`;
        expectSameBits(result, single, label);
        expectConsistentStats(result, partition.plan, label);
        if (workers > 1) {
          expect(partition.plan.replicaTotal, `${label}: the split cuts the graph`).toBeGreaterThan(0);
          expect(result.stats.bytes, `${label}: a cut graph exchanges something`).toBeGreaterThan(0);
          expect(result.stats.messages, label).toBeGreaterThan(0);
        }
      }
    }
  });

  it('edge-cut pagerank sends exactly what the send lists imply: per superstep, one batch of 8 + 8 bytes per element', async () => {
    const options = { iterations: 12, tolerance: 0 };
    for (const workers of [2, 3]) {
      const partition = partitionGraphForAlgorithm(graph, 'pagerank', workers, { strategy: 'edge-cut', seed: 5 });
      const { plan } = partition;
      const result = await system.executeDistributedAlgorithm(graph, partition, options);
      // every iteration (and the last check) packs each master's contribution for each peer's replicas
      const exchanges = result.stats.supersteps;
      expect(exchanges, 'iterations + the final check').toBe(options.iterations + 1);
      for (let p = 0; p < workers; p++) {
        const part = plan.parts[p]!;
        for (let q = 0; q < workers; q++) {
          const i = Array.from(part.sendPeers).indexOf(q);
          const length = i < 0 ? 0 : part.sendOffsets[i + 1]! - part.sendOffsets[i]!;
          const label = `P = ${workers}, ${p} -> ${q}, list of ${length}`;
          expect(result.stats.traffic.messages[p]![q], label).toBe(length > 0 ? exchanges : 0);
          expect(result.stats.traffic.bytes[p]![q], label).toBe(length > 0 ? exchanges * (8 + 8 * length) : 0);
        }
      }
    }
  });
});

describe('edges', () => {
  it('more workers than vertices: empty partitions take part and change nothing', async () => {
    const tiny = buildGraph(host, { n: 3, src: [0, 1, 2, 0], dst: [1, 2, 0, 0], weights: [2, 3, 4, 1], delays: [1, 2, 1, 3], neurons: { noise: Int32Array.from([9000, 8000, 7000]), vth: Int32Array.from([9000, 9000, 9000]) } });
    for (const algorithm of ALGORITHMS) {
      const options = { ...OPTIONS[algorithm], source: 1 };
      for (const strategy of ['edge-cut', 'vertex-cut', 'hybrid'] as const) {
        const partition = partitionGraphForAlgorithm(tiny, algorithm, 5, { strategy, seed: 1 });
        expect(partition.plan.parts.some((part) => part.masterCount === 0), `${strategy}: some partition is empty`).toBe(true);
        await expectSameOutcome(tiny, partition.plan, algorithm, options, `${algorithm}, ${strategy}, P = 5 on 3 vertices`);
      }
      // empty partitions between full ones, and a vertex-cut that puts arcs where no master is
      const gaps = buildPartitionPlan(tiny, { k: 6, strategy: 'vertex-cut', vertexOwner: Int32Array.from([5, 0, 3]), arcOwner: Int32Array.from([2, 4, 2, 0]) });
      await expectSameOutcome(tiny, gaps, algorithm, options, `${algorithm}, masters on 0, 3, 5 of 6 and arcs on 0, 2, 4`);
    }
  });

  // an empty graph is as valid here as on one worker: the defaults (source 0 included) apply
  const none = buildGraph(host, { n: 0, src: [], dst: [] });
  const nonePlan = buildPartitionPlan(none, { k: 2, strategy: 'edge-cut', vertexOwner: new Int32Array(0), arcOwner: null });
  for (const algorithm of ALGORITHMS) {
    it(`no vertices: ${algorithm} ends as on one worker`, async () => {
      await expectSameOutcome(none, nonePlan, algorithm, { steps: 20 }, `${algorithm}, n = 0`);
    });
  }

  it('vertices and no arcs: every algorithm, as on one worker', async () => {
    const isolated = buildGraph(host, { n: 5, src: [], dst: [], neurons: { noise: Int32Array.from([0, 9000, 12000, 3000, 20000]) } });
    const isolatedPlan = partitionGraphForAlgorithm(isolated, 'wcc', 3, { strategy: 'vertex-cut', seed: 1 }).plan;
    for (const algorithm of ALGORITHMS) {
      const single = await expectSameOutcome(isolated, isolatedPlan, algorithm, { steps: 20, recordSpikes: true }, `${algorithm}, n = 5, m = 0`);
      expect(single.error, `${algorithm} runs on isolated vertices`).toBeUndefined();
    }
  });

  it('P = 6 (more workers than this 2-core machine has cores): every algorithm, every strategy, bit-identical', async () => {
    for (const algorithm of ALGORITHMS) {
      const single = runAlgorithm(graph, algorithm, OPTIONS[algorithm]);
      for (const strategy of ['edge-cut', 'vertex-cut', 'hybrid'] as const) {
        const partition = partitionGraphForAlgorithm(graph, algorithm, 6, { strategy, seed: 8 });
        const result = await system.executeDistributedAlgorithm(graph, partition, OPTIONS[algorithm]);
        const label = `${algorithm}, ${strategy}, P = 6`;
        expectSameBits(result, single, label);
        expectConsistentStats(result, partition.plan, label);
      }
    }
  });

  it("repeated runs (and refused ones) on the same graph leave the host's arena where it was", async () => {
    const plans = new Map(ALGORITHMS.map((algorithm) => [algorithm, partitionGraphForAlgorithm(graph, algorithm, 3, { strategy: 'vertex-cut', seed: 9 }).plan]));
    // one round first: lazily built state (kernel warm-up, caches) may take its place once
    for (const algorithm of ALGORITHMS) await system.executeDistributedAlgorithmOnPlan(graph, plans.get(algorithm)!, algorithm, OPTIONS[algorithm]);
    const used = host.arena.used;
    for (let round = 0; round < 3; round++) {
      for (const algorithm of ALGORITHMS) {
        await system.executeDistributedAlgorithmOnPlan(graph, plans.get(algorithm)!, algorithm, OPTIONS[algorithm]);
        expect(host.arena.used, `${algorithm}, round ${round}`).toBe(used);
      }
      await rejection(() => system.executeDistributedAlgorithmOnPlan(graph, plans.get('bfs')!, 'bfs', { source: graph.n }));
      expect(host.arena.used, `refused run, round ${round}`).toBe(used);
    }
  });
});

describe('a mailbox batch survives the frame round trip', () => {
  it("pagerank contributions and lowered WCC labels, packed from a real plan's send lists, arrive on the right replicas", () => {
    const plan = partitionGraphForAlgorithm(graph, 'pagerank', 3, { strategy: 'vertex-cut', seed: 1 }).plan;
    const kernels = graphKernels(host) as unknown as {
      exchange_gather64(source: number, list: number, count: number, target: number): number;
      exchange_scatter64(source: number, list: number, count: number, target: number): number;
    };
    const scores = runAlgorithm(graph, 'pagerank').values as Float64Array;
    const labels = runAlgorithm(graph, 'wcc').values as Int32Array;
    // what a master sends its replicas in PageRank: score / out-degree (0 for a dangling vertex)
    const contribution = Float64Array.from(scores, (score, v) => (graph.outDegree(v) > 0 ? score / graph.outDegree(v) : 0));
    /** A copy in shared memory (where the kernels read), by offset. */
    const put = (array: Float64Array): number => {
      const offset = host.allocArray(Float64Array, Math.max(1, array.length));
      host.view(Float64Array, offset, array.length).set(array);
      return offset;
    };
    const mark = host.arena.mark();
    try {
      const placed = placePartitions(graph, plan, { inArcs: true });
      const listLength = (source: number, destination: number): number => {
        const part = placed[source]!;
        const i = part.sendPeers.indexOf(destination);
        return i < 0 ? -1 : part.sendOffsets[i + 1]! - part.sendOffsets[i]!;
      };
      let pairs = 0;
      let elements = 0;
      for (const from of placed) {
        // the sender's values by local id, in shared memory, as the program keeps them
        const fromGlobal = host.view(Uint32Array, from.localToGlobal, from.n).slice();
        const values = put(Float64Array.from(fromGlobal, (v, local) => (local < from.masterCount ? contribution[v]! : 0)));
        for (const [i, to] of from.sendPeers.entries()) {
          const length = from.sendOffsets[i + 1]! - from.sendOffsets[i]!;
          const list = from.sendLocal + 4 * from.sendOffsets[i]!;
          const sendList = host.view(Uint32Array, list, length).slice();
          // pack the batch as the worker does (the exchange kernel, into shared memory)
          const box = host.allocArray(Float64Array, Math.max(1, length));
          kernels.exchange_gather64(values, list, length, box);
          const packed = host.view(Float64Array, box, length);
          const expected = Float64Array.from(sendList, (local) => contribution[fromGlobal[local]!]!);
          expect(bytesOf(packed).equals(bytesOf(expected)), `${from.part} -> ${to}: packed contributions`).toBe(true);
          // a sparse batch beside it: the list positions whose WCC label is below the vertex's id
          const positions = Uint32Array.from(sendList.keys()).filter((j) => labels[fromGlobal[sendList[j]!]!]! < fromGlobal[sendList[j]!]!);
          const lowered = Int32Array.from(positions, (j) => labels[fromGlobal[sendList[j]!]!]!);

          const header = { runChecksum: 0x5eed_0004, superstep: 7, phase: 1, sourceWorker: from.part, destinationWorker: to };
          const frame = encodeFrame(header, [
            { kind: 'values-f64', sourcePartition: from.part, destinationPartition: to, values: packed },
            { kind: 'values-i32', sourcePartition: from.part, destinationPartition: to, values: lowered, ids: positions },
          ]);
          const decoded = decodeFrame(frame, { ...header, listLength });
          expect(decoded.batches.length).toBe(2);
          const [dense, sparse] = decoded.batches;
          expect(dense!.kind).toBe('values-f64');
          expect(dense!.ids).toBeNull();
          expect(bytesOf((dense as { values: Float64Array }).values).equals(bytesOf(packed)), `${from.part} -> ${to}: dense batch bytes`).toBe(true);
          expect(sparse!.kind).toBe('values-i32');
          expect(bytesOf(sparse!.ids!).equals(bytesOf(positions)), `${from.part} -> ${to}: sparse positions`).toBe(true);
          expect(bytesOf((sparse as { values: Int32Array }).values).equals(bytesOf(lowered)), `${from.part} -> ${to}: sparse labels`).toBe(true);

          // the receiver scatters the decoded batch along its receive list from the sender:
          // every replica must get its own vertex's contribution
          const receiver = placed[to]!;
          const j = receiver.receivePeers.indexOf(from.part);
          expect(j, `${to} receives from ${from.part}`).toBeGreaterThanOrEqual(0);
          expect(receiver.receiveOffsets[j + 1]! - receiver.receiveOffsets[j]!, 'the pair of lists has one length').toBe(length);
          const receiveList = receiver.receiveLocal + 4 * receiver.receiveOffsets[j]!;
          const replicas = host.allocArray(Float64Array, Math.max(1, receiver.n));
          host.view(Float64Array, replicas, Math.max(1, receiver.n)).fill(-1);
          const arrived = put((dense as { values: Float64Array }).values);
          kernels.exchange_scatter64(arrived, receiveList, length, replicas);
          const toGlobal = host.view(Uint32Array, receiver.localToGlobal, receiver.n);
          const replicaValues = host.view(Float64Array, replicas, Math.max(1, receiver.n));
          for (const local of host.view(Uint32Array, receiveList, length)) {
            expect(local, 'a receive list names replicas').toBeGreaterThanOrEqual(receiver.masterCount);
            expect(replicaValues[local], `replica of vertex ${toGlobal[local]} on ${to}`).toBe(contribution[toGlobal[local]!]);
          }

          // the same frame at the wrong receiver, or with lists of another length, is refused
          const wrongReceiver = (() => {
            try {
              decodeFrame(frame, { destinationWorker: to + 1 });
            } catch (error) {
              return error;
            }
          })();
          expect(wrongReceiver).toBeInstanceOf(TransportError);
          expect((wrongReceiver as TransportError).code).toBe(ErrorCode.FRAME_UNEXPECTED);
          pairs++;
          elements += length;
        }
      }
      expect(pairs, 'the plan has exchange lists').toBeGreaterThan(1);
      expect(elements).toBe(plan.replicaTotal);
    } finally {
      host.arena.release(mark);
    }
  });
});
