// neuromesh kernels: the module's whole export list. The ABI (numbers and byte offsets into the
// one imported shared memory, nothing else) is documented in assembly/ABI.md. Export names are
// snake_case so that hosts in other languages can use them as they are.
import {
  EXACTSUM_BYTES,
  exactsumAdd,
  exactsumClear,
  exactsumFinalize,
  exactsumMerge,
  exactsumNormalize,
} from './lib/exactsum';
import { pagerankPull, pagerankScatter } from './kernels/pagerank';
import { bfsBottomUp, bfsTopDown } from './kernels/bfs';
import { ssspFinalize, ssspRound } from './kernels/sssp';
import { wccFinalize, wccInit, wccLocalMin, wccUnion } from './kernels/wcc';
import { clearFlags, flagList, gather64, packEqual32, packFlagged32, packFlagged64, scatter64, unpackMin32, unpackMin64, unpackVisit32 } from './kernels/exchange';

/** First byte above the module's static data: the host's arena starts at or above it. */
export function heap_base(): usize {
  return __heap_base;
}

// --- exact sums (lib/exactsum.ts) ---
export function exactsum_bytes(): i32 {
  return EXACTSUM_BYTES;
}
export function exactsum_clear(acc: usize): void {
  exactsumClear(acc);
}
export function exactsum_add(acc: usize, value: f64): void {
  exactsumAdd(acc, value);
}
export function exactsum_add_array(acc: usize, values: usize, count: u32): void {
  for (let i: u32 = 0; i < count; i++) exactsumAdd(acc, load<f64>(values + (<usize>i << 3)));
}
export function exactsum_merge(target: usize, source: usize): void {
  exactsumMerge(target, source);
}
export function exactsum_normalize(acc: usize): void {
  exactsumNormalize(acc);
}
export function exactsum_finalize(acc: usize): f64 {
  return exactsumFinalize(acc);
}

// --- PageRank (kernels/pagerank.ts) ---
export function pagerank_scatter(outOffsets: usize, scores: usize, contrib: usize, begin: u32, end: u32, dangling: usize): u32 {
  return pagerankScatter(outOffsets, scores, contrib, begin, end, dangling);
}
export function pagerank_pull(
  inOffsets: usize,
  inSources: usize,
  contrib: usize,
  scores: usize,
  next: usize,
  begin: u32,
  end: u32,
  damping: f64,
  danglingShare: f64,
  teleport: f64,
  delta: usize,
): u32 {
  return pagerankPull(inOffsets, inSources, contrib, scores, next, begin, end, damping, danglingShare, teleport, delta);
}
// --- BFS (kernels/bfs.ts) ---
export function bfs_top_down(outOffsets: usize, outTargets: usize, levels: usize, frontier: usize, frontierCount: u32, next: usize, level: i32, stats: usize): u32 {
  return bfsTopDown(outOffsets, outTargets, levels, frontier, frontierCount, next, level, stats);
}
export function bfs_bottom_up(inOffsets: usize, inSources: usize, outOffsets: usize, levels: usize, begin: u32, end: u32, next: usize, level: i32, stats: usize): u32 {
  return bfsBottomUp(inOffsets, inSources, outOffsets, levels, begin, end, next, level, stats);
}

// --- SSSP (kernels/sssp.ts) ---
export function sssp_round(
  weightKind: i32,
  outOffsets: usize,
  outTargets: usize,
  weights: usize,
  dist: usize,
  queued: usize,
  worklist: usize,
  worklistCount: u32,
  next: usize,
): u32 {
  return ssspRound(weightKind, outOffsets, outTargets, weights, dist, queued, worklist, worklistCount, next);
}
export function sssp_finalize(dist: usize, begin: u32, end: u32): f64 {
  return ssspFinalize(dist, begin, end);
}

