/**
 * What one worker needs to run its partition's phases: the setup the coordinator posts (plain
 * numbers and the shared memory), and the context the worker builds from it once per run.
 *
 * Reductions (global aggregators: dangling mass, convergence, active counts) live in shared memory,
 * one slot per worker and per parity of the superstep, so a slot written before barrier s is read by
 * everyone after barrier s and rewritten only after barrier s + 1 (when every reader is done):
 *
 *   slot (parity, worker) at reductions + (parity · workers + worker) · REDUCTION_SLOT_BYTES
 *   +0                      exact accumulator A (exactsum_bytes(), padded to 64)
 *   +ACC                    exact accumulator B
 *   +2·ACC                  f64 counters[REDUCTION_COUNTERS]
 *
 * Every worker merges the same slots in the same order, so every worker takes the same decision
 * (stop, continue) without another message.
 */
import type { MailboxBuffer, MailboxDirectory, PortReceiver, RouterCommunication, StepCommunication } from '../../exchange/router.js';
import { Router } from '../../exchange/router.js';
import type { ExchangeLists, PlacedPartition } from '../../place/place.js';
import type { GraphKernels } from '../kernels.js';
import type { AlgorithmName } from '../types.js';
import { CONTROL_FAULT, CONTROL_INTERVAL, CONTROL_SUPERSTEP, controlWords, dueWord, faultTimeWord, terminateWord } from './control.js';
import type { StateRegion } from './program.js';
import { elementBytes } from '../../protect/checkpoint.js';

/** exactsum_bytes() (560) rounded up to a cache line. */
export const REDUCTION_ACCUMULATOR_BYTES = 576;
export const REDUCTION_COUNTERS = 8;
export const REDUCTION_SLOT_BYTES = 2 * REDUCTION_ACCUMULATOR_BYTES + 8 * REDUCTION_COUNTERS;

/** Kernels the distributed phases call besides the single-worker ones (assembly/ABI.md). */
export interface DistributedKernels extends GraphKernels {
  exactsum_normalize(acc: number): void;
  exchange_gather64(source: number, list: number, count: number, target: number): number;
  exchange_scatter64(source: number, list: number, count: number, target: number): number;
  exchange_pack_equal32(values: number, list: number, count: number, value: number, positions: number): number;
  exchange_unpack_visit32(values: number, list: number, positions: number, count: number, value: number, out: number, outCount: number): number;
  exchange_pack_flagged64(values: number, flags: number, list: number, count: number, positions: number, payload: number): number;
  exchange_pack_flagged32(values: number, flags: number, list: number, count: number, positions: number, payload: number): number;
  exchange_unpack_min64(values: number, flags: number, list: number, positions: number, payload: number, count: number, out: number, outCount: number): number;
  exchange_unpack_min32(values: number, flags: number, list: number, positions: number, payload: number, count: number, out: number, outCount: number): number;
  exchange_clear_flags(flags: number, list: number, count: number): number;
  exchange_flag_list(flags: number, list: number, count: number, out: number, outCount: number): number;
  // local searches between exchanges (kernels/bfs-local.ts, kernels/sssp-local.ts)
  bfs_local(outOffsets: number, outTargets: number, levels: number, seeds: number, seedCount: number, heap: number, position: number, queue: number, state: number, limit: number, changed: number, changedList: number): number;
  bfs_local_finalize(levels: number, begin: number, end: number): number;
  sssp_local(
    weightKind: number,
    outOffsets: number,
    outTargets: number,
    weights: number,
    dist: number,
    seeds: number,
    seedCount: number,
    heap: number,
    position: number,
    queue: number,
    state: number,
    limit: number,
    changed: number,
    changedList: number,
  ): number;
  lif_run(control: number, firstStep: number, maxSteps: number): number;
  lif_deliver(control: number, ids: number, steps: number, count: number): number;
  lif_ring_take(control: number, firstStep: number, rows: number, list: number, count: number, out: number): number;
  lif_ring_add(control: number, firstStep: number, rows: number, list: number, count: number, input: number): number;
  wcc_local_min(root: number, labels: number, rootLabel: number, n: number, flags: number, out: number, outCount: number): number;
}

