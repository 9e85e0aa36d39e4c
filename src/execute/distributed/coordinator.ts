/**
 * DistributedAlgorithmCoordinator (DESIGN.md pipeline stages 4-5 and 7): place a DistributedPartition
 * in shared memory, run the algorithm's program on one worker per partition, in supersteps that meet
 * at barriers, and return the masters' values in one array, with the run's statistics.
 *
 * The run, top to bottom:
 *   1. validate the options (the single-worker checks: same rules, same errors);
 *   2. place every partition as a local graph (src/place/place.ts) and allocate its state, the
 *      mailboxes (src/exchange/router.ts), the control block and the reduction slots: everything
 *      before any worker starts, since growing the memory would change its buffer under them;
 *   3. post one task per thread (one per partition, up to the cores; worker.ts steps a thread's
 *      partitions in turn); each runs its partitions' phases and meets the others at barriers;
 *   4. a worker that fails raises ABORT (the others leave their barrier within a wait slice); a
 *      worker that hangs is named by a peer whose barrier timed out, or by the watchdog when no
 *      worker moves at all; its thread is then terminated: the run ends with a WorkerLostError,
 *      never a hang;
 *   5. collect the masters' values by global id, and the per-superstep, per-worker statistics.
 */
import { ErrorCode, fromSerialized, NeuromeshError, OptionsError, WorkerLostError, type SerializedError } from '../../errors.js';
import type { NeuromorphicGraph } from '../../input/graph.js';
import { allocateMailboxes, openFramePorts, resetTransport } from '../../exchange/router.js';
import { allocateCodecScratch, communicationRequested, prepareCommunication, summariseCommunication, type CommunicationOptions, type CommunicationStats } from '../../exchange/optimizer.js';
import { hasReplicaTargets, placePartitions, type PlacedPartition } from '../../place/place.js';
import type { DistributedPartition } from '../../partition/partitioner.js';
import { localIdOf } from '../../partition/layout.js';
import { graphKernels, warmUpKernels } from '../kernels.js';
import { pagerankSettings, sourceVertex } from '../options.js';
import { runAlgorithm } from '../single.js';
import { checkNonNegativeWeights, checkSsspDistances } from '../sssp.js';
import { ALGORITHMS, type AlgorithmName, type AlgorithmOptions, type AlgorithmResult } from '../types.js';
import { abortRun, ABORT_CANCELLED, ABORT_FAILURE, ABORT_NONE, ABORT_TIMEOUT, CONTROL_ABORT, CONTROL_ARRIVED, CONTROL_FAILED, CONTROL_FAULT, CONTROL_GENERATION, CONTROL_INTERVAL, CONTROL_STARTED, CONTROL_SUPERSTEP, controlWords, faultTimeWord, heartbeatWord, STARTUP_LIMIT_MS, terminateWord } from './control.js';
import { REDUCTION_SLOT_BYTES, type PartitionResume, type RunSetup, type StepRecord, type WorkerReport } from './context.js';
import { collectLif, lifErrorInInputIds, lifSettings } from './lif.js';
import { PROGRAMS } from './programs.js';
import { crc32 } from '../../input/crc32.js';
import { planChecksum, RunRecovery, type FaultToleranceOptions, type RecoveryReport } from '../../protect/recovery.js';
import type { ProgramDescription, Settings } from './program.js';

/** The platform's thread pool (src/platform/node.ts: piscina). */
export interface WorkerPool {
  readonly threads: number;
  /** run one thread's partitions (worker.ts runPartitions): one report per partition */
  run(setup: RunSetup, signal?: AbortSignal): Promise<WorkerReport[]>;
  destroy(): Promise<void>;
}

export interface CoordinatorOptions {
  /** makes a pool of `threads` threads (the platform seam) */
  createWorkerPool: (threads: number) => WorkerPool;
  /** cores available: a run uses at most this many threads by default, and they spin at barriers */
  hardwareThreads?: number;
  /**
   * Start the pool with at least this many threads (default: the first run's worker count). A run
   * with more workers than the pool has threads replaces the pool, and starting threads costs
   * tens of milliseconds each (seconds when running from TypeScript sources).
   */
  minimumThreads?: number;
}

