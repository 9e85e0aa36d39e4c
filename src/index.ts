/**
 * neuromesh, Node entry point. The browser entry (src/index.browser.ts) exports the same library
 * minus the parts that read files; package.json `exports` chooses between them.
 */
import { WasmHost, type HostOptions } from './memory/host.js';
import { loadKernelModuleSync } from './platform/node.js';

export * from './errors.js';
export * from './memory/host.js';
export * from './memory/layout.js';
export * from './input/graph.js';
export * from './execute/types.js';
// --- input (loaders) ---
export * from './input/parse.js';
export { parseNeuronTable, type NeuronTableOptions } from './input/neurons.js';
export * from './input/graphology.js';
export { MAX_LINE_BYTES } from './input/lines.js';
export { saveGraphSnapshot, parseGraphSnapshot, readSnapshotName, SNAPSHOT_FORMAT_VERSION, SNAPSHOT_IDENTIFIER } from './input/snapshot.js';
export { loadGraph, type LoadOptions } from './input/load.js';
// --- analyse ---
export * from './analyse/analyse.js';
// --- partition ---
export * from './partition/plan.js';
export * from './partition/metrics.js';
export * from './partition/vertexcut.js';
export * from './partition/layout.js';
export * from './partition/metadata.js';
export * from './partition/partitioner.js';
export * from './partition/hybrid.js';
export * from './partition/estimator.js';
export * from './partition/balance.js';
export { partitionEdgeCut, edgeCutLimit, EDGE_CUT_METHODS, DEFAULT_EDGE_CUT_IMBALANCE, MAX_EDGE_CUT_PARTS, type EdgeCutMethod, type EdgeCutOptions, type EdgeCutResult } from './partition/edgecut.js';
// --- execute (single-worker runs) ---
export * from './execute/lif.js';
export { runAlgorithm } from './execute/single.js';
export { runPagerank } from './execute/pagerank.js';
export { runBfs, type BfsOptions } from './execute/bfs.js';
export { runSssp, checkNonNegativeWeights } from './execute/sssp.js';
export { runWcc, CHUNK_ARCS, type WccOptions } from './execute/wcc.js';
export { graphKernels, warmUpKernels, type GraphKernels } from './execute/kernels.js';
export { DEFAULT_DAMPING, DEFAULT_ITERATIONS, DEFAULT_SOURCE, DEFAULT_TOLERANCE } from './execute/options.js';
// --- generate ---
export { generateRmat, MAX_INT_WEIGHT, type RmatOptions, type GeneratedWeights } from './generate/rmat.js';
export { generateErdosRenyi, type ErdosRenyiParameters } from './generate/er.js';
export { writeEdgeList, writeNeuronTable, type EdgeListWriteOptions } from './generate/write.js';
export * from './generate/prng.js';
export * from './generate/brunel.js';
export * from './generate/cuba.js';
// --- oracle ---
export * from './oracle/lif.js';
export { exactSumOracle, pagerankOracle, pagerankNaive, bfsOracle, ssspOracle, wccOracle, type OracleArcs } from './oracle/index.js';

/** A host with one shared memory and the kernels instantiated on this thread. */
export function createHostSync(options: HostOptions = {}): WasmHost {
  return new WasmHost(loadKernelModuleSync(), options);
}

export async function createHost(options: HostOptions = {}): Promise<WasmHost> {
  return createHostSync(options);
}
