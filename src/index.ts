/**
 * neuromesh, Node entry point: the whole library (src/library.ts) plus what needs the file system.
 * The browser entry (src/index.browser.ts) has the same library without it; package.json
 * `exports` chooses between them.
 */
import { WasmHost, type HostOptions } from './memory/host.js';
import { createWorkerPool, hardwareThreads, loadKernelModuleSync } from './platform/node.js';
import { DistributedProcessingSystem as SystemCore } from './system.js';
import type { CoordinatorOptions } from './execute/distributed/coordinator.js';

export * from './library.js';
export { loadGraph, type LoadOptions } from './input/load.js';
export { writeEdgeList, writeNeuronTable, type EdgeListWriteOptions } from './generate/write.js';
export { DirectoryCheckpointStore, type DirectoryStoreOptions, type WriteStage } from './protect/directory-store.js';

/** A host with one shared memory and the kernels instantiated on this thread. */
export function createHostSync(options: HostOptions = {}): WasmHost {
  return new WasmHost(loadKernelModuleSync(), options);
}

export async function createHost(options: HostOptions = {}): Promise<WasmHost> {
  return createHostSync(options);
}

/** The facade with Node's worker pool (piscina threads) built in. */
export class DistributedProcessingSystem extends SystemCore {
  constructor(options: Partial<CoordinatorOptions> = {}) {
    super({ createWorkerPool, hardwareThreads: hardwareThreads(), ...options });
  }
}
export { createWorkerPool, hardwareThreads };
