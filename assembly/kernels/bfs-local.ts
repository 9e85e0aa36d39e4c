// BFS between exchanges (distributed runs): a partition's levels to a local fixed point, multi-source.
// Returns: the number of vertices scanned (their out-arcs read) by this call.
// Method: Dial's bucket queue with buckets one level wide: the seeds (copies lowered by an exchange,
//   each at its own level) wait in an indexed binary heap, the vertices they reach go through a FIFO,
//   and the smaller head of the two is scanned next, so levels are scanned in nondecreasing order
//   and each vertex at most once per call; scanning stops above `limit` (Δ-stepping's bound), the
//   rest stays pending. Requires: see bfsLocal. Cite: Dial (CACM 1969); Meyer, Sanders (J. Alg. 2003).
//
// Why the levels are the single-worker levels: once nothing is pending, no local arc u -> v has
// levels[v] > levels[u] + 1 (a vertex is lowered only into the heap or FIFO, and scanned after its
// last lowering; the others met the condition before the call). A partition whose copies all meet it, with copies agreeing by the
// min combiner, holds BFS levels: the fixed point of level(v) = min over in-arcs of level(u) + 1 is unique.

/** position[v] of a vertex in no heap. */
export const NOT_IN_HEAP: u32 = 0xffff_ffff;
/** state u32[2], byte offsets: vertices listed in changedList so far; vertices pending in the heap. */
export const STATE_CHANGED: usize = 0;
export const STATE_PENDING: usize = 4;

// The heap: heap[i] is a vertex id, keyed by keys[heap[i]] (the distance array itself, so a lowered
// key is a sift-up and nothing else); position[v] is v's index in heap, NOT_IN_HEAP when absent.

@inline export function keyOf<T>(keys: usize, v: u32): T {
  return load<T>(keys + (<usize>v << alignof<T>()));
}

@inline function place(heap: usize, position: usize, i: u32, v: u32): void {
  store<u32>(heap + (<usize>i << 2), v);
  store<u32>(position + (<usize>v << 2), i);
}

/** Move the entry at index i up to its place (after its key was lowered or it was appended). */
@inline export function siftUp<T>(keys: usize, heap: usize, position: usize, i: u32): void {
  const v = load<u32>(heap + (<usize>i << 2));
  const key = keyOf<T>(keys, v);
  while (i > 0) {
    const parentIndex = (i - 1) >> 1;
    const parent = load<u32>(heap + (<usize>parentIndex << 2));
    if (keyOf<T>(keys, parent) <= key) break;
    place(heap, position, i, parent);
    i = parentIndex;
  }
  place(heap, position, i, v);
}

/** Append v (not in the heap) and sift it up; returns the new size. */
@inline export function heapInsert<T>(keys: usize, heap: usize, position: usize, size: u32, v: u32): u32 {
  place(heap, position, size, v);
  siftUp<T>(keys, heap, position, size);
  return size + 1;
}

/** Remove and return the smallest entry of a heap of `size` (> 0) entries. */
@inline export function heapPop<T>(keys: usize, heap: usize, position: usize, size: u32): u32 {
  const top = load<u32>(heap);
  store<u32>(position + (<usize>top << 2), NOT_IN_HEAP);
  const count = size - 1;
  if (count == 0) return top;
  const v = load<u32>(heap + (<usize>count << 2));
  const key = keyOf<T>(keys, v);
  let i: u32 = 0;
  for (;;) {
    let child: u32 = 2 * i + 1;
    if (child >= count) break;
    let childVertex = load<u32>(heap + (<usize>child << 2));
    let childKey = keyOf<T>(keys, childVertex);
    if (child + 1 < count) {
      const right = load<u32>(heap + (<usize>(child + 1) << 2));
      const rightKey = keyOf<T>(keys, right);
      if (rightKey < childKey) {
        child++;
        childVertex = right;
        childKey = rightKey;
      }
    }
    if (key <= childKey) break;
    place(heap, position, i, childVertex);
    i = child;
  }
  place(heap, position, i, v);
  return top;
}

/**
 * Put the seeds into the heap: a seed already there (left pending by an earlier call) had its key
 * lowered by the exchange, so it moves up; a seed listed twice goes in once. Returns the new size.
 */
@inline export function seedHeap<T>(keys: usize, seeds: usize, seedCount: u32, heap: usize, position: usize, size: u32): u32 {
  for (let i: u32 = 0; i < seedCount; i++) {
    const v = load<u32>(seeds + (<usize>i << 2));
    const at = load<u32>(position + (<usize>v << 2));
    if (at == NOT_IN_HEAP) size = heapInsert<T>(keys, heap, position, size, v);
    else siftUp<T>(keys, heap, position, at);
  }
  return size;
}