// --- WCC (kernels/wcc.ts) ---
export function wcc_init(parent: usize, begin: u32, end: u32): u32 {
  return wccInit(parent, begin, end);
}
export function wcc_union(outOffsets: usize, outTargets: usize, parent: usize, begin: u32, end: u32): u32 {
  return wccUnion(outOffsets, outTargets, parent, begin, end);
}
export function wcc_finalize(parent: usize, labels: usize, n: u32): u32 {
  return wccFinalize(parent, labels, n);
}
export function wcc_local_min(root: usize, labels: usize, rootLabel: usize, n: u32, flags: usize, out: usize, outCount: u32): u32 {
  return wccLocalMin(root, labels, rootLabel, n, flags, out, outCount);
}

// --- LIF (kernels/lif.ts, owned by the LIF engineer) ---
export * from './kernels/lif';

// --- edge-cut refinement (kernels/refine.ts, owned by the partitioner) ---
import { bisectionFmPass, bisectionGains, kwayFmPass, refineBoundary, refineKwayPass } from './kernels/refine';
export function refine_boundary(offsets: usize, targets: usize, owner: usize, n: u32, list: usize): u32 {
  return refineBoundary(offsets, targets, owner, n, list);
}
export function refine_kway_pass(
  offsets: usize,
  targets: usize,
  edgeWeights: usize,
  vertexWeights: usize,
  owner: usize,
  partWeight: usize,
  connection: usize,
  touched: usize,
  list: usize,
  count: u32,
  next: usize,
  queued: usize,
  pass: i32,
  limit: f64,
  stats: usize,
): u32 {
  return refineKwayPass(offsets, targets, edgeWeights, vertexWeights, owner, partWeight, connection, touched, list, count, next, queued, pass, limit, stats);
}
export function bisection_gains(offsets: usize, targets: usize, edgeWeights: usize, side: usize, n: u32, gain: usize, degree: usize): f64 {
  return bisectionGains(offsets, targets, edgeWeights, side, n, gain, degree);
}
export function bisection_fm_pass(
  offsets: usize,
  targets: usize,
  edgeWeights: usize,
  vertexWeights: usize,
  side: usize,
  n: u32,
  gain: usize,
  degree: usize,
  locked: usize,
  moves: usize,
  order: usize,
  keys0: usize,
  values0: usize,
  keys1: usize,
  values1: usize,
  max0: f64,
  max1: f64,
  patience: u32,
  state: usize,
): i32 {
  return bisectionFmPass(offsets, targets, edgeWeights, vertexWeights, side, n, gain, degree, locked, moves, order, keys0, values0, keys1, values1, max0, max1, patience, state);
}
export function kway_fm_pass(
  offsets: usize,
  targets: usize,
  edgeWeights: usize,
  vertexWeights: usize,
  owner: usize,
  partWeight: usize,
  n: u32,
  k: i32,
  connection: usize,
  touched: usize,
  hubOf: usize,
  hubConnection: usize,
  tabled: i32,
  rescoreDegree: f64,
  order: usize,
  keys: usize,
  values: usize,
  lockedIn: usize,
  movedVertex: usize,
  movedFrom: usize,
  choice: usize,
  pass: i32,
  limit: f64,
  patience: u32,
  budget: f64,
): f64 {
  return kwayFmPass(offsets, targets, edgeWeights, vertexWeights, owner, partWeight, n, k, connection, touched, hubOf, hubConnection, tabled, rescoreDegree, order, keys, values, lockedIn, movedVertex, movedFrom, choice, pass, limit, patience, budget);
}

