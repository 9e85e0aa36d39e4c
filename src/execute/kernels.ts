/**
 * The graph kernels' exports, typed, and their one-time warm-up.
 *
 * V8 first runs WebAssembly in its baseline tier and moves a function to the optimizing tier only
 * after it has used up a budget, at a call boundary: one long call stays slow all the way through
 * (STACK.md measured 2–3×). The drivers make one call per phase, and `warmUpKernels` runs every
 * graph kernel many times on a tiny graph first, so the first real superstep is already fast.
 */
import type { WasmHost } from '../memory/host.js';
import { WEIGHT_F64 } from '../memory/layout.js';
import type { DistributedKernels } from './distributed/context.js';

/** The graph kernels of build/neuromesh.wasm (assembly/ABI.md documents each). */
export interface GraphKernels {
  exactsum_bytes(): number;
  exactsum_clear(acc: number): void;
  exactsum_add(acc: number, value: number): void;
  exactsum_add_array(acc: number, values: number, count: number): void;
  exactsum_merge(target: number, source: number): void;
  exactsum_finalize(acc: number): number;
  pagerank_scatter(outOffsets: number, scores: number, contrib: number, begin: number, end: number, dangling: number): number;
  pagerank_pull(
    inOffsets: number,
    inSources: number,
    contrib: number,
    scores: number,
    next: number,
    begin: number,
    end: number,
    damping: number,
    danglingShare: number,
    teleport: number,
    delta: number,
  ): number;
  // split PageRank sums (assembly/ABI.md, PageRank): rows of fixed-point limbs
  fixedsum_row_bytes(): number;
  fixedsum_add_rows(target: number, source: number, list: number, count: number): void;
  fixedsum_gather_rows(source: number, list: number, count: number, target: number): void;
  fixedsum_round(row: number): number;
  pagerank_partial(inOffsets: number, inSources: number, contrib: number, begin: number, end: number, limbs: number): number;
  pagerank_apply(
    limbs: number,
    scores: number,
    next: number,
    begin: number,
    end: number,
    damping: number,
    danglingShare: number,
    teleport: number,
    delta: number,
  ): number;
  bfs_top_down(outOffsets: number, outTargets: number, levels: number, frontier: number, frontierCount: number, next: number, level: number, stats: number): number;
  bfs_bottom_up(inOffsets: number, inSources: number, outOffsets: number, levels: number, begin: number, end: number, next: number, level: number, stats: number): number;
  sssp_round(
    weightKind: number,
    outOffsets: number,
    outTargets: number,
    weights: number,
    dist: number,
    queued: number,
    worklist: number,
    worklistCount: number,
    next: number,
  ): number;
  sssp_finalize(dist: number, begin: number, end: number): number;
  wcc_init(parent: number, begin: number, end: number): number;
  wcc_union(outOffsets: number, outTargets: number, parent: number, begin: number, end: number): number;
  wcc_finalize(parent: number, labels: number, n: number): number;
}

export function graphKernels(host: WasmHost): GraphKernels {
  return host.exports as unknown as GraphKernels;
}

/** Compiled code is per module (instances share it), so warming once per module suffices. */
const warmed = new WeakSet<WebAssembly.Module>();

const WARM_VERTICES = 512;
const WARM_DEGREE = 8;
const WARM_ROUNDS = 400;

/**
 * Run every graph kernel WARM_ROUNDS times on a ring-with-chords graph of WARM_VERTICES vertices
 * laid out by hand in scratch space (released afterwards). About 2M arc visits: enough to use up
 * V8's tier-up budget for each kernel, a few milliseconds in all.
 */
