/**
 * The chaos matrix of issue 6: runs that lose workers -- 1 .. P−1 of them, at random supersteps, in
 * every way a thread can fail (throw, exit, trap, hang, terminated from outside), while a checkpoint is being taken, right
 * after a recovery, twice in a row -- recover and return the failure-free bits, every time, for
 * every algorithm. Real threads (piscina) over one shared memory; the single-worker drivers are
 * the reference. Also: checkpoints that are corrupt or of another plan are passed over (a run never
 * resumes from bad state), a run that keeps failing ends with UnrecoverableFailure, and a run
 * resumed from a directory continues where it stopped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildGraph,
  buildPartitionPlan,
  createHostSync,
  DistributedProcessingSystem,
  rasterSha256,
  runAlgorithm,
  type AlgorithmName,
  type AlgorithmResult,
  type NeuromorphicGraph,
} from '../../src/index.js';
import { ErrorCode, ResourceError, UnrecoverableFailure } from '../../src/errors.js';
import type { InjectedFault } from '../../src/execute/distributed/coordinator.js';
import { DirectoryCheckpointStore } from '../../src/protect/directory-store.js';
import { MemoryCheckpointStore, type CheckpointStore } from '../../src/protect/store.js';
import { FaultTolerantExecutor } from '../../src/index.js';
import { Random } from '../helpers/random.js';

const system = new DistributedProcessingSystem({ minimumThreads: 4 });
const scratch = mkdtempSync(join(tmpdir(), 'neuromesh-chaos-'));
afterAll(async () => {
  await system.close();
  rmSync(scratch, { recursive: true, force: true });
});

const bytesOf = (values: Float64Array | Int32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
/**
 * The hang mode's barrier timeout: short, so that a hung worker is found quickly. On a busy machine
 * a healthy worker can be that late too: it is then declared lost and recovered from like any other
 * (SPARE_RECOVERIES), with the same bits at the end.
 */
const HANG_TIMEOUT_MS = 500;
const SPARE_RECOVERIES = 3;

/** Same values (and raster) as the single-worker run; with `baseline`, the same superstep count as the failure-free distributed run. */
async function expectSameBits(graph: NeuromorphicGraph, algorithm: AlgorithmName, single: AlgorithmResult, result: AlgorithmResult, steps: number, label: string, baseline?: AlgorithmResult): Promise<void> {
  expect(bytesOf(result.values).equals(bytesOf(single.values)), `${label}: values`).toBe(true);
  if (baseline) expect(result.supersteps, `${label}: supersteps`).toBe(baseline.supersteps);
  if (algorithm === 'lif') {
    expect(result.synapticEvents, `${label}: synaptic events`).toBe(single.synapticEvents);
    expect(await rasterSha256(result, graph.n, steps), `${label}: raster`).toBe(await rasterSha256(single, graph.n, steps));
  }
}

/** A random graph with integer weights >= 0 half the time (SSSP needs them) and delays 1-4. */
function randomGraph(host: ReturnType<typeof createHostSync>, random: Random, nonNegative: boolean): NeuromorphicGraph {
  const n = random.int(20, 120);
  const m = random.int(n, 5 * n);
  const src: number[] = [];
  const dst: number[] = [];
  const weights: number[] = [];
  const delays: number[] = [];
  // a path through every vertex: long enough runs for BFS, SSSP and WCC to have supersteps to fail in
  for (let v = 1; v < n; v++) {
    src.push(random.int(0, v - 1));
    dst.push(v);
    weights.push(random.int(nonNegative ? 0 : -3000, 9000));
    delays.push(random.int(1, 4));
  }
  for (let a = n; a < m; a++) {
    src.push(random.int(0, n - 1));
    dst.push(random.int(0, n - 1));
    weights.push(random.int(nonNegative ? 0 : -3000, 9000));
    delays.push(random.int(1, 4));
  }
  return buildGraph(host, { n, src, dst, weights, delays });
}

const ALGORITHMS: AlgorithmName[] = ['pagerank', 'bfs', 'sssp', 'wcc', 'lif'];
const MODES: InjectedFault['mode'][] = ['throw', 'exit', 'trap', 'hang', 'terminate'];

