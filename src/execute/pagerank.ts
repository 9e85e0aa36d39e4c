/**
 * PageRank on one worker: DESIGN.md's convention, driven one WebAssembly call per phase.
 *
 * Scratch regions (arena, released at the end):
 *   scores        f64[n]   x, replaced by x' in place (phase B reads others only through contrib)
 *   contrib       f64[n]   x[u] / outdeg[u], written by phase A, read by phase B
 *   dangling      exact accumulator: Σ x[u] over outdeg(u) = 0
 *   delta         exact accumulator: Σ |x'[v] - x[v]|
 * These two sums and each vertex's in-arc sum are exact and rounded once, so no order and no
 * split changes a bit. The kernel poisons a sum it cannot hold exactly (a contribution outside
 * [2^-124, 2): impossible for validated options, see assembly/kernels/pagerank.ts): the score and
 * the L1 change become NaN and this driver throws SimulationError E_SUM_RANGE.
 */
import { ErrorCode, SimulationError } from '../errors.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import { graphKernels, warmUpKernels } from './kernels.js';
import { pagerankSettings } from './options.js';
import type { AlgorithmOptions, AlgorithmResult, SuperstepStats } from './types.js';

export function runPagerank(graph: NeuromorphicGraph, options: AlgorithmOptions = {}): AlgorithmResult {
  const { damping, iterations, tolerance } = pagerankSettings(options);
  const { host, n } = graph;
  const perSuperstep: SuperstepStats[] = [];
  graph.requireInArcs('pagerank');
  if (n === 0) return { algorithm: 'pagerank', n, values: new Float64Array(0), supersteps: 0, converged: true, perSuperstep, wallMs: 0 };
  warmUpKernels(host);
  const kernels = graphKernels(host);
  const started = performance.now();
  const mark = host.arena.mark();
  try {
    const scores = host.allocArray(Float64Array, n);
    const contrib = host.allocArray(Float64Array, n);
    const accumulatorBytes = kernels.exactsum_bytes();
    const dangling = host.arena.alloc(accumulatorBytes, 64);
    const delta = host.arena.alloc(accumulatorBytes, 64);
    host.view(Float64Array, scores, n).fill(1 / n);
    // computed once, exactly as the convention writes them
    const teleport = (1 - damping) / n;
    const { inOffsets, inSources, outOffsets } = graph.regions;
    let converged = false;
    let done = 0;
    while (done < iterations) {
      const stepStarted = performance.now();
      kernels.exactsum_clear(dangling);
      kernels.exactsum_clear(delta);
      kernels.pagerank_scatter(outOffsets, scores, contrib, 0, n, dangling);
      const danglingShare = kernels.exactsum_finalize(dangling) / n;
      kernels.pagerank_pull(inOffsets, inSources, contrib, scores, scores, 0, n, damping, danglingShare, teleport, delta);
      const change = kernels.exactsum_finalize(delta);
      checkChange(change, done + 1);
      done++;
      perSuperstep.push({ ms: performance.now() - stepStarted, active: n });
      options.onProgress?.(done, iterations);
      if (change < tolerance) {
        converged = true;
        break;
      }
    }
    const values = host.view(Float64Array, scores, n).slice();
    return { algorithm: 'pagerank', n, values, supersteps: done, converged, perSuperstep, wallMs: performance.now() - started };
  } finally {
    host.arena.release(mark);
  }
}

/**
 * The L1 change of an iteration is NaN exactly when a vertex's sum left the exact window (the
 * kernels write NaN scores then): never return such scores as an answer.
 */
export function checkChange(change: number, iteration: number): void {
  if (Number.isNaN(change)) {
    throw new SimulationError(ErrorCode.SUM_RANGE, `pagerank: iteration ${iteration} met a contribution outside the exact-sum window (NaN scores)`, { iteration });
  }
}
