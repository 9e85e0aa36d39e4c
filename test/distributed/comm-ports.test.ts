/**
 * The port transport (issue 5 item 8: threads that do not share the mailbox; src/exchange/router.ts):
 * each committed batch travels as its NMF1 frame over a MessagePort of its pair and is decoded by the
 * receiving thread. Results are the single-worker bits for all five algorithms; the frames are the
 * ones the wire-slot transport sends (same bytes counted); a damaged frame is the frame's typed error
 * naming the pair and the superstep; a lost frame ends in WorkerLostError after the barrier timeout.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph, buildPartitionPlan, createHostSync, DistributedProcessingSystem, rasterSha256, runAlgorithm, type AlgorithmName, type NeuromorphicGraph } from '../../src/index.js';
import { ErrorCode, TransportError, WorkerLostError } from '../../src/errors.js';
import { Random } from '../helpers/random.js';

const system = new DistributedProcessingSystem({ minimumThreads: 4 });
afterAll(() => system.close());

const bytesOf = (values: Float64Array | Int32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

function randomGraph(host: ReturnType<typeof createHostSync>, random: Random): NeuromorphicGraph {
  const n = random.int(2, 80);
  const m = random.int(0, 5 * n);
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const delays: number[] = [];
  for (let a = 0; a < m; a++) {
    src.push(random.int(0, n - 1));
    dst.push(random.int(0, n - 1));
    weights.push(random.int(0, 9000));
    delays.push(random.int(1, 5));
  }
  return buildGraph(host, { n, src, dst, weights, delays });
}

async function failureOf(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the run to fail');
}

describe("transport 'ports'", () => {
  it('five algorithms on 20 seeded random graphs: the single-worker bits, and the frames the wire slots carry', async () => {
    const host = createHostSync({ initialBytes: 64 << 20 });
    const random = new Random(8_2026);
    const algorithms: AlgorithmName[] = ['pagerank', 'bfs', 'sssp', 'wcc', 'lif'];
    let framesSent = 0;
    for (let trial = 0; trial < 20; trial++) {
      const mark = host.arena.mark();
      const algorithm = algorithms[trial % algorithms.length]!;
      const graph = randomGraph(host, random);
      const k = random.int(2, 6);
      const strategy = trial % 2 === 0 ? 'edge-cut' : 'vertex-cut';
      const vertexOwner = Int32Array.from({ length: graph.n }, () => random.int(0, k - 1));
      const arcOwner = strategy === 'vertex-cut' ? Int32Array.from({ length: graph.m }, () => random.int(0, k - 1)) : null;
      const plan = buildPartitionPlan(graph, { k, strategy, vertexOwner, arcOwner });
      const options = { source: random.int(0, graph.n - 1), steps: 60, seed: random.int(0, 1 << 30), recordSpikes: true, iterations: random.int(1, 12) };
      const single = runAlgorithm(graph, algorithm, options);
      // fewer threads than partitions on some trials: ports between partitions of one thread too
      const threads = trial % 3 === 0 ? Math.max(1, k - 2) : undefined;
      const label = `trial ${trial} (${algorithm}, ${strategy}, k = ${k}, n = ${graph.n}, m = ${graph.m})`;
      const ports = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, { ...options, transport: 'ports', communication: trial % 4 === 3 ? 'batched' : 'optimized', threads });
      expect(bytesOf(ports.values).equals(bytesOf(single.values)), `${label}: values differ`).toBe(true);
      if (algorithm === 'lif') expect(await rasterSha256(ports, graph.n, options.steps), `${label}: raster`).toBe(await rasterSha256(single, graph.n, options.steps));
      const frames = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, { ...options, transport: 'frames', communication: trial % 4 === 3 ? 'batched' : 'optimized', threads });
      // the same frames, whichever way they travel (deterministic codecs, same batches)
      expect(ports.stats.communication!.totals.optimized, label).toEqual(frames.stats.communication!.totals.optimized);
      framesSent += ports.stats.communication!.totals.optimized.messages;
      host.arena.release(mark);
    }
    expect(framesSent).toBeGreaterThan(100);
  }, 120_000);

  it('a worker failure recovered from a checkpoint: fresh ports (and fresh host counters, frames between hosts) per attempt, the same bits', async () => {
    const host = createHostSync({ initialBytes: 32 << 20 });
    const random = new Random(31);
    let recovered = 0;
    for (const algorithm of ['pagerank', 'bfs', 'wcc', 'lif'] as AlgorithmName[]) {
      const mark = host.arena.mark();
      const graph = randomGraph(host, random);
      const options = { source: 0, steps: 24, seed: 3, recordSpikes: true, iterations: 10, tolerance: 0 };
      const single = runAlgorithm(graph, algorithm, options);
      const plan = buildPartitionPlan(graph, { k: 3, strategy: 'vertex-cut', vertexOwner: Int32Array.from({ length: graph.n }, () => random.int(0, 2)), arcOwner: Int32Array.from({ length: graph.m }, () => random.int(0, 2)) });
      for (const transport of [{ transport: 'ports' as const }, { transport: 'frames' as const, hosts: [[0], [1, 2]] }]) {
        const label = `${algorithm} on ${transport.transport}${transport.hosts ? ' between hosts' : ''}`;
        const result = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, { ...options, ...transport, faults: [{ worker: 1, superstep: 1, mode: 'throw' }], faultTolerance: { interval: 1 } });
        // (a run shorter than the fault's superstep has nothing to recover)
        expect(result.recovery!.failures.length, label).toBeLessThanOrEqual(1);
        recovered += result.recovery!.failures.length;
        expect(bytesOf(result.values).equals(bytesOf(single.values)), `${label}: values differ`).toBe(true);
        if (algorithm === 'lif') expect(await rasterSha256(result, graph.n, options.steps), label).toBe(await rasterSha256(single, graph.n, options.steps));
      }
      host.arena.release(mark);
    }
    expect(recovered).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('a frame damaged in transit: E_FRAME_CORRUPT naming the pair and the superstep', async () => {
    const host = createHostSync({ initialBytes: 16 << 20 });
    // a directed ring 0 -> 1 -> ... -> 19 -> 0 cut in two halves: both partitions send every iteration
    const n = 20;
    const graph = buildGraph(host, { n, src: Array.from({ length: n }, (_, v) => v), dst: Array.from({ length: n }, (_, v) => (v + 1) % n) });
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: n }, (_, v) => (v < 10 ? 0 : 1)), arcOwner: null });
    const error = await failureOf(system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 6, tolerance: 0, transport: 'ports', transportFault: { from: 1, to: 0, exchange: 3, kind: 'corrupt' } }));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe(ErrorCode.FRAME_CORRUPT);
    expect(error.message).toMatch(/frame from partition 1 to 0 in superstep 3/);
    expect((error as TransportError).details).toMatchObject({ from: 1, to: 0, superstep: 3 });
    // the same run without the fault is sound (the fault, not the transport, failed it)
    const sound = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 6, tolerance: 0, transport: 'ports' });
    expect(bytesOf(sound.values).equals(bytesOf(runAlgorithm(graph, 'pagerank', { iterations: 6, tolerance: 0 }).values))).toBe(true);
  });

  it('a frame that never arrives: WorkerLostError (cause timeout) after the barrier timeout, never a hang', async () => {
    const host = createHostSync({ initialBytes: 16 << 20 });
    const n = 20;
    const graph = buildGraph(host, { n, src: Array.from({ length: n }, (_, v) => v), dst: Array.from({ length: n }, (_, v) => (v + 1) % n) });
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: n }, (_, v) => (v < 10 ? 0 : 1)), arcOwner: null });
    const error = await failureOf(
      system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 6, tolerance: 0, transport: 'ports', barrierTimeoutMs: 400, transportFault: { from: 0, to: 1, exchange: 2, kind: 'drop' } }),
    );
    expect(error).toBeInstanceOf(WorkerLostError);
    expect((error as WorkerLostError).details).toMatchObject({ worker: 0, superstep: 2, cause: 'timeout' });
    expect(error.message).toMatch(/from partition 0 to 1 for superstep 2/);
  }, 30_000);
});