// --- exchange between partitions (kernels/exchange.ts, owned by the distributed runtime) ---
export function exchange_gather64(source: usize, list: usize, count: u32, target: usize): u32 {
  return gather64(source, list, count, target);
}
export function exchange_scatter64(source: usize, list: usize, count: u32, target: usize): u32 {
  return scatter64(source, list, count, target);
}
export function exchange_pack_equal32(values: usize, list: usize, count: u32, value: i32, positions: usize): u32 {
  return packEqual32(values, list, count, value, positions);
}
export function exchange_unpack_visit32(values: usize, list: usize, positions: usize, count: u32, value: i32, out: usize, outCount: u32): u32 {
  return unpackVisit32(values, list, positions, count, value, out, outCount);
}
export function exchange_pack_flagged64(values: usize, flags: usize, list: usize, count: u32, positions: usize, payload: usize): u32 {
  return packFlagged64(values, flags, list, count, positions, payload);
}
export function exchange_pack_flagged32(values: usize, flags: usize, list: usize, count: u32, positions: usize, payload: usize): u32 {
  return packFlagged32(values, flags, list, count, positions, payload);
}
export function exchange_unpack_min64(values: usize, flags: usize, list: usize, positions: usize, payload: usize, count: u32, out: usize, outCount: u32): u32 {
  return unpackMin64(values, flags, list, positions, payload, count, out, outCount);
}
export function exchange_unpack_min32(values: usize, flags: usize, list: usize, positions: usize, payload: usize, count: u32, out: usize, outCount: u32): u32 {
  return unpackMin32(values, flags, list, positions, payload, count, out, outCount);
}
export function exchange_clear_flags(flags: usize, list: usize, count: u32): u32 {
  return clearFlags(flags, list, count);
}

// --- edge-cut coarsening (kernels/coarsen.ts, owned by the partitioner) ---
import { contractMatching, heavyEdgeMatch, undirectedView } from './kernels/coarsen';
export function heavy_edge_match(offsets: usize, targets: usize, edgeWeights: usize, vertexWeights: usize, n: u32, order: usize, maxVertexWeight: f64, match: usize): u32 {
  return heavyEdgeMatch(offsets, targets, edgeWeights, vertexWeights, n, order, maxVertexWeight, match);
}
export function contract_matching(
  offsets: usize,
  targets: usize,
  edgeWeights: usize,
  vertexWeights: usize,
  n: u32,
  match: usize,
  coarseOf: usize,
  representative: usize,
  position: usize,
  coarseOffsets: usize,
  coarseTargets: usize,
  coarseEdgeWeights: usize,
  coarseVertexWeights: usize,
  stats: usize,
): u32 {
  return contractMatching(offsets, targets, edgeWeights, vertexWeights, n, match, coarseOf, representative, position, coarseOffsets, coarseTargets, coarseEdgeWeights, coarseVertexWeights, stats);
}

// --- PageRank, split sums (kernels/pagerank.ts) and rows of fixed-point limbs (lib/fixedsum.ts) ---
import { pagerankApply, pagerankPartial } from './kernels/pagerank';
import { FIXEDSUM_ROW_BYTES, fixedsumAddRows, fixedsumGatherRows, fixedsumRoundRow } from './lib/fixedsum';
export function fixedsum_row_bytes(): i32 {
  return FIXEDSUM_ROW_BYTES;
}
export function fixedsum_add_rows(target: usize, source: usize, list: usize, count: u32): void {
  fixedsumAddRows(target, source, list, count);
}
export function fixedsum_gather_rows(source: usize, list: usize, count: u32, target: usize): void {
  fixedsumGatherRows(source, list, count, target);
}
export function fixedsum_round(row: usize): f64 {
  return fixedsumRoundRow(row);
}
export function pagerank_partial(inOffsets: usize, inSources: usize, contrib: usize, begin: u32, end: u32, limbs: usize): u32 {
  return pagerankPartial(inOffsets, inSources, contrib, begin, end, limbs);
}
export function pagerank_apply(
  limbs: usize,
  scores: usize,
  next: usize,
  begin: u32,
  end: u32,
  damping: f64,
  danglingShare: f64,
  teleport: f64,
  delta: usize,
): u32 {
  return pagerankApply(limbs, scores, next, begin, end, damping, danglingShare, teleport, delta);
}
export function undirected_view(outOffsets: usize, outTargets: usize, n: u32, start: usize, cursor: usize, raw: usize, weights: usize, position: usize, offsets: usize): u32 {
  return undirectedView(outOffsets, outTargets, n, start, cursor, raw, weights, position, offsets);
}

