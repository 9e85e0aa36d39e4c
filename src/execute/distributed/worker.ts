/**
 * The worker side of a distributed run (a piscina task, or a Web Worker's message handler): one
 * thread steps the partitions it was given, in lockstep, and reports on each.
 *
 * Why a thread may run several partitions: every partition's state lives in the shared memory, so
 * which thread runs a partition's phase is a scheduling choice, not a data move. With more
 * partitions than cores, threads that each own one partition would take turns on the cores and
 * sleep at every barrier (a wake-up costs tens of microseconds to milliseconds); one thread per core
 * stepping several partitions keeps the barrier a spin between threads that all hold a core.
 *
 * A program is a generator (program.ts) that yields at each barrier (`yield* context.sync()`). One
 * round of the driver: run each partition until its next yield and mark it arrived; then wait once
 * for the other threads. Every partition makes the same number of rounds (their decisions come from
 * the same global reductions), so they all finish in the same round.
 *
 * A failure here is reported, never left to hang the others: the worker raises the run's ABORT word
 * first (so the barrier releases everyone within a wait slice), then returns its error serialised.
 */
import { NeuromeshError, ErrorCode } from '../../errors.js';
import { instantiateKernels } from '../../memory/host.js';
import { abortRun, ABORT_FAILURE, Barrier, CONTROL_STARTED, RunAborted } from './control.js';
import { WorkerContext, type DistributedKernels, type RunSetup, type WorkerReport } from './context.js';
import { PROGRAMS } from './programs.js';
// the port transport's synchronous read (exchange/router.ts): this module runs only in Node's worker threads
import { receiveMessageSync } from '../../platform/node-ports.js';

/** Kernel instances by host: instantiating re-applies the module's data segments, so once per host. */
const instances = new Map<string, DistributedKernels>();

function kernelsFor(setup: RunSetup): DistributedKernels {
  let kernels = instances.get(setup.hostKey);
  if (!kernels) {
    kernels = instantiateKernels(setup.module, setup.memory) as unknown as DistributedKernels;
    instances.set(setup.hostKey, kernels);
  }
  return kernels;
}

type ProgramRun = Generator<void, Record<string, number | boolean>, void>;

export function runPartitions(setup: RunSetup): WorkerReport[] {
  const contexts: WorkerContext[] = [];
  const results: Record<string, number | boolean>[] = [];
  let current = 0;
  try {
    const kernels = kernelsFor(setup);
    const program = PROGRAMS[setup.algorithm];
    for (const partition of setup.partitions) {
      const state = program.state ? () => program.state!(partition.part, partition.regions, partition.settings, setup.memory.buffer) : undefined;
      contexts.push(new WorkerContext(setup, partition, kernels, state, receiveMessageSync));
    }
    const runs: ProgramRun[] = contexts.map((context) => program.run(context));
    const barrier = new Barrier(setup.memory, setup.control, setup.workers, setup.partitions[0]!.worker, setup.barrierTimeoutMs, setup.spin, setup.threads);
    // ready: from now on this thread can be late (control.ts STARTED)
    Atomics.add(new Int32Array(setup.memory.buffer, setup.control, CONTROL_STARTED + 1), CONTROL_STARTED, 1);
    for (;;) {
      const generation = barrier.generation();
      let yielded = 0;
      for (current = 0; current < runs.length; current++) {
        const context = contexts[current]!;
        context.resume();
        const step = runs[current]!.next();
        context.pause();
        if (step.done) {
          results[current] = step.value;
          continue;
        }
        yielded++;
        barrier.mark(context.worker, generation);
      }
      if (yielded === 0) break;
      if (yielded !== runs.length) {
        // a program whose partitions disagree on when to stop: a bug, never a hang
        throw new NeuromeshError(ErrorCode.INTERNAL, `the partitions of one thread finished in different supersteps (${runs.length - yielded} of ${runs.length} done)`, {});
      }
      current = 0;
      // the wait starts when the thread's last partition has arrived (earlier ones wait while it runs,
      // but that time is the later ones' compute, counted there)
      barrier.wait(generation, contexts[0]!.superstep);
      const waited = barrier.takeWait();
      for (const context of contexts) context.addWait(waited);
    }
    for (const context of contexts) context.router.close();
    return contexts.map((context, i) => ({
      worker: context.worker,
      steps: context.steps,
      result: results[i]!,
      bytesTo: context.router.bytesTo,
      messagesTo: context.router.messagesTo,
      extras: context.extras,
      phaseMs: context.phaseMs,
      checkpoints: context.checkpointsPosted,
    }));
  } catch (error) {
    // the partition that failed: the one running, or (in a barrier) the thread's first
    const failed = setup.partitions[Math.min(current, setup.partitions.length - 1)]!.worker;
    if (!(error instanceof RunAborted)) abortRun(setup.memory, setup.control, setup.workers, ABORT_FAILURE, failed);
    for (const context of contexts) context.router.close();
    // ports a partition never got to open are closed too (transport 'ports')
    for (const partition of setup.partitions) closePorts(partition.communication?.ports);
    return setup.partitions.map((partition, i) => {
      const context = contexts[i];
      const superstep = context?.superstep ?? 0;
      const own = partition.worker === failed;
      const serialised = !own
        ? { name: 'WorkerLostError', code: ErrorCode.WORKER_LOST, message: 'run aborted: another partition of this thread failed', details: { worker: partition.worker } }
        : error instanceof NeuromeshError
          ? error.toJSON()
          : {
              // a WebAssembly trap or a bug: the partition's state can no longer be trusted
              name: 'WorkerLostError',
              code: ErrorCode.WORKER_LOST,
              message: `worker ${partition.worker} failed in superstep ${superstep}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
              details: { worker: partition.worker, partition: partition.part.part, superstep, cause: 'throw' },
            };
      return {
        worker: partition.worker,
        steps: context?.steps ?? [],
        result: {},
        bytesTo: context?.router.bytesTo ?? [],
        messagesTo: context?.router.messagesTo ?? [],
        phaseMs: context?.phaseMs ?? [],
        error: serialised,
      };
    });
  }
}

function closePorts(ports: { send: Record<number, MessagePort>; receive: Record<number, MessagePort> } | undefined): void {
  if (!ports) return;
  for (const port of [...Object.values(ports.send), ...Object.values(ports.receive)]) port.close();
}

export default runPartitions;
