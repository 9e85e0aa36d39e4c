/**
 * The algorithms' public contract: names, options and results (DESIGN.md, "Algorithms and their
 * exact conventions"). The single-worker runs of src/execute/single.ts define the reference
 * results that every distributed run must match bit for bit.
 */

export const ALGORITHMS = ['pagerank', 'bfs', 'sssp', 'wcc', 'lif'] as const;
export type AlgorithmName = (typeof ALGORITHMS)[number];

export interface AlgorithmOptions {
  /** bfs, sssp: the source vertex, as an input id (default 0) */
  source?: number;
  /** pagerank: the most iterations (default 100) */
  iterations?: number;
  /** pagerank: stop when the L1 change of an iteration is below this (default 1e-12) */
  tolerance?: number;
  /** pagerank: damping factor (default 0.85) */
  damping?: number;
  /** lif: number of steps to simulate (default 1000) */
  steps?: number;
  /** lif: the noise generator's seed, an unsigned 64-bit integer (default 0) */
  seed?: bigint | number;
  /** lif: also return every spike (default false: counts only) */
  recordSpikes?: boolean;
  /** called now and then with the work done so far and the total (same units), for progress bars */
  onProgress?: (done: number, total: number) => void;
}

/** Every spike of a run, sorted by step then neuron (internal vertex ids). */
export interface SpikeRaster {
  /** the step of each spike, 1-based (lif-model.md: steps t = 1 .. T) */
  steps: Uint32Array;
  /** the neuron of each spike (internal id: map through graph.toInputId for output) */
  neurons: Uint32Array;
}

export interface SuperstepStats {
  /** wall time of the superstep in milliseconds */
  ms: number;
  /** vertices active (frontier size, spiking neurons, changed labels), when the algorithm has a notion of it */
  active: number;
}

export interface AlgorithmResult {
  algorithm: AlgorithmName;
  n: number;
  /**
   * One value per vertex, by internal vertex id:
   * pagerank Float64Array scores; bfs Int32Array levels (-1 unreachable); sssp Float64Array
   * distances (-1 unreachable); wcc Int32Array labels (smallest internal id of the component,
   * which is also the smallest input id since remapping keeps id order); lif Int32Array spike counts.
   */
  values: Float64Array | Int32Array;
  /** pagerank iterations, bfs/sssp rounds, wcc passes, lif steps */
  supersteps: number;
  /** pagerank: whether the tolerance was met before the iteration limit */
  converged?: boolean;
  /** lif: present when recordSpikes was set */
  spikes?: SpikeRaster;
  /** lif: total synaptic events (spikes times out-degree) */
  synapticEvents?: number;
  perSuperstep: SuperstepStats[];
  /** the algorithm's wall time in milliseconds (loading excluded) */
  wallMs: number;
}
