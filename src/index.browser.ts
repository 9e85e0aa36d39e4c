/**
 * neuromesh, browser entry point: the library without file-system loaders. Parse bytes you fetched
 * with the in-memory parsers; the page must be cross-origin isolated for shared memory.
 */
import { WasmHost, type HostOptions } from './memory/host.js';
import { loadKernelModule } from './platform/browser.js';

export * from './library.js';

export async function createHost(options: HostOptions & { wasmUrl?: URL | string } = {}): Promise<WasmHost> {
  return new WasmHost(await loadKernelModule(options.wasmUrl), options);
}
