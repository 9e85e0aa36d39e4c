// Edge-cut refinement passes (multilevel/refine.ts and initial.ts are their oracles), one call a pass.
// Returns: k-way pass: next list length (stats f64[2] = moves, gain); FM pass: 1 when to stop.
// Method: greedy k-way boundary moves within `limit`; FM on a bisection, best gain first from two
//   lazy max-heaps, rolled back to the best prefix. The TS driver draws the seeded visit orders.
// Requires: undirected CSR u32 offsets/targets, i32 edgeWeights, f64 vertexWeights; scratch zeroed.
// Cite: Karypis & Kumar, JPDC 48 (1998); Fiduccia & Mattheyses, DAC 1982.

/** Write the vertices with a neighbour in another part to `list`, in id order; returns their count. */
export function refineBoundary(offsets: usize, targets: usize, owner: usize, n: u32, list: usize): u32 {
  let count: u32 = 0;
  for (let v: u32 = 0; v < n; v++) {
    const own = load<i32>(owner + (<usize>v << 2));
    const end = load<u32>(offsets + (<usize>(v + 1) << 2));
    for (let e = load<u32>(offsets + (<usize>v << 2)); e < end; e++) {
      if (load<i32>(owner + (<usize>load<u32>(targets + (<usize>e << 2)) << 2)) != own) {
        store<u32>(list + (<usize>count << 2), v);
        count++;
        break;
      }
    }
  }
  return count;
}

/** Add `v` to the next list unless it is already there for this pass. */
@inline function enqueue(queued: usize, next: usize, count: u32, v: u32, pass: i32): u32 {
  const at = queued + (<usize>v << 2);
  if (load<i32>(at) == pass) return count;
  store<i32>(at, pass);
  store<u32>(next + (<usize>count << 2), v);
  return count + 1;
}

/** One greedy pass over `list[0, count)` (refine.ts refineKway is the oracle, statement for statement). */
export function refineKwayPass(
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
  let nextCount: u32 = 0;
  let moved: f64 = 0;
  let gained: f64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const v = load<u32>(list + (<usize>i << 2));
    const from = load<i32>(owner + (<usize>v << 2));
    const begin = load<u32>(offsets + (<usize>v << 2));
    const end = load<u32>(offsets + (<usize>(v + 1) << 2));
    // gather: connection weight by neighbouring part, parts touched in first-seen order
    let internal: f64 = 0;
    let touchedCount: i32 = 0;
    for (let e = begin; e < end; e++) {
      const p = load<i32>(owner + (<usize>load<u32>(targets + (<usize>e << 2)) << 2));
      const w = <f64>load<i32>(edgeWeights + (<usize>e << 2));
      if (p == from) {
        internal += w;
      } else {
        const at = connection + (<usize>p << 3);
        const old = load<f64>(at);
        if (old == 0) {
          store<i32>(touched + (<usize>touchedCount << 2), p);
          touchedCount++;
        }
        store<f64>(at, old + w);
      }
    }
    if (touchedCount == 0) continue;
    const weight = load<f64>(vertexWeights + (<usize>v << 3));
    let best: i32 = -1;
    let bestGain: f64 = -Infinity;
    let bestWeight: f64 = 0;
    for (let t: i32 = 0; t < touchedCount; t++) {
      const p = load<i32>(touched + (<usize>t << 2));
      const pw = load<f64>(partWeight + (<usize>p << 3));
      if (pw + weight > limit) continue;
      const gain = load<f64>(connection + (<usize>p << 3)) - internal;
      if (gain > bestGain || (gain == bestGain && best >= 0 && pw < bestWeight)) {
        best = p;
        bestGain = gain;
        bestWeight = pw;
      }
    }
    for (let t: i32 = 0; t < touchedCount; t++) store<f64>(connection + (<usize>load<i32>(touched + (<usize>t << 2)) << 3), 0);
    if (best < 0) continue;
    const fromAt = partWeight + (<usize>from << 3);
    // Zero-gain moves only when they even out the weights, so that passes cannot cycle.
    if (bestGain > 0 || (bestGain == 0 && bestWeight + weight < load<f64>(fromAt))) {
      store<i32>(owner + (<usize>v << 2), best);
      store<f64>(fromAt, load<f64>(fromAt) - weight);
      const toAt = partWeight + (<usize>best << 3);
      store<f64>(toAt, load<f64>(toAt) + weight);
      moved += 1;
      gained += bestGain;
      nextCount = enqueue(queued, next, nextCount, v, pass);
      for (let e = begin; e < end; e++) nextCount = enqueue(queued, next, nextCount, load<u32>(targets + (<usize>e << 2)), pass);
    }
  }
  store<f64>(stats, moved);
  store<f64>(stats + 8, gained);
  return nextCount;
}

