/**
 * FaultTolerantExecutor (issue 6): runs distributed algorithms so that they survive worker failures
 * and return the bits of a run without failures. It is the DistributedProcessingSystem's run with
 * `faultTolerance` filled in once, for every run it makes:
 *   - CheckpointManager: consistent checkpoints at superstep boundaries (recovery.ts), FlatBuffers,
 *     CRC-checked, versioned, in memory (the RedundancyManager's copy, held by the coordinator apart
 *     from the workers) and, with a directory store, on disk too;
 *   - interval: Young/Daly from the measured checkpoint cost and the failures seen, adjusted as they
 *     come and go (interval.ts), or a fixed number of supersteps;
 *   - FailureDetector: heartbeat words and barrier timeouts in shared memory (control.ts), the
 *     coordinator's watchdog, thread exits and errors (coordinator.ts): a worker that exits, throws,
 *     traps or hangs is reported with its partition and superstep, within the barrier timeout;
 *   - RecoveryCoordinator: replacement threads (piscina), global rollback to the latest complete
 *     checkpoint, replay; after `maxRecoveries` an UnrecoverableFailure.
 */
import type { NeuromorphicGraph } from '../input/graph.js';
import type { DistributedResult, DistributedRunOptions } from '../execute/distributed/coordinator.js';
import type { AlgorithmName } from '../execute/types.js';
import type { DistributedPartition } from '../partition/partitioner.js';
import type { PartitionPlan } from '../partition/layout.js';
import type { FaultToleranceOptions } from './recovery.js';

/** The part of DistributedProcessingSystem the executor drives. */
export interface DistributedRunner {
  executeDistributedAlgorithm(graph: NeuromorphicGraph, partition: DistributedPartition, options?: DistributedRunOptions): Promise<DistributedResult>;
  executeDistributedAlgorithmOnPlan(graph: NeuromorphicGraph, plan: PartitionPlan, algorithm: AlgorithmName, options?: DistributedRunOptions): Promise<DistributedResult>;
}

export class FaultTolerantExecutor {
  constructor(
    private readonly system: DistributedRunner,
    /** applied to every run (a run's own `faultTolerance` fields win) */
    readonly options: FaultToleranceOptions = {},
  ) {}

  /** Run the partition's algorithm with checkpoints and recovery; `result.recovery` says what happened. */
  execute(graph: NeuromorphicGraph, partition: DistributedPartition, options: DistributedRunOptions = {}): Promise<DistributedResult> {
    return this.system.executeDistributedAlgorithm(graph, partition, this.with(options));
  }

  /** The same on a plan made elsewhere (e.g. loaded with its metadata). */
  executeOnPlan(graph: NeuromorphicGraph, plan: PartitionPlan, algorithm: AlgorithmName, options: DistributedRunOptions = {}): Promise<DistributedResult> {
    return this.system.executeDistributedAlgorithmOnPlan(graph, plan, algorithm, this.with(options));
  }

  private with(options: DistributedRunOptions): DistributedRunOptions {
    return { ...options, faultTolerance: { ...this.options, ...options.faultTolerance } };
  }
}
