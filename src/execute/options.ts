/**
 * Option checks for the single-worker runs: done once at the public boundary, with messages that
 * name the option and the rule. Defaults are DESIGN.md's.
 */
import { OptionsError } from '../errors.js';
import { vertexOption, type NeuromorphicGraph } from '../input/graph.js';
import type { AlgorithmOptions } from './types.js';

export const DEFAULT_DAMPING = 0.85;
export const DEFAULT_ITERATIONS = 100;
export const DEFAULT_TOLERANCE = 1e-12;
export const DEFAULT_SOURCE = 0;

export interface PagerankSettings {
  damping: number;
  iterations: number;
  tolerance: number;
}

export function pagerankSettings(options: AlgorithmOptions): PagerankSettings {
  const damping = options.damping ?? DEFAULT_DAMPING;
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (typeof damping !== 'number' || !(damping > 0 && damping < 1)) throw new OptionsError('damping', 'must be a number in (0, 1)', damping);
  if (typeof iterations !== 'number' || !Number.isSafeInteger(iterations) || iterations < 1) {
    throw new OptionsError('iterations', 'must be a positive integer', iterations);
  }
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new OptionsError('tolerance', 'must be a finite number >= 0', tolerance);
  }
  return { damping, iterations, tolerance };
}

/** The internal id of the `source` option (an input id), checked to be a vertex of the graph. */
export function sourceVertex(graph: NeuromorphicGraph, options: AlgorithmOptions): number {
  const source = options.source ?? DEFAULT_SOURCE;
  if (typeof source !== 'number' || !Number.isFinite(source)) throw new OptionsError('source', 'must be a vertex id of the graph', source);
  return vertexOption(graph, 'source', source);
}
