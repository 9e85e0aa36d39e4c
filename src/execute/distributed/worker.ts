/**
 * The worker side of a distributed run (a piscina task, or a Web Worker's message handler): build the
 * context, run the partition's program, report. Everything it touches lives in the shared memory, so
 * any thread may run any partition: which thread runs which is a scheduling choice, not a data move.
 *
 * A failure here is reported, never left to hang the others: the worker raises the run's ABORT word
 * first (so the barrier releases everyone within a wait slice), then returns its error serialised.
 */
import { NeuromeshError, ErrorCode } from '../../errors.js';
import { instantiateKernels } from '../../memory/host.js';
import { abortRun, ABORT_FAILURE, RunAborted } from './control.js';
import { WorkerContext, type DistributedKernels, type RunSetup, type WorkerReport } from './context.js';
import { PROGRAMS } from './programs.js';

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

export function runPartition(setup: RunSetup): WorkerReport {
  let context: WorkerContext | undefined;
  try {
    context = new WorkerContext(setup, kernelsFor(setup));
    const result = PROGRAMS[setup.algorithm].run(context);
    return { worker: setup.worker, steps: context.steps, result, bytesTo: context.router.bytesTo, messagesTo: context.router.messagesTo, extras: context.extras, phaseMs: (context.phase(0), context.phaseMs) };
  } catch (error) {
    if (!(error instanceof RunAborted)) abortRun(setup.memory, setup.control, setup.workers, ABORT_FAILURE, setup.worker);
    const serialised =
      error instanceof NeuromeshError
        ? error.toJSON()
        : {
            // a WebAssembly trap or a bug: the partition's state can no longer be trusted
            name: 'WorkerLostError',
            code: ErrorCode.WORKER_LOST,
            message: `worker ${setup.worker} failed in superstep ${context?.superstep ?? 0}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
            details: { worker: setup.worker, partition: setup.part.part, superstep: context?.superstep ?? 0, cause: 'throw' },
          };
    return {
      worker: setup.worker,
      steps: context?.steps ?? [],
      result: {},
      bytesTo: context?.router.bytesTo ?? [],
      messagesTo: context?.router.messagesTo ?? [],
      phaseMs: context?.phaseMs ?? [],
      error: serialised,
    };
  }
}

export default runPartition;