/** One partition's share of a run (structured-cloneable). */
export interface PartitionSetup {
  /** the partition's index, i.e. its logical worker (barrier slot, reduction slot, mailbox row) */
  worker: number;
  part: PlacedPartition;
  /** this partition's state regions, named by the program */
  regions: Record<string, number>;
  /** the algorithm's settings (numbers and strings only) */
  settings: Record<string, number | string | boolean>;
  /** a failure to inject in this partition (coordinator.ts InjectedFault); `index` is its place in the run's list */
  fault?: { superstep: number; mode: 'throw' | 'exit' | 'trap' | 'hang' | 'terminate'; during?: 'superstep' | 'checkpoint'; index: number };
  /** where to resume: a checkpoint's boundary (src/protect/recovery.ts restored the state regions) */
  resume?: PartitionResume;
  /** accounting modes and transport of the router (src/exchange/optimizer.ts); absent: plain mailboxes */
  communication?: RouterCommunication;
}

/**
 * Everything a thread is told about its run (structured-cloneable): the run's shared blocks and the
 * partitions this thread steps, in lockstep, one barrier per round (worker.ts).
 */
export interface RunSetup {
  /** identifies the host (memory + module): a worker instantiates the kernels once per host */
  hostKey: string;
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  algorithm: AlgorithmName;
  /** partitions in the run (logical workers), over all threads */
  workers: number;
  /** threads in the run */
  threads: number;
  /** the control block (control.ts) */
  control: number;
  barrierTimeoutMs: number;
  /** microseconds to spin at a barrier before sleeping (0: sleep at once) */
  spin: number;
  mailboxes: MailboxDirectory;
  reductions: number;
  /** the partitions this thread runs, in the order it steps them */
  partitions: PartitionSetup[];
  /** where checkpoint pieces go (src/protect/recovery.ts), when the run takes checkpoints */
  checkpointPort?: MessagePort;
  /** when the coordinator posted the tasks: performance.timeOrigin + performance.now() there */
  postedAt: number;
}

/** What a partition resumes from, besides its state regions (restored in shared memory). */
export interface PartitionResume {
  /** supersteps completed at the checkpoint's boundary */
  superstep: number;
  /** the exchange counter there (mailbox parity) */
  exchange: number;
  /** the program's loop state, as it handed it to `endStep` */
  cursor: number[];
  /** bulk results so far (e.g. LIF's raster up to the boundary) */
  extras: Record<string, Uint32Array>;
}

/** One partition's share of a checkpoint, posted by its worker to the coordinator (src/protect/recovery.ts). */
export interface CheckpointPiece {
  superstep: number;
  worker: number;
  exchange: number;
  cursor: number[];
  regions: { name: string; type: StateRegion['type']; data: Uint8Array }[];
  /** this partition's two reduction slots (parity 0, then 1) */
  reductions: Uint8Array;
  extras: Record<string, Uint32Array>;
  /** seconds the worker held still to copy its state */
  seconds: number;
}

/** One superstep as one worker saw it. */
export interface StepRecord {
  computeMs: number;
  waitMs: number;
  bytes: number;
  messages: number;
  /** bytes sent to each partition in this superstep; absent when nothing was sent */
  bytesTo?: number[];
  /** naive / batched / optimized figures and frame timings (with PartitionSetup.communication) */
  communication?: StepCommunication;
}

/** What a worker sends back when its partition is done. */
export interface WorkerReport {
  worker: number;
  steps: StepRecord[];
  /** program-specific results (e.g. iterations done, converged) */
  result: Record<string, number | boolean>;
  bytesTo: number[];
  messagesTo: number[];
  /** compute milliseconds spent in each of the program's phases (ProgramDescription.phases) */
  phaseMs: number[];
  /** program-specific bulk results (e.g. LIF's raster as (step, neuron) pairs) */
  extras?: Record<string, Uint32Array>;
  /** checkpoint pieces this partition posted (the coordinator waits for all of them) */
  checkpoints?: number;
  /** set when the worker failed: the error, serialised (errors.ts) */
  error?: { name: string; code: string; message: string; details: Record<string, unknown> };
}

