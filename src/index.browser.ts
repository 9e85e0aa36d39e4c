/**
 * neuromesh, browser entry point: the library without file-system loaders. Parse bytes you fetched
 * with the in-memory parsers; the page must be cross-origin isolated for shared memory.
 */
import { WasmHost, type HostOptions } from './memory/host.js';
import { loadKernelModule } from './platform/browser.js';

export * from './errors.js';
export * from './memory/host.js';
export * from './memory/layout.js';
export * from './input/graph.js';
export * from './execute/types.js';
// --- input (parsers) ---
export * from './input/parse.js';
export { parseNeuronTable, type NeuronTableOptions } from './input/neurons.js';
export * from './input/graphology.js';
export { MAX_LINE_BYTES } from './input/lines.js';
export { saveGraphSnapshot, parseGraphSnapshot, SNAPSHOT_FORMAT_VERSION, SNAPSHOT_IDENTIFIER } from './input/snapshot.js';
// --- execute (single-worker runs) ---
export * from './execute/lif.js';
// --- generate ---
export { generateRmat, MAX_INT_WEIGHT, type RmatOptions, type GeneratedWeights } from './generate/rmat.js';
export { generateErdosRenyi, type ErdosRenyiParameters } from './generate/er.js';
export * from './generate/prng.js';
export * from './generate/brunel.js';
export * from './generate/cuba.js';
// --- oracle ---
export * from './oracle/lif.js';

export async function createHost(options: HostOptions & { wasmUrl?: URL | string } = {}): Promise<WasmHost> {
  return new WasmHost(await loadKernelModule(options.wasmUrl), options);
}