// --- message codecs (kernels/codec.ts, owned by the communication optimizer) ---
import {
  bitmapDecode,
  bitmapEncode,
  byteShuffle,
  byteUnshuffle,
  deltaVarintDecode,
  deltaVarintEncode,
  idRunsDecode,
  idRunsEncode,
  runLengthDecode,
  runLengthEncode,
  zigzagVarintDecode,
  zigzagVarintEncode,
} from './kernels/codec';
export function codec_delta_varint_encode(ids: usize, count: u32, maxId: u32, out: usize, capacity: u32): i32 {
  return deltaVarintEncode(ids, count, maxId, out, capacity);
}
export function codec_delta_varint_decode(input: usize, length: u32, maxId: u32, out: usize, capacity: u32): i32 {
  return deltaVarintDecode(input, length, maxId, out, capacity);
}
export function codec_bitmap_encode(ids: usize, count: u32, maxId: u32, out: usize, capacity: u32): i32 {
  return bitmapEncode(ids, count, maxId, out, capacity);
}
export function codec_bitmap_decode(input: usize, length: u32, maxId: u32, out: usize, capacity: u32): i32 {
  return bitmapDecode(input, length, maxId, out, capacity);
}
export function codec_id_runs_encode(ids: usize, count: u32, maxId: u32, out: usize, capacity: u32): i32 {
  return idRunsEncode(ids, count, maxId, out, capacity);
}
export function codec_id_runs_decode(input: usize, length: u32, maxId: u32, out: usize, capacity: u32): i32 {
  return idRunsDecode(input, length, maxId, out, capacity);
}
export function codec_zigzag_varint_encode(values: usize, count: u32, out: usize, capacity: u32): i32 {
  return zigzagVarintEncode(values, count, out, capacity);
}
export function codec_zigzag_varint_decode(input: usize, length: u32, out: usize, capacity: u32): i32 {
  return zigzagVarintDecode(input, length, out, capacity);
}
export function codec_run_length_encode(values: usize, count: u32, out: usize, capacity: u32): i32 {
  return runLengthEncode(values, count, out, capacity);
}
export function codec_run_length_decode(input: usize, length: u32, out: usize, capacity: u32): i32 {
  return runLengthDecode(input, length, out, capacity);
}
export function codec_byte_shuffle(input: usize, count: u32, width: u32, out: usize): i32 {
  return byteShuffle(input, count, width, out);
}
export function codec_byte_unshuffle(input: usize, count: u32, width: u32, out: usize): i32 {
  return byteUnshuffle(input, count, width, out);
}
export function exchange_flag_list(flags: usize, list: usize, count: u32, out: usize, outCount: u32): u32 {
  return flagList(flags, list, count, out, outCount);
}

// --- local searches between exchanges (kernels/bfs-local.ts, kernels/sssp-local.ts; distributed BFS and SSSP) ---
import { bfsLocal, bfsLocalFinalize } from './kernels/bfs-local';
import { ssspLocal } from './kernels/sssp-local';
export function bfs_local(
  outOffsets: usize,
  outTargets: usize,
  levels: usize,
  seeds: usize,
  seedCount: u32,
  heap: usize,
  position: usize,
  queue: usize,
  state: usize,
  limit: i32,
  changed: usize,
  changedList: usize,
): u32 {
  return bfsLocal(outOffsets, outTargets, levels, seeds, seedCount, heap, position, queue, state, limit, changed, changedList);
}
export function bfs_local_finalize(levels: usize, begin: u32, end: u32): i32 {
  return bfsLocalFinalize(levels, begin, end);
}
export function sssp_local(
  weightKind: i32,
  outOffsets: usize,
  outTargets: usize,
  weights: usize,
  dist: usize,
  seeds: usize,
  seedCount: u32,
  heap: usize,
  position: usize,
  queue: usize,
  state: usize,
  limit: f64,
  changed: usize,
  changedList: usize,
): u32 {
  return ssspLocal(weightKind, outOffsets, outTargets, weights, dist, seeds, seedCount, heap, position, queue, state, limit, changed, changedList);
}
