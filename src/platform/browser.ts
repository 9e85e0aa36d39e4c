/**
 * Platform seam, browser side. Shared WebAssembly memory needs a cross-origin isolated page
 * (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp).
 *
 * Served unbundled, the entry's two dependencies are bare imports (`fflate`, `flatbuffers`): a
 * bundler resolves them, or an import map (test/browser/page.html shows one).
 */
import { ErrorCode, ResourceError } from '../errors.js';

export const WASM_URL = new URL('../../build/neuromesh.wasm', import.meta.url);

/** Compiled modules by URL: one fetch and compile per page or worker. */
const compiled = new Map<string, Promise<WebAssembly.Module>>();

async function fetchAndCompile(url: URL | string): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new ResourceError(ErrorCode.INTERNAL, `could not fetch kernel module ${String(url)}: ${String(cause)}`, {}, { cause });
  }
  if (!response.ok) throw new ResourceError(ErrorCode.INTERNAL, `could not fetch kernel module ${String(url)}: HTTP ${response.status}`);
  // From bytes rather than compileStreaming: the latter rejects a server that sends the wrong MIME type.
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Compile the kernel module once per page or worker, from `url` (default: the packaged file).
 * A failed fetch is not cached, so a later call tries again.
 */
export function loadKernelModule(url: URL | string = WASM_URL): Promise<WebAssembly.Module> {
  if (typeof SharedArrayBuffer === 'undefined') {
    return Promise.reject(
      new ResourceError(ErrorCode.MEMORY, 'SharedArrayBuffer is unavailable: serve the page cross-origin isolated (COOP same-origin, COEP require-corp)'),
    );
  }
  const key = String(url);
  let loading = compiled.get(key);
  if (!loading) {
    loading = fetchAndCompile(url);
    compiled.set(key, loading);
    loading.catch(() => compiled.delete(key));
  }
  return loading;
}