// --- FM on a bisection (initial.ts refineBisection is the oracle), one call per pass ---
// Heaps: binary max-heaps of (gain f64, vertex i32) pairs with lazy deletion, as heap.ts GainHeap;
// a pass pushes at most n + 2E entries into the two together, so each region holds that many.

@inline function heapPush(keys: usize, values: usize, size: u32, key: f64, value: i32): u32 {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const parentKey = load<f64>(keys + (<usize>parent << 3));
    if (parentKey >= key) break;
    store<f64>(keys + (<usize>i << 3), parentKey);
    store<i32>(values + (<usize>i << 2), load<i32>(values + (<usize>parent << 2)));
    i = parent;
  }
  store<f64>(keys + (<usize>i << 3), key);
  store<i32>(values + (<usize>i << 2), value);
  return size + 1;
}

@inline function heapPop(keys: usize, values: usize, size: u32): u32 {
  const last = size - 1;
  if (last == 0) return 0;
  const key = load<f64>(keys + (<usize>last << 3));
  const value = load<i32>(values + (<usize>last << 2));
  let i: u32 = 0;
  for (;;) {
    let child: u32 = 2 * i + 1;
    if (child >= last) break;
    if (child + 1 < last && load<f64>(keys + (<usize>(child + 1) << 3)) > load<f64>(keys + (<usize>child << 3))) child++;
    const childKey = load<f64>(keys + (<usize>child << 3));
    if (childKey <= key) break;
    store<f64>(keys + (<usize>i << 3), childKey);
    store<i32>(values + (<usize>i << 2), load<i32>(values + (<usize>child << 2)));
    i = child;
  }
  store<f64>(keys + (<usize>i << 3), key);
  store<i32>(values + (<usize>i << 2), value);
  return last;
}

@inline function overweight(weight0: f64, weight1: f64, max0: f64, max1: f64): f64 {
  return max<f64>(0, weight0 - max0) + max<f64>(0, weight1 - max1);
}

/**
 * Exact gains (external − internal weight) and weighted degrees of every vertex of a bisection;
 * returns the cut weight.
 */
export function bisectionGains(offsets: usize, targets: usize, edgeWeights: usize, side: usize, n: u32, gain: usize, degree: usize): f64 {
  let cut: f64 = 0;
  for (let v: u32 = 0; v < n; v++) {
    const own = load<u8>(side + <usize>v);
    let external: f64 = 0;
    let internal: f64 = 0;
    const end = load<u32>(offsets + (<usize>(v + 1) << 2));
    for (let e = load<u32>(offsets + (<usize>v << 2)); e < end; e++) {
      const w = <f64>load<i32>(edgeWeights + (<usize>e << 2));
      if (load<u8>(side + <usize>load<u32>(targets + (<usize>e << 2))) == own) internal += w;
      else external += w;
    }
    store<f64>(gain + (<usize>v << 3), external - internal);
    store<f64>(degree + (<usize>v << 3), external + internal);
    cut += external;
  }
  return cut / 2;
}

/**
 * One FM pass over a bisection, in place: boundary vertices pushed in `order`, moved best gain
 * first within the side limits, rolled back to the best prefix. state f64[3] = weight0, weight1,
 * cut, read and written. Returns 1 when the driver should stop (the pass found nothing better).
 */
