/**
 * Single-source shortest paths on one worker: label-correcting rounds, one WebAssembly call per
 * round (kernels/sssp.ts explains why the result equals Dijkstra's bit for bit).
 *
 * Scratch regions (arena, released at the end): dist f64[n] (+Infinity until reached, -1 after
 * finalize), queued u8[n] (on the next worklist), two worklists u32[n].
 *
 * Unit weights take the BFS kernels instead (same distances, see unitWeightSssp).
 *
 * Checked here, before and after the kernels run:
 * - a negative weight anywhere is an InputError NEGATIVE_WEIGHT naming the arc (input order);
 * - integer weights: a distance >= 2^53 may not be exact, so it is a SimulationError
 *   DISTANCE_OVERFLOW (a smaller final distance is exact: all its prefix sums are smaller too);
 * - real weights: a distance that overflows to Infinity would look unreachable, so where that is
 *   possible at all (n * largest weight not finite) reachability is checked by BFS.
 */
import { ErrorCode, InputError, SimulationError } from '../errors.js';
import type { NeuromorphicGraph } from '../input/graph.js';
import { WEIGHT_F64, WEIGHT_UNIT } from '../memory/layout.js';
import { runBfs } from './bfs.js';
import { graphKernels, warmUpKernels } from './kernels.js';
import { sourceVertex } from './options.js';
import type { AlgorithmOptions, AlgorithmResult, SuperstepStats } from './types.js';

/** Integers above this are not all representable as float64. */
const EXACT_INTEGER_LIMIT = 2 ** 53;

/** Throw NEGATIVE_WEIGHT for the first negative arc in input order, if any. */
export function checkNonNegativeWeights(graph: NeuromorphicGraph): void {
  if (graph.weightType === WEIGHT_UNIT || graph.minWeight >= 0) return;
  const weights = (graph.outWeightsI32 ?? graph.outWeightsF64)!;
  const order = graph.arcInputOrder;
  let arc = -1;
  for (let k = 0; k < graph.m; k++) {
    if (weights[k]! < 0 && (arc < 0 || (order ? order[k]! < order[arc]! : false))) arc = k;
  }
  throw new InputError(
    ErrorCode.NEGATIVE_WEIGHT,
    `${graph.describeArc(arc)} has negative weight ${weights[arc]}: sssp needs weights >= 0`,
    { file: graph.name, field: 'weight' },
  );
}

/**
 * Every weight is 1: the distance is the BFS level (sums of ones are exact integers), and the
 * direction-optimizing BFS is several times faster than relaxation rounds on the same graph.
 */
function unitWeightSssp(graph: NeuromorphicGraph, options: AlgorithmOptions): AlgorithmResult {
  const started = performance.now();
  const levels = runBfs(graph, options);
  const values = new Float64Array(levels.values);
  return { ...levels, algorithm: 'sssp', values, wallMs: performance.now() - started };
}

export function runSssp(graph: NeuromorphicGraph, options: AlgorithmOptions = {}): AlgorithmResult {
  const { host, n } = graph;
  const perSuperstep: SuperstepStats[] = [];
  if (n === 0) return { algorithm: 'sssp', n, values: new Float64Array(0), supersteps: 0, perSuperstep, wallMs: 0 };
  const source = sourceVertex(graph, options);
  checkNonNegativeWeights(graph);
  if (graph.weightType === WEIGHT_UNIT) return unitWeightSssp(graph, options);
  warmUpKernels(host);
  const kernels = graphKernels(host);
  const started = performance.now();
  const mark = host.arena.mark();
  let values: Float64Array;
  let largest: number;
  let rounds = 0;
  try {
    const dist = host.allocArray(Float64Array, n);
    const queued = host.allocArray(Uint8Array, n);
    let worklist = host.allocArray(Uint32Array, n);
    let next = host.allocArray(Uint32Array, n);
    const distView = host.view(Float64Array, dist, n);
    distView.fill(Infinity);
    distView[source] = 0;
    host.view(Uint8Array, queued, n).fill(0);
    host.view(Uint8Array, queued, n)[source] = 1;
    host.view(Uint32Array, worklist, 1)[0] = source;
    const { outOffsets, outTargets, outWeights } = graph.regions;
    const weights = outWeights;
    let count = 1;
    while (count > 0) {
      const stepStarted = performance.now();
      count = kernels.sssp_round(graph.weightType, outOffsets, outTargets, weights, dist, queued, worklist, count, next);
      [worklist, next] = [next, worklist];
      rounds++;
      perSuperstep.push({ ms: performance.now() - stepStarted, active: count });
      options.onProgress?.(rounds, rounds + (count > 0 ? 1 : 0));
    }
    largest = kernels.sssp_finalize(dist, 0, n);
    values = host.view(Float64Array, dist, n).slice();
  } finally {
    host.arena.release(mark);
  }
  checkSsspDistances(graph, values, largest, options);
  return { algorithm: 'sssp', n, values, supersteps: rounds, perSuperstep, wallMs: performance.now() - started };
}

/**
 * The overflow checks of an SSSP result (shared by the single-worker and distributed runs):
 * integer-weighted distances must stay below 2^53 to be exact; with float weights large enough for a
 * path sum to overflow, a vertex reachable (by BFS) but without a finite distance overflowed.
 */
export function checkSsspDistances(graph: NeuromorphicGraph, values: Float64Array, largest: number, options: AlgorithmOptions): void {
  if (graph.isIntegerWeighted && largest >= EXACT_INTEGER_LIMIT) {
    const vertex = values.findIndex((d) => d >= EXACT_INTEGER_LIMIT);
    throw new SimulationError(
      ErrorCode.DISTANCE_OVERFLOW,
      `sssp: distance of vertex ${graph.toInputId(vertex)} is at least 2^53, beyond exact float64 integers`,
      { vertex: graph.toInputId(vertex), distance: values[vertex] },
    );
  }
  if (graph.weightType === WEIGHT_F64 && !Number.isFinite(graph.maxWeight * graph.n)) {
    const levels = runBfs(graph, { source: options.source }).values;
    const vertex = values.findIndex((d, v) => d < 0 && levels[v]! >= 0);
    if (vertex >= 0) {
      throw new SimulationError(ErrorCode.DISTANCE_OVERFLOW, `sssp: distance of vertex ${graph.toInputId(vertex)} overflows float64`, {
        vertex: graph.toInputId(vertex),
      });
    }
  }
}