export class WorkerContext {
  readonly kernels: DistributedKernels;
  readonly part: PlacedPartition;
  readonly workers: number;
  readonly worker: number;
  readonly router: Router;
  readonly regions: Record<string, number>;
  readonly settings: Record<string, number | string | boolean>;
  readonly memory: WebAssembly.Memory;
  readonly steps: StepRecord[] = [];
  /** bulk results the program hands back (WorkerReport.extras) */
  readonly extras: Record<string, Uint32Array> = {};
  /** the exchange counter: mailbox buffers alternate with it */
  exchange = 0;
  private readonly reductions: number;
  private readonly u32: Uint32Array;
  /** compute milliseconds of the current superstep before the program's last yield */
  private computed = 0;
  private runStarted = performance.now();
  private readonly fault: PartitionSetup['fault'];
  /** set when the partition resumes from a checkpoint: the program reads its cursor here */
  readonly resumed: PartitionResume | undefined;
  /** bulk state the program wants in checkpoints (e.g. LIF's raster so far) */
  checkpointExtras: () => Record<string, Uint32Array> = () => ({});
  private readonly control: Int32Array;
  private readonly postedAt: number;
  private readonly port: MessagePort | undefined;
  private readonly stateRegions: (() => StateRegion[]) | undefined;
  /** the boundary of the last checkpoint (worker 0 decides the next one from it) */
  private lastCheckpoint = 0;
  /** checkpoint pieces posted */
  checkpointsPosted = 0;
  /** barrier wait of the thread, added by its driver (worker.ts), since the last `endStep` */
  private waited = 0;
  superstep = 0;
  /** compute milliseconds per phase; barrier waits are not counted (they are in StepRecord.waitMs) */
  readonly phaseMs: number[] = [];
  private currentPhase = 0;
  private phaseStarted = performance.now();

  constructor(setup: RunSetup, partition: PartitionSetup, kernels: DistributedKernels, stateRegions?: () => StateRegion[], receiveOnPort?: PortReceiver) {
    this.kernels = kernels;
    this.part = partition.part;
    this.workers = setup.workers;
    this.worker = partition.worker;
    this.memory = setup.memory;
    this.regions = partition.regions;
    this.settings = partition.settings;
    this.reductions = setup.reductions;
    this.router = new Router(setup.memory, setup.mailboxes, partition.worker, partition.communication ?? null, partition.part, kernels, receiveOnPort ?? null);
    this.u32 = new Uint32Array(setup.memory.buffer);
    this.fault = partition.fault;
    this.control = new Int32Array(setup.memory.buffer, setup.control, controlWords(setup.workers));
    this.port = setup.checkpointPort;
    this.postedAt = setup.postedAt;
    this.stateRegions = stateRegions;
    this.resumed = partition.resume;
    if (partition.resume) {
      this.superstep = partition.resume.superstep;
      this.exchange = partition.resume.exchange;
      this.lastCheckpoint = partition.resume.superstep;
    }
  }

  view<T extends Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor>(Type: T, offset: number, length: number): InstanceType<T> {
    return new Type(this.memory.buffer as ArrayBuffer, offset, length) as InstanceType<T>;
  }

  // --- exchange lists (local ids, see src/place/place.ts) ---

  /** Offset and length of the send list (masters' side) to peer index i of `lists` (default: the plan's). */
  sendList(i: number, lists: ExchangeLists = this.part): [offset: number, length: number] {
    const { sendLocal, sendOffsets } = lists;
    return [sendLocal + 4 * sendOffsets[i]!, sendOffsets[i + 1]! - sendOffsets[i]!];
  }

  /** Offset and length of the receive list (replicas' side) from peer index i of `lists`. */
  receiveList(i: number, lists: ExchangeLists = this.part): [offset: number, length: number] {
    const { receiveLocal, receiveOffsets } = lists;
    return [receiveLocal + 4 * receiveOffsets[i]!, receiveOffsets[i + 1]! - receiveOffsets[i]!];
  }

  outbox(to: number): MailboxBuffer {
    return this.router.outbox(to, this.exchange);
  }

  /** The batch `from` packed for this worker in the exchange the last `sync` completed. */
  inbox(from: number): MailboxBuffer {
    return this.router.inbox(from, this.exchange - 1);
  }

  /** Entries in a received batch. */
  received(box: MailboxBuffer): number {
    return this.u32[box.header >>> 2]!;
  }

  /**
   * Wait for every worker (the end of an exchange: what was packed is now readable). A program
   * writes `yield* context.sync()`: the yield hands the thread back to its driver (worker.ts), which
   * steps its other partitions to the same point and meets the other threads at the barrier.
   */
  *sync(): Generator<void, void, void> {
    if (this.fault && this.fault.superstep === this.superstep && this.fault.during !== 'checkpoint') this.fire(this.fault);
    // every batch of this exchange is committed: a host's last partition sends its host frames (exchange/router.ts)
    this.router.flush(this.exchange);
    yield;
    this.exchange++;
  }

