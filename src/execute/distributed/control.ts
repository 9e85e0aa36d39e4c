/**
 * The run's control block in shared memory: the barrier every worker meets at phase boundaries,
 * the abort word, and per-worker words for diagnosis (and heartbeats, for failure detection).
 * A "worker" here is a partition's logical worker: a thread that runs several partitions marks each
 * one's arrival as it yields (`mark`), then waits once (`wait`); COUNT reaches P when every partition
 * has arrived, whichever threads run them.
 *
 *   Int32 word   name          written by                       read by
 *   0            COUNT         each arriving worker (Atomics)   the last arriver resets it
 *   1            GENERATION    the last arriver (+1, notify)    waiters (Atomics.wait on it)
 *   2            ABORT         the coordinator or any worker    waiters, between wait slices
 *   3            FAILED        first worker to fail (p + 1)     the coordinator's diagnosis
 *   4            SUPERSTEP     worker 0 (supersteps done)       the coordinator (progress: the checkpoint interval)
 *   5            INTERVAL      the coordinator (checkpoints)    worker 0: supersteps between checkpoints (0: none)
 *   6            FAULT         a worker injecting a fault       the coordinator: index + 1 of the fault that fired
 *   7            STARTED       each thread, once ready          waiters and the watchdog: timeouts run from here
 *   8 + p        ARRIVED[p]    worker p: its last generation+1  a waiter that times out: who is missing
 *   8 + P + p    HEARTBEAT[p]  worker p: a counter bumped at every phase (the failure detector's input)
 *   8 + 2P + i   DUE[i]        worker 0 at its boundary s: s + 1 in DUE[(s + 1) mod 4] when the
 *                              boundary s + 1 takes a checkpoint; every worker reads it there (four
 *                              slots: workers are never a whole superstep apart, barriers see to it)
 *   8 + 2P + 4   FAULT_AT      a worker injecting a fault       the coordinator: when it fired (0.1 ms after posting)
 *   8 + 2P + 5   TERMINATE     a worker (the 'terminate' fault) the watchdog: terminate that thread from outside
 *
 * Order of operations in `arrive` (why it is race-free): the last arriver resets COUNT *before* it
 * bumps GENERATION, and nobody can leave the barrier before GENERATION moves, so no worker can arrive
 * at the next barrier while COUNT still holds this one's arrivals.
 */
import { NeuromeshError, WorkerLostError, ErrorCode } from '../../errors.js';

export const CONTROL_COUNT = 0;
export const CONTROL_GENERATION = 1;
export const CONTROL_ABORT = 2;
export const CONTROL_FAILED = 3;
export const CONTROL_SUPERSTEP = 4;
export const CONTROL_INTERVAL = 5;
export const CONTROL_FAULT = 6;
export const CONTROL_STARTED = 7;
/**
 * How long threads may take to start (a replacement thread compiles the kernels, and under tsx
 * loads the sources: seconds on a busy machine) before barrier timeouts and the watchdog count: a
 * worker is lost when it misses a barrier by `barrierTimeoutMs` after every thread has started.
 */
export const STARTUP_LIMIT_MS = 60_000;
export const CONTROL_ARRIVED = 8;
export const CHECKPOINT_DUE_SLOTS = 4;

/** Int32 words of a control block for `workers` workers. */
export function controlWords(workers: number): number {
  return CONTROL_ARRIVED + 2 * workers + CHECKPOINT_DUE_SLOTS + 2;
}

/** Word where a worker asks to be terminated from outside (the 'terminate' fault): its partition + 1. */
export function terminateWord(workers: number): number {
  return CONTROL_ARRIVED + 2 * workers + CHECKPOINT_DUE_SLOTS + 1;
}

/** Word where an injected fault records when it fired: tenths of a millisecond after the tasks were posted. */
export function faultTimeWord(workers: number): number {
  return CONTROL_ARRIVED + 2 * workers + CHECKPOINT_DUE_SLOTS;
}

/** Word of the checkpoint-due slot for boundary `superstep`. */
export function dueWord(workers: number, superstep: number): number {
  return CONTROL_ARRIVED + 2 * workers + (superstep % CHECKPOINT_DUE_SLOTS);
}

/** Word of worker p's heartbeat counter. */
export function heartbeatWord(workers: number, p: number): number {
  return CONTROL_ARRIVED + workers + p;
}

/** ABORT values: why the run is being torn down. */
export const ABORT_NONE = 0;
export const ABORT_FAILURE = 1;
export const ABORT_TIMEOUT = 2;
export const ABORT_CANCELLED = 3;

/** Thrown in workers released by an abort: not a failure of their own, the coordinator reports the cause. */
export class RunAborted extends NeuromeshError {
  constructor(reason: number) {
    super(ErrorCode.WORKER_LOST, `run aborted (reason ${reason})`, { reason });
  }
}

/** Longest single Atomics.wait: an abort is noticed within this many milliseconds. */
const WAIT_SLICE_MS = 20;

export class Barrier {
  private readonly words: Int32Array;
  /** milliseconds spent waiting, since the last `takeWait` */
  private waited = 0;
  /** microseconds the next wait may spin (adaptive, at most `spin`) */
  private spinBudget: number;
  /** waits that slept without spinning (to retry spinning now and then) */
  private sleeps = 0;