/** Flag v as changed and list it once (changedList[listed]); returns the new list length. */
@inline export function flagChanged(changed: usize, changedList: usize, listed: u32, v: u32): u32 {
  if (load<u8>(changed + <usize>v) != 0) return listed;
  store<u8>(changed + <usize>v, 1);
  store<u32>(changedList + (<usize>listed << 2), v);
  return listed + 1;
}

/**
 * The unit-weight search over keys of type T (i32 levels for BFS, f64 distances for SSSP with unit
 * weights): seeds into the heap, then scan whichever head is smaller while it is <= limit. A vertex
 * reached at key d + 1 from a vertex scanned at d is lowered; if it is in the heap its key just moves
 * up there, otherwise it joins the FIFO (whose keys are d or d + 1: it stays sorted). What is left
 * above the limit stays in the heap (the FIFO's rest moves there) for the next call.
 */
@inline export function searchUnit<T>(
  outOffsets: usize,
  outTargets: usize,
  keys: usize,
  seeds: usize,
  seedCount: u32,
  heap: usize,
  position: usize,
  queue: usize,
  state: usize,
  limit: T,
  changed: usize,
  changedList: usize,
): u32 {
  let size = seedHeap<T>(keys, seeds, seedCount, heap, position, load<u32>(state, STATE_PENDING));
  let listed = load<u32>(state, STATE_CHANGED);
  let head: u32 = 0;
  let tail: u32 = 0;
  let scanned: u32 = 0;
  while (head < tail || size > 0) {
    let u: u32;
    let key: T;
    const fromQueue = head < tail && (size == 0 || keyOf<T>(keys, load<u32>(queue + (<usize>head << 2))) <= keyOf<T>(keys, load<u32>(heap)));
    if (fromQueue) {
      u = load<u32>(queue + (<usize>head << 2));
      key = keyOf<T>(keys, u);
      if (key > limit) break;
      head++;
    } else {
      u = load<u32>(heap);
      key = keyOf<T>(keys, u);
      if (key > limit) break;
      heapPop<T>(keys, heap, position, size);
      size--;
    }
    const candidate = key + <T>1;
    // a seed not reached (i32.MAX_VALUE would wrap, +Infinity stays) has nothing to offer
    if (!(candidate > key)) continue;
    scanned++;
    let arc = outTargets + (<usize>load<u32>(outOffsets + (<usize>u << 2)) << 2);
    const last = outTargets + (<usize>load<u32>(outOffsets + (<usize>(u + 1) << 2)) << 2);
    for (; arc < last; arc += 4) {
      const v = load<u32>(arc);
      const slot = keys + (<usize>v << alignof<T>());
      if (candidate < load<T>(slot)) {
        store<T>(slot, candidate);
        const at = load<u32>(position + (<usize>v << 2));
        if (at != NOT_IN_HEAP) siftUp<T>(keys, heap, position, at);
        else {
          store<u32>(queue + (<usize>tail << 2), v);
          tail++;
        }
        listed = flagChanged(changed, changedList, listed, v);
      }
    }
  }
  // stopped at the limit: the FIFO's rest waits in the heap with the other pending vertices
  for (; head < tail; head++) size = heapInsert<T>(keys, heap, position, size, load<u32>(queue + (<usize>head << 2)));
  store<u32>(state, listed, STATE_CHANGED);
  store<u32>(state, size, STATE_PENDING);
  return scanned;
}

/**
 * Local BFS from `seeds` (u32[seedCount], each already at its level; duplicates allowed) over the
 * levels <= limit (i32.MAX_VALUE: to quiescence). Requires: levels i32[n], i32.MAX_VALUE = not reached
 * (so that the min combiner needs no special case; bfsLocalFinalize maps it to -1); heap u32[n];
 * position u32[n], NOT_IN_HEAP except for the heap's entries; queue u32[n]; state u32[2] (see
 * STATE_*); changed u8[n] and changedList u32[n]: every vertex lowered is flagged and listed once (the
 * copies the next exchange must announce). The pending vertices (state[1], keys > limit) are heap[0..).
 */
export function bfsLocal(
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
  return searchUnit<i32>(outOffsets, outTargets, levels, seeds, seedCount, heap, position, queue, state, limit, changed, changedList);
}

/** Replace i32.MAX_VALUE (not reached) by -1 over [begin, end); returns the largest level (-1 if none). */
export function bfsLocalFinalize(levels: usize, begin: u32, end: u32): i32 {
  let largest: i32 = -1;
  for (let v = begin; v < end; v++) {
    const slot = levels + (<usize>v << 2);
    const level = load<i32>(slot);
    if (level == i32.MAX_VALUE) store<i32>(slot, -1);
    else if (level > largest) largest = level;
  }
  return largest;
}
