/** CommunicationEstimator. Work in progress: final signatures. */
import type { GraphAnalysis } from '../analyse/analyse.js';
import type { AlgorithmName } from '../execute/types.js';
import type { ArcTopology, PartitionAssignment, PartitionStrategy } from './plan.js';

export interface StrategyEstimate {
  strategy: PartitionStrategy;
  algorithm: AlgorithmName;
  k: number;
  /** true when computed from a finished assignment */
  exact: boolean;
  replicationFactor: number;
  communicationVolume: number;
  bytesPerSuperstep: number;
  messagesPerSuperstep: number;
  supersteps: number;
  workPerWorker: number;
  computeSeconds: number;
  communicationSeconds: number;
  predictedSeconds: number;
}

export class CommunicationEstimator {
  estimate(analysis: GraphAnalysis, algorithm: AlgorithmName, k: number): StrategyEstimate[] {
    void analysis; void algorithm; void k;
    throw new Error('not yet');
  }
  exact(assignment: PartitionAssignment, graph: ArcTopology, algorithm: AlgorithmName): StrategyEstimate {
    void assignment; void graph; void algorithm;
    throw new Error('not yet');
  }
}

export function selectOptimalStrategy(estimates: readonly StrategyEstimate[]): PartitionStrategy {
  void estimates;
  throw new Error('not yet');
}