/**
 * A failure to inject (tests and `--chaos`): worker `worker` fails as `mode` when it reaches the
 * barrier of superstep `superstep`.
 */
export interface InjectedFault {
  worker: number;
  superstep: number;
  mode: 'throw' | 'exit' | 'trap' | 'hang' | 'terminate';
  /** 'superstep' (default): at the barrier; 'checkpoint': while taking the checkpoint of boundary `superstep` */
  during?: 'superstep' | 'checkpoint';
}

export interface DistributedRunOptions extends AlgorithmOptions, CommunicationOptions {
  /** fault injection, for tests of failure handling (see InjectedFault) */
  fault?: InjectedFault;
  /** several faults (chaos tests, `--chaos`): each fires once, in whichever attempt reaches it */
  faults?: InjectedFault[];
  /**
   * Checkpoints and recovery (src/protect/recovery.ts): a worker that fails is replaced, the run
   * rolls back to its latest checkpoint and goes on, and returns the same bits as a run without
   * failures. Without it a failure ends the run with a WorkerLostError.
   */
  faultTolerance?: FaultToleranceOptions;
  /**
   * A worker that does not reach a barrier within this many milliseconds is declared lost
   * (WorkerLostError); also the watchdog's limit when no worker makes progress. Default 60 000.
   */
  barrierTimeoutMs?: number;
  /**
   * Threads to run the partitions on (default: one per partition, up to the cores available). A
   * thread steps its partitions in turn between barriers, so P partitions on T < P threads give the
   * same bits as on P threads; more threads than cores makes every barrier a sleep and a wake-up.
   */
  threads?: number;
}

export const DEFAULT_BARRIER_TIMEOUT_MS = 60_000;
/**
 * The most workers a run may have: each is a thread with its own V8 isolate (~10 MB) and the
 * mailboxes grow with the pairs of partitions that share vertices.
 */
export const MAX_WORKERS = 256;
/**
 * How long a worker busy-waits at a barrier before it sleeps, when every worker has a core. Waking a
 * sleeping thread measured 1-2 ms on this project's (virtual) 2-core machine, longer than a whole
 * superstep of a small spiking network, so the spin covers the usual spread between workers; it
 * adapts down when spinning does not pay (control.ts), so a busy machine is not made worse.
 */
const BARRIER_SPIN_MICROSECONDS = 2000;
/** After a failure, how long the other workers get to leave before their threads are terminated. */
const TEARDOWN_GRACE_MS = 2_000;

/** One worker's share of one superstep. */
export type WorkerStep = StepRecord;

export interface DistributedStats {
  workers: number;
  /** threads the workers ran on (a thread steps its partitions in turn between barriers) */
  threads: number;
  strategy: string;
  supersteps: number;
  /** the algorithm's wall time: tasks posted to all reports back, placement excluded */
  wallMs: number;
  /** placing the partitions and allocating run state */
  placeMs: number;
  /** totals as counted by the router (DESIGN.md metrics) */
  bytes: number;
  messages: number;
  /** perSuperstep[s][w]: worker w in superstep s */
  perSuperstep: WorkerStep[][];
  /** per worker, summed over supersteps */
  perWorker: WorkerStep[];
  /** bytes[p][q] and messages[p][q] sent from partition p to q over the run */
  traffic: { bytes: number[][]; messages: number[][] };
  /** with communication options: naive / batched / optimized figures, predicted and measured (exchange/optimizer.ts) */
  communication?: CommunicationStats;
}

export interface PhaseResult {
  name: string;
  /** compute milliseconds of each worker in this phase over the run (barrier waits excluded) */
  msPerWorker: number[];
}

export interface DistributedResult extends AlgorithmResult {
  workers: number;
  strategy: string;
  stats: DistributedStats;
  /** the algorithm's phases as its program declares them, with each worker's time in each */
  phases: PhaseResult[];
  /** what the program exchanges, how it combines messages, what it aggregates */
  description: ProgramDescription;
  /** with `faultTolerance`: the checkpoints taken and the failures recovered from */
  recovery?: RecoveryReport;
}