export function bisectionFmPass(
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
  let weight0 = load<f64>(state);
  let weight1 = load<f64>(state + 8);
  let cut = load<f64>(state + 16);
  let size0: u32 = 0;
  let size1: u32 = 0;
  memory.fill(locked, 0, <usize>n);
  for (let i: u32 = 0; i < n; i++) {
    const v = load<i32>(order + (<usize>i << 2));
    const g = load<f64>(gain + (<usize>v << 3));
    if (g + load<f64>(degree + (<usize>v << 3)) > 0) {
      if (load<u8>(side + <usize>v) == 0) size0 = heapPush(keys0, values0, size0, g, v);
      else size1 = heapPush(keys1, values1, size1, g, v);
    }
  }
  const startCut = cut;
  const startOver = overweight(weight0, weight1, max0, max1);
  let bestCut = cut;
  let bestOver = startOver;
  let bestMoves: u32 = 0;
  let count: u32 = 0;
  for (;;) {
    // the valid top of each side's heap
    let top0: i32 = -1;
    while (size0 > 0) {
      const v = load<i32>(values0);
      if (!load<u8>(locked + <usize>v) && load<u8>(side + <usize>v) == 0 && load<f64>(keys0) == load<f64>(gain + (<usize>v << 3))) {
        top0 = v;
        break;
      }
      size0 = heapPop(keys0, values0, size0);
    }
    let top1: i32 = -1;
    while (size1 > 0) {
      const v = load<i32>(values1);
      if (!load<u8>(locked + <usize>v) && load<u8>(side + <usize>v) == 1 && load<f64>(keys1) == load<f64>(gain + (<usize>v << 3))) {
        top1 = v;
        break;
      }
      size1 = heapPop(keys1, values1, size1);
    }
    const over = overweight(weight0, weight1, max0, max1);
    let from: i32 = -1;
    let fromGain: f64 = 0;
    if (top0 >= 0) {
      const w = load<f64>(vertexWeights + (<usize>top0 << 3));
      const after = overweight(weight0 - w, weight1 + w, max0, max1);
      // A move may not add weight above the limits, except while it reduces the excess.
      if (!(after > 0 && after >= over)) {
        from = 0;
        fromGain = load<f64>(gain + (<usize>top0 << 3));
      }
    }
    if (top1 >= 0) {
      const w = load<f64>(vertexWeights + (<usize>top1 << 3));
      const after = overweight(weight0 + w, weight1 - w, max0, max1);
      if (!(after > 0 && after >= over)) {
        const g = load<f64>(gain + (<usize>top1 << 3));
        if (from < 0 || g > fromGain || (g == fromGain && weight1 > weight0)) from = 1;
      }
    }
    if (from < 0) break;
    let v: i32;
    if (from == 0) {
      v = top0;
      size0 = heapPop(keys0, values0, size0);
    } else {
      v = top1;
      size1 = heapPop(keys1, values1, size1);
    }
    const to: u8 = from == 0 ? 1 : 0;
    store<u8>(side + <usize>v, to);
    store<u8>(locked + <usize>v, 1);
    store<i32>(moves + (<usize>count << 2), v);
    count++;
    const gainAt = gain + (<usize>v << 3);
    const g = load<f64>(gainAt);
    cut -= g;
    store<f64>(gainAt, -g);
    const w = load<f64>(vertexWeights + (<usize>v << 3));
    if (from == 0) {
      weight0 -= w;
      weight1 += w;
    } else {
      weight1 -= w;
      weight0 += w;
    }
    const end = load<u32>(offsets + (<usize>(v + 1) << 2));
    for (let e = load<u32>(offsets + (<usize>v << 2)); e < end; e++) {
      const u = load<i32>(targets + (<usize>e << 2));
      const ew = <f64>load<i32>(edgeWeights + (<usize>e << 2));
      const uAt = gain + (<usize>u << 3);
      const uSide = load<u8>(side + <usize>u);
      const ug = load<f64>(uAt) + (uSide == to ? -2 * ew : 2 * ew);
      store<f64>(uAt, ug);
      if (!load<u8>(locked + <usize>u)) {
        if (uSide == 0) size0 = heapPush(keys0, values0, size0, ug, u);
        else size1 = heapPush(keys1, values1, size1, ug, u);
      }
    }
    const nowOver = overweight(weight0, weight1, max0, max1);
    if (nowOver < bestOver || (nowOver == bestOver && cut < bestCut)) {
      bestOver = nowOver;
      bestCut = cut;
      bestMoves = count;
    } else if (count - bestMoves > patience) {
      break;
    }
  }
  // roll back to the best prefix
  for (let i = <i32>count - 1; i >= <i32>bestMoves; i--) {
    const v = load<i32>(moves + (<usize>i << 2));
    const back: u8 = load<u8>(side + <usize>v) == 0 ? 1 : 0;
    const w = load<f64>(vertexWeights + (<usize>v << 3));
    if (back == 0) {
      weight0 += w;
      weight1 -= w;
    } else {
      weight1 += w;
      weight0 -= w;
    }
    store<u8>(side + <usize>v, back);
    const gainAt = gain + (<usize>v << 3);
    store<f64>(gainAt, -load<f64>(gainAt));
    const end = load<u32>(offsets + (<usize>(v + 1) << 2));
    for (let e = load<u32>(offsets + (<usize>v << 2)); e < end; e++) {
      const u = load<i32>(targets + (<usize>e << 2));
      const ew = <f64>load<i32>(edgeWeights + (<usize>e << 2));
      const uAt = gain + (<usize>u << 3);
      store<f64>(uAt, load<f64>(uAt) + (load<u8>(side + <usize>u) == back ? -2 * ew : 2 * ew));
    }
  }
  store<f64>(state, weight0);
  store<f64>(state + 8, weight1);
  store<f64>(state + 16, bestCut);
  return bestMoves == 0 || (bestCut == startCut && bestOver == startOver) ? 1 : 0;
}