describe('chaos: failed workers are replaced and the run returns the failure-free bits', () => {
  it('every algorithm, P = 2..4, 1..P-1 faults of every mode, some while checkpointing, after recoveries, twice in a row', async () => {
    const host = createHostSync({ initialBytes: 32 << 20 });
    const random = new Random(20261128);
    let recovered = 0;
    for (let trial = 0; trial < 30; trial++) {
      const mark = host.arena.mark();
      const algorithm = ALGORITHMS[trial % ALGORITHMS.length]!;
      const graph = randomGraph(host, random, algorithm === 'sssp');
      const k = random.int(2, 4);
      const options = { source: 0, steps: 48, seed: trial, recordSpikes: true, iterations: 30 };
      const single = runAlgorithm(graph, algorithm, options);
      const strategy = (['edge-cut', 'vertex-cut'] as const)[trial % 2]!;
      const plan = buildPartitionPlan(graph, {
        k,
        strategy,
        vertexOwner: Int32Array.from({ length: graph.n }, () => random.int(0, k - 1)),
        arcOwner: strategy === 'vertex-cut' ? Int32Array.from({ length: graph.m }, () => random.int(0, k - 1)) : null,
      });
      const baseline = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, options);
      const supersteps = baseline.stats.supersteps;
      const interval = random.int(1, 3);
      // 1 .. k-1 faults on distinct workers; variety: a fault while a checkpoint is taken (at a
      // boundary that takes one), one right where the last checkpoint resumes (fails during
      // recovery), two in a row at the same superstep
      const count = random.int(1, k - 1);
      const first = random.int(0, k - 1);
      const workers = Array.from({ length: count }, (_, i) => (first + i) % k);
      const faults: InjectedFault[] = workers.map((worker, i) => {
        const mode = MODES[(trial + i) % MODES.length]!;
        const superstep = random.int(0, Math.max(0, supersteps - 1));
        const kind = (trial + i) % 3;
        if (kind === 0 && superstep >= interval) return { worker, superstep: interval * Math.floor(superstep / interval), mode, during: 'checkpoint' };
        return { worker, superstep, mode };
      });
      if (trial % 4 === 1 && faults.length > 0) faults.push({ ...faults[0]!, worker: (faults[0]!.worker + 1) % k, during: 'superstep' });
      const label = `trial ${trial} (${algorithm}, ${strategy}, k = ${k}, interval ${interval}, faults ${JSON.stringify(faults)})`;
      const result = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, {
        ...options,
        faults,
        faultTolerance: { interval, maxRecoveries: faults.length + SPARE_RECOVERIES },
        barrierTimeoutMs: faults.some((fault) => fault.mode === 'hang') ? HANG_TIMEOUT_MS : 10_000,
      });
      await expectSameBits(graph, algorithm, single, result, options.steps, label, baseline);
      const report = result.recovery!;
      expect(report.failures.length, `${label}: failures recovered`).toBeLessThanOrEqual(faults.length + SPARE_RECOVERIES);
      for (const failure of report.failures) {
        expect(failure.code, label).toBe(ErrorCode.WORKER_LOST);
        expect(failure.restoredFrom % interval, `${label}: restored from a checkpoint boundary`).toBe(0);
      }
      recovered += report.failures.length;
      host.arena.release(mark);
    }
    // the matrix must really fail workers: most faults land inside their runs
    expect(recovered).toBeGreaterThan(20);
  }, 240_000);

  it('a failure at every superstep, recovered from the checkpoint of every boundary: nothing is in flight at a boundary', async () => {
    const host = createHostSync({ initialBytes: 16 << 20 });
    const random = new Random(77);
    for (const algorithm of ALGORITHMS) {
      const mark = host.arena.mark();
      const graph = randomGraph(host, random, algorithm === 'sssp');
      const options = { source: 0, steps: 24, seed: 3, recordSpikes: true, iterations: 12 };
      const single = runAlgorithm(graph, algorithm, options);
      const plan = buildPartitionPlan(graph, { k: 3, strategy: 'vertex-cut', vertexOwner: Int32Array.from({ length: graph.n }, () => random.int(0, 2)), arcOwner: Int32Array.from({ length: graph.m }, () => random.int(0, 2)) });
      const baseline = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, options);
      for (let superstep = 1; superstep < baseline.stats.supersteps; superstep++) {
        const result = await system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, { ...options, faults: [{ worker: superstep % 3, superstep, mode: 'throw' }], faultTolerance: { interval: 1 } });
        const label = `${algorithm}, failure at superstep ${superstep}`;
        await expectSameBits(graph, algorithm, single, result, options.steps, label, baseline);
        // one failure, restored from a boundary at or before it (the latest whose pieces had all arrived)
        expect(result.recovery!.failures.map((failure) => failure.restoredFrom <= superstep), label).toEqual([true]);
      }
      host.arena.release(mark);
    }
  }, 120_000);

  it('a run that fails more often than it may recover ends with UnrecoverableFailure naming the failures', async () => {
    const host = createHostSync({ initialBytes: 8 << 20 });
    const graph = randomGraph(host, new Random(5), false);
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: graph.n }, (_, v) => v % 2), arcOwner: null });
    const faults: InjectedFault[] = [0, 1, 2].map((superstep) => ({ worker: superstep % 2, superstep, mode: 'throw' }));
    const outcome = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 20, faults, faultTolerance: { interval: 1, maxRecoveries: 2 } }).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(UnrecoverableFailure);
    expect((outcome as UnrecoverableFailure).code).toBe(ErrorCode.UNRECOVERABLE);
    expect(((outcome as UnrecoverableFailure).details.failures as string[]).length).toBe(3);
    // the pool is fine afterwards
    const again = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'pagerank', { iterations: 20 });
    expect(bytesOf(again.values).equals(bytesOf(runAlgorithm(graph, 'pagerank', { iterations: 20 }).values))).toBe(true);
  }, 60_000);
});

