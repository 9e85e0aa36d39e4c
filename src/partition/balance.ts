/** LoadBalancer. Work in progress: final signatures. */
import type { AlgorithmName } from '../execute/types.js';
import type { LoadModel } from './metrics.js';
import type { ArcTopology, PartitionAssignment } from './plan.js';

export interface BalanceOptions {
  model: LoadModel;
  imbalance?: number;
}

export interface LoadBalanceScore {
  imbalance: number;
  loads: Float64Array;
  score: number;
}

export function loadModelFor(algorithm: AlgorithmName): LoadModel {
  void algorithm;
  return { vertexCost: 1, arcCost: 1 };
}

export function calculateLoadBalanceScore(assignment: PartitionAssignment, graph: ArcTopology, model: LoadModel = {}): LoadBalanceScore {
  void assignment; void graph; void model;
  throw new Error('not yet');
}

export function balanceLoad(graph: ArcTopology, assignment: PartitionAssignment, options: BalanceOptions): PartitionAssignment {
  void graph; void options;
  return assignment;
}
