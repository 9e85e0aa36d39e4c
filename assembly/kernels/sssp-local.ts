// SSSP between exchanges (distributed runs): a partition's distances to a local fixed point, multi-source.
// Returns: the number of vertices scanned (their out-arcs relaxed) by this call.
// Method: label-setting Dijkstra from every seed at its current distance (an indexed binary heap keyed
//   by dist itself) up to `limit`; unit weights take bfs-local's Dial search (seeds in the heap, the
//   rest in a FIFO).
// Requires: see ssspLocal. Cite: Dijkstra (1959); Williams (1964), heaps; Dial (CACM 1969).
//
// Why the result is kernels/sssp.ts's fixed point, bit for bit: a vertex is lowered only while it is
// (or is put) in the heap, and leaves the heap only to be scanned, so once nothing is pending every
// local arc has dist[v] <= fl(dist[u] + w) (vertices never lowered met it before the call, as the
// caller keeps them so; a `limit` only postpones scans to a later call). That is the condition the
// header of kernels/sssp.ts shows to have one fixed point, min over paths of the left-to-right float
// sum, whatever order the relaxations ran in.
// Why each vertex is scanned about once: fl(d + w) >= d for w >= 0 (rounding is monotone and d is a
// float), so keys leave the heap in nondecreasing order and a scanned vertex cannot be lowered again in
// the same call; should one be (it cannot with weights >= 0), it simply goes back into the heap.
import { WEIGHT_F64, WEIGHT_I32 } from '../layout';
import { flagChanged, heapInsert, heapPop, NOT_IN_HEAP, searchUnit, seedHeap, siftUp, STATE_CHANGED, STATE_PENDING } from './bfs-local';

@inline function dijkstra(
  kind: i32,
  outOffsets: usize,
  outTargets: usize,
  weights: usize,
  dist: usize,
  seeds: usize,
  seedCount: u32,
  heap: usize,
  position: usize,
  state: usize,
  limit: f64,
  changed: usize,
  changedList: usize,
): u32 {
  let size = seedHeap<f64>(dist, seeds, seedCount, heap, position, load<u32>(state, STATE_PENDING));
  let listed = load<u32>(state, STATE_CHANGED);
  let scanned: u32 = 0;
  while (size > 0) {
    const u = load<u32>(heap);
    const base = load<f64>(dist + (<usize>u << 3));
    if (base > limit) break;
    heapPop<f64>(dist, heap, position, size);
    size--;
    // a seed not reached (+Infinity) lowers nothing
    if (base == Infinity) continue;
    scanned++;
    const first = load<u32>(outOffsets + (<usize>u << 2));
    const last = load<u32>(outOffsets + (<usize>(u + 1) << 2));
    for (let arc = first; arc < last; arc++) {
      const v = load<u32>(outTargets + (<usize>arc << 2));
      let weight: f64 = 1.0;
      if (kind == WEIGHT_I32) weight = <f64>load<i32>(weights + (<usize>arc << 2));
      else if (kind == WEIGHT_F64) weight = load<f64>(weights + (<usize>arc << 3));
      const candidate = base + weight;
      const slot = dist + (<usize>v << 3);
      if (candidate < load<f64>(slot)) {
        store<f64>(slot, candidate);
        const at = load<u32>(position + (<usize>v << 2));
        if (at == NOT_IN_HEAP) size = heapInsert<f64>(dist, heap, position, size, v);
        else siftUp<f64>(dist, heap, position, at);
        listed = flagChanged(changed, changedList, listed, v);
      }
    }
  }
  store<u32>(state, listed, STATE_CHANGED);
  store<u32>(state, size, STATE_PENDING);
  return scanned;
}

/**
 * Local SSSP from `seeds` (u32[seedCount], each already at its distance; duplicates allowed) over
 * the distances <= limit (+Infinity: to quiescence). Requires: weights >= 0 by kind (layout.ts
 * WEIGHT_*); dist f64[n], +Infinity = not reached; heap u32[n]; position u32[n], NOT_IN_HEAP except
 * for the heap's entries; queue u32[n] (unit weights only); state u32[2] (bfs-local.ts STATE_*);
 * changed u8[n] and changedList u32[n]: every vertex lowered is flagged and listed once (the copies
 * the next exchange must announce). The pending vertices (state[1], keys > limit) are heap[0..).
 */
export function ssspLocal(
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
  // one specialised loop per weight kind: the kind test stays out of the arc loop
  if (weightKind == WEIGHT_I32) return dijkstra(WEIGHT_I32, outOffsets, outTargets, weights, dist, seeds, seedCount, heap, position, state, limit, changed, changedList);
  if (weightKind == WEIGHT_F64) return dijkstra(WEIGHT_F64, outOffsets, outTargets, weights, dist, seeds, seedCount, heap, position, state, limit, changed, changedList);
  return searchUnit<f64>(outOffsets, outTargets, dist, seeds, seedCount, heap, position, queue, state, limit, changed, changedList);
}
