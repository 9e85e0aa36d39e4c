/**
 * Platform seam, browser side. Shared WebAssembly memory needs a cross-origin isolated page
 * (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp).
 */
import { ErrorCode, ResourceError } from '../errors.js';

export const WASM_URL = new URL('../../build/neuromesh.wasm', import.meta.url);

let cached: Promise<WebAssembly.Module> | undefined;

/** Compile the kernel module once per page or worker, from `url` (default: the packaged file). */
export function loadKernelModule(url: URL | string = WASM_URL): Promise<WebAssembly.Module> {
  if (typeof SharedArrayBuffer === 'undefined') {
    return Promise.reject(
      new ResourceError(ErrorCode.MEMORY, 'SharedArrayBuffer is unavailable: serve the page cross-origin isolated (COOP same-origin, COEP require-corp)'),
    );
  }
  cached ??= fetch(url).then(async (response) => {
    if (!response.ok) throw new ResourceError(ErrorCode.INTERNAL, `could not fetch kernel module ${String(url)}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  });
  return cached;
}
