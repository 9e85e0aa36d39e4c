/**
 * Shared-memory smoke check across browser workers: two Web Workers instantiate the kernel module
 * against the page's one shared memory and each pulls PageRank over half of the graph's vertices,
 * writing into the same array; the page pulls the whole range on its own instance. The split result
 * must equal the single one bit for bit (each vertex's in-arc sum is exact and rounded once, and the
 * L1 change goes through exact accumulators, so no split changes a bit).
 * Served transpiled to JavaScript by test/browser/server.ts; runs in the page only.
 */
import type { NeuromorphicGraph } from '../../src/index.browser.js';
import type { PullReply, PullTask } from './worker.js';

export interface WorkerSmokeResult {
  workers: number;
  /** in-arcs each worker's pull read; together they must be m */
  inArcsRead: number[];
  /** m as each worker read it through its own view of the shared memory */
  arcsSeen: number[];
  /** the split scores' bytes equal the single-threaded ones */
  identicalScores: boolean;
  /** the L1 change, split (accumulators merged) and single, as hex of their bytes */
  changeSplit: string;
  changeSingle: string;
}

const DAMPING = 0.85;
const TIMEOUT_MS = 10_000;

function hexOf(value: number): string {
  const bytes = new Uint8Array(new Float64Array([value]).buffer);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function runOnWorker(url: URL, task: PullTask): Promise<PullReply> {
  const worker = new Worker(url, { type: 'module' });
  return new Promise<PullReply>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker gave no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    worker.onmessage = (event: MessageEvent<PullReply | { error: string }>) => {
      clearTimeout(timer);
      if ('error' in event.data) reject(new Error(`worker: ${event.data.error}`));
      else resolve(event.data);
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      reject(new Error(`worker failed: ${event.message}`));
    };
    worker.postMessage(task);
  }).finally(() => worker.terminate());
}

export async function runWorkerSmoke(graph: NeuromorphicGraph, workerUrl: URL): Promise<WorkerSmokeResult> {
  const { host, n } = graph;
  const kernels = host.exports;
  const { outOffsets, inOffsets, inSources } = graph.regions;
  const accumulatorBytes = kernels.exactsum_bytes();
  const mark = host.arena.mark();
  try {
    const scores = host.allocArray(Float64Array, n);
    const contrib = host.allocArray(Float64Array, n);
    const single = host.allocArray(Float64Array, n);
    const split = host.allocArray(Float64Array, n);
    const [dangling, deltaSingle, deltaFirst, deltaSecond] = [0, 1, 2, 3].map(() => host.arena.alloc(accumulatorBytes, 64)) as [number, number, number, number];
    for (const accumulator of [dangling, deltaSingle, deltaFirst, deltaSecond]) kernels.exactsum_clear(accumulator);
    host.view(Float64Array, scores, n).fill(1 / n);
    kernels.pagerank_scatter(outOffsets, scores, contrib, 0, n, dangling);
    const danglingShare = kernels.exactsum_finalize(dangling) / n;
    const teleport = (1 - DAMPING) / n;
    kernels.pagerank_pull(inOffsets, inSources, contrib, scores, single, 0, n, DAMPING, danglingShare, teleport, deltaSingle);

    // NaN, so that a worker that wrote nothing cannot match
    host.view(Float64Array, split, n).fill(Number.NaN);
    const middle = Math.floor(n / 2);
    const ranges: [number, number, number][] = [
      [0, middle, deltaFirst],
      [middle, n, deltaSecond],
    ];
    const replies = await Promise.all(
      ranges.map(([begin, end, delta]) =>
        runOnWorker(workerUrl, {
          module: host.module,
          memory: host.memory,
          pullArguments: [inOffsets, inSources, contrib, scores, split, begin, end, DAMPING, danglingShare, teleport, delta],
          outOffsets,
          n,
        }),
      ),
    );
    kernels.exactsum_merge(deltaFirst, deltaSecond);
    const singleBytes = new Uint8Array(host.view(Float64Array, single, n).slice().buffer);
    const splitBytes = new Uint8Array(host.view(Float64Array, split, n).slice().buffer);
    return {
      workers: replies.length,
      inArcsRead: replies.map((reply) => reply.inArcsRead),
      arcsSeen: replies.map((reply) => reply.arcsSeen),
      identicalScores: singleBytes.length === 8 * n && singleBytes.every((byte, k) => byte === splitBytes[k]),
      changeSplit: hexOf(kernels.exactsum_finalize(deltaFirst)),
      changeSingle: hexOf(kernels.exactsum_finalize(deltaSingle)),
    };
  } finally {
    host.arena.release(mark);
  }
}
