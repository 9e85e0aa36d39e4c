/**
 * Hybrid-cut (PowerLyra; Chen, Shi, Chen, Chen, "PowerLyra: Differentiated Graph Computation and
 * Partitioning on Skewed Graphs", EuroSys 2015). Work in progress: final signatures.
 */
import type { GraphAnalysis } from '../analyse/analyse.js';
import type { ArcTopology, PartitionAssignment } from './plan.js';

export interface HybridOptions {
  seed?: number;
  /** in-degree threshold: vertices with in-degree ≤ threshold are low-degree (default: hybridThreshold) */
  threshold?: number;
  /** allowed arc imbalance (default 0.03) */
  imbalance?: number;
}

export function hybridThreshold(analysis: Pick<GraphAnalysis, 'n' | 'm' | 'inDegree'>): number {
  return Math.max(1, analysis.inDegree.p99);
}

export function partitionHybrid(graph: ArcTopology, k: number, options: HybridOptions = {}): PartitionAssignment {
  void graph; void k; void options;
  throw new Error('not yet');
}
