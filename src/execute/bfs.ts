/**
 * BFS levels on one worker, one WebAssembly call per level, direction-optimizing.
 *
 * Scratch regions (arena, released at the end): levels i32[n] (-1 = unvisited), two frontier
 * lists u32[n], one f64 stats slot (out-arcs of the frontier just made).
 *
 * Direction choice (Beamer et al. 2012): go bottom-up when the frontier's out-arcs exceed the
 * unexplored arcs / ALPHA, back top-down when the frontier shrinks below n / BETA. The choice
 * changes only speed: both directions give every vertex its shortest hop count.
 */
import type { NeuromorphicGraph } from '../input/graph.js';
import { graphKernels, warmUpKernels } from './kernels.js';
import { sourceVertex } from './options.js';
import type { AlgorithmOptions, AlgorithmResult, SuperstepStats } from './types.js';

const ALPHA = 14;
const BETA = 24;

export interface BfsOptions extends AlgorithmOptions {
  /** 'auto' (default) switches by Beamer's rule; 'top-down' / 'bottom-up' force one direction (for tests and benchmarks) */
  direction?: 'auto' | 'top-down' | 'bottom-up';
}

export function runBfs(graph: NeuromorphicGraph, options: BfsOptions = {}): AlgorithmResult {
  const { host, n, m } = graph;
  const perSuperstep: SuperstepStats[] = [];
  if (n === 0) return { algorithm: 'bfs', n, values: new Int32Array(0), supersteps: 0, perSuperstep, wallMs: 0 };
  const source = sourceVertex(graph, options);
  // Bottom-up steps read in-arcs: a graph built without them searches top-down only.
  const direction = options.direction ?? (graph.hasInArcs ? 'auto' : 'top-down');
  if (direction === 'bottom-up') graph.requireInArcs('bfs bottom-up');
  warmUpKernels(host);
  const kernels = graphKernels(host);
  const started = performance.now();
  const mark = host.arena.mark();
  try {
    const levels = host.allocArray(Int32Array, n);
    let frontier = host.allocArray(Uint32Array, n);
    let next = host.allocArray(Uint32Array, n);
    const stats = host.allocArray(Float64Array, 1);
    const levelView = host.view(Int32Array, levels, n);
    levelView.fill(-1);
    levelView[source] = 0;
    host.view(Uint32Array, frontier, 1)[0] = source;
    const { outOffsets, outTargets, inOffsets, inSources } = graph.regions;
    let frontierCount = 1;
    let frontierArcs = graph.outDegree(source);
    let unexploredArcs = m - frontierArcs;
    let bottomUp = direction === 'bottom-up';
    let level = 0;
    while (frontierCount > 0) {
      const stepStarted = performance.now();
      level++;
      if (direction === 'auto') {
        if (!bottomUp && frontierArcs > unexploredArcs / ALPHA) bottomUp = true;
        else if (bottomUp && frontierCount < n / BETA) bottomUp = false;
      }
      frontierCount = bottomUp
        ? kernels.bfs_bottom_up(inOffsets, inSources, outOffsets, levels, 0, n, next, level, stats)
        : kernels.bfs_top_down(outOffsets, outTargets, levels, frontier, frontierCount, next, level, stats);
      frontierArcs = host.view(Float64Array, stats, 1)[0]!;
      unexploredArcs -= frontierArcs;
      [frontier, next] = [next, frontier];
      perSuperstep.push({ ms: performance.now() - stepStarted, active: frontierCount });
      options.onProgress?.(level, level + (frontierCount > 0 ? 1 : 0));
    }
    const values = host.view(Int32Array, levels, n).slice();
    // supersteps counts every call, the last one (which found no new vertex) included
    return { algorithm: 'bfs', n, values, supersteps: level, perSuperstep, wallMs: performance.now() - started };
  } finally {
    host.arena.release(mark);
  }
}