describe('FaultTolerantExecutor', () => {
  it('applies its fault tolerance to every run: a failing run recovers into its store, with the single-worker bits', async () => {
    const host = createHostSync({ initialBytes: 8 << 20 });
    const graph = randomGraph(host, new Random(21), true);
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: graph.n }, (_, v) => v % 2), arcOwner: null });
    const store = new MemoryCheckpointStore();
    const executor = new FaultTolerantExecutor(system, { store, interval: 2 });
    for (const algorithm of ['sssp', 'wcc'] as const) {
      const result = await executor.executeOnPlan(graph, plan, algorithm, { source: 0, faults: [{ worker: 1, superstep: 1, mode: 'exit' }] });
      expect(bytesOf(result.values).equals(bytesOf(runAlgorithm(graph, algorithm, { source: 0 }).values)), algorithm).toBe(true);
      expect(result.recovery!.failures.length, algorithm).toBe(1);
    }
    expect((await store.list()).length).toBeGreaterThan(0);
  }, 60_000);
});

describe('a checkpoint that cannot be stored', () => {
  it('ends the run with the store\'s error, promptly, never a silent continue', async () => {
    const host = createHostSync({ initialBytes: 8 << 20 });
    const graph = randomGraph(host, new Random(31), false);
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: graph.n }, (_, v) => v % 2), arcOwner: null });
    let writes = 0;
    const full: CheckpointStore = {
      location: 'a full disk',
      keep: 2,
      holdsWrittenBytes: false,
      write: async () => {
        writes++;
        throw new ResourceError(ErrorCode.CHECKPOINT_IO, 'no space left on device', { location: 'a full disk' });
      },
      latest: async () => ({ checkpoint: null, location: null, skipped: [] }),
      list: async () => [],
    };
    const steps = 20_000;
    const started = performance.now();
    const outcome = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { steps, seed: 1, faultTolerance: { store: full, interval: 3, writeRetries: 2 } }).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(ResourceError);
    expect((outcome as ResourceError).code).toBe(ErrorCode.CHECKPOINT_IO);
    // the first checkpoint tried three times (a write and its two retries), and nothing after it:
    // one write at a time, and none once a write failed for good (a run that went on would have
    // tried thousands: steps / 3)
    expect(writes).toBe(3);
    const uninterrupted = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { steps, seed: 1 });
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(uninterrupted.stats.supersteps).toBeGreaterThan(0);
  }, 60_000);
});

describe('a store slower than the interval', () => {
  it('writes one checkpoint at a time, newest first in line, and still recovers with the single-worker bits', async () => {
    const host = createHostSync({ initialBytes: 8 << 20 });
    const graph = randomGraph(host, new Random(41), false);
    const plan = buildPartitionPlan(graph, { k: 2, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: graph.n }, (_, v) => v % 2), arcOwner: null });
    const inner = new MemoryCheckpointStore();
    let writing = 0;
    let most = 0;
    const written: number[] = [];
    const slow: CheckpointStore = {
      location: 'a slow disk',
      keep: 2,
      holdsWrittenBytes: inner.holdsWrittenBytes,
      write: async (bytes) => {
        writing++;
        most = Math.max(most, writing);
        await new Promise((resolve) => setTimeout(resolve, 25));
        writing--;
        const stored = await inner.write(bytes);
        written.push(stored.superstep);
        return stored;
      },
      latest: (identity) => inner.latest(identity),
      list: () => inner.list(),
    };
    const options = { steps: 400, seed: 3, recordSpikes: true };
    const result = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { ...options, faultTolerance: { store: slow, interval: 1 }, faults: [{ worker: 1, superstep: 30, mode: 'throw' }] });
    await expectSameBits(graph, 'lif', runAlgorithm(graph, 'lif', options), result, options.steps, 'slow store');
    expect(most).toBe(1);
    // checkpoints were skipped (superseded), the report lists what the store wrote
    const report = result.recovery!;
    expect(report.superseded).toBeGreaterThan(0);
    expect(report.checkpoints.length).toBeLessThan(result.stats.supersteps);
    expect(report.failures.length).toBe(1);
    expect(report.checkpoints.map((c) => c.superstep)).toEqual(written);
  }, 60_000);
});

