/**
 * A Web Worker of the browser test's shared-memory smoke check (test/browser/workers.ts): it
 * instantiates the kernel module it is sent against the page's shared memory, as a partitioned run's
 * workers will, and runs phase B of one PageRank iteration over its vertex range.
 * Served transpiled to JavaScript by test/browser/server.ts.
 */
export interface PullTask {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** pagerank_pull's arguments, in ABI order (assembly/ABI.md) */
  pullArguments: number[];
  /** where the graph's CSR offsets lie, to read m = outOffsets[n] through this worker's own view */
  outOffsets: number;
  n: number;
}

export interface PullReply {
  inArcsRead: number;
  arcsSeen: number;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<PullTask>) => void) | null;
  postMessage(message: PullReply | { error: string }): void;
};

scope.onmessage = (event) => {
  try {
    const { module, memory, pullArguments, outOffsets, n } = event.data;
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const pull = instance.exports.pagerank_pull as (...args: number[]) => number;
    const inArcsRead = pull(...pullArguments);
    const arcsSeen = new Uint32Array(memory.buffer, outOffsets, n + 1)[n]!;
    scope.postMessage({ inArcsRead, arcsSeen });
  } catch (error) {
    scope.postMessage({ error: String(error) });
  }
};
