/**
 * Weakly connected components on one worker: union-find over the arcs in chunks of about
 * CHUNK_ARCS arcs (one WebAssembly call each, cut at vertex boundaries), then one finalize call.
 *
 * Scratch region (arena, released at the end): parent i32[n], turned into the labels in place.
 */
import { OptionsError } from '../errors.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import { graphKernels, warmUpKernels } from './kernels.js';
import type { AlgorithmOptions, AlgorithmResult, SuperstepStats } from './types.js';

export const CHUNK_ARCS = 1 << 20;

export interface WccOptions extends AlgorithmOptions {
  /** arcs per union call (default CHUNK_ARCS); small values exercise the chunking in tests */
  chunkArcs?: number;
}

export function runWcc(graph: NeuromorphicGraph, options: WccOptions = {}): AlgorithmResult {
  const chunkArcs = options.chunkArcs ?? CHUNK_ARCS;
  if (!Number.isSafeInteger(chunkArcs) || chunkArcs < 1) throw new OptionsError('chunkArcs', 'must be a positive integer', chunkArcs);
  const { host, n, m } = graph;
  const perSuperstep: SuperstepStats[] = [];
  if (n === 0) return { algorithm: 'wcc', n, values: new Int32Array(0), supersteps: 0, perSuperstep, wallMs: 0 };
  warmUpKernels(host);
  const kernels = graphKernels(host);
  const started = performance.now();
  const mark = host.arena.mark();
  try {
    const parent = host.allocArray(Int32Array, n);
    const { outOffsets, outTargets } = graph.regions;
    kernels.wcc_init(parent, 0, n);
    const offsets = graph.outOffsets;
    let begin = 0;
    while (begin < n) {
      const stepStarted = performance.now();
      // the first vertex whose arcs start at or past this chunk's budget (at least one vertex)
      const limit = offsets[begin]! + chunkArcs;
      let lo = begin + 1;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (offsets[mid]! < limit) lo = mid + 1;
        else hi = mid;
      }
      const end = lo;
      const merges = kernels.wcc_union(outOffsets, outTargets, parent, begin, end);
      perSuperstep.push({ ms: performance.now() - stepStarted, active: merges });
      options.onProgress?.(offsets[end]!, m);
      begin = end;
    }
    const stepStarted = performance.now();
    const components = kernels.wcc_finalize(parent, parent, n);
    perSuperstep.push({ ms: performance.now() - stepStarted, active: components });
    const values = host.view(Int32Array, parent, n).slice();
    return { algorithm: 'wcc', n, values, supersteps: perSuperstep.length, perSuperstep, wallMs: performance.now() - started };
  } finally {
    host.arena.release(mark);
  }
}