  // --- the driver's side (worker.ts): time runs for a partition only while its program runs ---

  /** The program is about to run (until its next yield). */
  resume(): void {
    const now = performance.now();
    this.phaseStarted = now;
    this.runStarted = now;
  }

  /** The program yielded (or returned): its time so far goes to the current phase and superstep. */
  pause(): void {
    const now = performance.now();
    this.phaseMs[this.currentPhase] = (this.phaseMs[this.currentPhase] ?? 0) + now - this.phaseStarted;
    this.phaseStarted = now;
    this.computed += now - this.runStarted;
    this.runStarted = now;
  }

  /** The thread waited `ms` at the barrier this partition last yielded to. */
  addWait(ms: number): void {
    this.waited += ms;
  }

  /** Enter phase `index` of the program's description (time so far goes to the phase being left). */
  phase(index: number): void {
    const now = performance.now();
    this.phaseMs[this.currentPhase] = (this.phaseMs[this.currentPhase] ?? 0) + now - this.phaseStarted;
    this.currentPhase = index;
    this.phaseStarted = now;
    // a batch's shape depends on the phase that commits it (exchange/accounting.ts)
    this.router.phase = index;
  }

  /** Master values to replicas, dense 8-byte values: pack (before sync). */
  packDense64(values: number, lists: ExchangeLists = this.part): void {
    const { sendPeers } = lists;
    for (let i = 0; i < sendPeers.length; i++) {
      const [list, length] = this.sendList(i, lists);
      const box = this.outbox(sendPeers[i]!);
      this.kernels.exchange_gather64(values, list, length, box.payload);
      this.router.commit(sendPeers[i]!, box, length, 8 * length);
    }
  }

  /** Master values to replicas, dense 8-byte values: unpack (after sync). */
  unpackDense64(values: number, lists: ExchangeLists = this.part): void {
    const { receivePeers } = lists;
    for (let i = 0; i < receivePeers.length; i++) {
      const [list, length] = this.receiveList(i, lists);
      const box = this.inbox(receivePeers[i]!);
      this.kernels.exchange_scatter64(box.payload, list, length, values);
    }
  }

  // --- reductions ---

  slot(parity: number, worker: number): number {
    return this.reductions + ((parity & 1) * this.workers + worker) * REDUCTION_SLOT_BYTES;
  }

  accumulatorA(parity: number, worker = this.worker): number {
    return this.slot(parity, worker);
  }

  accumulatorB(parity: number, worker = this.worker): number {
    return this.slot(parity, worker) + REDUCTION_ACCUMULATOR_BYTES;
  }

  counters(parity: number, worker = this.worker): Float64Array {
    return this.view(Float64Array, this.slot(parity, worker) + 2 * REDUCTION_ACCUMULATOR_BYTES, REDUCTION_COUNTERS);
  }

  /** Σ over workers of counter `index` of `parity` (every worker gets the same sum). */
  sumCounter(parity: number, index: number): number {
    let total = 0;
    for (let q = 0; q < this.workers; q++) total += this.counters(parity, q)[index]!;
    return total;
  }

  /**
   * The exact sum of every worker's accumulator (A or B) of `parity`, merged into `scratch` (this
   * worker's own). Each worker normalised its accumulator before the barrier, so the merge's
   * normalisation of a source rewrites the same words and readers cannot disturb each other.
   */
  mergedSum(parity: number, which: 'A' | 'B', scratch: number): number {
    const k = this.kernels;
    k.exactsum_clear(scratch);
    for (let q = 0; q < this.workers; q++) k.exactsum_merge(scratch, which === 'A' ? this.accumulatorA(parity, q) : this.accumulatorB(parity, q));
    return k.exactsum_finalize(scratch);
  }

  // --- statistics ---

  /**
   * Close the current superstep's record. A program that can resume from checkpoints passes its
   * loop state for the next superstep (`cursor`, small numbers, or a function that makes them only
   * when a checkpoint is taken: short supersteps need not allocate): a checkpoint taken at this
   * boundary holds it, and `resumed.cursor` gives it back.
   */
  endStep(cursor?: number[] | (() => number[])): void {
    const now = performance.now();
    const waitMs = this.waited;
    this.waited = 0;
    const traffic = this.router.takeStep();
    const step: StepRecord = { computeMs: this.computed + now - this.runStarted, waitMs, bytes: traffic.bytes, messages: traffic.messages };
    if (traffic.bytesTo) step.bytesTo = traffic.bytesTo;
    if (traffic.communication) step.communication = traffic.communication;
    this.steps.push(step);
    this.computed = 0;
    this.runStarted = now;
    this.superstep++;
    // progress, for the coordinator (the automatic checkpoint interval measures supersteps with it)
    if (this.worker === 0) Atomics.store(this.control, CONTROL_SUPERSTEP, this.superstep);
    if (cursor && this.port && this.stateRegions) this.checkpointBoundary(cursor);
  }