const hostKeys = new WeakMap<object, string>();
let hostCounter = 0;

function hostKeyOf(host: object): string {
  let key = hostKeys.get(host);
  if (!key) {
    key = `host-${uniqueSuffix()}-${++hostCounter}`;
    hostKeys.set(host, key);
  }
  return key;
}

// unique across the threads of a process and across processes sharing nothing: time + random
function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export class DistributedAlgorithmCoordinator {
  private pool: WorkerPool | null = null;
  /**
   * Runs of one coordinator go one after another: a run's P tasks must all hold a thread at once, and
   * its placement marks and releases the host's arena, which a second run would interleave with.
   */
  private queue: Promise<unknown> = Promise.resolve();
  /** when the last run's failure reached the coordinator (performance.timeOrigin + now) */
  private failureNoticedAt = 0;

  constructor(private readonly options: CoordinatorOptions) {}

  /** Run `algorithm` on the partition's workers (one per partition); calls made together run in turn. */
  executeDistributedAlgorithm(
    graph: NeuromorphicGraph,
    partition: Pick<DistributedPartition, 'plan'>,
    algorithm: AlgorithmName,
    options: DistributedRunOptions = {},
  ): Promise<DistributedResult> {
    const run = this.queue.then(() => this.execute(graph, partition, algorithm, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async execute(
    graph: NeuromorphicGraph,
    partition: Pick<DistributedPartition, 'plan'>,
    algorithm: AlgorithmName,
    options: DistributedRunOptions,
  ): Promise<DistributedResult> {
    if (!(ALGORITHMS as readonly string[]).includes(algorithm)) throw new OptionsError('algorithm', `must be one of ${ALGORITHMS.join(', ')}`, algorithm);
    const timeout = options.barrierTimeoutMs ?? DEFAULT_BARRIER_TIMEOUT_MS;
    if (!(Number.isFinite(timeout) && timeout > 0)) throw new OptionsError('barrierTimeoutMs', 'must be a positive number of milliseconds', timeout);
    if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1 && options.threads <= MAX_WORKERS)) {
      throw new OptionsError('threads', `must be an integer from 1 to ${MAX_WORKERS}`, options.threads);
    }
    const { plan } = partition;
    if (plan.n !== graph.n || plan.m !== graph.m) {
      throw new OptionsError('partition', `was made for a graph of ${plan.n} vertices and ${plan.m} arcs, not this one (${graph.n}, ${graph.m})`);
    }
    const program = PROGRAMS[algorithm];
    if (graph.n === 0) return emptyRun(graph, algorithm, options, plan.k, plan.strategy);
    const common = this.commonSettings(graph, algorithm, options);
    const workers = plan.k;
    if (workers > MAX_WORKERS) throw new OptionsError('workers', `must be at most ${MAX_WORKERS}`, workers);
    const { host } = graph;
    if (program.needsInArcs) graph.requireInArcs(algorithm);
    warmUpKernels(host);

    const placeStarted = performance.now();
    const mark = host.arena.mark();
    try {
      const placed = placePartitions(graph, plan, { inArcs: program.needsInArcs, neurons: program.needsNeurons });
      const replicaTargets = hasReplicaTargets(placed);
      const settings: Settings = { ...common, replicaTargets };
      if (algorithm === 'lif') Object.assign(settings, lifSettings(graph, placed, options));
      const perPartition = placed.map((part) => this.partitionSettings(graph, plan, part, algorithm, options));
      const regions = placed.map((part) => program.allocate(host, part, settings));
      const communication = communicationRequested(options) ? prepareCommunication(host, placed, algorithm, settings, options) : null;
      const mailboxes = allocateMailboxes(host, placed, program.sizing(settings), communication?.mailboxes);
      if (communication) allocateCodecScratch(host, communication, mailboxes);
      // the control block is zeroed by each attempt below
      const control = host.arena.alloc(4 * controlWords(workers), 64);
      const reductions = host.arena.alloc(2 * workers * REDUCTION_SLOT_BYTES, 64);
      host.view(Uint8Array, reductions, 2 * workers * REDUCTION_SLOT_BYTES).fill(0);
      const placeMs = performance.now() - placeStarted;

      const hardware = this.options.hardwareThreads ?? workers;
      const threads = Math.min(workers, options.threads ?? Math.max(1, hardware));
      const faults = [...(options.fault ? [options.fault] : []), ...(options.faults ?? [])];
      const fired = new Set<number>();
      const recovery = options.faultTolerance ? this.recoveryFor(graph, plan, algorithm, placed, regions, settings, reductions, workers, options.faultTolerance) : null;
      let resume: (PartitionResume | null)[] = new Array<PartitionResume | null>(workers).fill(null);
      if (recovery && options.faultTolerance?.resume) {
        const found = await recovery.resumeFromStore();
        if (found) resume = found.resume;
      }
      const controlView = host.view(Int32Array, control, controlWords(workers));
      if (recovery) {
        recovery.onInterval = (supersteps) => Atomics.store(controlView, CONTROL_INTERVAL, supersteps);
        // a checkpoint that cannot be stored ends the run at once (never a silent continue)
        recovery.onWriteError = () => abortRun(host.memory, control, workers, ABORT_CANCELLED);
      }
      const started = performance.now();
      let reports: WorkerReport[];
      for (let attempt = 0; ; attempt++) {
        controlView.fill(0);
        if (recovery) Atomics.store(controlView, CONTROL_INTERVAL, recovery.intervalWord);
        const ports = recovery?.openPorts(threads);
        // transport 'ports': fresh channels per attempt (a failed attempt's threads took theirs)
        const framePorts = communication?.optimizer.topology.transport === 'ports' ? openFramePorts(host, mailboxes) : null;
        if (communication) resetTransport(host, mailboxes);
        const postedAt = performance.timeOrigin + performance.now();
        // the failure recovered from last: the run was down from its fault (or notice) until now
        const previous = recovery?.report.failures.at(-1);
        if (previous && previous.downMs === null) previous.downMs = postedAt - (previous.firedAt ?? this.failureNoticedAt);
        const setups: RunSetup[] = Array.from({ length: threads }, (_, t) => ({
          postedAt,
          hostKey: hostKeyOf(host),
          memory: host.memory,
          module: host.module,
          algorithm,
          workers,
          threads,
          control,
          barrierTimeoutMs: timeout,
          spin: threads <= hardware ? BARRIER_SPIN_MICROSECONDS : 0,
          mailboxes,
          reductions,
          partitions: [],
          ...(ports ? { checkpointPort: ports[t]! } : {}),
        }));
        // partitions dealt round-robin: the plan balanced them, so any even deal balances the threads
        placed.forEach((part, p) => {
          const index = faults.findIndex((fault, i) => !fired.has(i) && fault.worker === p && fault.superstep >= (resume[p]?.superstep ?? 0));
          setups[p % threads]!.partitions.push({
            worker: p,
            part,
            regions: regions[p]!,
            settings: { ...settings, ...perPartition[p] },
            fault: index >= 0 ? { ...faults[index]!, index } : undefined,
            ...(resume[p] ? { resume: resume[p]! } : {}),
            ...(communication ? { communication: framePorts ? { ...communication.routers[p]!, ports: framePorts[p]!, timeoutMs: timeout } : communication.routers[p]! } : {}),
          });
        });
        try {
          reports = await this.runTasks(setups, host.memory, control, timeout, recovery ? (superstep) => recovery.observeProgress(superstep) : undefined);
          if (recovery) {
            await recovery.drain(reports.reduce((sum, report) => sum + (report.checkpoints ?? 0), 0));
            await recovery.settle();
          }
          break;
        } catch (error) {
          // a checkpoint that could not be stored stopped the run: its error, not a recovery
          if (recovery?.failedWrite) await recovery.settle();
          const firedFault = Atomics.load(controlView, CONTROL_FAULT) - 1;
          if (firedFault >= 0) fired.add(firedFault);
          const firedTenths = Atomics.load(controlView, faultTimeWord(workers));
          const firedAt = firedFault >= 0 && firedTenths > 0 ? postedAt + firedTenths / 10 : null;
          if (!recovery || !(error instanceof WorkerLostError)) throw algorithm === 'lif' && error instanceof Error ? lifErrorInInputIds(graph, error) : error;
          recovery.failed(error, attempt);
          const restoreStarted = performance.now();
          const restored = await recovery.restore();
          resume = restored.resume;
          const details = error.details as { worker?: number; superstep?: number };
          const detectionMs = firedAt === null ? null : this.failureNoticedAt - firedAt;
          recovery.report.failures.push({ superstep: details.superstep ?? -1, worker: details.worker ?? -1, code: error.code, message: error.message, restoredFrom: restored.superstep, restoreMs: performance.now() - restoreStarted, detectionMs, downMs: null, firedAt });
        } finally {
          recovery?.closePorts();
        }
      }
      const wallMs = performance.now() - started;
      const stats = summarise(reports, workers, threads, plan.strategy, wallMs, placeMs);
      if (communication) stats.communication = summariseCommunication(communication, stats.perSuperstep);
      const result = collect(graph, placed, regions, reports, algorithm, options, settings);
      const phases = program.description.phases.map((name, index) => ({ name, msPerWorker: reports.map((report) => report.phaseMs[index] ?? 0) }));
      return { ...result, workers, strategy: plan.strategy, stats, phases, description: program.description, ...(recovery ? { recovery: recovery.report } : {}), wallMs, perSuperstep: stats.perSuperstep.map((step) => ({ ms: Math.max(...step.map((w) => w.computeMs + w.waitMs)), active: 0 })) };
    } finally {
      host.arena.release(mark);
    }
  }

  /** The run's checkpointing and recovery: needs a program that can resume (Program.state). */
  private recoveryFor(
    graph: NeuromorphicGraph,
    plan: DistributedPartition['plan'],
    algorithm: AlgorithmName,
    placed: PlacedPartition[],
    regions: Record<string, number>[],
    settings: Settings,
    reductions: number,
    workers: number,
    options: FaultToleranceOptions,
  ): RunRecovery {
    const program = PROGRAMS[algorithm];
    if (!program.state) throw new OptionsError('faultTolerance', `is not available for ${algorithm} yet (its program cannot resume from a checkpoint)`);
    const buffer = graph.host.memory.buffer;
    const state = placed.map((part, p) => program.state!(part, regions[p]!, settings, buffer));
    const checksum = planChecksum(plan);
    // the run's options are part of its identity: a checkpoint of another seed or step count is another run's
    const optionsChecksum = crc32(new TextEncoder().encode(JSON.stringify(settings)));
    const slots = (p: number): [number, number] => [reductions + p * REDUCTION_SLOT_BYTES, reductions + (workers + p) * REDUCTION_SLOT_BYTES];
    return new RunRecovery(graph.host, workers, state, slots, REDUCTION_SLOT_BYTES, { runId: options.runId ?? `${algorithm}-${checksum.toString(16)}-${optionsChecksum.toString(16)}`, algorithm, planChecksum: checksum }, options);
  }

  /** Stop the pool's threads. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.destroy();
  }

  /** A pool of at least `threads` threads (a run's tasks must all run at once); kept between runs. */
  private poolFor(threads: number): WorkerPool {
    if (this.pool && this.pool.threads >= threads) return this.pool;
    if (this.pool) void this.pool.destroy();
    this.pool = this.options.createWorkerPool(Math.max(threads, this.options.minimumThreads ?? 0));
    return this.pool;
  }

  /** The options every partition shares, checked as the single-worker run checks them. */
  private commonSettings(graph: NeuromorphicGraph, algorithm: AlgorithmName, options: AlgorithmOptions): Settings {
    switch (algorithm) {
      case 'pagerank': {
        const { damping, iterations, tolerance } = pagerankSettings(options);
        // the bytes of one exact fixed-point sum, as the kernels lay it out (split sums travel as such rows)
        return { n: graph.n, damping, iterations, tolerance, rowBytes: graphKernels(graph.host).fixedsum_row_bytes() };
      }
      case 'bfs':
      case 'sssp':
        if (algorithm === 'sssp') checkNonNegativeWeights(graph);
        return { source: sourceVertex(graph, options) };
      default:
        return {};
    }
  }

  private partitionSettings(graph: NeuromorphicGraph, plan: DistributedPartition['plan'], part: PlacedPartition, algorithm: AlgorithmName, options: AlgorithmOptions): Settings {
    if (algorithm !== 'bfs' && algorithm !== 'sssp') return {};
    return { sourceLocal: localIdOf(plan, part.part, sourceVertex(graph, options)) };
  }

  /**
   * Post every thread's task and wait for all, with the failure rules of the module comment.
   * Returns one report per partition in partition order, or throws the failure that ended the run.
   */
  private async runTasks(setups: RunSetup[], memory: WebAssembly.Memory, control: number, timeout: number, onProgress?: (superstep: number) => void): Promise<WorkerReport[]> {
    const threads = setups.length;
    const workers = setups[0]!.workers;
    const pool = this.poolFor(threads);
    const words = new Int32Array(memory.buffer, control, controlWords(workers));
    const controllers = setups.map(() => new AbortController());
    const settled = new Array<boolean>(threads).fill(false);
    let failed: (() => void) | null = null;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    const aborted = (setup: RunSetup, message: string): WorkerReport[] =>
      setup.partitions.map((partition) => ({ worker: partition.worker, steps: [], result: {}, bytesTo: [], messagesTo: [], phaseMs: [], error: { name: 'WorkerLostError', code: ErrorCode.WORKER_LOST, message, details: { worker: partition.worker } } }));
    const tasks = setups.map((setup, t) =>
      pool.run(setup, controllers[t]!.signal).then(
        (reports) => {
          settled[t] = true;
          if (reports.some((report) => report.error)) failed!();
          return reports;
        },
        (error: unknown) => {
          settled[t] = true;
          // terminated by us after another worker's failure (or a hang the peers reported): not the cause
          if (controllers[t]!.signal.aborted) return aborted(setup, 'run aborted: thread terminated');
          // the thread died (process.exit, a crash): the partition it was running is the one that
          // has not arrived at the current barrier while the ones stepped before it have
          const generation = Atomics.load(words, CONTROL_GENERATION);
          const lost = setup.partitions.find((partition) => Atomics.load(words, CONTROL_ARRIVED + partition.worker) <= generation) ?? setup.partitions[0]!;
          abortRun(memory, control, workers, ABORT_FAILURE, lost.worker);
          failed!();
          const message = error instanceof Error ? error.message : String(error);
          return setup.partitions.map((partition) =>
            partition === lost
              ? { worker: lost.worker, steps: [], result: {}, bytesTo: [], messagesTo: [], phaseMs: [], error: { name: 'WorkerLostError', code: ErrorCode.WORKER_LOST, message: `worker ${lost.worker} was lost: ${message}`, details: { worker: lost.worker, partition: lost.part.part, cause: 'exit' } } }
              : aborted(setup, 'run aborted: its thread was lost')[0]!,
          );
        },
      ),
    );
    const terminate = (worker: number): void => {
      const thread = setups.findIndex((setup) => setup.partitions.some((partition) => partition.worker === worker));
      if (thread >= 0 && !settled[thread]) controllers[thread]!.abort();
    };
    const watchdog = this.watch(memory, control, workers, threads, timeout, () => setups.find((_, t) => !settled[t])?.partitions[0]?.worker ?? -1, () => failed!(), terminate, onProgress);
    const all = Promise.all(tasks).then((perThread) => perThread.flat().sort((x, y) => x.worker - y.worker));
    try {
      const first = await Promise.race([all, failure.then(() => null)]);
      this.failureNoticedAt = performance.timeOrigin + performance.now();
      if (first) return first;
      // a failure: the thread of a worker named as lost (hung) is terminated at once; the others
      // leave their barriers on the ABORT word within a wait slice; whatever is still running after
      // the grace period is terminated too
      // (only a hang: a worker that failed by itself is already sending its own report)
      const culprit = Atomics.load(words, CONTROL_FAILED) - 1;
      const culpritThread = setups.findIndex((setup) => setup.partitions.some((partition) => partition.worker === culprit));
      if (Atomics.load(words, CONTROL_ABORT) === ABORT_TIMEOUT && culpritThread >= 0 && !settled[culpritThread]) controllers[culpritThread]!.abort();
      await Promise.race([all, delay(TEARDOWN_GRACE_MS)]);
      controllers.forEach((controller, t) => {
        if (!settled[t]) controller.abort();
      });
      const reports = await all;
      throw chooseFailure(reports, memory, control, workers);
    } finally {
      watchdog.stop();
    }
  }

  /**
   * The watchdog: when no worker's heartbeat (bumped at every barrier) moves for `timeout` ms, the run
   * is stuck (e.g. a single worker hangs, with no peer to time out on it): abort it.
   */
  private watch(memory: WebAssembly.Memory, control: number, workers: number, threads: number, timeout: number, stuckWorker: () => number, onStuck: () => void, terminate: (worker: number) => void, onProgress?: (superstep: number) => void): { stop(): void } {
    const words = new Int32Array(memory.buffer, control, controlWords(workers));
    const beats = (): number[] => Array.from({ length: workers }, (_, p) => Atomics.load(words, heartbeatWord(workers, p)));
    let last = beats();
    let lastMoved = performance.now();
    const posted = lastMoved;
    const timer = setInterval(() => {
      // a worker to terminate from outside (the 'terminate' fault): at once, as an operator would
      const doomed = Atomics.load(words, terminateWord(workers)) - 1;
      if (doomed >= 0 && Atomics.load(words, CONTROL_ABORT) === ABORT_NONE) {
        abortRun(memory, control, workers, ABORT_FAILURE, doomed);
        terminate(doomed);
        onStuck();
        return;
      }
      onProgress?.(Atomics.load(words, CONTROL_SUPERSTEP));
      const now = beats();
      if (now.some((beat, p) => beat !== last[p])) {
        last = now;
        lastMoved = performance.now();
        return;
      }
      // threads still starting are not stuck yet (control.ts STARTED, bounded by STARTUP_LIMIT_MS)
      if (Atomics.load(words, CONTROL_STARTED) < threads && performance.now() - posted < STARTUP_LIMIT_MS) lastMoved = performance.now();
      if (performance.now() - lastMoved > timeout) {
        abortRun(memory, control, workers, ABORT_TIMEOUT, stuckWorker());
        onStuck();
      }
    }, Math.min(100, Math.max(20, timeout / 4)));
    return { stop: () => clearInterval(timer) };
  }
}

/** A graph without vertices: nothing to place or exchange; the single-worker result, as on one worker. */
function emptyRun(graph: NeuromorphicGraph, algorithm: AlgorithmName, options: AlgorithmOptions, workers: number, strategy: string): DistributedResult {
  const single = runAlgorithm(graph, algorithm, options);
  const perWorker = Array.from({ length: workers }, () => ({ computeMs: 0, waitMs: 0, bytes: 0, messages: 0 }));
  const zero = (): number[][] => Array.from({ length: workers }, () => new Array<number>(workers).fill(0));
  const stats: DistributedStats = { workers, threads: 0, strategy, supersteps: 0, wallMs: single.wallMs, placeMs: 0, bytes: 0, messages: 0, perSuperstep: [], perWorker, traffic: { bytes: zero(), messages: zero() } };
  const program = PROGRAMS[algorithm];
  return { ...single, workers, strategy, stats, phases: program.description.phases.map((name) => ({ name, msPerWorker: new Array<number>(workers).fill(0) })), description: program.description };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

/**
 * The error that ended a run: the first failed worker's own error (recorded in FAILED by whoever
 * noticed first), else any real error; a worker stopped by the abort is never the cause.
 */
function chooseFailure(reports: WorkerReport[], memory: WebAssembly.Memory, control: number, workers: number): NeuromeshError {
  const words = new Int32Array(memory.buffer, control, controlWords(workers));
  const failedWorker = Atomics.load(words, CONTROL_FAILED) - 1;
  const real = reports.filter((report) => report.error && !report.error.message.startsWith('run aborted'));
  const own = real.find((report) => report.worker === failedWorker) ?? real[0];
  if (own?.error) return fromSerialized(own.error as SerializedError);
  if (Atomics.load(words, terminateWord(workers)) === failedWorker + 1) {
    return new WorkerLostError(ErrorCode.WORKER_LOST, `worker ${failedWorker} was terminated`, { worker: failedWorker, partition: failedWorker, cause: 'terminate' });
  }
  return new WorkerLostError(ErrorCode.WORKER_LOST, `worker ${failedWorker} stopped making progress`, { worker: failedWorker, partition: failedWorker, cause: 'hang' });
}

function summarise(reports: WorkerReport[], workers: number, threads: number, strategy: string, wallMs: number, placeMs: number): DistributedStats {
  const supersteps = Math.max(0, ...reports.map((report) => report.steps.length));
  const perSuperstep: WorkerStep[][] = [];
  for (let s = 0; s < supersteps; s++) {
    perSuperstep.push(reports.map((report) => report.steps[s] ?? { computeMs: 0, waitMs: 0, bytes: 0, messages: 0 }));
  }
  const perWorker = reports.map((report) => report.steps.reduce((total, step) => ({ computeMs: total.computeMs + step.computeMs, waitMs: total.waitMs + step.waitMs, bytes: total.bytes + step.bytes, messages: total.messages + step.messages }), { computeMs: 0, waitMs: 0, bytes: 0, messages: 0 }));
  const bytes = perWorker.reduce((sum, worker) => sum + worker.bytes, 0);
  const messages = perWorker.reduce((sum, worker) => sum + worker.messages, 0);
  const pad = (row: number[]): number[] => Array.from({ length: workers }, (_, q) => row[q] ?? 0);
  return {
    workers,
    threads,
    strategy,
    supersteps,
    wallMs,
    placeMs,
    bytes,
    messages,
    perSuperstep,
    perWorker,
    traffic: { bytes: reports.map((report) => pad(report.bytesTo)), messages: reports.map((report) => pad(report.messagesTo)) },
  };
}

/** The masters' values by global id, and the algorithm's own result fields. */
function collect(
  graph: NeuromorphicGraph,
  placed: PlacedPartition[],
  regions: Record<string, number>[],
  reports: WorkerReport[],
  algorithm: AlgorithmName,
  options: AlgorithmOptions,
  settings: Settings,
): Omit<AlgorithmResult, 'wallMs' | 'perSuperstep'> {
  const { host, n } = graph;
  const first = reports[0]?.result ?? {};
  const gatherValues = <T extends Float64Array | Int32Array>(Type: { new (length: number): T; BYTES_PER_ELEMENT: number }, region: string): T => {
    const values = new Type(n);
    placed.forEach((part, p) => {
      const local = host.view(Uint32Array, part.localToGlobal, part.masterCount);
      const source = new (Type as unknown as Float64ArrayConstructor)(host.memory.buffer as ArrayBuffer, regions[p]![region]!, part.masterCount);
      for (let i = 0; i < part.masterCount; i++) values[local[i]!] = source[i]!;
    });
    return values;
  };
  switch (algorithm) {
    case 'pagerank':
      return { algorithm, n, values: gatherValues(Float64Array, 'scores'), supersteps: first.iterations as number, converged: first.converged as boolean };
    case 'bfs':
      return { algorithm, n, values: gatherValues(Int32Array, 'levels'), supersteps: first.levels as number };
    case 'sssp': {
      const values = gatherValues(Float64Array, 'dist');
      const largest = Math.max(-1, ...reports.map((report) => report.result.largest as number));
      checkSsspDistances(graph, values, largest, options);
      return { algorithm, n, values, supersteps: first.rounds as number };
    }
    case 'wcc':
      return { algorithm, n, values: gatherValues(Int32Array, 'labels'), supersteps: first.rounds as number };
    case 'lif':
      return collectLif(graph, placed, regions, reports, options, settings);
  }
}