describe('checkpoints on disk', () => {
  const host = createHostSync({ initialBytes: 8 << 20 });
  const graph = randomGraph(host, new Random(11), false);
  const plan = buildPartitionPlan(graph, { k: 3, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: graph.n }, (_, v) => v % 3), arcOwner: null });
  const options = { steps: 60, seed: 9, recordSpikes: true };

  it('a resumed run continues from the newest good checkpoint: corrupt and foreign ones are passed over', async () => {
    const single = runAlgorithm(graph, 'lif', options);
    const directory = join(scratch, 'resume');
    await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { ...options, faultTolerance: { store: new DirectoryCheckpointStore(directory, { keep: 3 }), interval: 4 } });
    const files = readdirSync(directory).filter((name) => name.endsWith('.nmc'));
    const supersteps = files.map((name) => Number(/checkpoint-(\d+)\.nmc/.exec(name)![1])).sort((a, b) => b - a);
    // the first and the last boundary's checkpoints at least (one write at a time: fsync is slower than
    // this tiny graph's supersteps, so ones between may be superseded)
    expect(supersteps.length).toBeGreaterThanOrEqual(2);
    // flip a byte in the middle of the newest one
    const newest = join(directory, `checkpoint-${supersteps[0]}.nmc`);
    const bytes = readFileSync(newest);
    bytes[bytes.length >> 1] ^= 0x40;
    writeFileSync(newest, bytes);
    const resumed = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { ...options, faultTolerance: { store: new DirectoryCheckpointStore(directory, { keep: 3 }), interval: 4, resume: true } });
    expect(resumed.recovery!.resumedFrom).toBe(supersteps[1]);
    expect(resumed.recovery!.skipped.map((skip) => [skip.superstep, skip.code])).toEqual([[supersteps[0], ErrorCode.CHECKPOINT_CORRUPT]]);
    await expectSameBits(graph, 'lif', single, resumed, options.steps, 'resumed past a corrupt checkpoint');
    // a resumed run does only the supersteps after its checkpoint
    expect(resumed.stats.supersteps).toBeLessThan(60);

    // a truncated newest checkpoint: also passed over
    const kept = readdirSync(directory).filter((name) => name.endsWith('.nmc')).map((name) => Number(/checkpoint-(\d+)\.nmc/.exec(name)![1])).sort((a, b) => b - a);
    const latest = join(directory, `checkpoint-${kept[0]}.nmc`);
    writeFileSync(latest, readFileSync(latest).subarray(0, 100));
    const again = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { ...options, faultTolerance: { store: new DirectoryCheckpointStore(directory, { keep: 3 }), interval: 4, resume: true } });
    expect(again.recovery!.resumedFrom).toBe(kept[1]);
    await expectSameBits(graph, 'lif', single, again, options.steps, 'resumed past a truncated checkpoint');
  }, 60_000);

  it('checkpoints of another plan or other options are never resumed from: the run starts over', async () => {
    const single = runAlgorithm(graph, 'lif', options);
    const store = new MemoryCheckpointStore();
    await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { ...options, faultTolerance: { store, interval: 5 } });
    expect((await store.list()).length).toBeGreaterThan(0);
    const other = buildPartitionPlan(graph, { k: 3, strategy: 'edge-cut', vertexOwner: Int32Array.from({ length: graph.n }, (_, v) => (v + 1) % 3), arcOwner: null });
    const fresh = await system.executeDistributedAlgorithmOnPlan(graph, other, 'lif', { ...options, faultTolerance: { store, interval: 5, resume: true } });
    expect(fresh.recovery!.resumedFrom).toBeNull();
    expect(fresh.recovery!.skipped.length).toBeGreaterThan(0);
    expect(fresh.recovery!.skipped.every((skip) => skip.code === ErrorCode.CHECKPOINT_MISMATCH)).toBe(true);
    await expectSameBits(graph, 'lif', single, fresh, options.steps, 'another plan');
    // another seed: the same plan, but not the same run
    const reseeded = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { ...options, seed: 10, faultTolerance: { store: new MemoryCheckpointStore(), interval: 5 } });
    const otherOptions = await system.executeDistributedAlgorithmOnPlan(graph, plan, 'lif', { ...options, seed: 10, faultTolerance: { store, interval: 5, resume: true } });
    expect(otherOptions.recovery!.resumedFrom).toBeNull();
    expect(bytesOf(otherOptions.values).equals(bytesOf(reseeded.values))).toBe(true);
  }, 60_000);
});