  /**
   * At boundary s (s supersteps done): take this partition's share of a checkpoint when s is due,
   * then (worker 0) decide whether s + 1 is. Every worker reads the same DUE word for s, written by
   * worker 0 at boundary s − 1, before a barrier every worker has passed since (control.ts).
   */
  private checkpointBoundary(cursor: number[] | (() => number[])): void {
    const s = this.superstep;
    const words = this.control;
    if (Atomics.load(words, dueWord(this.workers, s)) === s) {
      if (this.fault && this.fault.superstep === s && this.fault.during === 'checkpoint') this.fire(this.fault);
      this.takeCheckpoint(s, typeof cursor === 'function' ? cursor() : cursor);
      this.lastCheckpoint = s;
    }
    if (this.worker === 0) {
      const interval = Atomics.load(words, CONTROL_INTERVAL);
      if (interval > 0 && s + 1 - this.lastCheckpoint >= interval) Atomics.store(words, dueWord(this.workers, s + 1), s + 1);
    }
  }

  /** Copy this partition's state and post it to the coordinator (the copy is all the run waits for). */
  private takeCheckpoint(superstep: number, cursor: number[]): void {
    const started = performance.now();
    const buffer = this.memory.buffer;
    const regions = this.stateRegions!().map((region) => {
      return { name: region.name, type: region.type, data: new Uint8Array(buffer, region.offset, region.length * elementBytes(region.type)).slice() };
    });
    const reductions = new Uint8Array(2 * REDUCTION_SLOT_BYTES);
    reductions.set(new Uint8Array(buffer, this.slot(0, this.worker), REDUCTION_SLOT_BYTES), 0);
    reductions.set(new Uint8Array(buffer, this.slot(1, this.worker), REDUCTION_SLOT_BYTES), REDUCTION_SLOT_BYTES);
    const extras = this.checkpointExtras();
    const piece: CheckpointPiece = { superstep, worker: this.worker, exchange: this.exchange, cursor, regions, reductions, extras, seconds: (performance.now() - started) / 1000 };
    const transfer = [...regions.map((region) => region.data.buffer), reductions.buffer, ...Object.values(extras).map((extra) => extra.buffer)];
    this.port!.postMessage(piece, transfer as ArrayBuffer[]);
    this.checkpointsPosted++;
  }

  /** Inject the configured fault, recording first that it fired (so a recovered run does not fire it again). */
  private fire(fault: NonNullable<PartitionSetup['fault']>): void {
    Atomics.store(this.control, CONTROL_FAULT, fault.index + 1);
    Atomics.store(this.control, faultTimeWord(this.workers), Math.max(1, Math.round((performance.timeOrigin + performance.now() - this.postedAt) * 10)));
    if (fault.mode === 'terminate') Atomics.store(this.control, terminateWord(this.workers), this.worker + 1);
    injectFault(fault.mode, this.kernels);
  }
}

/** Fail the way a real worker can: an exception, the thread exiting, a WebAssembly trap, a hang. */
function injectFault(mode: 'throw' | 'exit' | 'trap' | 'hang' | 'terminate', kernels: DistributedKernels): void {
  switch (mode) {
    case 'throw':
      throw new Error('injected fault: throw');
    case 'exit':
      if (typeof process !== 'undefined') process.exit(70);
      throw new Error('injected fault: exit');
    case 'trap':
      // an out-of-bounds access: the same RuntimeError a kernel bug would raise
      kernels.exchange_gather64(0xffff_fff0, 0xffff_fff0, 1, 0);
      throw new Error('injected fault: trap did not trap');
    case 'hang':
    case 'terminate':
      // 'hang': a busy loop, as a runaway kernel would spin: only terminating the thread stops it;
      // 'terminate': the same, but the coordinator is told to terminate the thread at once (an
      // operator or an orchestrator killing it), rather than finding it hung
      for (;;) {
        // spin
      }
  }
}