// --- k-way FM (refine.ts refineKwayFm is the oracle), one call per pass ---

/**
 * Best admissible move of v: the part (into `best` slot 0 of `choice` i32[1]) and its gain, or
 * -Infinity with -1. A tabled hub is scored from its row of the hub table, parts in id order;
 * anyone else by gathering its edges, parts in first-seen order (the oracle's two paths).
 */
@inline function fmBestMove(
  v: i32,
  offsets: usize,
  targets: usize,
  edgeWeights: usize,
  vertexWeights: usize,
  owner: usize,
  partWeight: usize,
  k: i32,
  connection: usize,
  touched: usize,
  hubOf: usize,
  hubConnection: usize,
  tabled: i32,
  limit: f64,
  choice: usize,
): f64 {
  let bestTarget: i32 = -1;
  let bestGain: f64 = -Infinity;
  let bestWeight: f64 = 0;
  const own = load<i32>(owner + (<usize>v << 2));
  const weight = load<f64>(vertexWeights + (<usize>v << 3));
  const h = tabled ? load<i32>(hubOf + (<usize>v << 2)) : -1;
  if (h >= 0) {
    const row = hubConnection + ((<usize>h * <usize>k) << 3);
    const internal = load<f64>(row + (<usize>own << 3));
    for (let p: i32 = 0; p < k; p++) {
      const linked = load<f64>(row + (<usize>p << 3));
      if (p == own || linked <= 0) continue;
      const pw = load<f64>(partWeight + (<usize>p << 3));
      if (pw + weight > limit) continue;
      const gain = linked - internal;
      if (gain > bestGain || (gain == bestGain && bestTarget >= 0 && pw < bestWeight)) {
        bestTarget = p;
        bestGain = gain;
        bestWeight = pw;
      }
    }
    store<i32>(choice, bestTarget);
    return bestGain;
  }
  let internal: f64 = 0;
  let touchedCount: i32 = 0;
  const end = load<u32>(offsets + (<usize>(v + 1) << 2));
  for (let e = load<u32>(offsets + (<usize>v << 2)); e < end; e++) {
    const p = load<i32>(owner + (<usize>load<u32>(targets + (<usize>e << 2)) << 2));
    const w = <f64>load<i32>(edgeWeights + (<usize>e << 2));
    if (p == own) {
      internal += w;
    } else {
      const at = connection + (<usize>p << 3);
      const old = load<f64>(at);
      if (old == 0) {
        store<i32>(touched + (<usize>touchedCount << 2), p);
        touchedCount++;
      }
      store<f64>(at, old + w);
    }
  }
  for (let t: i32 = 0; t < touchedCount; t++) {
    const p = load<i32>(touched + (<usize>t << 2));
    const pw = load<f64>(partWeight + (<usize>p << 3));
    if (pw + weight > limit) continue;
    const gain = load<f64>(connection + (<usize>p << 3)) - internal;
    if (gain > bestGain || (gain == bestGain && bestTarget >= 0 && pw < bestWeight)) {
      bestTarget = p;
      bestGain = gain;
      bestWeight = pw;
    }
  }
  for (let t: i32 = 0; t < touchedCount; t++) store<f64>(connection + (<usize>load<i32>(touched + (<usize>t << 2)) << 3), 0);
  store<i32>(choice, bestTarget);
  return bestGain;
}

/** v moved from part a to part b: the rows of its tabled hub neighbours follow. */
@inline function fmUpdateHubs(v: i32, a: i32, b: i32, offsets: usize, targets: usize, edgeWeights: usize, k: i32, hubOf: usize, hubConnection: usize): void {
  const end = load<u32>(offsets + (<usize>(v + 1) << 2));
  for (let e = load<u32>(offsets + (<usize>v << 2)); e < end; e++) {
    const h = load<i32>(hubOf + (<usize>load<u32>(targets + (<usize>e << 2)) << 2));
    if (h < 0) continue;
    const w = <f64>load<i32>(edgeWeights + (<usize>e << 2));
    const row = hubConnection + ((<usize>h * <usize>k) << 3);
    store<f64>(row + (<usize>a << 3), load<f64>(row + (<usize>a << 3)) - w);
    store<f64>(row + (<usize>b << 3), load<f64>(row + (<usize>b << 3)) + w);
  }
}

