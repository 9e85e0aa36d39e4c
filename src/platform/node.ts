/**
 * Platform seam, Node side: how the kernel module and files are reached. The browser side is
 * src/platform/browser.ts; package.json `exports` picks the entry point that imports one of them,
 * and nothing else in the library branches on the platform.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCode, ResourceError } from '../errors.js';

/** Where `npm run build:wasm` writes the kernels (the same path from src/ and from dist/). */
export const WASM_URL = new URL('../../build/neuromesh.wasm', import.meta.url);

let cached: WebAssembly.Module | undefined;

/** Compile the kernel module once per thread (synchronous: Node allows it for any size). */
export function loadKernelModuleSync(): WebAssembly.Module {
  if (cached) return cached;
  let bytes: Buffer;
  try {
    bytes = readFileSync(fileURLToPath(WASM_URL));
  } catch (cause) {
    throw new ResourceError(ErrorCode.INTERNAL, `kernel module ${fileURLToPath(WASM_URL)} is missing: run "npm run build:wasm"`, {}, { cause });
  }
  cached = new WebAssembly.Module(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength));
  return cached;
}

export async function loadKernelModule(): Promise<WebAssembly.Module> {
  return loadKernelModuleSync();
}
