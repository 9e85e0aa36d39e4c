/**
 * DistributedProcessingSystem: the facade over the pipeline (DESIGN.md), with its public verbs.
 *
 *   partitionGraph              analyse -> choose a strategy -> partition -> balance -> plan
 *   executeDistributedAlgorithm place -> run the phases on one worker per partition -> result
 *   optimizeCommunication       what the communication optimizer would do for a run, and what it
 *                               expects to save (src/exchange/optimizer.ts), without running it
 *   run                         both, for the common case
 *
 * The worker pool is the platform's (src/platform/node.ts: piscina threads); the Node entry point
 * supplies it, so this module runs unchanged wherever a pool can be made.
 */
import type { NeuromorphicGraph } from './input/graph.js';
import { DistributedAlgorithmCoordinator, type CoordinatorOptions, type DistributedResult, type DistributedRunOptions } from './execute/distributed/coordinator.js';
import { partitionGraphForAlgorithm, type DistributedPartition, type PartitionOptions } from './partition/partitioner.js';
import type { AlgorithmName } from './execute/types.js';
import type { PartitionPlan } from './partition/layout.js';
import { planCommunication, type CommunicationOptions, type OptimizedCommunication } from './exchange/optimizer.js';

/** The verbs DESIGN.md names. */
export interface DistributedProcessingIntegration {
  partitionGraph(graph: NeuromorphicGraph, algorithm: AlgorithmName, workers: number, options?: PartitionOptions): DistributedPartition;
  executeDistributedAlgorithm(graph: NeuromorphicGraph, partition: DistributedPartition, options?: DistributedRunOptions): Promise<DistributedResult>;
  optimizeCommunication(graph: NeuromorphicGraph, partition: DistributedPartition, options?: CommunicationOptions): OptimizedCommunication;
}

export interface RunOptions extends DistributedRunOptions, Omit<PartitionOptions, 'seed'> {
  /** workers = partitions (default 1) */
  workers?: number;
  /** the partitioner's seed (`seed` is the algorithm's: LIF noise) */
  partitionSeed?: number;
}

export class DistributedProcessingSystem implements DistributedProcessingIntegration {
  private readonly coordinator: DistributedAlgorithmCoordinator;

  constructor(options: CoordinatorOptions) {
    this.coordinator = new DistributedAlgorithmCoordinator(options);
  }

  partitionGraph(graph: NeuromorphicGraph, algorithm: AlgorithmName, workers: number, options: PartitionOptions = {}): DistributedPartition {
    return partitionGraphForAlgorithm(graph, algorithm, workers, options);
  }

  executeDistributedAlgorithm(graph: NeuromorphicGraph, partition: DistributedPartition, options: DistributedRunOptions = {}): Promise<DistributedResult> {
    return this.coordinator.executeDistributedAlgorithm(graph, partition, partition.algorithm, options);
  }

  /**
   * What the communication optimizer decides for running the partition's algorithm with `options`
   * (transport, simulated hosts, mode), with the savings it expects against naive messaging and
   * uncombined batches; a run with the same options reports the measured figures beside these
   * (stats.communication).
   */
  optimizeCommunication(graph: NeuromorphicGraph, partition: DistributedPartition, options: CommunicationOptions = {}): OptimizedCommunication {
    return planCommunication(graph, partition.plan, partition.algorithm, options);
  }

  /** Run `algorithm` on a plan made elsewhere (e.g. loaded with its metadata): one worker per partition. */
  executeDistributedAlgorithmOnPlan(graph: NeuromorphicGraph, plan: PartitionPlan, algorithm: AlgorithmName, options: DistributedRunOptions = {}): Promise<DistributedResult> {
    return this.coordinator.executeDistributedAlgorithm(graph, { plan }, algorithm, options);
  }

  /** Partition for `algorithm` and run it. */
  async run(graph: NeuromorphicGraph, algorithm: AlgorithmName, options: RunOptions = {}): Promise<DistributedResult & { partition: DistributedPartition }> {
    const { workers = 1, strategy, partitionSeed, imbalance, balance, analysis, ...runOptions } = options;
    const partition = this.partitionGraph(graph, algorithm, workers, { strategy, seed: partitionSeed, imbalance, balance, analysis });
    const result = await this.executeDistributedAlgorithm(graph, partition, runOptions);
    return { ...result, partition };
  }

  /** Stop the worker threads (the pool is kept between runs of the same worker count). */
  close(): Promise<void> {
    return this.coordinator.close();
  }
}
