/**
 * One algorithm on one worker: the reference results every distributed run must match bit for bit.
 *
 * `runAlgorithm` validates the name and options once, then hands over to the algorithm's driver.
 * Every driver allocates its scratch space in the graph's host arena and releases it before
 * returning, so a graph can be run any number of times without the arena growing.
 */
import { OptionsError } from '../errors.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import { runBfs } from './bfs.js';
import { runLif } from './lif.js';
import { runPagerank } from './pagerank.js';
import { runSssp } from './sssp.js';
import { ALGORITHMS, type AlgorithmName, type AlgorithmOptions, type AlgorithmResult } from './types.js';
import { runWcc } from './wcc.js';

export function runAlgorithm(graph: NeuromorphicGraph, name: AlgorithmName, options: AlgorithmOptions = {}): AlgorithmResult {
  switch (name) {
    case 'pagerank':
      return runPagerank(graph, options);
    case 'bfs':
      return runBfs(graph, options);
    case 'sssp':
      return runSssp(graph, options);
    case 'wcc':
      return runWcc(graph, options);
    case 'lif':
      return runLif(graph, options);
    default:
      throw new OptionsError('algorithm', `must be one of ${ALGORITHMS.join(', ')}`, name);
  }
}
