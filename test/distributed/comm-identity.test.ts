/**
 * Issue 5's first must-hold: results bit-identical with every optimization on or off, on every
 * transport. Each run here is checked against the single-worker driver, as in identity.test.ts,
 * for every accounting mode (naive, batched, optimized) on both transports (shared mailboxes,
 * NMF1 frames encoded at commit and decoded before the program reads them), with simulated hosts
 * and fewer threads than partitions mixed in. Besides the bits: what each mode counts, on graphs
 * small enough to count by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildGraph,
  buildPartitionPlan,
  createHostSync,
  DistributedProcessingSystem,
  partitionHybrid,
  rasterSha256,
  runAlgorithm,
  type AlgorithmName,
  type NeuromorphicGraph,
  type PartitionAssignment,
} from '../../src/index.js';
import { frameOverheadBytes, type CommunicationMode } from '../../src/exchange/accounting.js';
import type { Transport } from '../../src/exchange/topology.js';
import { Random } from '../helpers/random.js';
import { fileURLToPath } from 'node:url';
import { loadGraph } from '../../src/input/load.js';
import { placePartitions } from '../../src/place/place.js';
import { searchesByExchange } from '../../src/exchange/frontier.js';

const system = new DistributedProcessingSystem({ minimumThreads: 6 });
afterAll(() => system.close());

const bytesOf = (values: Float64Array | Int32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

function randomGraph(host: ReturnType<typeof createHostSync>, random: Random, nonNegative: boolean): NeuromorphicGraph {
  const n = random.int(2, 80);
  const m = random.int(0, 5 * n);
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const delays: number[] = [];
  const hub = random.int(0, n - 1);
  for (let a = 0; a < m; a++) {
    src.push(random.chance(0.15) ? hub : random.int(0, n - 1));
    dst.push(random.chance(0.15) ? hub : random.int(0, n - 1));
    weights.push(nonNegative ? random.int(0, 9000) : random.int(-3000, 9000));
    delays.push(random.int(1, 5));
  }
  return buildGraph(host, { n, src, dst, weights, delays });
}

function randomAssignment(graph: NeuromorphicGraph, k: number, strategy: 'edge-cut' | 'vertex-cut' | 'hybrid', random: Random): PartitionAssignment {
  if (strategy === 'hybrid') return partitionHybrid(graph, k, { seed: random.int(0, 1000), threshold: random.int(1, 6) });
  const vertexOwner = Int32Array.from({ length: graph.n }, () => random.int(0, k - 1));
  const arcOwner = strategy === 'vertex-cut' ? Int32Array.from({ length: graph.m }, () => random.int(0, k - 1)) : null;
  return { k, strategy, vertexOwner, arcOwner };
}

const CONFIGS: { transport: Transport; communication: CommunicationMode }[] = [
  { transport: 'frames', communication: 'optimized' },
  { transport: 'frames', communication: 'batched' },
  { transport: 'shared', communication: 'naive' },
  { transport: 'shared', communication: 'optimized' },
];

describe('every mode and transport gives the single-worker bits', () => {
  it('on 50 seeded random graphs: five algorithms, three strategies, P = 2 .. 6, four mode/transport pairs each', async () => {
    const host = createHostSync({ initialBytes: 64 << 20 });
    const random = new Random(5_2026);
    const algorithms: AlgorithmName[] = ['pagerank', 'bfs', 'sssp', 'wcc', 'lif'];
    const strategies = ['edge-cut', 'vertex-cut', 'hybrid'] as const;
    let frames = 0;
    for (let trial = 0; trial < 50; trial++) {
      const mark = host.arena.mark();
      const algorithm = algorithms[trial % algorithms.length]!;
      const graph = randomGraph(host, random, algorithm === 'sssp');
      const strategy = strategies[Math.floor(trial / algorithms.length) % strategies.length]!;
      const k = random.int(2, 6);
      const options = { source: random.int(0, graph.n - 1), steps: 60, seed: random.int(0, 1 << 30), recordSpikes: true, iterations: random.int(1, 25) };
      const single = runAlgorithm(graph, algorithm, options);
      const plan = buildPartitionPlan(graph, randomAssignment(graph, k, strategy, random));
      // simulated hosts on every other trial: two groups of workers
      const hosts = trial % 2 === 0 && k >= 2 ? [Array.from({ length: Math.ceil(k / 2) }, (_, i) => i), Array.from({ length: k - Math.ceil(k / 2) }, (_, i) => Math.ceil(k / 2) + i)].filter((group) => group.length > 0) : undefined;
      const threads = trial % 3 === 0 ? Math.max(1, k - 2) : undefined;
      for (const config of CONFIGS) {
        const label = `trial ${trial} (${algorithm}, ${strategy}, k = ${k}, ${config.transport}/${config.communication}, n = ${graph.n}, m = ${graph.m})`;
        const run = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, { ...options, ...config, hosts, threads });
        expect(bytesOf(run.values).equals(bytesOf(single.values)), `${label}: values differ`).toBe(true);
        if (algorithm === 'lif') {
          expect(run.synapticEvents, label).toBe(single.synapticEvents);
          expect(await rasterSha256(run, graph.n, options.steps), `${label}: raster`).toBe(await rasterSha256(single, graph.n, options.steps));
        }
        const stats = run.stats.communication!;
        const { naive, batched, optimized } = stats.totals;
        // the headline figures are the chosen mode's
        expect(run.stats.bytes, label).toBe(stats.totals[config.communication].bytes);
        expect(run.stats.messages, label).toBe(stats.totals[config.communication].messages);
        // batches never outnumber cut arcs; combined entries never outweigh uncombined ones on shared memory
        // (frames between simulated hosts travel combined: one frame per host pair and exchange)
        if (config.transport === 'frames' && hosts && hosts.length > 1) expect(optimized.messages, label).toBeLessThanOrEqual(batched.messages);
        else expect(batched.messages, label).toBe(optimized.messages);
        // (LIF ring rows are not counted as naive messages: accounting.ts)
        if (algorithm !== 'lif') expect(naive.messages, label).toBeGreaterThanOrEqual(batched.messages);
        if (config.transport === 'shared' && algorithm !== 'lif') expect(optimized.bytes, label).toBeLessThanOrEqual(batched.bytes);
        if (config.transport === 'frames' && optimized.messages > 0) frames++;
      }
      host.arena.release(mark);
    }
    // the frame path really ran
    expect(frames).toBeGreaterThan(40);
  }, 120_000);
});

describe('what each mode counts', () => {
  it('a star cut once: PageRank sends 10 naive messages per exchange, one batch, 320 naive bytes', async () => {
    const host = createHostSync({ initialBytes: 8 << 20 });
    // hub 0 on partition 0, leaves 1..10 on partition 1: ten cut arcs 0 -> i
    const leaves = Array.from({ length: 10 }, (_, i) => i + 1);
    const graph = buildGraph(host, { n: 11, src: leaves.map(() => 0), dst: leaves });
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: 11 }, (_, v) => (v === 0 ? 0 : 1)), arcOwner: null });
    for (const transport of ['shared', 'frames'] as const) {
      const run = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 5, tolerance: 0, transport });
      const steps = run.stats.communication!.perSuperstep.filter((step) => step.naive.messages > 0);
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        // one f64 contribution per cut arc: 16-byte header + two ids + 8 bytes
        expect(step.naive).toEqual({ messages: 10, bytes: 10 * (16 + 8 + 8) });
        // one uncombined frame: our header (8 bytes in a mailbox, an NMF1 frame's own bytes) + ten entries
        expect(step.batched).toEqual({ messages: 1, bytes: (transport === 'shared' ? 8 : frameOverheadBytes()) + 10 * (8 + 8) });
        expect(step.optimized.messages).toBe(1);
      }
      if (transport === 'shared') for (const step of steps) expect(step.optimized.bytes).toBe(8 + 8);
    }
  });

  it('simulated hosts: the routed figures combine cross-host batches per host pair; frames count frame bytes', async () => {
    const host = createHostSync({ initialBytes: 16 << 20 });
    const random = new Random(77);
    const graph = randomGraph(host, random, false);
    const plan = buildPartitionPlan(graph, randomAssignment(graph, 4, 'vertex-cut', random));
    const run = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 8, hosts: [[0, 1], [2, 3]], transport: 'frames' });
    const stats = run.stats.communication!;
    expect(stats.expected.routing).toBe('hierarchical');
    expect(stats.topology.linkClasses).toEqual(['frames-in-process', 'network']);
    // 4 workers on 2 hosts: cross-host batches travel in one real frame per host pair and exchange
    // (router.ts host combining), so the routed figures are the frames themselves
    expect(stats.totals.routed).toEqual(stats.totals.optimized);
    // the prediction combines per host pair the same way (dense PageRank: one frame per host pair and exchange)
    expect(stats.savingsPredictionError).toBeLessThan(0.15);
    const crossHost = (p: number, q: number) => (p < 2) !== (q < 2);
    for (const workers of run.stats.perSuperstep) {
      // at most one combined frame per host pair per exchange: 2 host pairs, at most 2 exchanges a superstep
      const frames = workers.reduce((sum, worker, p) => sum + (worker.bytesTo ?? []).filter((bytes, q) => bytes > 0 && crossHost(p, q)).length, 0);
      expect(frames).toBeLessThanOrEqual(4);
    }
    expect(stats.latencyPrediction!.count).toBeGreaterThan(0);
    // measured links: exactly the worker pairs that exchanged frames, each with bytes, frames and a rate
    const links = Object.entries(stats.links);
    const pairs = run.stats.traffic.messages.flatMap((row, p) => row.flatMap((count, q) => (count > 0 ? [`${p}->${q}`] : [])));
    expect(links.map(([link]) => link).sort()).toEqual(pairs.sort());
    for (const [, figures] of links) {
      expect(figures.messages).toBeGreaterThan(0);
      expect(figures.bandwidth).toBeGreaterThan(0);
    }
    // frame bytes: more than the mailbox bytes of the same batches (a frame's table and CRC)
    const shared = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 8, communication: 'optimized' });
    expect(stats.totals.optimized.messages).toBeLessThan(shared.stats.communication!.totals.optimized.messages);
    expect(bytesOf(run.values).equals(bytesOf(shared.values))).toBe(true);
  });

  it('the facade verb optimizeCommunication predicts, without running, what the run reports as expected', async () => {
    const host = createHostSync({ initialBytes: 16 << 20 });
    const random = new Random(31);
    const graph = randomGraph(host, random, false);
    const partition = system.partitionGraph(graph, 'wcc', 3, { strategy: 'vertex-cut' });
    const mark = host.arena.mark();
    const plan = system.optimizeCommunication(graph, partition);
    // nothing left allocated by the planning
    expect(host.arena.mark()).toEqual(mark);
    expect(plan.note).toMatch(/one host, shared memory: nothing to change/);
    const run = await system.executeDistributedAlgorithm(graph, partition, { communication: 'optimized' });
    expect(run.stats.communication!.expected).toEqual(plan);
    const frames = system.optimizeCommunication(graph, partition, { transport: 'frames', hosts: [[0], [1, 2]] });
    expect(frames.routing).toBe('hierarchical');
    expect(frames.optimizations.filter((o) => o.applied).map((o) => o.name)).toEqual(['combining', 'changed-only', 'batching', 'compression', 'hierarchical']);
  });

  it('BFS predictions count the frames of every superstep: level-synchronous on C. elegans, exactly the measured frames', async () => {
    const host = createHostSync({ initialBytes: 32 << 20 });
    const graph = loadGraph(host, fileURLToPath(new URL('../fixtures/data/celegans_herm_chem.el', import.meta.url)));
    for (const k of [8, 16]) {
      const partition = system.partitionGraph(graph, 'bfs', k, { seed: 7 });
      const result = await system.executeDistributedAlgorithm(graph, partition, { source: 0, transport: 'frames', communication: 'optimized' });
      const stats = result.stats.communication!;
      // the estimate walks the placement (frontier.ts), never the run: frames per pair and superstep
      expect(stats.totals.optimized.messages, `k = ${k}`).toBe(stats.expected.predicted.messages);
      expect(stats.savingsPredictionError, `k = ${k}`).toBeLessThan(0.15);
      // the facade verb predicts the same without running
      expect(system.optimizeCommunication(graph, partition, { transport: 'frames', source: 0 }).predicted).toEqual(stats.expected.predicted);
    }
  });

  it('BFS schedules: the estimate names the one the run takes (a long path searches by exchange and sends levels)', async () => {
    const host = createHostSync({ initialBytes: 32 << 20 });
    const n = 3000;
    // a path 0 -> 1 -> ... and back, cut into 3 blocks: 4 list entries among 3000 vertices
    const src = Array.from({ length: 2 * (n - 1) }, (_, i) => (i < n - 1 ? i : i - n + 2));
    const dst = Array.from({ length: 2 * (n - 1) }, (_, i) => (i < n - 1 ? i + 1 : i - n + 1));
    const graph = buildGraph(host, { n, src, dst });
    const plan = buildPartitionPlan(graph, { k: 3, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: n }, (_, v) => Math.floor((3 * v) / n)), arcOwner: null });
    const result = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'bfs', { source: 0, transport: 'frames', communication: 'optimized' });
    const stats = result.stats.communication!;
    // levels travel as (position, i32): a naive message is 16 + 8 + 4 bytes
    expect(stats.totals.naive.bytes).toBe(28 * stats.totals.naive.messages);
    expect(searchesByExchange(placePartitions(graph, plan, { inArcs: false, neurons: false }))).toBe(true);
    expect(stats.savingsPredictionError).toBeLessThan(0.15);
  });

  it('refuses bad communication options before any worker starts', async () => {
    const host = createHostSync({ initialBytes: 8 << 20 });
    const graph = buildGraph(host, { n: 4, src: [0, 1, 2], dst: [1, 2, 3] });
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.of(0, 0, 1, 1), arcOwner: null });
    await expect(system.executeDistributedAlgorithmOnPlan(graph, plan, 'bfs', { transport: 'carrier-pigeon' as never })).rejects.toMatchObject({ option: 'transport' });
    await expect(system.executeDistributedAlgorithmOnPlan(graph, plan, 'bfs', { hosts: [[0], [0, 1]] })).rejects.toMatchObject({ option: 'hosts' });
    await expect(system.executeDistributedAlgorithmOnPlan(graph, plan, 'bfs', { communication: 'smoke-signals' as never })).rejects.toMatchObject({ option: 'communication' });
  });
});