/**
 * One k-way FM pass, in place (owner, partWeight, hub table): vertices scored in `order`, moved
 * best gain first within `limit`, each once (lockedIn[v] = pass), stopped by `patience` or the
 * work budget, rolled back to the best prefix. Returns the cut reduction kept (≥ 0).
 */
export function kwayFmPass(
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
  let size: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const v = load<i32>(order + (<usize>i << 2));
    const gain = fmBestMove(v, offsets, targets, edgeWeights, vertexWeights, owner, partWeight, k, connection, touched, hubOf, hubConnection, tabled, limit, choice);
    if (load<i32>(choice) >= 0) size = heapPush(keys, values, size, gain, v);
  }
  let count: u32 = 0;
  let delta: f64 = 0;
  let bestDelta: f64 = 0;
  let bestCount: u32 = 0;
  let work: f64 = 0;
  while (size > 0 && work < budget) {
    const v = load<i32>(values);
    const key = load<f64>(keys);
    size = heapPop(keys, values, size);
    if (load<i32>(lockedIn + (<usize>v << 2)) == pass) continue;
    const vBegin = load<u32>(offsets + (<usize>v << 2));
    const vEnd = load<u32>(offsets + (<usize>(v + 1) << 2));
    work += tabled && load<i32>(hubOf + (<usize>v << 2)) >= 0 ? <f64>k : <f64>(vEnd - vBegin);
    const gain = fmBestMove(v, offsets, targets, edgeWeights, vertexWeights, owner, partWeight, k, connection, touched, hubOf, hubConnection, tabled, limit, choice);
    const to = load<i32>(choice);
    if (to < 0) continue;
    if (gain != key) {
      size = heapPush(keys, values, size, gain, v);
      continue;
    }
    const from = load<i32>(owner + (<usize>v << 2));
    const weight = load<f64>(vertexWeights + (<usize>v << 3));
    store<i32>(owner + (<usize>v << 2), to);
    store<f64>(partWeight + (<usize>from << 3), load<f64>(partWeight + (<usize>from << 3)) - weight);
    store<f64>(partWeight + (<usize>to << 3), load<f64>(partWeight + (<usize>to << 3)) + weight);
    if (tabled) fmUpdateHubs(v, from, to, offsets, targets, edgeWeights, k, hubOf, hubConnection);
    store<i32>(lockedIn + (<usize>v << 2), pass);
    store<i32>(movedVertex + (<usize>count << 2), v);
    store<i32>(movedFrom + (<usize>count << 2), from);
    count++;
    delta += gain;
    if (delta > bestDelta) {
      bestDelta = delta;
      bestCount = count;
    } else if (count - bestCount > patience) {
      break;
    }
    for (let e = vBegin; e < vEnd; e++) {
      const u = load<i32>(targets + (<usize>e << 2));
      if (load<i32>(lockedIn + (<usize>u << 2)) == pass) continue;
      const degree = load<u32>(offsets + (<usize>(u + 1) << 2)) - load<u32>(offsets + (<usize>u << 2));
      if (<f64>degree > rescoreDegree) {
        if (!tabled) continue;
        work += <f64>k;
      } else {
        work += <f64>degree;
      }
      const next = fmBestMove(u, offsets, targets, edgeWeights, vertexWeights, owner, partWeight, k, connection, touched, hubOf, hubConnection, tabled, limit, choice);
      if (load<i32>(choice) >= 0) size = heapPush(keys, values, size, next, u);
    }
  }
  for (let i = <i32>count - 1; i >= <i32>bestCount; i--) {
    const v = load<i32>(movedVertex + (<usize>i << 2));
    const to = load<i32>(movedFrom + (<usize>i << 2));
    const now = load<i32>(owner + (<usize>v << 2));
    if (tabled) fmUpdateHubs(v, now, to, offsets, targets, edgeWeights, k, hubOf, hubConnection);
    const weight = load<f64>(vertexWeights + (<usize>v << 3));
    store<f64>(partWeight + (<usize>now << 3), load<f64>(partWeight + (<usize>now << 3)) - weight);
    store<f64>(partWeight + (<usize>to << 3), load<f64>(partWeight + (<usize>to << 3)) + weight);
    store<i32>(owner + (<usize>v << 2), to);
  }
  return bestDelta;
}