export function warmUpKernels(host: WasmHost): void {
  if (warmed.has(host.module)) return;
  warmed.add(host.module);
  const kernels = graphKernels(host);
  const n = WARM_VERTICES;
  const m = n * WARM_DEGREE;
  const mark = host.arena.mark();
  try {
    const offsets = host.allocArray(Uint32Array, n + 1);
    const targets = host.allocArray(Uint32Array, m);
    const weights = host.allocArray(Int32Array, m);
    const realWeights = host.allocArray(Float64Array, m);
    const scores = host.allocArray(Float64Array, n);
    const contrib = host.allocArray(Float64Array, n);
    const next = host.allocArray(Float64Array, n);
    const levels = host.allocArray(Int32Array, n);
    const listA = host.allocArray(Uint32Array, n);
    const listB = host.allocArray(Uint32Array, n);
    const queued = host.allocArray(Uint8Array, n);
    const stats = host.allocArray(Float64Array, 1);
    // the distributed searches' heap positions, FIFO, changed list and state (kernels/bfs-local.ts)
    const position = host.allocArray(Uint32Array, n);
    host.view(Uint32Array, position, n).fill(0xffff_ffff);
    const queue = host.allocArray(Uint32Array, n);
    const changedList = host.allocArray(Uint32Array, n);
    const searchState = host.allocArray(Uint32Array, 2);
    const local = host.exports as unknown as Pick<DistributedKernels, 'bfs_local' | 'sssp_local'>;
    const acc = host.arena.alloc(kernels.exactsum_bytes(), 64);
    const rows = host.arena.alloc(n * kernels.fixedsum_row_bytes(), 64);
    const packed = host.arena.alloc(n * kernels.fixedsum_row_bytes(), 64);
    const rowList = host.allocArray(Uint32Array, n >> 1);
    host.view(Uint32Array, rowList, n >> 1).forEach((_, i, list) => (list[i] = 2 * i));
    // A symmetric pattern (v -> v + 2^j mod n for j < 4 and the reverse), so the same regions
    // serve as CSR and CSC.
    const offsetView = host.view(Uint32Array, offsets, n + 1);
    const targetView = host.view(Uint32Array, targets, m);
    host.view(Int32Array, weights, m).fill(3);
    host.view(Float64Array, realWeights, m).fill(0.5);
    for (let v = 0; v <= n; v++) offsetView[v] = v * WARM_DEGREE;
    for (let v = 0; v < n; v++) {
      for (let j = 0; j < WARM_DEGREE / 2; j++) {
        targetView[v * WARM_DEGREE + 2 * j] = (v + (1 << j)) % n;
        targetView[v * WARM_DEGREE + 2 * j + 1] = (v + n - (1 << j)) % n;
      }
    }
    host.view(Float64Array, scores, n).fill(1 / n);
    for (let round = 0; round < WARM_ROUNDS; round++) {
      kernels.exactsum_clear(acc);
      kernels.pagerank_scatter(offsets, scores, contrib, 0, n, acc);
      kernels.pagerank_pull(offsets, targets, contrib, scores, next, 0, n, 0.85, 0, 0.15 / n, acc);
      kernels.exactsum_finalize(acc);
      // the split form of the same iteration: rows of limbs in `rows`, half of them merged twice
      kernels.pagerank_partial(offsets, targets, contrib, 0, n, rows);
      kernels.fixedsum_gather_rows(rows, rowList, n >> 1, packed);
      kernels.fixedsum_add_rows(rows, packed, rowList, n >> 1);
      kernels.pagerank_apply(rows, scores, next, 0, n, 0.85, 0, 0.15 / n, acc);
      kernels.fixedsum_round(rows);
      const levelView = host.view(Int32Array, levels, n);
      levelView.fill(-1);
      levelView[0] = 0;
      host.view(Uint32Array, listA, 1)[0] = 0;
      kernels.bfs_top_down(offsets, targets, levels, listA, 1, listB, 1, stats);
      kernels.bfs_bottom_up(offsets, targets, offsets, levels, 0, n, listA, 2, stats);
      const dist = scores; // reuse: sssp overwrites it, PageRank refills it next round
      host.view(Float64Array, dist, n).fill(Infinity);
      host.view(Float64Array, dist, 1)[0] = 0;
      host.view(Uint8Array, queued, n).fill(0);
      host.view(Uint32Array, listA, 1)[0] = 0;
      let count = 1;
      const kind = round % 3; // WEIGHT_UNIT, WEIGHT_I32, WEIGHT_F64 in turn
      const kindWeights = kind === WEIGHT_F64 ? realWeights : weights;
      for (let step = 0; step < 4 && count > 0; step++) {
        count = kernels.sssp_round(kind, offsets, targets, kindWeights, dist, queued, step % 2 ? listB : listA, count, step % 2 ? listA : listB);
      }
      kernels.sssp_finalize(dist, 0, n);
      // one distributed search from vertex 0 to quiescence, levels then distances (same weight kind)
      host.view(Uint8Array, queued, n).fill(0);
      host.view(Uint32Array, searchState, 2).fill(0);
      levelView.fill(0x7fff_ffff);
      levelView[0] = 0;
      host.view(Uint32Array, listA, 1)[0] = 0;
      local.bfs_local(offsets, targets, levels, listA, 1, listB, position, queue, searchState, 0x7fff_ffff, queued, changedList);
      host.view(Float64Array, dist, n).fill(Infinity);
      host.view(Float64Array, dist, 1)[0] = 0;
      local.sssp_local(kind, offsets, targets, kindWeights, dist, listA, 1, listB, position, queue, searchState, Infinity, queued, changedList);
      host.view(Float64Array, scores, n).fill(1 / n);
      kernels.wcc_init(levels, 0, n);
      kernels.wcc_union(offsets, targets, levels, 0, n);
      kernels.wcc_finalize(levels, levels, n);
    }
  } finally {
    host.arena.release(mark);
  }
}