  constructor(
    memory: WebAssembly.Memory,
    offset: number,
    private readonly workers: number,
    private readonly worker: number,
    /** a worker missing for this long is declared lost */
    private readonly timeoutMs: number,
    /** microseconds to busy-wait before sleeping: worth it only when every worker has a core */
    private readonly spin: number,
    /** threads of the run (the timeout runs once all have started: CONTROL_STARTED) */
    private readonly threads = workers,
  ) {
    this.words = new Int32Array(memory.buffer, offset, controlWords(workers));
    this.spinBudget = spin;
  }

  /** The barrier's current generation: read it before the first `mark` of a round. */
  generation(): number {
    return Atomics.load(this.words, CONTROL_GENERATION);
  }

  /**
   * Partition `p` has arrived at the barrier of `generation` (the thread running it goes on to its
   * next partition, or to `wait`). Returns true when it was the last arrival: it released everyone.
   */
  mark(p: number, generation: number): boolean {
    const words = this.words;
    Atomics.add(words, heartbeatWord(this.workers, p), 1);
    Atomics.store(words, CONTROL_ARRIVED + p, generation + 1);
    if (Atomics.add(words, CONTROL_COUNT, 1) === this.workers - 1) {
      Atomics.store(words, CONTROL_COUNT, 0);
      Atomics.add(words, CONTROL_GENERATION, 1);
      Atomics.notify(words, CONTROL_GENERATION);
      return true;
    }
    return false;
  }

  /** Wait until every worker has arrived; throws WorkerLostError naming the missing worker after the timeout. */
  arrive(superstep: number): void {
    const started = performance.now();
    const generation = this.generation();
    if (this.mark(this.worker, generation)) {
      this.waited += performance.now() - started;
      return;
    }
    this.wait(generation, superstep, started);
  }

  /**
   * Wait until the barrier of `generation` is released (every partition marked), from `started`
   * (performance.now() of the first mark); throws WorkerLostError naming the missing partition after
   * the timeout, or RunAborted when the run is being torn down.
   */
  wait(generation: number, superstep: number, started = performance.now()): void {
    const words = this.words;
    // the coordinator may stop a healthy run (a checkpoint it cannot store, a thread it terminates):
    // looked at once a barrier, so a run whose barriers never have to wait stops too
    const abort = Atomics.load(words, CONTROL_ABORT);
    if (abort !== ABORT_NONE) throw new RunAborted(abort);
    if (Atomics.load(words, CONTROL_GENERATION) !== generation) {
      this.waited += performance.now() - started;
      return;
    }
    // Spin first (only when every thread has a core: this.spin > 0): a sleeping waiter takes tens
    // to hundreds of microseconds to be woken, more than a whole superstep of a small spiking
    // network; the clock is read every 64 loads to keep the loop tight.
    // The budget adapts: a spin that had to give up halves it (on a machine whose cores are busy
    // elsewhere, spinning only delays the worker we wait for), a spin that caught the release
    // doubles it back, up to this.spin.
    if (this.spinBudget >= 1) {
      const spinUntil = started + this.spinBudget / 1000;
      for (let i = 1; ; i++) {
        if (Atomics.load(words, CONTROL_GENERATION) !== generation) {
          this.spinBudget = Math.min(this.spin, this.spinBudget * 2);
          this.waited += performance.now() - started;
          return;
        }
        if ((i & 63) === 0 && performance.now() >= spinUntil) break;
      }
      this.spinBudget /= 2;
    } else if (this.spin > 0 && ++this.sleeps % 64 === 0) {
      // now and then, try spinning again: the machine may have quietened
      this.spinBudget = this.spin / 16;
    }
    let deadline = started + this.timeoutMs;
    while (Atomics.load(words, CONTROL_GENERATION) === generation) {
      const abort = Atomics.load(words, CONTROL_ABORT);
      if (abort !== ABORT_NONE) throw new RunAborted(abort);
      const now = performance.now();
      // a thread still starting is not late yet (bounded: a thread that never starts is lost too)
      if (Atomics.load(words, CONTROL_STARTED) < this.threads && now - started < STARTUP_LIMIT_MS) deadline = Math.max(deadline, now + this.timeoutMs);
      if (now >= deadline) {
        const missing = this.missing(generation);
        Atomics.compareExchange(words, CONTROL_FAILED, 0, missing + 1);
        Atomics.store(words, CONTROL_ABORT, ABORT_TIMEOUT);
        throw new WorkerLostError(ErrorCode.WORKER_LOST, `worker ${missing} did not reach the barrier of superstep ${superstep} within ${this.timeoutMs} ms`, {
          worker: missing,
          partition: missing,
          superstep,
          cause: 'timeout',
        });
      }
      Atomics.wait(words, CONTROL_GENERATION, generation, Math.min(WAIT_SLICE_MS, deadline - now));
    }
    this.waited += performance.now() - started;
  }

  /** The first worker that has not arrived in `generation` (the waiter's own diagnosis). */
  missing(generation: number): number {
    for (let q = 0; q < this.workers; q++) {
      if (Atomics.load(this.words, CONTROL_ARRIVED + q) <= generation) return q;
    }
    return -1;
  }

  /** Milliseconds waited since the last call. */
  takeWait(): number {
    const waited = this.waited;
    this.waited = 0;
    return waited;
  }
}

/** Tell every waiting worker to give up (the coordinator's side of a failure). */
export function abortRun(memory: WebAssembly.Memory, offset: number, workers: number, reason: number, failedWorker = -1): void {
  const words = new Int32Array(memory.buffer, offset, controlWords(workers));
  if (failedWorker >= 0) Atomics.compareExchange(words, CONTROL_FAILED, 0, failedWorker + 1);
  Atomics.store(words, CONTROL_ABORT, reason);
  Atomics.notify(words, CONTROL_GENERATION);
}
