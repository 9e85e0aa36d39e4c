/**
 * Platform seam, Node side: how the kernel module and files are reached. The browser side is
 * src/platform/browser.ts; package.json `exports` picks the entry point that imports one of them,
 * and nothing else in the library branches on the platform.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ErrorCode, ResourceError } from '../errors.js';
import { Piscina } from 'piscina';
import type { MessagePort as NodeMessagePort } from 'node:worker_threads';
import type { RunSetup, WorkerReport } from '../execute/distributed/context.js';

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

// --- worker pool (distributed runs on one host) ---


/** A pool of threads that run partitions' programs (src/execute/distributed/worker.ts). */
export interface WorkerPool {
  readonly threads: number;
  run(setup: RunSetup, signal?: AbortSignal): Promise<WorkerReport[]>;
  destroy(): Promise<void>;
}

/**
 * The worker module: the built JavaScript when the library runs from dist/, else a small .mjs that
 * registers tsx first (Node 20 cannot start a worker on a .ts file; STACK.md).
 */
function workerFile(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../execute/distributed/worker-entry.mjs' : '../execute/distributed/worker.js', import.meta.url));
}

/**
 * piscina with exactly `threads` threads, one task each: a run's tasks (one per thread) meet at
 * barriers, so all must run at once (a task queued behind another would wait for the barrier timeout).
 */
export function createWorkerPool(threads: number): WorkerPool {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    // a run's tasks must all start at once: never let one wait in the queue behind another run
    maxQueue: 'auto',
  });
  return {
    threads,
    // a checkpoint port moves to the thread that posts on it; frame ports (transport 'ports') to the threads of their partitions
    run: (setup, signal) => {
      const ports = [...(setup.checkpointPort ? [setup.checkpointPort] : []), ...framePortsOf(setup)] as unknown as NodeMessagePort[];
      return pool.run(setup, { ...(signal ? { signal } : {}), ...(ports.length > 0 ? { transferList: ports } : {}) }) as Promise<WorkerReport[]>;
    },
    destroy: () => pool.destroy(),
  };
}

/** The frame ports of a thread's partitions (exchange/router.ts, transport 'ports'). */
function framePortsOf(setup: RunSetup): MessagePort[] {
  return setup.partitions.flatMap((partition) => {
    const ports = partition.communication?.ports;
    return ports ? [...Object.values(ports.send), ...Object.values(ports.receive)] : [];
  });
}

export { receiveMessageSync } from './node-ports.js';

/** Cores of this machine (the default worker count's upper bound and the barrier's spin policy). */
export function hardwareThreads(): number {
  return availableParallelism();
}
